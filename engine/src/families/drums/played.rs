//! A drum performance as the rest of Antiphon sees it: one event per step, and the feel each hit
//! was played with.

use std::any::Any;

use midly::num::{u4, u7};

use crate::encoding::EventId;
use crate::encoding::groove::{GrooveAmount, GrooveValues};
use crate::families::drums::encoding::DrumEvent;
use crate::families::drums::sequence::{DrumSequence, DrumStep};
use crate::families::drums::write::{drum_notes, write_drums};
use crate::families::{DEFAULT_VELOCITY, Family};
use crate::midi_file::WrittenNote;
use crate::performance::{Performance, Played};

impl Played for DrumSequence {
    fn family(&self) -> Family {
        Family::DRUMS
    }

    fn ids(&self) -> Vec<EventId> {
        self.events().map(|event| event.id()).collect()
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

    /// At the call's mean velocity, or as a groove model's `grooves` say, as much as their
    /// amount says.
    fn answer(
        &self,
        events: &[EventId],
        grooves: Option<(&[GrooveValues], GrooveAmount)>,
    ) -> Performance {
        let velocity = self.mean_velocity().unwrap_or(u7::new(DEFAULT_VELOCITY));
        let played = |step: usize, event: DrumEvent| match grooves {
            Some((grooves, amount)) => {
                let mut played = DrumStep::default();
                for class in event.classes() {
                    played.strike(class, amount.hit(&grooves[step], class, velocity));
                }
                played
            }
            None => DrumStep::from_event(event, velocity),
        };
        Performance::new(DrumSequence {
            steps: events
                .iter()
                .enumerate()
                .map(|(step, &id)| played(step, DrumEvent::from_id(id).unwrap_or_default()))
                .collect(),
            steps_per_bar: self.steps_per_bar,
            tempo_bpm: self.tempo_bpm,
        })
    }

    fn truncated(&self, steps: usize) -> Performance {
        Performance::new(DrumSequence {
            steps: self.steps[..steps.min(self.steps.len())].to_vec(),
            ..self.clone()
        })
    }

    fn notes(&self) -> Vec<WrittenNote> {
        drum_notes(self)
    }

    fn midi(&self, channel: u4) -> Vec<u8> {
        write_drums(self, channel)
    }

    fn transpose_semitones(&self) -> i8 {
        0
    }

    fn grooves(&self) -> Option<Vec<GrooveValues>> {
        Some(self.steps.iter().map(GrooveValues::of).collect())
    }

    fn boxed(&self) -> Box<dyn Played> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
