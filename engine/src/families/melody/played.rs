//! A melody as the rest of Antiphon sees it: one event per step, in the model's range, and the
//! octave move back to where it was played.

use std::any::Any;

use midly::num::{u4, u7};

use crate::encoding::EventId;
use crate::encoding::groove::{GrooveAmount, GrooveValues};
use crate::families::melody::encoding::MelodyEvent;
use crate::families::melody::sequence::{MelodySequence, MelodyStep};
use crate::families::melody::write::{melody_notes, write_melody};
use crate::families::{DEFAULT_VELOCITY, Family};
use crate::midi_file::WrittenNote;
use crate::performance::{Performance, Played};

impl Played for MelodySequence {
    fn family(&self) -> Family {
        Family::MELODY
    }

    fn ids(&self) -> Vec<EventId> {
        MelodySequence::ids(self).collect()
    }

    fn len_steps(&self) -> usize {
        self.steps.len()
    }

    fn steps_per_bar(&self) -> u32 {
        self.steps_per_bar
    }

    fn tempo_bpm(&self) -> f64 {
        self.tempo_bpm
    }

    /// At the call's mean velocity, in its register (a melody has no feel).
    fn answer(
        &self,
        events: &[EventId],
        _: Option<(&[GrooveValues], GrooveAmount)>,
    ) -> Performance {
        let velocity = self.mean_velocity().unwrap_or(u7::new(DEFAULT_VELOCITY));
        Performance::new(MelodySequence {
            steps: events
                .iter()
                .map(|&id| MelodyStep::new(MelodyEvent::from_id(id).unwrap_or_default(), velocity))
                .collect(),
            steps_per_bar: self.steps_per_bar,
            tempo_bpm: self.tempo_bpm,
            octave_shift_semitones: self.octave_shift_semitones,
        })
    }

    fn truncated(&self, steps: usize) -> Performance {
        Performance::new(MelodySequence {
            steps: self.steps[..steps.min(self.steps.len())].to_vec(),
            ..self.clone()
        })
    }

    fn notes(&self) -> Vec<WrittenNote> {
        melody_notes(self)
    }

    fn midi(&self, channel: u4) -> Vec<u8> {
        write_melody(self, channel)
    }

    fn transpose_semitones(&self) -> i8 {
        -self.octave_shift_semitones
    }

    fn grooves(&self) -> Option<Vec<GrooveValues>> {
        None
    }

    fn boxed(&self) -> Box<dyn Played> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
