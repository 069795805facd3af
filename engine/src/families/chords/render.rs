//! A generated chord step played: the pitches it strikes start (a restruck one ends and starts
//! again on the same sample), those it continues hold, and those that sounded before and are not
//! continued end. What sounded before is what the voices hold, so the renderer keeps no state of
//! its own that could drift from what is sounding.

use midly::num::u7;

use super::decode::decode_step;
use super::encoding::ChordEvent;
use super::pitch::ChordPitch;
use super::pitch_set::PitchSet;
use crate::encoding::StepEvents;
use crate::live::render::Sounding;
use crate::live::voices::{NoteLength, VoiceEvent, Voices};

/// Plays the step `events` as `sounding` says, through `voices`.
pub(super) fn play(
    events: StepEvents,
    sounding: Sounding,
    voices: &mut Voices,
    emit: &mut dyn FnMut(u64, VoiceEvent),
) {
    let Sounding {
        at,
        channel,
        velocity,
        transpose_semitones,
        ..
    } = sounding;
    let transpose = i16::from(transpose_semitones);
    let pitch_of = |key: u8| {
        u8::try_from(i16::from(key) - transpose)
            .ok()
            .and_then(ChordPitch::new)
    };
    let key_of =
        |pitch: ChordPitch| u7::new((i16::from(pitch.midi()) + transpose).clamp(0, 127) as u8);
    let held = voices.held_keys();
    let held_keys = (0..128u8).filter(move |&key| held & 1 << key != 0);
    let previous: PitchSet = held_keys.clone().filter_map(pitch_of).collect();
    let events = events
        .ids()
        .iter()
        .map(|&id| ChordEvent::from_id(id).unwrap_or_default());
    let step = decode_step(events, previous, velocity);
    for key in held_keys {
        if pitch_of(key).is_none_or(|pitch| !step.sounding().contains(pitch)) {
            voices.end_key(at, u7::new(key), &mut *emit);
        }
    }
    let key_velocity = f32::from(velocity.as_int()) / 127.0;
    for pitch in step.struck() {
        // A restruck key ends before it starts again.
        voices.start_generated(
            at,
            channel,
            key_of(pitch),
            key_velocity,
            NoteLength::Held,
            &mut *emit,
        );
    }
}

#[cfg(test)]
mod tests {
    use midly::num::u4;

    use super::*;
    use crate::encoding::EventId;
    use crate::families::Family;
    use crate::families::chords::encoding::EVENTS_PER_STEP;
    use crate::families::chords::notes::notes_of;
    use crate::families::chords::read::read_chords_file;
    use crate::families::chords::read::tests::chorale_fixtures;

    const CH: u4 = u4::new(0);
    const STEP_SAMPLES: u64 = 1_000;

    fn sounding(step: usize, transpose_semitones: i8) -> Sounding {
        let at = step as u64 * STEP_SAMPLES;
        Sounding {
            at,
            earliest: at,
            step_samples: STEP_SAMPLES as f64,
            channel: CH,
            velocity: u7::new(64),
            groove: None,
            transpose_semitones,
        }
    }

    /// Renders each step of `ids` in turn, then closes what still sounds: the notes played, as
    /// (on sample, off sample, key), checking that every note-on is ended by its own note-off
    /// before its key starts again.
    fn render(ids: &[EventId], transpose_semitones: i8) -> Vec<(u64, u64, u8)> {
        let mut voices = Voices::default();
        let mut out = Vec::new();
        for (index, step) in ids.chunks(EVENTS_PER_STEP).enumerate() {
            let feel = Family::CHORDS.render(
                StepEvents::new(step),
                sounding(index, transpose_semitones),
                &mut voices,
                &mut |at, event| out.push((at, event)),
            );
            assert_eq!(feel, None);
        }
        let end = ids.len().div_ceil(EVENTS_PER_STEP) as u64 * STEP_SAMPLES;
        voices.close_generated(end, |at, event| out.push((at, event)));
        let mut started: [Option<u64>; 128] = [None; 128];
        let mut notes = Vec::new();
        for (at, event) in out {
            match event {
                VoiceEvent::On { channel, key, .. } => {
                    assert_eq!(channel, CH);
                    let slot = &mut started[usize::from(key.as_int())];
                    assert_eq!(*slot, None, "{key} struck at {at} while sounding");
                    *slot = Some(at);
                }
                VoiceEvent::Off { key, .. } => {
                    let on = started[usize::from(key.as_int())].take();
                    let on = on.unwrap_or_else(|| panic!("{key} ended at {at} without sounding"));
                    notes.push((on, at, key.as_int()));
                }
            }
        }
        assert_eq!(started, [None; 128], "every note ends");
        notes.sort_unstable();
        notes
    }

    fn ids(steps: &[&[ChordEvent]]) -> Vec<EventId> {
        steps
            .iter()
            .flat_map(|step| {
                let mut ids: Vec<EventId> = step.iter().map(|event| event.id()).collect();
                ids.resize(EVENTS_PER_STEP, EventId::QUIET);
                ids
            })
            .collect()
    }

    #[test]
    fn struck_pitches_start_continued_hold_and_the_rest_end() {
        let pitch = |midi| ChordPitch::new(midi).unwrap();
        let (new, held) = (
            |midi| ChordEvent::NewNote(pitch(midi)),
            |midi| ChordEvent::ContinuedNote(pitch(midi)),
        );
        let steps = ids(&[
            &[new(67), new(60)],
            // 60 ends, 64 starts, 67 holds.
            &[held(67), new(64)],
            // 67 restruck, 64 holds; a continued note that never sounded (72) is struck.
            &[held(72), new(67), held(64)],
            &[],
            &[held(60)],
        ]);
        // An octave down, where the player played.
        assert_eq!(
            render(&steps, -12),
            [
                (0, 1_000, 48),
                (0, 2_000, 55),
                (1_000, 3_000, 52),
                (2_000, 3_000, 55),
                (2_000, 3_000, 60),
                (4_000, 5_000, 48),
            ]
        );
    }

    #[test]
    fn a_chorale_rendered_plays_its_notes() {
        for path in chorale_fixtures() {
            let sequence = read_chords_file(&path).unwrap().sequence;
            let ids: Vec<EventId> = sequence.ids().collect();
            let mut expected: Vec<(u64, u64, u8)> = notes_of(&sequence.steps)
                .into_iter()
                .map(|note| {
                    (
                        note.start_step as u64 * STEP_SAMPLES,
                        note.end_step as u64 * STEP_SAMPLES,
                        note.pitch.midi() + 12,
                    )
                })
                .collect();
            expected.sort_unstable();
            assert_eq!(render(&ids, 12), expected, "{}", path.display());
        }
    }
}
