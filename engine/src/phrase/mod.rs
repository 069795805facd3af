//! Turn-taking: when the player's call starts and ends, and when and what the response plays.
//! Clocked in 16th steps by the audio thread; no I/O, no model, no allocation.

pub mod actions;
pub mod ending;
pub mod meter;
pub mod request;
pub mod rules;
pub mod span;
pub mod state;
pub mod window_id;

pub use actions::{Action, Actions};
pub use ending::{Ending, LastBar, ending};
pub use meter::Meter;
pub use request::{AnswerRequest, Heard, Responder};
pub use rules::{AfterResponse, PhraseRules};
pub use span::StepSpan;
pub use state::{TurnState, Turns};
pub use window_id::WindowId;
