use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(url = "/courses/{}")]
struct ViewCourse {
    course: String,
}

fn main() {}
