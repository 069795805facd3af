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

/// Which `UseModel` a `Loaded` answers: the audio thread numbers its requests, so that a reply
/// to an earlier one (a model loaded at activation, or one the Model parameter has moved on from)
/// is never taken for the answer to the latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelRequest(u32);

impl ModelRequest {
    /// The request after this one.
    pub fn next(self) -> ModelRequest {
        ModelRequest(self.0.wrapping_add(1))
    }
}

/// One model the model thread loaded, as its `Loaded` names it: every `Loaded` starts a new one.
/// What the audio thread heard for a model travels with the load it was heard for, and the model
/// thread drops what was heard for another, so no model ever hears another family's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelLoad(u32);

impl ModelLoad {
    /// The load after this one.
    pub fn next(self) -> ModelLoad {
        ModelLoad(self.0.wrapping_add(1))
    }
}

/// Audio thread → model thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ToWorker {
    /// Forget the call in progress (transport jump, stop, model swap, a call too short).
    Reset,
    /// Answer with the model in this slot from now on (the Model parameter moved).
    UseModel { slot: u32, request: ModelRequest },
    /// The jam model: the slot whose model answers the model's answers in a jam (`None`: no
    /// jam).
    UseJamModel { slot: Option<u32> },
    /// What the audio thread heard and asks for with the model of `load`; dropped when that is
    /// no longer the model loaded.
    Phrase { load: ModelLoad, message: Phrase },
}

/// What a phrase asks of the model thread: its call as heard, step by step, and its answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phrase {
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
    /// Load `load`, a model of `family`, answers from now on (`None`: no model could be loaded,
    /// nothing answers), as asked by `request`: at start (the first request), after a
    /// `UseModel`, when the folder of the slot in use changed under it (a song's state was
    /// loaded), or after the model thread recovered from a failure. Windows asked for before
    /// will not be filled.
    Loaded {
        request: ModelRequest,
        load: ModelLoad,
        family: Option<Family>,
    },
}
