//! The live performer: the audio thread's side (grid, turn-taking, scheduling) and the model
//! thread that listens and answers, joined by two lock-free rings.
//!
//! Audio thread: [`performer`], [`grid`], [`schedule`], [`voices`], [`monitor`].
//! Model thread: [`worker`], [`listener`], [`shelf`]. Between them: [`messages`]. To the
//! editor: [`feed`] and [`monitor`].

pub mod feed;
pub mod grid;
pub mod io;
pub mod listener;
pub mod messages;
pub mod monitor;
pub mod performer;
pub mod schedule;
pub mod shelf;
pub mod voices;
pub mod worker;
