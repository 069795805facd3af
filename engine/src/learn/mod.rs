//! Learning the player: the calls a session heard, and a learner that fine-tunes a copy of the
//! loaded model on them, pulled toward the weights it started from so that it keeps what it
//! knew. The learner runs on its own thread, never on the audio thread or the model thread.

mod call;
mod learner;
mod mixture;
pub mod record;
mod score;
pub mod session;
pub mod thread;

pub use call::HeardCall;
pub use learner::{LearnSettings, Learner};
pub use mixture::BayesMix;
pub use score::call_log_likelihood;
