//! Several parts in one file: a format-1 Standard MIDI File with a track per part, as a jam
//! between two models is written (each model on its own track, so a DAW can give each its own
//! instrument).

use midly::num::u4;
use midly::{Format, MetaMessage, TrackEventKind};

use super::format0::{WrittenNote, meter_events, note_events, smf_bytes, track_from};

/// One part of a multi-track file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteTrack {
    /// The track's name, shown by a DAW.
    pub name: String,
    /// The channel its notes play on.
    pub channel: u4,
    /// Its notes, in any order.
    pub notes: Vec<WrittenNote>,
}

/// Writes `tracks` as a format-1 Standard MIDI File of `len_steps` steps: a first track with
/// the tempo and time signature (as [`write_drums`](super::write_drums) writes them), then one
/// named track per part. Every track ends at the end of the file (or of its last note).
///
/// # Panics
/// If a delta time exceeds the SMF's 28 bits: a file over two million steps long.
pub fn write_tracks(
    tempo_bpm: f64,
    steps_per_bar: u32,
    len_steps: usize,
    tracks: &[NoteTrack],
) -> Vec<u8> {
    let mut written = vec![track_from(
        meter_events(tempo_bpm, steps_per_bar),
        len_steps,
    )];
    for track in tracks {
        let mut events = vec![(
            0,
            0,
            TrackEventKind::Meta(MetaMessage::TrackName(track.name.as_bytes())),
        )];
        events.extend(note_events(&track.notes, track.channel));
        written.push(track_from(events, len_steps));
    }
    smf_bytes(Format::Parallel, written)
}

#[cfg(test)]
mod tests {
    use midly::num::u7;
    use midly::{MidiMessage, Smf};

    use super::*;

    fn note(on_tick: u64, off_tick: u64, key: u8) -> WrittenNote {
        WrittenNote {
            on_tick,
            off_tick,
            key: u7::new(key),
            velocity: u7::new(90),
        }
    }

    #[test]
    fn each_part_is_a_named_track_on_its_channel_after_the_meter() {
        let tracks = [
            NoteTrack {
                name: "A".to_owned(),
                channel: u4::new(0),
                notes: vec![note(0, 120, 60), note(120, 240, 62)],
            },
            NoteTrack {
                name: "B".to_owned(),
                channel: u4::new(1),
                notes: vec![note(1920, 2040, 64).later_by(16)],
            },
        ];
        let bytes = write_tracks(90.0, 12, 96, &tracks);
        let smf = Smf::parse(&bytes).unwrap();
        assert_eq!(smf.header.format, Format::Parallel);
        assert_eq!(smf.tracks.len(), 3);
        assert!(smf.tracks[0].iter().any(|event| matches!(
            event.kind,
            TrackEventKind::Meta(MetaMessage::TimeSignature(3, 2, _, _))
        )));
        for (track, (name, channel)) in smf.tracks[1..].iter().zip([("A", 0), ("B", 1)]) {
            assert_eq!(
                track[0].kind,
                TrackEventKind::Meta(MetaMessage::TrackName(name.as_bytes()))
            );
            let mut tick = 0u64;
            let mut ons = Vec::new();
            for event in track {
                tick += u64::from(event.delta.as_int());
                if let TrackEventKind::Midi {
                    channel: c,
                    message,
                } = event.kind
                {
                    assert_eq!(c.as_int(), channel);
                    if let MidiMessage::NoteOn { key, .. } = message {
                        ons.push((tick, key.as_int()));
                    }
                }
            }
            // The file lasts 96 steps of 120 ticks; B's note was moved 16 steps on.
            assert_eq!(tick, 96 * 120);
            let expected: &[(u64, u8)] = if name == "A" {
                &[(0, 60), (120, 62)]
            } else {
                &[(1920 + 16 * 120, 64)]
            };
            assert_eq!(ons, expected);
        }
    }
}
