//! Real folk tunes from the fixtures, played into the plugin as a keyboard player would: each
//! note at its 16th, held for its written length, at the pitch it is written.

use std::path::PathBuf;

use antiphon_engine::families::melody::read::read_melody_file;
use antiphon_engine::families::melody::sequence::MelodySequence;
use antiphon_engine::hit::STEPS_PER_QUARTER;

use crate::bundle::workspace_root;
use crate::events::{Input, TimedInput};
use crate::timeline::Timeline;

/// "The Fox and His Wife", a jig in 6/8 and G major (O'Neill's, 1903).
pub const JIG_G_MAJOR: &str = "oneills1850-0201-0300271.mid";

/// Path of a fixture under `tests/fixtures/folk/`.
pub fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/folk").join(name)
}

/// The fixture's melody, as the melody model hears it.
pub fn tune(name: &str) -> MelodySequence {
    let path = fixture(name);
    read_melody_file(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
        .sequence
}

/// The notes of the tune's first `steps` 16ths, played from song position `start_ppq` on MIDI
/// channel `channel` at their written pitches, each released a 64th before its written end so
/// that a repeated pitch is struck again.
pub fn play_tune(
    name: &str,
    steps: usize,
    timeline: &Timeline,
    start_ppq: f64,
    channel: u8,
) -> Vec<TimedInput> {
    let tune = tune(name);
    let sample = |step: f64| {
        timeline
            .sample_of_ppq(start_ppq + step / f64::from(STEPS_PER_QUARTER))
            .expect("the tune is played while the transport runs")
    };
    let mut inputs = Vec::new();
    for note in tune.notes().filter(|note| note.span.start_step < steps) {
        let key =
            (i16::from(note.span.pitch.midi()) - i16::from(tune.octave_shift_semitones)) as u8;
        let end = (note.span.start_step + note.span.len_steps).min(steps) as f64;
        inputs.push(TimedInput {
            sample: sample(note.span.start_step as f64),
            input: Input::NoteOn {
                channel,
                key,
                velocity: f64::from(note.velocity.as_int()) / 127.0,
            },
        });
        inputs.push(TimedInput {
            sample: sample(end - 0.25),
            input: Input::NoteOff { channel, key },
        });
    }
    inputs
}
