//! How the player played a step, kept beside its event id: the grid quantizes the event, not the
//! feel. Fixed size: it travels from the audio thread through lock-free rings.

use crate::encoding::groove::GrooveValues;
use crate::sequence::{DrumStep, Hit};

/// Each sounding voice's velocity and offset from the step's grid line, in the step's family.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepFeel {
    /// Each struck class's loudest hit.
    Drums(DrumStep),
    /// The note the line started on the step, if it started one.
    Melody(Option<Hit>),
}

impl StepFeel {
    /// The feel as a groove model hears it (a melody model hears none).
    pub fn groove(&self) -> GrooveValues {
        match self {
            StepFeel::Drums(step) => GrooveValues::of(step),
            StepFeel::Melody(_) => GrooveValues::default(),
        }
    }
}
