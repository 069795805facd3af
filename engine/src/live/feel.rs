//! How the player played a step, kept beside its event id: the grid quantizes the event, not the
//! feel. Fixed size: it travels from the audio thread through lock-free rings.

use crate::encoding::groove::GrooveValues;
use crate::families::drums::sequence::DrumStep;
use crate::hit::Hit;

/// Each sounding voice's velocity and offset from the step's grid line, as its family keeps it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepFeel {
    /// Each struck drum's loudest hit: what a groove model learns and plays.
    Hits(DrumStep),
    /// How the notes started on the step were struck, if any were (a pitched family's).
    Struck(Option<Hit>),
}

impl StepFeel {
    /// The feel as a groove model hears it (a pitched family's model hears none).
    pub fn groove(&self) -> GrooveValues {
        match self {
            StepFeel::Hits(step) => GrooveValues::of(step),
            StepFeel::Struck(_) => GrooveValues::default(),
        }
    }
}
