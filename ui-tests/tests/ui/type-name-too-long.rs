use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct UserCompletedTheOnboardingChecklistAfterTheTrialEnded {
    plan: String,
}

fn main() {}
