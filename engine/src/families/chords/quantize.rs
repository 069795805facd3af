//! Chords heard: every key the player holds. A step sounds the keys held when the step before it
//! closed (released during the step or not) and the keys struck onto it; those struck are its new
//! notes, the rest continue. A step of more than eight keys keeps its seven highest and its bass.
//!
//! The model plays pitches 28–91 and learnt chorales centred on D4. A call is moved by whole
//! octaves, fixed by its first chord, so that its mean pitch sits near that centre (see
//! [`register_shift`]); notes still outside the range fold in by octaves, and the answer is
//! moved back: it sounds where the player plays.

use midly::num::u7;

use super::pitch::ChordPitch;
use super::pitch_set::PitchSet;
use super::register::register_shift;
use super::step::ChordStep;
use crate::encoding::StepEvents;
use crate::hit::Hit;
use crate::live::feel::StepFeel;
use crate::live::quantize::{HeardStep, PendingSteps, Quantize};
use crate::live::voicing::{MeanVelocity, Voicing};

/// The keys struck onto a step, and how.
#[derive(Debug, Clone, Copy, Default)]
struct Struck {
    /// Bit `key` for each key struck.
    keys: u128,
    /// Their velocities' sum, offsets' sum and count (a key struck twice counts twice).
    velocity_sum: u32,
    offset_sum: f32,
    count: u32,
}

impl Struck {
    /// How the step's chord was struck: its keys' mean velocity and mean offset.
    fn hit(&self) -> Option<Hit> {
        (self.count > 0).then(|| Hit {
            velocity: u7::new(
                ((self.velocity_sum + self.count / 2) / self.count).clamp(1, 127) as u8,
            ),
            offset_steps: self.offset_sum / self.count as f32,
        })
    }
}

/// The chords being heard.
#[derive(Debug, Clone, Default)]
pub struct ChordQuantizer {
    pending: PendingSteps<Struck>,
    /// Keys held now, bit `key` each.
    held: u128,
    /// Keys held when the last step closed: they sound on the next.
    carried: u128,
    /// What the last closed step sounded, in the model's pitches.
    previous: PitchSet,
    /// Semitones from the model's pitches to the player's, fixed by the call's first chord.
    transpose: Option<i8>,
    velocity: MeanVelocity,
}

/// The keys of the bits of `keys`, lowest first.
fn keys(keys: u128) -> impl Iterator<Item = u7> + Clone {
    (0..128u8)
        .filter(move |&key| keys & 1 << key != 0)
        .map(u7::new)
}

impl Quantize for ChordQuantizer {
    /// A key pressed onto `step`.
    fn press(&mut self, step: i64, key: u7, hit: Hit) {
        self.held |= 1 << key.as_int();
        let struck = self.pending.at(step);
        struck.keys |= 1 << key.as_int();
        struck.velocity_sum += u32::from(hit.velocity.as_int());
        struck.offset_sum += hit.offset_steps;
        struck.count += 1;
    }

    /// A key released.
    fn release(&mut self, key: u7) {
        self.held &= !(1 << key.as_int());
    }

    /// The events of `step`, and how its chord was struck.
    fn close(&mut self, step: i64) -> HeardStep {
        let struck = self.pending.take(step);
        let sounding_keys = self.carried | struck.keys;
        self.carried = self.held;
        if sounding_keys != 0 && self.transpose.is_none() {
            self.transpose = Some(register_shift(keys(sounding_keys)).saturating_neg());
        }
        let transpose = i32::from(self.transpose.unwrap_or(0));
        let pitches = |bits| -> PitchSet {
            keys(bits)
                .map(|key| ChordPitch::folded_from(i32::from(key.as_int()) - transpose))
                .collect()
        };
        let hit = struck.hit();
        if let Some(hit) = hit {
            // Each note counts towards the call's loudness, at its chord's mean.
            for _ in 0..struck.count {
                self.velocity.add(hit.velocity);
            }
        }
        let chord = ChordStep::new(
            pitches(sounding_keys),
            pitches(struck.keys),
            hit.map_or(u7::new(0), |hit| hit.velocity),
        );
        let events = chord.events(self.previous).map(|event| event.id());
        self.previous = chord.sounding();
        HeardStep {
            events: StepEvents::new(&events),
            feel: StepFeel::Struck(hit),
        }
    }

    /// Whether any key is held.
    fn sustaining(&self) -> bool {
        self.held != 0
    }

    /// A new call: its register and loudness are measured from its first chord on.
    fn start_call(&mut self) {
        self.transpose = None;
        self.velocity = MeanVelocity::default();
    }

    fn reset(&mut self) {
        *self = ChordQuantizer::default();
    }

