//! A melody heard: the player's top line as Magenta's melody events. A step where a note starts
//! is that note's note-on (of several, the highest); the step where the line's last note is
//! released, with nothing new started, is a note-off; every other step is "no event".
//!
//! The model plays pitches 48–83. A call whose first note is well inside that range is heard as
//! played, as the training tunes were; one that starts near or beyond its edges is moved by whole
//! octaves so that its first note sits near the middle (notes still outside fold in by octaves),
//! and the answer is moved back: it sounds where the player plays.

use midly::num::u7;

use crate::encoding::StepEvents;
use crate::families::melody::encoding::{MAX_PITCH, MIN_PITCH, MelodyEvent, Pitch};
use crate::hit::Hit;
use crate::live::feel::StepFeel;
use crate::live::quantize::{HeardStep, PendingSteps, Quantize};
use crate::live::voicing::{MeanVelocity, Voicing};

/// The highest note struck on a step, and how.
#[derive(Debug, Clone, Copy, Default)]
struct Onset {
    top: Option<(u7, Hit)>,
}

/// The melodic line being heard.
#[derive(Debug, Clone, Default)]
pub struct MelodyQuantizer {
    pending: PendingSteps<Onset>,
    /// Keys held now, by number.
    held: u128,
    /// The key of the line's sounding note, as played.
    line: Option<u7>,
    /// Semitones the call is moved by to sit in the model's range, fixed by its first note.
    transpose: Option<i8>,
    velocity: MeanVelocity,
}

impl MelodyQuantizer {
    fn is_held(&self, key: u7) -> bool {
        self.held & (1 << key.as_int()) != 0
    }
}

impl Quantize for MelodyQuantizer {
    /// A key pressed onto `step`.
    fn press(&mut self, step: i64, key: u7, hit: Hit) {
        self.held |= 1 << key.as_int();
        let onset = self.pending.at(step);
        if onset.top.is_none_or(|(top, _)| key > top) {
            onset.top = Some((key, hit));
        }
    }

    /// A key released.
    fn release(&mut self, key: u7) {
        self.held &= !(1 << key.as_int());
    }

    /// The event of `step`, and how its note was played.
    fn close(&mut self, step: i64) -> HeardStep {
        if let Some((key, hit)) = self.pending.take(step).top {
            let transpose = *self.transpose.get_or_insert_with(|| register_of(key));
            let moved = (i16::from(key.as_int()) - i16::from(transpose)).clamp(0, 127) as u8;
            self.line = Some(key);
            self.velocity.add(hit.velocity);
            return HeardStep {
                events: StepEvents::one(MelodyEvent::NoteOn(Pitch::folded(u7::new(moved))).id()),
                feel: StepFeel::Struck(Some(hit)),
            };
        }
        let event = match self.line {
            Some(key) if !self.is_held(key) => {
                self.line = None;
                MelodyEvent::NoteOff
            }
            _ => MelodyEvent::NoEvent,
        };
        HeardStep {
            events: StepEvents::one(event.id()),
            feel: StepFeel::Struck(None),
        }
    }

    /// Whether the line's note is still held.
    fn sustaining(&self) -> bool {
        self.line.is_some_and(|key| self.is_held(key))
    }

    /// A new call: its register and loudness are measured from its first note on.
    fn start_call(&mut self) {
        self.transpose = None;
        self.velocity = MeanVelocity::default();
    }

    /// The call's register and mean velocity.
    fn reset(&mut self) {
        *self = MelodyQuantizer::default();
    }

    fn voicing(&self) -> Voicing {
        Voicing {
            transpose_semitones: self.transpose.unwrap_or(0),
            velocity: self.velocity.mean(),
        }
    }
}

/// Half an octave: how far inside the model's range a first note must be to stay where it is.
const MARGIN: u8 = 6;

