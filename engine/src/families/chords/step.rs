//! One 16th step of chords: what sounds, what of it was struck on this step, and how hard.

use midly::num::u7;

use super::encoding::{ChordEvent, EVENTS_PER_STEP, MAX_VOICES};
use super::pitch_set::PitchSet;

/// One 16th step: the pitches sounding (at most [`MAX_VOICES`]) and, among them, those struck
/// on this step. The rest are held from the step before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ChordStep {
    /// Every pitch sounding on the step, struck or held: at most [`MAX_VOICES`].
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
    /// whether `sounding` lists them or not; with nothing struck, `velocity` is dropped. Of more
    /// than [`MAX_VOICES`] pitches, the step keeps the highest and the lowest (see
    /// [`ChordStep::kept`]).
    pub fn new(sounding: PitchSet, struck: PitchSet, velocity: u7) -> ChordStep {
        let sounding = ChordStep::kept(sounding.union(struck));
        let struck = struck.intersection(sounding);
        ChordStep {
            sounding,
            struck,
            velocity: if struck.is_empty() {
                u7::new(0)
            } else {
                velocity
            },
        }
    }

    /// What a step keeps of `sounding`: all of it up to [`MAX_VOICES`] pitches; of more, the
    /// highest `MAX_VOICES - 1` and the lowest, the top of the harmony and its bass.
    pub fn kept(sounding: PitchSet) -> PitchSet {
        if sounding.len() <= MAX_VOICES {
            return sounding;
        }
        sounding
            .iter()
            .take(MAX_VOICES - 1)
            .chain(sounding.lowest())
            .collect()
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
    /// pitch held from nowhere is heard as struck), then step ends to fill the slots.
    pub fn events(self, previous: PitchSet) -> [ChordEvent; EVENTS_PER_STEP] {
        let continued = self.sounding.difference(self.struck).intersection(previous);
        let mut events = [ChordEvent::StepEnd; EVENTS_PER_STEP];
        // A step sounds at most one pitch per slot (`new` keeps no more).
        for (slot, pitch) in events.iter_mut().zip(self.sounding) {
            *slot = if continued.contains(pitch) {
                ChordEvent::ContinuedNote(pitch)
            } else {
                ChordEvent::NewNote(pitch)
            };
        }
        events
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
    fn a_step_is_its_pitches_highest_first_then_step_ends() {
        let pitch = |midi| ChordPitch::new(midi).unwrap();
        let (new, continued, end) = (
            ChordEvent::NewNote,
            ChordEvent::ContinuedNote,
            ChordEvent::StepEnd,
        );
        // E4 held, G4 restruck, C5 struck; C4 is held but did not sound before: heard as struck.
        let step = ChordStep::new(set(&[60, 64]), set(&[67, 72]), u7::new(80));
        assert_eq!(
            step.events(set(&[64, 67])),
            [
                new(pitch(72)),
                new(pitch(67)),
                continued(pitch(64)),
                new(pitch(60)),
                end,
                end,
                end,
                end
            ]
        );
        assert_eq!(ChordStep::REST.events(set(&[60])), [end; EVENTS_PER_STEP]);
        // Eight pitches fill the step: no step end.
        let full = ChordStep::new(
            PitchSet::EMPTY,
            set(&[48, 52, 55, 60, 64, 67, 72, 76]),
            u7::new(9),
        );
        assert!(!full.events(PitchSet::EMPTY).contains(&end));
    }

    #[test]
    fn a_step_of_more_than_eight_pitches_keeps_its_seven_highest_and_its_bass() {
        // Ten pitches, the lowest two struck, the top held.
        let step = ChordStep::new(
            set(&[60, 62, 64, 65, 67, 69, 71, 72]),
            set(&[36, 48]),
            u7::new(70),
        );
        assert_eq!(step.sounding(), set(&[36, 62, 64, 65, 67, 69, 71, 72]));
        assert_eq!(step.struck(), set(&[36]));
        assert_eq!(step.velocity(), Some(u7::new(70)));
        let held = ChordStep::new(
            set(&[36, 48, 60, 62, 64, 65, 67, 69, 71]),
            set(&[48]),
            u7::new(70),
        );
        assert_eq!(held.struck(), PitchSet::EMPTY);
        assert_eq!(held.velocity(), None);
        assert_eq!(ChordStep::kept(set(&[60, 64])), set(&[60, 64]));
    }
}
