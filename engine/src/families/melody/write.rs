//! Writing a melody as a playable Standard MIDI File.

use midly::num::{u4, u7};

use crate::families::melody::sequence::MelodySequence;
use crate::midi_file::WrittenNote;
use crate::midi_file::format0::{TICKS_PER_STEP, format0_bytes};

/// Writes `sequence` as a format-0 Standard MIDI File at
/// [`TICKS_PER_QUARTER`](super::TICKS_PER_QUARTER) ticks per quarter note, every note on
/// `channel`.
///
/// The file starts with the sequence's tempo and time signature, as
/// [`write_drums`](super::write_drums) writes them. Each note starts on its note-on's step at
/// its velocity and lasts until the next note-on or note-off, or the end of the sequence. It
/// sounds where it was played: each pitch less the sequence's `octave_shift_semitones` (set it
/// to 0 to write the encoding's own pitches), moved by octaves into MIDI's 0–127 if the shift
/// would take it out.
///
/// # Panics
/// If a delta time exceeds the SMF's 28 bits: a sequence over two million steps long.
pub fn write_melody(sequence: &MelodySequence, channel: u4) -> Vec<u8> {
    format0_bytes(
        sequence.tempo_bpm,
        sequence.steps_per_bar,
        sequence.steps.len(),
        channel,
        &melody_notes(sequence),
    )
}

/// The notes [`write_melody`] writes for `sequence`, from its step 0 at tick 0.
pub fn melody_notes(sequence: &MelodySequence) -> Vec<WrittenNote> {
    sequence
        .notes()
        .map(|note| {
            let start = note.span.start_step as u64;
            let played =
                i32::from(note.span.pitch.midi()) - i32::from(sequence.octave_shift_semitones);
            WrittenNote {
                on_tick: start * TICKS_PER_STEP,
                off_tick: (start + note.span.len_steps as u64) * TICKS_PER_STEP,
                key: midi_key(played),
                velocity: note.velocity,
            }
        })
        .collect()
}

/// `pitch` moved by octaves into MIDI's key range.
fn midi_key(pitch: i32) -> u7 {
    let max = i32::from(u7::max_value().as_int());
    let key = if pitch < 0 {
        pitch.rem_euclid(12)
    } else if pitch > max {
        pitch - 12 * ((pitch - max + 11) / 12)
    } else {
        pitch
    };
    u7::new(key as u8)
}

#[cfg(test)]
mod tests {
    use midly::num::u15;
    use midly::{Format, MetaMessage, MidiMessage, Smf, Timing, TrackEventKind};

    use super::*;
    use crate::families::melody::encoding::Pitch;
    use crate::families::melody::read::tests::folk_fixture;
    use crate::families::melody::read::{read_melody, read_melody_file};
    use crate::families::melody::sequence::MelodyStep;

    const FIXTURES: [&str; 5] = [
        "oneills1850-0101-0200144.mid",
        "oneills1850-0201-0300271.mid",
        "ryansMammoth-EssenceOfOldKentucky.mid",
        "ryansMammoth-HuntingTheHareJig.mid",
        "ryansMammoth-WalkAroundHeyDaddy.mid",
    ];

    #[test]
    fn folk_tunes_survive_a_write_and_read_in_their_own_register() {
        for name in FIXTURES {
            let original = read_melody_file(&folk_fixture(name)).unwrap().sequence;
            let bytes = write_melody(&original, u4::new(0));
            let again = read_melody(&bytes).unwrap();
            assert_eq!(again.sequence, original, "{name}");
            assert_eq!(again.dropped_notes, 0, "{name}");
            assert_eq!(again.notes, original.notes().count(), "{name}");
        }
        // Essence of Old Kentucky was read an octave down; its D6 double stop (step 342) is
        // written back at D6.
        let kentucky = FIXTURES[2];
        let original = read_melody_file(&folk_fixture(kentucky)).unwrap().sequence;
        let bytes = write_melody(&original, u4::new(0));
        let smf = Smf::parse(&bytes).unwrap();
        let mut tick = 0;
        let struck_at_342 = smf.tracks[0].iter().find_map(|event| {
            tick += event.delta.as_int();
            match event.kind {
                TrackEventKind::Midi {
                    message: MidiMessage::NoteOn { key, .. },
                    ..
                } if tick == 342 * 120 => Some(key.as_int()),
                _ => None,
            }
        });
        assert_eq!(struck_at_342, Some(86));
    }

    #[test]
    fn notes_last_until_the_next_event_at_their_velocity_and_register() {
        let on = |midi, velocity| MelodyStep::NoteOn {
            pitch: Pitch::new(midi).unwrap(),
            velocity: u7::new(velocity),
        };
        let hold = MelodyStep::NoEvent;
        // 3/8 at 90 bpm, read an octave up: written an octave down.
        let sequence = MelodySequence {
            steps: vec![
                on(60, 90),
                hold,
                on(60, 40),
                MelodyStep::NoteOff,
                hold,
                on(67, 100),
            ],
            steps_per_bar: 6,
            tempo_bpm: 90.0,
            octave_shift_semitones: 12,
        };
        let bytes = write_melody(&sequence, u4::new(3));
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
                    assert_eq!((n, d), (3, 3));
                }
                TrackEventKind::Meta(MetaMessage::EndOfTrack) => assert_eq!(tick, 6 * 120),
                TrackEventKind::Midi { channel, message } => {
                    assert_eq!(channel, u4::new(3));
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
                (0, on(48, 90)),
                // The repeated note is released before it is struck again.
                (240, off(48)),
                (240, on(48, 40)),
                (360, off(48)),
                (600, on(55, 100)),
                (720, off(55)),
            ]
        );
    }

    #[test]
    fn registers_beyond_midi_fold_back_by_octaves() {
        assert_eq!(midi_key(60), u7::new(60));
        assert_eq!(midi_key(131), u7::new(119));
        assert_eq!(midi_key(128), u7::new(116));
        assert_eq!(midi_key(-1), u7::new(11));
        assert_eq!(midi_key(-12), u7::new(0));
    }
}
