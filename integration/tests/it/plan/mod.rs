mod check;
mod collector;
mod drift;
mod integer_schema;
mod schema;
