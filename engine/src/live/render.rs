//! The output edge of a model family, on the audio thread: where and how a generated step sounds,
//! which the family's [`render`](crate::families::ModelFamily::render) turns into notes. A drum
//! event strikes its classes for half a step each, on the grid line or, played with a groove
//! model's feel, each at its own velocity and offset; a melody's note-on holds its note until the
//! line's next note-on or note-off (or the end of the answer).

use midly::num::{u4, u7};

use crate::encoding::groove::{GrooveAmount, GrooveValues};

/// Where and how one step of an answer sounds.
#[derive(Debug, Clone, Copy)]
pub struct Sounding {
    /// Absolute sample of the step's grid line.
    pub at: u64,
    /// No note starts before this sample (the moment the step is rendered).
    pub earliest: u64,
    /// Length of a 16th, in samples.
    pub step_samples: f64,
    /// MIDI channel of the answer.
    pub channel: u4,
    /// Velocity on the grid.
    pub velocity: u7,
    /// A groove model's feel for the step, and how much of it plays (drums only).
    pub groove: Option<(GrooveValues, GrooveAmount)>,
    /// Semitones from the model's pitches to the player's.
    pub transpose_semitones: i8,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{EventId, StepEvents};
    use crate::families::Family;
    use crate::families::drums::encoding::{DrumClass, DrumEvent, NUM_CLASSES};
    use crate::families::melody::encoding::MelodyEvent;
    use crate::families::melody::encoding::Pitch;
    use crate::live::voices::{VoiceEvent, Voices};

    const CH: u4 = u4::new(0);

    fn sounding(at: u64) -> Sounding {
        Sounding {
            at,
            earliest: at,
            step_samples: 6_000.0,
            channel: CH,
            velocity: u7::new(64),
            groove: None,
            transpose_semitones: -12,
        }
    }

    fn play(family: Family, steps: &[(u64, EventId)]) -> Vec<(u64, VoiceEvent)> {
        play_sounding(
            family,
            steps.iter().map(|&(at, event)| (sounding(at), event)),
        )
    }

    /// Renders each step at its `earliest` sample, releasing what is due as the performer does.
    fn play_sounding(
        family: Family,
        steps: impl IntoIterator<Item = (Sounding, EventId)>,
    ) -> Vec<(u64, VoiceEvent)> {
        let mut voices = Voices::default();
        let mut out = Vec::new();
        for (sounding, event) in steps {
            voices.release_due(sounding.earliest, |at, e| out.push((at, e)));
            family.render(
                StepEvents::one(event),
                sounding,
                &mut voices,
                &mut |at, e| out.push((at, e)),
            );
            voices.release_due(sounding.earliest + 1, |at, e| out.push((at, e)));
        }
        voices.release_due(100_000, |at, e| out.push((at, e)));
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
            Family::MELODY,
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
            velocity: 64.0 / 127.0,
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
            Family::DRUMS,
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

    #[test]
    fn a_groove_places_and_weighs_each_hit_and_its_amount_scales_them() {
        let kick_snare: DrumEvent = [DrumClass::Kick, DrumClass::Snare].into_iter().collect();
        let mut values = GrooveValues::default();
        let (kick, snare) = (DrumClass::Kick.index(), DrumClass::Snare.index());
        values.0[kick] = 100.0 / 127.0;
        values.0[snare] = 30.0 / 127.0;
        values.0[NUM_CLASSES + kick] = -0.25;
        values.0[NUM_CLASSES + snare] = 0.1;
        // Rendered half a step before the line at 12 000.
        let at_amount = |amount| {
            let sounding = Sounding {
                earliest: 9_000,
                groove: Some((values, GrooveAmount::new(amount).unwrap())),
                ..sounding(12_000)
            };
            play_sounding(Family::DRUMS, [(sounding, kick_snare.id())])
                .into_iter()
                .filter_map(|(at, e)| match e {
                    VoiceEvent::On { key, velocity, .. } => {
                        Some((at, key.as_int(), (velocity * 127.0).round() as u8))
                    }
                    VoiceEvent::Off { .. } => None,
                })
                .collect::<Vec<_>>()
        };
        let (kick_key, snare_key) = (
            DrumClass::Kick.output_pitch().as_int(),
            DrumClass::Snare.output_pitch().as_int(),
        );
        assert_eq!(
            at_amount(1.0),
            [(10_500, kick_key, 100), (12_600, snare_key, 30)]
        );
        // Half: offsets halved, velocities halfway from the grid's 64.
        assert_eq!(
            at_amount(0.5),
            [(11_250, kick_key, 82), (12_300, snare_key, 47)]
        );
        assert_eq!(
            at_amount(0.0),
            [(12_000, kick_key, 64), (12_000, snare_key, 64)]
        );
    }

    #[test]
    fn no_hit_starts_before_its_step_is_rendered() {
        let kick: DrumEvent = [DrumClass::Kick].into_iter().collect();
        let mut values = GrooveValues::default();
        values.0[DrumClass::Kick.index()] = 1.0;
        values.0[NUM_CLASSES + DrumClass::Kick.index()] = -0.4;
        // A window's first step is rendered on its line: early hits wait for it.
        let sounding = Sounding {
            groove: Some((values, GrooveAmount::FULL)),
            ..sounding(12_000)
        };
        let out = play_sounding(Family::DRUMS, [(sounding, kick.id())]);
        assert_eq!(out[0].0, 12_000);
    }
}
