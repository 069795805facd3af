//! The live performer: the audio thread's side (grid, turn-taking, the family's quantizer and
//! renderer, scheduling) and the model thread that listens and answers, joined by two lock-free
//! rings. Only the quantizer and the renderer know what an event id means.
//!
//! Audio thread: [`performer`] (the glue), [`grid`], [`quantize`], [`render`], [`schedule`],
//! [`voices`], [`output`], [`deadline`], [`monitor`]. Model thread: [`worker`], [`listener`],
//! [`shelf`]. Between them: [`messages`], and [`families`] (what each model slot plays). To the
//! editor: [`feed`] and [`monitor`].

pub mod deadline;
pub mod families;
pub mod feed;
pub mod feel;
pub mod grid;
pub mod io;
pub mod listener;
pub mod messages;
pub mod monitor;
pub mod output;
pub mod performer;
pub mod quantize;
pub mod render;
pub mod schedule;
pub mod shelf;
pub mod voices;
pub mod voicing;
pub mod worker;