/// Nothing for a `key` well inside the model's range, or else the whole octaves that move it
/// nearest to the range's middle.
fn register_of(key: u7) -> i8 {
    if (MIN_PITCH + MARGIN..=MAX_PITCH - MARGIN).contains(&key.as_int()) {
        return 0;
    }
    let middle = f64::from(MIN_PITCH + MAX_PITCH) / 2.0;
    let octaves = ((f64::from(key.as_int()) - middle) / 12.0).round();
    (octaves * 12.0) as i8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::EventId;

    fn on_grid(velocity: u8) -> Hit {
        Hit {
            velocity: u7::new(velocity),
            offset_steps: 0.0,
        }
    }

    fn note_on(pitch: u8) -> EventId {
        MelodyEvent::NoteOn(Pitch::new(pitch).unwrap()).id()
    }

    #[test]
    fn the_top_note_wins_and_a_release_becomes_a_note_off() {
        let mut melody = MelodyQuantizer::default();
        melody.start_call();
        // A chord C4–E4–G4 on step 0, released during step 2.
        for key in [60, 64, 67] {
            melody.press(0, u7::new(key), on_grid(90));
        }
        assert_eq!(melody.close(0).events.ids()[0], note_on(67));
        assert!(melody.sustaining());
        assert_eq!(melody.close(1).events.ids()[0], MelodyEvent::NoEvent.id());
        for key in [60, 64, 67] {
            melody.release(u7::new(key));
        }
        assert!(!melody.sustaining());
        assert_eq!(melody.close(2).events.ids()[0], MelodyEvent::NoteOff.id());
        assert_eq!(
            melody.close(3).events.ids()[0],
            MelodyEvent::NoEvent.id(),
            "one note-off only"
        );
    }

    #[test]
    fn the_top_note_keeps_its_velocity_and_offset() {
        let mut melody = MelodyQuantizer::default();
        let top = Hit {
            velocity: u7::new(70),
            offset_steps: 0.3,
        };
        melody.press(0, u7::new(67), top);
        let below = Hit {
            velocity: u7::new(110),
            offset_steps: -0.2,
        };
        melody.press(0, u7::new(60), below);
        assert_eq!(melody.close(0).feel, StepFeel::Struck(Some(top)));
        assert_eq!(melody.close(1).feel, StepFeel::Struck(None));
    }

    #[test]
    fn a_note_followed_by_another_needs_no_note_off() {
        let mut melody = MelodyQuantizer::default();
        melody.press(0, u7::new(62), on_grid(80));
        melody.release(u7::new(62));
        melody.press(1, u7::new(64), on_grid(80));
        assert_eq!(melody.close(0).events.ids()[0], note_on(62));
        assert_eq!(melody.close(1).events.ids()[0], note_on(64));
    }

    #[test]
    fn a_low_call_is_moved_up_by_octaves_and_the_answer_moved_back() {
        let mut melody = MelodyQuantizer::default();
        melody.start_call();
        // A bass line from C2 (36): moved up two octaves; its low A1 (33) folds in too.
        melody.press(0, u7::new(36), on_grid(100));
        melody.press(1, u7::new(33), on_grid(50));
        assert_eq!(melody.close(0).events.ids()[0], note_on(60));
        assert_eq!(melody.close(1).events.ids()[0], note_on(57));
        assert_eq!(
            melody.voicing(),
            Voicing {
                transpose_semitones: -24,
                velocity: u7::new(75)
            }
        );
        // A call well inside the range stays where it is, as the training tunes did.
        for first in [54, 67, 77] {
            melody.start_call();
            melody.press(2, u7::new(first), on_grid(100));
            assert_eq!(melody.close(2).events.ids()[0], note_on(first));
            assert_eq!(melody.voicing().transpose_semitones, 0);
        }
        // One starting near the top is moved down an octave.
        melody.start_call();
        melody.press(3, u7::new(79), on_grid(100));
        assert_eq!(melody.close(3).events.ids()[0], note_on(67));
        assert_eq!(melody.voicing().transpose_semitones, 12);
    }
}
