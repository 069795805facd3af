//! The one request that travels from the turn-taking decision to the model thread.

use super::span::StepSpan;
use super::window_id::WindowId;

/// What the model answers: decided by [`Turns`](super::Turns), carried unchanged to the model
/// thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerRequest {
    /// The window the answer fills.
    pub id: WindowId,
    /// What the model answers.
    pub heard: Heard,
    /// Where the answer plays.
    pub response: StepSpan,
    /// Which model answers.
    pub responder: Responder,
    /// Steps in a bar of the meter it plays in: what the model heard and answers is counted in
    /// these bars (its bar repeats look back whole bars).
    pub steps_per_bar: u32,
}

/// Which of the performer's two models answers: the model, or (in a jam) the jam model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Responder {
    /// The model the player chose.
    #[default]
    Model,
    /// The second model of a jam.
    JamModel,
}

impl Responder {
    /// The one who answers this one in a jam.
    pub fn other(self) -> Responder {
        match self {
            Responder::Model => Responder::JamModel,
            Responder::JamModel => Responder::Model,
        }
    }
}

/// What an answer responds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// The player's call: the model has heard `primer`, generates `skip_steps` steps it does not
    /// play (the bar's last steps when the call was decided early), then the response.
    Call { primer: StepSpan, skip_steps: u32 },
    /// The model's own window `source_id`, which covered `source` (Mutate).
    Window {
        source_id: WindowId,
        source: StepSpan,
    },
}

impl AnswerRequest {
    /// The player's call answered, if this answers one.
    pub fn call(&self) -> Option<StepSpan> {
        match self.heard {
            Heard::Call { primer, .. } => Some(primer),
            Heard::Window { .. } => None,
        }
    }
}
