use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(url = "/courses/{course")]
struct ViewCourse {
    course: String,
}

fn main() {}
