//! Magenta-compatible encodings of musical events for the LSTM.

pub mod counters;
pub mod drums;
