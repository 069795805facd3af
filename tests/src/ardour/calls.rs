//! The calls the Ardour sessions' regions play: real phrases from the fixtures, as notes at
//! session positions.

use std::path::Path;

use antiphon_engine::hit::STEPS_PER_QUARTER;

use super::notes::{Note, read_notes};
use super::{SIXTEENTH_TICKS, TICKS_PER_QUARTER};
use crate::tunes::tune;

/// The notes of the MIDI file at `path` (a drummer's call, as `assets/demo-call.mid` holds the
/// first two bars of a GMD beat), played from `at_ticks`, each hit at its recorded micro-timing.
pub fn drum_call(path: &Path, at_ticks: u64) -> Vec<Note> {
    read_notes(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|note| Note {
            on_ticks: note.on_ticks + at_ticks,
            off_ticks: note.off_ticks + at_ticks,
            ..note
        })
        .collect()
}

/// The first `steps` 16ths of folk tune fixture `name`, played from `at_ticks` on `channel` as
/// [`crate::tunes::play_tune`] plays them: each note at its 16th and written pitch, released a
/// 64th before its written end so a repeated pitch is struck again.
pub fn folk_call(name: &str, steps: usize, at_ticks: u64, channel: u8) -> Vec<Note> {
    assert_eq!(
        SIXTEENTH_TICKS * u64::from(STEPS_PER_QUARTER),
        TICKS_PER_QUARTER
    );
    let tune = tune(name);
    tune.notes()
        .filter(|note| note.span.start_step < steps)
        .map(|note| {
            let end_step = (note.span.start_step + note.span.len_steps).min(steps) as u64;
            let key = i16::from(note.span.pitch.midi()) - i16::from(tune.octave_shift_semitones);
            Note {
                on_ticks: at_ticks + note.span.start_step as u64 * SIXTEENTH_TICKS,
                off_ticks: at_ticks + end_step * SIXTEENTH_TICKS - SIXTEENTH_TICKS / 4,
                channel,
                key: u8::try_from(key).expect("a tune's pitches are MIDI keys"),
                velocity: note.velocity.as_int(),
            }
        })
        .collect()
}
