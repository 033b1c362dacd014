mod auth;
mod cloud;
mod secrets;
mod stats;
mod websites;
