mod error_chain;
mod optional_ids;
mod payload;
mod responses;
mod secrets;
mod v3_keys;
mod validation;
