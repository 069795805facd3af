//! The two lock-free rings between the audio thread and the model thread carry these. Both are
//! `Copy` and heap-free, so pushing and popping them never allocates.

use std::num::NonZeroU32;
use std::time::Instant;

use crate::encoding::StepEvents;
use crate::encoding::groove::GrooveValues;
use crate::encoding::key::KeyChoice;
use crate::encoding::scale::Scale;
use crate::families::Family;
use crate::model::Beams;
use crate::phrase::{AnswerRequest, WindowId};

/// A `UseModel` as the audio thread numbers them: a reply names the request it answers, so that
/// a reply to an earlier one (the model loaded at activation, or one the Model parameter has
/// moved on from) is never taken for the answer to the latest; and what is heard for a model
/// travels with its request, so that the model thread drops what was heard for another (no
/// model ever hears another family's events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ModelRequest(u32);

impl ModelRequest {
    /// The request after this one.
    pub fn next(self) -> ModelRequest {
        ModelRequest(self.0.wrapping_add(1))
    }
}

/// Audio thread → model thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ToWorker {
    /// Forget the call in progress (transport jump, stop, model swap, a call too short).
    Reset,
    /// Answer with the model in `slot` from now on (the Model parameter moved, or the model
    /// thread loaded the slot's model again). The audio thread hears the call in `family` from
    /// now on (`None`: not known, it waits for `Loaded`).
    UseModel {
        slot: u32,
        request: ModelRequest,
        family: Option<Family>,
    },
    /// The jam model: the slot whose model answers the model's answers in a jam (`None`: no
    /// jam).
    UseJamModel { slot: Option<u32> },
    /// What the audio thread heard and asks for with the model of `request`; dropped when the
    /// model thread is on another request, or the model loaded plays another family.
    Phrase {
        request: ModelRequest,
        message: Phrase,
    },
}

/// What a phrase asks of the model thread: its call as heard, step by step, and its answers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phrase {
    /// A call started at bar line `start`; `steps_per_bar` places the model's bar snapshots.
    CallStarted { start: i64, steps_per_bar: u32 },
    /// Step `step` of the call closed with `events`, played as `groove` says. Steps arrive in
    /// order; a gap is rests.
    CallStep {
        step: i64,
        events: StepEvents,
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
    /// Whether the call answered joins what the model learns from (the Learn parameter).
    pub learn: bool,
}

/// Model thread → audio thread.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FromWorker {
    /// The events of step `step` of window `id`, and how a groove model plays it (`None`: on
    /// the grid).
    Step {
        id: WindowId,
        step: i64,
        events: StepEvents,
        groove: Option<GrooveValues>,
    },
    /// Every step of window `id` has been sent.
    Finished { id: WindowId },
    /// The model asked for by `request` is loaded and plays `family` (`None`: no model could be
    /// loaded, nothing answers). When the audio thread heard for another family, nothing it sent
    /// for this request is heard: it asks again.
    Loaded {
        request: ModelRequest,
        family: Option<Family>,
    },
    /// The model of the slot `request` asked for was loaded again (a song's state put another
    /// folder under it, or the model thread recovered from a failure): nothing sent for that
    /// request is heard any more, and windows asked for will not be filled. The audio thread
    /// ends the phrase and asks again.
    Reloaded { request: ModelRequest },
}
