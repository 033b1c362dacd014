mod answers;
mod default_user_agent;
mod e2e;
mod recorded;
mod v31;
