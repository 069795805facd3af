//! Writing chords as notes and as a playable Standard MIDI File, where the call was played.

use midly::num::{u4, u7};

use super::notes::notes_of;
use super::sequence::ChordSequence;
use crate::midi_file::WrittenNote;
use crate::midi_file::format0::{TICKS_PER_STEP, format0_bytes};

/// Writes `sequence` as a format-0 Standard MIDI File at
/// [`TICKS_PER_QUARTER`](crate::midi_file::TICKS_PER_QUARTER) ticks per quarter note, every note
/// on `channel`, with the sequence's tempo and time signature as
/// [`write_drums`](crate::families::drums::write::write_drums) writes them; see [`chord_notes`] for the
/// notes.
///
/// # Panics
/// If a delta time exceeds the SMF's 28 bits: a sequence over two million steps long.
pub fn write_chords(sequence: &ChordSequence, channel: u4) -> Vec<u8> {
    format0_bytes(
        sequence.tempo_bpm,
        sequence.steps_per_bar,
        sequence.steps.len(),
        channel,
        &chord_notes(sequence),
    )
}

/// The notes of `sequence` (see [`notes_of`]), from its step 0 at tick 0, each sounding where it
/// was played: its pitch less the sequence's `octave_shift_semitones`, moved by octaves into
/// MIDI's 0–127 if that would take it out.
pub fn chord_notes(sequence: &ChordSequence) -> Vec<WrittenNote> {
    let shift = i32::from(sequence.octave_shift_semitones);
    notes_of(&sequence.steps)
        .into_iter()
        .map(|note| WrittenNote {
            on_tick: note.start_step as u64 * TICKS_PER_STEP,
            off_tick: note.end_step as u64 * TICKS_PER_STEP,
            key: midi_key(i32::from(note.pitch.midi()) - shift),
            velocity: note.velocity,
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
    use crate::families::chords::pitch::ChordPitch;
    use crate::families::chords::pitch_set::PitchSet;
    use crate::families::chords::read::tests::chorale_fixtures;
    use crate::families::chords::read::{read_chords, read_chords_file};
    use crate::families::chords::step::ChordStep;

    fn set(midis: &[u8]) -> PitchSet {
        midis
            .iter()
            .map(|&midi| ChordPitch::new(midi).unwrap())
            .collect()
    }

    #[test]
    fn chorales_survive_a_write_and_read() {
        for path in chorale_fixtures() {
            let read = read_chords_file(&path).unwrap();
            let bytes = write_chords(&read.sequence, u4::new(0));
            let again = read_chords(&bytes).unwrap();
            assert_eq!(again.sequence, read.sequence, "{}", path.display());
            assert_eq!(again.merged_notes, 0, "{}", path.display());
            assert_eq!(again.notes, chord_notes(&read.sequence).len());
        }
    }

    #[test]
    fn notes_last_while_held_and_sound_where_they_were_played() {
        let velocity = |v| u7::new(v);
        // 3/4 at 90 bpm, read an octave up: written an octave down.
        let sequence = ChordSequence {
            steps: vec![
                ChordStep::new(PitchSet::EMPTY, set(&[60, 64]), velocity(90)),
                // 64 restruck, 60 held; 67 held from nowhere starts here.
                ChordStep::new(set(&[60, 67]), set(&[64]), velocity(40)),
                ChordStep::new(set(&[67]), PitchSet::EMPTY, velocity(1)),
                ChordStep::REST,
                ChordStep::new(set(&[91]), set(&[91]), velocity(100)),
            ],
            steps_per_bar: 12,
            tempo_bpm: 90.0,
            octave_shift_semitones: 12,
        };
        let notes: Vec<(u64, u64, u8, u8)> = chord_notes(&sequence)
            .iter()
            .map(|n| (n.on_tick, n.off_tick, n.key.as_int(), n.velocity.as_int()))
            .collect();
        assert_eq!(
            notes,
            [
                (0, 120, 52, 90),
                (120, 240, 52, 40),
                (0, 240, 48, 90),
                (120, 360, 55, 40),
                (480, 600, 79, 100),
            ]
        );
        let bytes = write_chords(&sequence, u4::new(2));
        let smf = Smf::parse(&bytes).unwrap();
        assert_eq!(smf.header.format, Format::SingleTrack);
        assert_eq!(smf.header.timing, Timing::Metrical(u15::new(480)));
        let mut tick = 0;
        for event in &smf.tracks[0] {
            tick += event.delta.as_int();
            match event.kind {
                TrackEventKind::Meta(MetaMessage::Tempo(t)) => assert_eq!(t.as_int(), 666_667),
                TrackEventKind::Meta(MetaMessage::TimeSignature(n, d, _, _)) => {
                    assert_eq!((n, d), (3, 2));
                }
                TrackEventKind::Meta(MetaMessage::EndOfTrack) => assert_eq!(tick, 5 * 120),
                TrackEventKind::Midi { channel, message } => {
                    assert_eq!(channel, u4::new(2));
                    assert!(matches!(
                        message,
                        MidiMessage::NoteOn { .. } | MidiMessage::NoteOff { .. }
                    ));
                }
                _ => {}
            }
        }
    }

    #[test]
    fn registers_beyond_midi_fold_back_by_octaves() {
        assert_eq!(midi_key(60), u7::new(60));
        assert_eq!(midi_key(139), u7::new(127));
        assert_eq!(midi_key(140), u7::new(116));
        assert_eq!(midi_key(-1), u7::new(11));
    }
}
