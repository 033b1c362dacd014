mod contract;
mod coverage;
mod recordings;
mod wire;
