//! Magenta-compatible encodings of musical events for the LSTM: the vocabulary-neutral event id
//! the pipeline carries, and each model family's own encoding.

pub mod counters;
pub mod event;
pub mod groove;
pub mod key;
pub mod scale;
pub mod step_events;
pub mod transposition;

pub use event::EventId;
pub use step_events::StepEvents;
