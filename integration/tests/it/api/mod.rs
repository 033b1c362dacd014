mod contract;
mod recordings;
mod wire;
