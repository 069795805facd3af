//! Model families behind one seam. A family is one folder here that knows what its events mean
//! (its encoding, its performances as read from and written to MIDI, what a played step becomes
//! and what a generated one plays as, how a call ends, how the editor draws it) and implements
//! [`ModelFamily`]; [`registry`] lists them. Everything else carries [`EventId`]s and calls the
//! seam, never a family's own event type.
//!
//! [`EventId`]: crate::encoding::EventId

pub mod chords;
mod drum_part_notice;
pub mod drums;
mod family;
pub mod melody;
mod model_family;
mod registry;
pub mod text_roll;

pub use family::Family;
pub use model_family::{ModelFamily, RollRows, StepNote, TakeStep};

/// Velocity of an answer to a call with no notes to take it from.
pub const DEFAULT_VELOCITY: u8 = 100;
