//! One 16th step of chords: what sounds, what of it was struck on this step, and how hard.

use midly::num::u7;

use super::encoding::ChordEvent;
use super::pitch_set::{PitchSet, Pitches};

/// One 16th step: the pitches sounding and, among them, those struck on this step. The rest
/// are held from the step before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ChordStep {
    /// Every pitch sounding on the step, struck or held.
    sounding: PitchSet,
    /// The pitches struck on the step, a subset of `sounding`.
    struck: PitchSet,
    /// How hard the struck pitches were played (their mean, as played); 0 when nothing is
    /// struck, so steps that sound alike compare equal.
    velocity: u7,
}

impl ChordStep {
    /// A step where nothing sounds.
    pub const REST: ChordStep = ChordStep {
        sounding: PitchSet::EMPTY,
        struck: PitchSet::EMPTY,
        velocity: u7::new(0),
    };

    /// A step sounding `sounding` with `struck` struck at `velocity`. Struck pitches sound
    /// whether `sounding` lists them or not; with nothing struck, `velocity` is dropped.
    pub fn new(sounding: PitchSet, struck: PitchSet, velocity: u7) -> ChordStep {
        ChordStep {
            sounding: sounding.union(struck),
            struck,
            velocity: if struck.is_empty() {
                u7::new(0)
            } else {
                velocity
            },
        }
    }

    /// Every pitch sounding on the step.
    pub const fn sounding(self) -> PitchSet {
        self.sounding
    }

    /// The pitches struck on the step.
    pub const fn struck(self) -> PitchSet {
        self.struck
    }

    /// The velocity of the struck pitches, or `None` when nothing is struck.
    pub fn velocity(self) -> Option<u7> {
        (!self.struck.is_empty()).then_some(self.velocity)
    }

    /// The step with every pitch moved by `semitones` (see [`PitchSet::transposed`]): a pitch
    /// struck by either of two that merge is struck.
    pub fn transposed(self, semitones: i8) -> ChordStep {
        ChordStep::new(
            self.sounding.transposed(semitones),
            self.struck.transposed(semitones),
            self.velocity,
        )
    }

    /// The step's events, after a step that sounded `previous`: each sounding pitch, highest
    /// first, as a continued note when it is held and sounded before (else a new note, so a
    /// pitch held from nowhere is heard as struck), then the step end.
    pub fn events(self, previous: PitchSet) -> StepEvents {
        StepEvents {
            pitches: self.sounding.iter(),
            continued: self.sounding.difference(self.struck).intersection(previous),
            ended: false,
        }
    }
}

/// The events of one [`ChordStep`]; see [`ChordStep::events`].
#[derive(Debug, Clone, Copy)]
pub struct StepEvents {
    pitches: Pitches,
    continued: PitchSet,
    ended: bool,
}

impl Iterator for StepEvents {
    type Item = ChordEvent;

    fn next(&mut self) -> Option<ChordEvent> {
        match self.pitches.next() {
            Some(pitch) if self.continued.contains(pitch) => Some(ChordEvent::ContinuedNote(pitch)),
            Some(pitch) => Some(ChordEvent::NewNote(pitch)),
            None if self.ended => None,
            None => {
                self.ended = true;
                Some(ChordEvent::StepEnd)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::chords::pitch::ChordPitch;

    fn set(midis: &[u8]) -> PitchSet {
        midis
            .iter()
            .map(|&midi| ChordPitch::new(midi).unwrap())
            .collect()
    }

    #[test]
    fn struck_pitches_always_sound() {
        let step = ChordStep::new(set(&[60, 64]), set(&[67]), u7::new(80));
        assert_eq!(step.sounding(), set(&[60, 64, 67]));
        assert_eq!(step.struck(), set(&[67]));
        assert_eq!(step.velocity(), Some(u7::new(80)));
        let held = ChordStep::new(set(&[60]), PitchSet::EMPTY, u7::new(80));
        assert_eq!(held.velocity(), None);
        assert_eq!(
            held,
            ChordStep::new(set(&[60]), PitchSet::EMPTY, u7::new(1))
        );
        assert!(step.struck().is_subset(step.sounding()));
        assert_eq!(ChordStep::REST.sounding(), PitchSet::EMPTY);
    }

    #[test]
    fn a_step_is_its_pitches_highest_first_then_a_step_end() {
        let pitch = |midi| ChordPitch::new(midi).unwrap();
        let (new, continued) = (ChordEvent::NewNote, ChordEvent::ContinuedNote);
        // E4 held, G4 restruck, C5 struck; C4 is held but did not sound before: heard as struck.
        let step = ChordStep::new(set(&[60, 64]), set(&[67, 72]), u7::new(80));
        let events: Vec<ChordEvent> = step.events(set(&[64, 67])).collect();
        assert_eq!(
            events,
            [
                new(pitch(72)),
                new(pitch(67)),
                continued(pitch(64)),
                new(pitch(60)),
                ChordEvent::StepEnd
            ]
        );
        let rest: Vec<ChordEvent> = ChordStep::REST.events(set(&[60])).collect();
        assert_eq!(rest, [ChordEvent::StepEnd]);
    }
}
