//! Real Bach chorales from the fixtures, played into the plugin as a keyboard player would play
//! them: every note of every voice at its written 16th, held for its written length.

use std::path::PathBuf;

use antiphon_engine::families::Family;
use antiphon_engine::midi_file::TICKS_PER_QUARTER;
use antiphon_engine::performance::Performance;

use crate::bundle::workspace_root;
use crate::events::{Input, TimedInput};
use crate::timeline::Timeline;

/// BWV 66.6, "Christ ist erstanden": four voices in 4/4, F♯ minor.
pub const CHRIST_IST_ERSTANDEN: &str = "bwv66.6.mid";

/// Path of a fixture under `tests/fixtures/chorales/`.
pub fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/chorales").join(name)
}

/// The chorale as the chords model hears it.
pub fn chorale(name: &str) -> Performance {
    let path = fixture(name);
    Performance::read_file(Family::CHORDS, &path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
        .0
}

/// The notes of the chorale's first `steps` 16ths, played from song position `start_ppq` on
/// MIDI channel `channel`, each released a 64th before its written end so that a repeated pitch
/// is struck again.
pub fn play_chorale(
    name: &str,
    steps: usize,
    timeline: &Timeline,
    start_ppq: f64,
    channel: u8,
) -> Vec<TimedInput> {
    let sample = |quarters: f64| {
        timeline
            .sample_of_ppq(start_ppq + quarters)
            .expect("the chorale is played while the transport runs")
    };
    let quarter = f64::from(TICKS_PER_QUARTER);
    let end = steps as f64 / 4.0;
    let mut inputs = Vec::new();
    for note in chorale(name).notes() {
        let on = note.on_tick as f64 / quarter;
        if on >= end {
            continue;
        }
        let off = (note.off_tick as f64 / quarter).min(end);
        inputs.push(TimedInput {
            sample: sample(on),
            input: Input::NoteOn {
                channel,
                key: note.key.as_int(),
                velocity: f64::from(note.velocity.as_int()) / 127.0,
            },
        });
        inputs.push(TimedInput {
            sample: sample(off - 1.0 / 16.0),
            input: Input::NoteOff {
                channel,
                key: note.key.as_int(),
            },
        });
    }
    inputs.sort_by_key(|input| input.sample);
    inputs
}
