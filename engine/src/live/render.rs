//! The output edge of a model family, on the audio thread: an event id becomes notes to play.
//! A drum event strikes its classes for half a step; a melody's note-on holds its note until the
//! line's next note-on or note-off (or the end of the answer).

use midly::num::{u4, u7};

use crate::encoding::drums::DrumEvent;
use crate::encoding::melody::MelodyEvent;
use crate::encoding::{EventId, Family};
use crate::live::voices::{NoteLength, VoiceEvent, Voices};

/// Where and how one step of an answer sounds.
#[derive(Debug, Clone, Copy)]
pub struct Sounding {
    /// Absolute sample of the step's grid line.
    pub at: u64,
    /// Length of a 16th, in samples.
    pub step_samples: f64,
    /// MIDI channel of the answer.
    pub channel: u4,
    /// Velocity, `0.0..=1.0`.
    pub velocity: f32,
    /// Semitones from the model's pitches to the player's.
    pub transpose_semitones: i8,
}

/// Plays `event` of `family` as `sounding` says, through `voices`.
pub fn render(
    family: Family,
    event: EventId,
    sounding: Sounding,
    voices: &mut Voices,
    mut emit: impl FnMut(u64, VoiceEvent),
) {
    let Sounding {
        at,
        step_samples,
        channel,
        velocity,
        transpose_semitones,
    } = sounding;
    match family {
        Family::Drums => {
            let hit = NoteLength::Samples((step_samples / 2.0).round() as u64);
            for class in DrumEvent::from_id(event).unwrap_or_default().classes() {
                voices.start_generated(at, channel, class.output_pitch(), velocity, hit, &mut emit);
            }
        }
        Family::Melody => match MelodyEvent::from_id(event).unwrap_or_default() {
            MelodyEvent::NoteOn(pitch) => {
                voices.end_held(at, &mut emit);
                let key = (i16::from(pitch.midi()) + i16::from(transpose_semitones)).clamp(0, 127);
                let key = u7::new(key as u8);
                voices.start_generated(at, channel, key, velocity, NoteLength::Held, &mut emit);
            }
            MelodyEvent::NoteOff => voices.end_held(at, &mut emit),
            MelodyEvent::NoEvent => {}
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::drums::DrumClass;
    use crate::encoding::melody::Pitch;

    const CH: u4 = u4::new(0);

    fn sounding(at: u64) -> Sounding {
        Sounding {
            at,
            step_samples: 6_000.0,
            channel: CH,
            velocity: 0.5,
            transpose_semitones: -12,
        }
    }

    fn play(family: Family, steps: &[(u64, EventId)]) -> Vec<(u64, VoiceEvent)> {
        let mut voices = Voices::default();
        let mut out = Vec::new();
        for &(at, event) in steps {
            voices.release_due(at, |at, e| out.push((at, e)));
            render(family, event, sounding(at), &mut voices, |at, e| {
                out.push((at, e))
            });
        }
        voices.close_all(100_000, |at, e| out.push((at, e)));
        out
    }

    #[test]
    fn a_melody_holds_each_note_until_the_next_event_of_its_line() {
        let c5 = MelodyEvent::NoteOn(Pitch::new(72).unwrap()).id();
        let e5 = MelodyEvent::NoteOn(Pitch::new(76).unwrap()).id();
        let hold = MelodyEvent::NoEvent.id();
        let off = MelodyEvent::NoteOff.id();
        let out = play(
            Family::Melody,
            &[
                (0, c5),
                (6_000, hold),
                (12_000, e5),
                (18_000, off),
                (24_000, hold),
            ],
        );
        let on = |key| VoiceEvent::On {
            channel: CH,
            key: u7::new(key),
            velocity: 0.5,
        };
        let end = |key| VoiceEvent::Off {
            channel: CH,
            key: u7::new(key),
        };
        // One octave down, where the player played.
        assert_eq!(
            out,
            [
                (0, on(60)),
                (12_000, end(60)),
                (12_000, on(64)),
                (18_000, end(64))
            ]
        );
    }

    #[test]
    fn drums_strike_their_classes_for_half_a_step() {
        let kick_snare: DrumEvent = [DrumClass::Kick, DrumClass::Snare].into_iter().collect();
        let out = play(
            Family::Drums,
            &[(0, kick_snare.id()), (6_000, EventId::QUIET)],
        );
        let ends: Vec<u64> = out
            .iter()
            .filter(|(_, e)| matches!(e, VoiceEvent::Off { .. }))
            .map(|(at, _)| *at)
            .collect();
        assert_eq!(out.len(), 4);
        assert_eq!(ends, [3_000, 3_000]);
    }
}
