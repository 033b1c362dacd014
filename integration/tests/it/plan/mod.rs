mod check;
mod collector;
mod drift;
mod schema;
