//! Real drum phrases from the Groove MIDI Dataset fixtures, played into the plugin as a drummer
//! would: each hit at its own micro-timing, at the scenario's tempo.

use std::path::PathBuf;

use antiphon_engine::families::drums::read::read_drums_file;
use antiphon_engine::families::drums::sequence::DrumSequence;
use antiphon_engine::hit::STEPS_PER_QUARTER;

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
/// A GMD beat in 3/4 at 120 BPM (drummer 1, jazz).
pub const JAZZ_BEAT_3_4: &str = "drummer1-session2-4_jazz_120_beat_3-4.mid";
/// A GMD beat in 5/4 at 110 BPM (drummer 1, prog rock).
pub const PROG_BEAT_5_4: &str = "drummer1-session2-111_rock-prog_110_beat_5-4.mid";
/// A GMD beat in 4/4 at 100 BPM (drummer 9, rock, validation split): its third bar opens with a
/// crash on the downbeat, where a drummer closes a two-bar phrase.
pub const ROCK_BEAT_100: &str = "drummer9-session1-12_rock_100_beat_4-4.mid";
/// A GMD beat in 6/8 at 80 BPM (drummer 6, rock).
pub const ROCK_BEAT_6_8: &str = "drummer6-session1-4_rock_80_beat_6-8.mid";

/// The fixture's drum sequence.
pub fn sequence(name: &str) -> DrumSequence {
    let path = fixture(name);
    read_drums_file(&path)
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
    let steps = bars * sequence(name).steps_per_bar;
    play_steps(name, steps, timeline, start_ppq, channel)
}

/// The first `steps` 16ths of a fixture, played as [`play_bars`] plays whole bars (whatever
/// meter the host is in: a 4/4 beat re-barred as 7/8 is still a real drummer's hits).
pub fn play_steps(
    name: &str,
    steps: u32,
    timeline: &Timeline,
    start_ppq: f64,
    channel: u8,
) -> Vec<TimedInput> {
    let mut sequence = sequence(name);
    sequence.steps.truncate(steps as usize);
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
