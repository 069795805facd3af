//! Writing a drum sequence as a playable Standard MIDI File.

use std::collections::BTreeMap;

use midly::num::{u4, u7};

use crate::families::drums::sequence::DrumSequence;
use crate::midi_file::WrittenNote;
use crate::midi_file::format0::{TICKS_PER_STEP, format0_bytes};

/// Drums have no meaningful note length; half a step keeps every note short of the next step.
const NOTE_LENGTH_TICKS: u64 = TICKS_PER_STEP / 2;

/// Writes `sequence` as a format-0 Standard MIDI File at
/// [`TICKS_PER_QUARTER`](super::TICKS_PER_QUARTER) ticks per
/// quarter note, every note on `channel`.
///
/// The file starts with the sequence's tempo and time signature (written as n/4 when a bar holds
/// whole quarters, n/8 when it holds whole eighths, else n/16; left out when the numerator would
/// not fit a byte, so players assume 4/4). Each hit is a note-on at its step plus its
/// `offset_steps`, on its class's [`output_pitch`](crate::families::drums::encoding::DrumClass::output_pitch)
/// at its velocity, with a note-off half a step later (sooner if the same pitch strikes again).
/// The track ends at the end of the sequence, so a DAW sees its whole length.
///
/// # Panics
/// If a delta time exceeds the SMF's 28 bits: a sequence over two million steps long.
pub fn write_drums(sequence: &DrumSequence, channel: u4) -> Vec<u8> {
    format0_bytes(
        sequence.tempo_bpm,
        sequence.steps_per_bar,
        sequence.steps.len(),
        channel,
        &drum_notes(sequence),
    )
}

/// The notes [`write_drums`] writes for `sequence`, from its step 0 at tick 0.
pub fn drum_notes(sequence: &DrumSequence) -> Vec<WrittenNote> {
    // Note-on ticks per pitch, in time order, to cut each note short of the next one.
    let mut onsets: BTreeMap<u7, Vec<(u64, u7)>> = BTreeMap::new();
    for hit in sequence.played_hits() {
        let ticks = (hit.at_steps * TICKS_PER_STEP as f64).round();
        onsets
            .entry(hit.class.output_pitch())
            .or_default()
            .push((ticks.max(0.0) as u64, hit.velocity));
    }
    let mut notes = Vec::new();
    for (key, mut onsets) in onsets {
        onsets.sort_by_key(|&(tick, _)| tick);
        for (i, &(on_tick, velocity)) in onsets.iter().enumerate() {
            let next_onset = onsets.get(i + 1).map_or(u64::MAX, |&(next, _)| next);
            notes.push(WrittenNote {
                on_tick,
                off_tick: (on_tick + NOTE_LENGTH_TICKS)
                    .min(next_onset)
                    .max(on_tick + 1),
                key,
                velocity,
            });
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use midly::num::u15;
    use midly::{Format, MetaMessage, MidiMessage, Smf, Timing, TrackEventKind};

    use super::*;
    use crate::families::drums::encoding::{DrumClass, DrumEvent};
    use crate::families::drums::read::tests::fixture;
    use crate::families::drums::read::{read_drums, read_drums_file};
    use crate::families::drums::sequence::DrumStep;
    use crate::hit::Hit;

    const FIXTURES: [&str; 4] = [
        "drummer1-session1-133_funk-fast_125_fill_4-4.mid",
        "drummer3-session1-12_rock_120_beat_4-4.mid",
        "drummer3-session2-26_hiphop_92_beat_4-4.mid",
        "drummer6-session1-4_rock_80_beat_6-8.mid",
    ];

    #[test]
    fn gmd_files_survive_a_write_and_read() {
        for name in FIXTURES {
            let original = read_drums_file(&fixture(name)).unwrap().sequence;
            let bytes = write_drums(&original, u4::new(9));
            let reread = read_drums(&bytes).unwrap();
            assert!(reread.kit.not_kit.is_empty(), "{name}");
            let again = reread.sequence;
            assert_eq!(again.steps_per_bar, original.steps_per_bar, "{name}");
            assert!(
                (again.tempo_bpm - original.tempo_bpm).abs() < 1e-3,
                "{name}"
            );
            assert_eq!(again.steps.len(), original.steps.len(), "{name}");
            let events = |s: &DrumSequence| s.events().collect::<Vec<DrumEvent>>();
            assert_eq!(events(&again), events(&original), "{name}");
            for (a, b) in again.steps.iter().zip(&original.steps) {
                for (a, b) in a.hits.iter().flatten().zip(b.hits.iter().flatten()) {
                    assert_eq!(a.velocity, b.velocity, "{name}");
                    // Offsets are written at 1/120 step.
                    assert!((a.offset_steps - b.offset_steps).abs() <= 0.5 / 120.0 + 1e-6);
                }
            }
        }
    }

    #[test]
    fn written_file_uses_output_pitches_channel_and_meta() {
        let mut first = DrumStep::default();
        let hit = |velocity, offset_steps| Hit {
            velocity: u7::new(velocity),
            offset_steps,
        };
        first.strike(DrumClass::Kick, hit(100, 0.0));
        first.strike(DrumClass::OpenHat, hit(50, 0.25));
        let mut late = DrumStep::default();
        late.strike(DrumClass::Snare, hit(90, -0.5));
        let mut steps = vec![DrumStep::default(); 12];
        steps[0] = first;
        steps[6] = late;
        let sequence = DrumSequence {
            steps,
            steps_per_bar: 12,
            tempo_bpm: 90.0,
        };
        let bytes = write_drums(&sequence, u4::new(2));
        let smf = Smf::parse(&bytes).unwrap();
        assert_eq!(smf.header.format, Format::SingleTrack);
        assert_eq!(smf.header.timing, Timing::Metrical(u15::new(480)));

        let mut tick = 0;
        let mut seen = Vec::new();
        for event in &smf.tracks[0] {
            tick += event.delta.as_int();
            match event.kind {
                TrackEventKind::Meta(MetaMessage::Tempo(t)) => assert_eq!(t.as_int(), 666_667),
                TrackEventKind::Meta(MetaMessage::TimeSignature(n, d, _, _)) => {
                    assert_eq!((n, d), (3, 2));
                }
                TrackEventKind::Meta(MetaMessage::EndOfTrack) => assert_eq!(tick, 12 * 120),
                TrackEventKind::Midi { channel, message } => {
                    assert_eq!(channel, u4::new(2));
                    seen.push((tick, message));
                }
                _ => {}
            }
        }
        let on = |key: u8, vel: u8| MidiMessage::NoteOn {
            key: u7::new(key),
            vel: u7::new(vel),
        };
        let off = |key: u8| MidiMessage::NoteOff {
            key: u7::new(key),
            vel: u7::new(0),
        };
        assert_eq!(
            seen,
            [
                (0, on(36, 100)),
                (30, on(46, 50)),
                (60, off(36)),
                (90, off(46)),
                (660, on(38, 90)),
                (720, off(38)),
            ]
        );
    }
}