    fn voicing(&self) -> Voicing {
        Voicing {
            transpose_semitones: self.transpose.unwrap_or(0),
            velocity: self.velocity.mean(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::EventId;
    use crate::families::chords::encoding::{ChordEvent, EVENTS_PER_STEP};

    fn hit(velocity: u8, offset_steps: f32) -> Hit {
        Hit {
            velocity: u7::new(velocity),
            offset_steps,
        }
    }

    /// `events` padded with step ends to a step's ids.
    fn step(events: &[ChordEvent]) -> Vec<EventId> {
        let mut ids: Vec<EventId> = events.iter().map(|event| event.id()).collect();
        ids.resize(EVENTS_PER_STEP, EventId::QUIET);
        ids
    }

    fn new(midi: u8) -> ChordEvent {
        ChordEvent::NewNote(ChordPitch::new(midi).unwrap())
    }

    fn held(midi: u8) -> ChordEvent {
        ChordEvent::ContinuedNote(ChordPitch::new(midi).unwrap())
    }

    #[test]
    fn a_chord_is_heard_struck_then_held_until_its_keys_are_released() {
        let mut chords = ChordQuantizer::default();
        chords.start_call();
        // C major around middle C on step 0, a little late and uneven.
        chords.press(0, u7::new(60), hit(80, 0.1));
        chords.press(0, u7::new(64), hit(90, 0.2));
        chords.press(0, u7::new(67), hit(100, 0.3));
        let first = chords.close(0);
        assert_eq!(first.events.ids(), step(&[new(67), new(64), new(60)]));
        let StepFeel::Struck(Some(struck)) = first.feel else {
            panic!("a chord is struck: {first:?}");
        };
        assert_eq!(struck.velocity, u7::new(90));
        assert!((struck.offset_steps - 0.2).abs() < 1e-6);
        assert!(chords.sustaining());
        // Held: continued.
        let second = chords.close(1);
        assert_eq!(second.events.ids(), step(&[held(67), held(64), held(60)]));
        assert_eq!(second.feel, StepFeel::Struck(None));
        // E released during step 2 still sounds on it; the top restruck onto step 2 is new.
        chords.release(u7::new(64));
        chords.release(u7::new(67));
        chords.press(2, u7::new(67), hit(70, 0.0));
        assert_eq!(
            chords.close(2).events.ids(),
            step(&[new(67), held(64), held(60)])
        );
        assert_eq!(chords.close(3).events.ids(), step(&[held(67), held(60)]));
        chords.release(u7::new(60));
        chords.release(u7::new(67));
        assert!(!chords.sustaining());
        assert_eq!(chords.close(4).events.ids(), step(&[held(67), held(60)]));
        assert!(chords.close(5).events.is_quiet());
        // A key pressed and released before its step closes sounds on it alone.
        chords.press(6, u7::new(62), hit(60, 0.0));
        chords.release(u7::new(62));
        assert_eq!(chords.close(6).events.ids(), step(&[new(62)]));
        assert!(chords.close(7).events.is_quiet());
        assert_eq!(
            chords.voicing(),
            Voicing {
                transpose_semitones: 0,
                velocity: u7::new(80)
            }
        );
    }

    #[test]
    fn a_high_call_comes_down_by_octaves_and_a_crowded_chord_keeps_its_top_and_bass() {
        let mut chords = ChordQuantizer::default();
        chords.start_call();
        // A right-hand chord around C6 (mean 86.3) comes down two octaves to sit near D4.
        for key in [84, 88, 91] {
            chords.press(0, u7::new(key), hit(100, 0.0));
        }
        assert_eq!(
            chords.close(0).events.ids(),
            step(&[new(67), new(64), new(60)])
        );
        assert_eq!(chords.voicing().transpose_semitones, 24);
        for key in [84, 88, 91] {
            chords.release(u7::new(key));
        }
        chords.close(1);
        // Ten keys at once, moved down two octaves: the seven highest and the lowest.
        let keys = [60, 64, 67, 72, 74, 76, 77, 79, 81, 84];
        for key in keys {
            chords.press(2, u7::new(key), hit(100, 0.0));
        }
        let ids = chords.close(2).events;
        let expected: Vec<ChordEvent> = [60, 57, 55, 53, 52, 50, 48, 36]
            .into_iter()
            .map(new)
            .collect();
        assert_eq!(ids.ids(), step(&expected));
        for key in keys {
            chords.release(u7::new(key));
        }
        chords.close(3);
        // A new call is measured again: G3–C4–E4 stays where it is played.
        chords.start_call();
        for key in [55, 60, 64] {
            chords.press(4, u7::new(key), hit(100, 0.0));
        }
        assert_eq!(
            chords.close(4).events.ids(),
            step(&[new(64), new(60), new(55)])
        );
        assert_eq!(chords.voicing().transpose_semitones, 0);
    }
}
