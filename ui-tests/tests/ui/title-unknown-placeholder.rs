use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(title = "Course {name}")]
struct ViewCourse {
    course: String,
}

fn main() {}
