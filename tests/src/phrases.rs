//! Real drum phrases from the Groove MIDI Dataset fixtures, played into the plugin as a drummer
//! would: each hit at its own micro-timing, at the scenario's tempo.

use std::path::PathBuf;

use antiphon_engine::midi_file;
use antiphon_engine::sequence::{DrumSequence, STEPS_PER_QUARTER};

use crate::bundle::workspace_root;
use crate::events::{Input, TimedInput};
use crate::timeline::Timeline;

/// Path of a fixture under `tests/fixtures/groove/`.
pub fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/groove").join(name)
}

/// A GMD beat in 4/4 at 120 BPM (drummer 3, rock).
pub const ROCK_BEAT: &str = "drummer3-session1-12_rock_120_beat_4-4.mid";
/// A GMD beat in 4/4 at 92 BPM (drummer 3, hip-hop).
pub const HIPHOP_BEAT: &str = "drummer3-session2-26_hiphop_92_beat_4-4.mid";

/// The fixture's drum sequence.
pub fn sequence(name: &str) -> DrumSequence {
    let path = fixture(name);
    midi_file::read_drums_file(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
        .sequence
}

/// The first `bars` bars of a fixture, played from song position `start_ppq` (a bar line) on
/// MIDI channel `channel`, each hit at its step plus its recorded micro-timing, held briefly
/// (an eighth of a step, so repeated hits never overlap).
pub fn play_bars(
    name: &str,
    bars: u32,
    timeline: &Timeline,
    start_ppq: f64,
    channel: u8,
) -> Vec<TimedInput> {
    let mut sequence = sequence(name);
    sequence
        .steps
        .truncate((bars * sequence.steps_per_bar) as usize);
    let mut inputs = Vec::new();
    for hit in sequence.played_hits() {
        let ppq = start_ppq + hit.at_steps / f64::from(STEPS_PER_QUARTER);
        let on = timeline
            .sample_of_ppq(ppq)
            .expect("the call is played while the transport runs");
        let off = timeline
            .sample_of_ppq(ppq + 0.03)
            .expect("the call is played while the transport runs");
        let key = hit.class.output_pitch().as_int();
        inputs.push(TimedInput {
            sample: on,
            input: Input::NoteOn {
                channel,
                key,
                velocity: f64::from(hit.velocity.as_int()) / 127.0,
            },
        });
        inputs.push(TimedInput {
            sample: off,
            input: Input::NoteOff { channel, key },
        });
    }
    inputs
}
