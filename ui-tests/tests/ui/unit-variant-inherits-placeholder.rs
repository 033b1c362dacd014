use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(url = "/courses/{course}")]
enum CourseEvent {
    Viewed { course: String },
    ListOpened,
}

fn main() {}
