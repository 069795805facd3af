//! The two lock-free rings between the audio thread and the model thread carry these. Both are
//! `Copy` and heap-free, so pushing and popping them never allocates.

use std::num::NonZeroU32;
use std::time::Instant;

use crate::encoding::groove::GrooveValues;
use crate::encoding::key::KeyChoice;
use crate::encoding::scale::Scale;
use crate::encoding::{EventId, Family};
use crate::model::Beams;
use crate::phrase::{AnswerRequest, WindowId};

/// Audio thread → model thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ToWorker {
    /// Forget the call in progress (transport jump, stop, model swap, a call too short).
    Reset,
    /// Answer with the model in this slot from now on (the Model parameter moved).
    UseModel { slot: u32 },
    /// The jam model: the slot whose model answers the model's answers in a jam (`None`: no
    /// jam).
    UseJamModel { slot: Option<u32> },
    /// A call started at bar line `start`; `steps_per_bar` places the model's bar snapshots.
    CallStarted { start: i64, steps_per_bar: u32 },
    /// Step `step` of the call closed with `event`, played as `groove` says. Steps arrive in
    /// order; a gap is rests.
    CallStep {
        step: i64,
        event: EventId,
        groove: GrooveValues,
    },
    /// Answer as `request` says.
    Answer {
        request: AnswerRequest,
        generation: Generation,
        /// When the first response step must be in the ring to sound on time.
        deadline: Instant,
    },
}

/// Sampling settings, read from the parameters when the call is decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Generation {
    /// Softmax temperature.
    pub temperature: f32,
    /// `None`: a fresh take every phrase; `Some(seed)`: reproducible takes.
    pub seed: Option<NonZeroU32>,
    /// The key a melodic answer keeps to (with a scale).
    pub key: KeyChoice,
    /// The scale a melodic answer's notes are held to (`Off`: any note).
    pub scale: Scale,
    /// Takes searched side by side for each answer; one streams a single take step by step.
    pub beams: Beams,
}

/// Model thread → audio thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FromWorker {
    /// The event of step `step` of window `id`, and how a groove model plays it (`None`: on
    /// the grid).
    Step {
        id: WindowId,
        step: i64,
        event: EventId,
        groove: Option<GrooveValues>,
    },
    /// Every step of window `id` has been sent.
    Finished { id: WindowId },
    /// A model of `family` is loaded and answers from now on (`None`: no model could be loaded,
    /// nothing answers): at start, after a `UseModel`, or when the folder of the slot in use
    /// changed under it (a song's state was loaded). Windows asked for before will not be filled.
    Loaded { family: Option<Family> },
}
