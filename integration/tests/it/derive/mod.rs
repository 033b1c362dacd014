mod enums;
mod lints;
mod structs;
