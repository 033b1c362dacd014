mod client_ip;
mod distinct_id;
mod layer;
mod titles;
