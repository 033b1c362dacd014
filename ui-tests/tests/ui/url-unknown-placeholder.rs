use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(url = "/courses/{course_id}")]
struct ViewCourse {
    course: String,
    lesson: u32,
}

fn main() {}
