//! Chords as the rest of Antiphon sees them: eight events per step, in the model's range, and the
//! octave move back to where they were played.

use std::any::Any;

use midly::num::{u4, u7};

use super::encoding::ChordEvent;
use super::sequence::ChordSequence;
use super::write::{chord_notes, write_chords};
use crate::encoding::EventId;
use crate::encoding::groove::{GrooveAmount, GrooveValues};
use crate::families::{DEFAULT_VELOCITY, Family};
use crate::midi_file::WrittenNote;
use crate::performance::{Performance, Played};

/// How many of the top voice's intervals name a tune: enough to tell chorale melodies apart,
/// few enough that two harmonizations' ornaments seldom reach them.
const TUNE_NOTES: usize = 8;

impl Played for ChordSequence {
    fn family(&self) -> Family {
        Family::CHORDS
    }

    fn ids(&self) -> Vec<EventId> {
        ChordSequence::ids(self).collect()
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

    /// At the call's mean velocity, in its register (chords have no feel).
    fn answer(
        &self,
        events: &[EventId],
        _: Option<(&[GrooveValues], GrooveAmount)>,
    ) -> Performance {
        let velocity = self.mean_velocity().unwrap_or(u7::new(DEFAULT_VELOCITY));
        Performance::new(ChordSequence::from_events(
            events
                .iter()
                .map(|&id| ChordEvent::from_id(id).unwrap_or_default()),
            velocity,
            self.steps_per_bar,
            self.tempo_bpm,
            self.octave_shift_semitones,
        ))
    }

    fn truncated(&self, steps: usize) -> Performance {
        Performance::new(ChordSequence {
            steps: self.steps[..steps.min(self.steps.len())].to_vec(),
            ..self.clone()
        })
    }

    fn notes(&self) -> Vec<WrittenNote> {
        chord_notes(self)
    }

    fn midi(&self, channel: u4) -> Vec<u8> {
        write_chords(self, channel)
    }

    fn transpose_semitones(&self) -> i8 {
        -self.octave_shift_semitones
    }

    fn grooves(&self) -> Option<Vec<GrooveValues>> {
        None
    }

    /// The intervals between the top voice's first notes: a chorale melody harmonized in
    /// several cantatas (in any key) is one tune.
    fn tune(&self) -> Option<String> {
        let melody: Vec<i16> = self
            .steps
            .iter()
            .filter_map(|step| {
                let top = step.sounding().highest()?;
                step.struck().contains(top).then(|| i16::from(top.midi()))
            })
            .take(TUNE_NOTES + 1)
            .collect();
        let intervals: Vec<String> = melody
            .windows(2)
            .map(|pair| (pair[1] - pair[0]).to_string())
            .collect();
        (intervals.len() == TUNE_NOTES).then(|| format!("tune {}", intervals.join(" ")))
    }

    fn boxed(&self) -> Box<dyn Played> {
        Box::new(self.clone())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::chords::encoding::EVENTS_PER_STEP;
    use crate::families::chords::read::tests::chorale_fixtures;

    #[test]
    fn a_chorale_answered_with_its_own_events_plays_its_notes() {
        for path in chorale_fixtures() {
            let (call, report) = Performance::read_file(Family::CHORDS, &path).unwrap();
            assert_eq!(report.dropped_notes, 0);
            let ids = call.ids();
            assert_eq!(ids.len(), EVENTS_PER_STEP * call.len_steps());
            assert_eq!(call.events_per_bar(), 8 * call.steps_per_bar());
            let answer = call.answer(&ids, None);
            assert_eq!(answer.family(), Family::CHORDS);
            assert_eq!(answer.len_steps(), call.len_steps());
            assert_eq!(answer.ids(), ids);
            let keys = |performance: &Performance| -> Vec<(u64, u64, u7)> {
                let mut notes: Vec<_> = performance
                    .notes()
                    .iter()
                    .map(|note| (note.on_tick, note.off_tick, note.key))
                    .collect();
                notes.sort_unstable();
                notes
            };
            assert_eq!(keys(&answer), keys(&call), "{}", path.display());
            let velocity = answer.notes()[0].velocity;
            let chorale = call.sequence::<ChordSequence>().unwrap();
            assert_eq!(Some(velocity), chorale.mean_velocity());
            assert_eq!(call.truncated(16).len_steps(), 16);
            assert!(!call.midi(u4::new(0)).is_empty());
        }
    }
}
