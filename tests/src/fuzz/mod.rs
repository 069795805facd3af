//! The randomized host-session fuzzer: seeded sessions that drive the real debug bundle through
//! everything a host may do, checked against what must always hold.

pub mod invariants;
pub mod runner;
pub mod session;

pub use runner::{replay_command, run_session, run_sessions_here, run_sessions_in_children};
pub use session::FuzzSession;
