//! Writing a drum sequence as a playable Standard MIDI File.

use std::collections::BTreeMap;

use midly::num::{u4, u7, u15, u24, u28};
use midly::{Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};

use crate::sequence::{DrumSequence, STEPS_PER_QUARTER};

/// Time division of written files, in ticks per quarter note.
pub const TICKS_PER_QUARTER: u16 = 480;
const TICKS_PER_STEP: u64 = TICKS_PER_QUARTER as u64 / STEPS_PER_QUARTER as u64;
/// Drums have no meaningful note length; half a step keeps every note short of the next step.
const NOTE_LENGTH_TICKS: u64 = TICKS_PER_STEP / 2;
/// Written when the sequence's own tempo is not a positive finite number.
const FALLBACK_TEMPO_BPM: f64 = 120.0;

/// Writes `sequence` as a format-0 Standard MIDI File at [`TICKS_PER_QUARTER`] ticks per
/// quarter note, every note on `channel`.
///
/// The file starts with the sequence's tempo and time signature (written as n/4 when a bar holds
/// whole quarters, n/8 when it holds whole eighths, else n/16; left out when the numerator would
/// not fit a byte, so players assume 4/4). Each hit is a note-on at its step plus its
/// `offset_steps`, on its class's [`output_pitch`](crate::encoding::drums::DrumClass::output_pitch)
/// at its velocity, with a note-off half a step later (sooner if the same pitch strikes again).
/// The track ends at the end of the sequence, so a DAW sees its whole length.
///
/// # Panics
/// If a delta time exceeds the SMF's 28 bits: a sequence over two million steps long.
pub fn write_drums(sequence: &DrumSequence, channel: u4) -> Vec<u8> {
    // (tick, rank, event): at one tick, meta events come first, then note-offs, then note-ons,
    // so a note-off never silences a note struck on the same tick.
    let mut events: Vec<(u64, u8, TrackEventKind<'static>)> = Vec::new();

    let tempo_bpm = if sequence.tempo_bpm.is_finite() && sequence.tempo_bpm > 0.0 {
        sequence.tempo_bpm
    } else {
        FALLBACK_TEMPO_BPM
    };
    let micros_per_quarter = (60_000_000.0 / tempo_bpm)
        .round()
        .clamp(1.0, f64::from(u24::max_value().as_int())) as u32;
    events.push((
        0,
        0,
        TrackEventKind::Meta(MetaMessage::Tempo(u24::new(micros_per_quarter))),
    ));
    if let Some((numerator, power)) = time_signature(sequence.steps_per_bar) {
        events.push((
            0,
            0,
            TrackEventKind::Meta(MetaMessage::TimeSignature(numerator, power, 24, 8)),
        ));
    }

    // Note-on ticks per pitch, in time order, to cut each note short of the next one.
    let mut onsets: BTreeMap<u7, Vec<(u64, u7)>> = BTreeMap::new();
    for hit in sequence.played_hits() {
        let ticks = (hit.at_steps * TICKS_PER_STEP as f64).round();
        onsets
            .entry(hit.class.output_pitch())
            .or_default()
            .push((ticks.max(0.0) as u64, hit.velocity));
    }
    for (key, mut notes) in onsets {
        notes.sort_by_key(|&(tick, _)| tick);
        for (i, &(tick, velocity)) in notes.iter().enumerate() {
            let next_onset = notes.get(i + 1).map_or(u64::MAX, |&(next, _)| next);
            let off_tick = (tick + NOTE_LENGTH_TICKS).min(next_onset).max(tick + 1);
            let message = |message| TrackEventKind::Midi { channel, message };
            events.push((tick, 2, message(MidiMessage::NoteOn { key, vel: velocity })));
            events.push((
                off_tick,
                1,
                message(MidiMessage::NoteOff {
                    key,
                    vel: u7::new(0),
                }),
            ));
        }
    }
    events.sort_by_key(|&(tick, rank, _)| (tick, rank));

    let end_tick = events
        .last()
        .map_or(0, |&(tick, _, _)| tick)
        .max(sequence.steps.len() as u64 * TICKS_PER_STEP);
    let mut track = Vec::with_capacity(events.len() + 1);
    let mut last_tick = 0;
    for (tick, _, kind) in
        events
            .into_iter()
            .chain([(end_tick, 0, TrackEventKind::Meta(MetaMessage::EndOfTrack))])
    {
        let delta = u32::try_from(tick - last_tick)
            .ok()
            .and_then(u28::try_from)
            .expect("a delta time fits 28 bits for sequences under two million steps");
        track.push(TrackEvent { delta, kind });
        last_tick = tick;
    }

    let smf = Smf {
        header: Header::new(
            Format::SingleTrack,
            Timing::Metrical(u15::new(TICKS_PER_QUARTER)),
        ),
        tracks: vec![track],
    };
    let mut bytes = Vec::new();
    smf.write_std(&mut bytes)
        .expect("writing a valid SMF to memory cannot fail");
    bytes
}

/// The time signature `(numerator, log2 denominator)` of a bar of `steps_per_bar` 16ths.
fn time_signature(steps_per_bar: u32) -> Option<(u8, u8)> {
    let (numerator, power) = if steps_per_bar.is_multiple_of(4) {
        (steps_per_bar / 4, 2)
    } else if steps_per_bar.is_multiple_of(2) {
        (steps_per_bar / 2, 3)
    } else {
        (steps_per_bar, 4)
    };
    u8::try_from(numerator)
        .ok()
        .filter(|&n| n > 0)
        .map(|n| (n, power))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::drums::{DrumClass, DrumEvent};
    use crate::midi_file::read::tests::fixture;
    use crate::midi_file::{read_drums, read_drums_file};
    use crate::sequence::{DrumHit, DrumStep};

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
        let hit = |velocity, offset_steps| DrumHit {
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

    #[test]
    fn time_signatures_for_bar_lengths() {
        assert_eq!(time_signature(16), Some((4, 2)));
        assert_eq!(time_signature(12), Some((3, 2)));
        assert_eq!(time_signature(10), Some((5, 3)));
        assert_eq!(time_signature(7), Some((7, 4)));
        assert_eq!(time_signature(0), None);
    }
}
