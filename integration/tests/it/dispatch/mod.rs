mod bot_filter;
mod http;
mod lifecycle;
mod memory;
mod retry_after;
mod runtime;
mod spool;
mod spool_format;
