//! Notes at Ardour's musical positions, and the Standard MIDI Files that carry them: the calls
//! written for the sessions' regions and the takes Ardour records.

use std::path::Path;

use antiphon_engine::midly::num::{u4, u7, u15, u28};
use antiphon_engine::midly::{
    Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind,
};

use super::TICKS_PER_QUARTER;

/// A note, from its note-on to its note-off, at session positions in ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Note {
    /// Position of the note-on.
    pub on_ticks: u64,
    /// Position of the note-off.
    pub off_ticks: u64,
    /// MIDI channel, `0..16`.
    pub channel: u8,
    /// MIDI key.
    pub key: u8,
    /// Note-on velocity, `1..=127`.
    pub velocity: u8,
}

/// The notes of every track of a MIDI file, at `TICKS_PER_QUARTER` from the file's start, in
/// note-on order. Every note-on must meet its note-off, and every position must be a whole tick
/// (a file at a resolution Ardour cannot hold is not one Ardour wrote).
pub fn read_notes(path: &Path) -> Result<Vec<Note>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let smf = Smf::parse(&bytes).map_err(|e| format!("parsing {}: {e}", path.display()))?;
    let Timing::Metrical(ppq) = smf.header.timing else {
        return Err(format!("{} counts in timecode, not beats", path.display()));
    };
    let ppq = u64::from(ppq.as_int());
    let to_ticks = |file_ticks: u64| {
        let scaled = file_ticks * TICKS_PER_QUARTER;
        if scaled.is_multiple_of(ppq) {
            Ok(scaled / ppq)
        } else {
            Err(format!(
                "{}: an event at {file_ticks}/{ppq} of a quarter is between Ardour's ticks",
                path.display()
            ))
        }
    };
    let mut notes = Vec::new();
    for track in &smf.tracks {
        // (channel, key, on_ticks, velocity)
        let mut sounding: Vec<(u8, u8, u64, u8)> = Vec::new();
        let mut file_ticks = 0u64;
        for event in track {
            file_ticks += u64::from(event.delta.as_int());
            let TrackEventKind::Midi { channel, message } = event.kind else {
                continue;
            };
            let channel = channel.as_int();
            let at = to_ticks(file_ticks)?;
            match message {
                MidiMessage::NoteOn { key, vel } if vel > 0 => {
                    let key = key.as_int();
                    if sounding.iter().any(|&(c, k, ..)| (c, k) == (channel, key)) {
                        return Err(format!(
                            "{}: note-on {channel}/{key} at tick {at} while it still sounds",
                            path.display()
                        ));
                    }
                    sounding.push((channel, key, at, vel.as_int()));
                }
                MidiMessage::NoteOn { key, .. } | MidiMessage::NoteOff { key, .. } => {
                    let key = key.as_int();
                    let Some(index) = sounding
                        .iter()
                        .position(|&(c, k, ..)| (c, k) == (channel, key))
                    else {
                        return Err(format!(
                            "{}: note-off {channel}/{key} at tick {at} without a note-on",
                            path.display()
                        ));
                    };
                    let (_, _, on_ticks, velocity) = sounding.remove(index);
                    notes.push(Note {
                        on_ticks,
                        off_ticks: at,
                        channel,
                        key,
                        velocity,
                    });
                }
                _ => {}
            }
        }
        if let Some((channel, key, at, _)) = sounding.first() {
            return Err(format!(
                "{}: note-on {channel}/{key} at tick {at} never ends",
                path.display()
            ));
        }
    }
    notes.sort();
    Ok(notes)
}

/// Writes `notes` as a format-0 MIDI file at `TICKS_PER_QUARTER`, position 0 at its start (a
/// release before a strike on the same tick, so a key struck again sounds again).
pub fn write_notes(notes: &[Note], path: &Path) -> Result<(), String> {
    let mut events: Vec<(u64, bool, u8, u8, u8)> = notes
        .iter()
        .flat_map(|n| {
            [
                (n.off_ticks, false, n.channel, n.key, 0),
                (n.on_ticks, true, n.channel, n.key, n.velocity),
            ]
        })
        .collect();
    events.sort();
    let mut track = Vec::with_capacity(events.len() + 1);
    let mut last_ticks = 0;
    for (at, on, channel, key, velocity) in events {
        let (key, vel) = (u7::new(key), u7::new(velocity));
        track.push(TrackEvent {
            delta: u28::new((at - last_ticks) as u32),
            kind: TrackEventKind::Midi {
                channel: u4::new(channel),
                message: if on {
                    MidiMessage::NoteOn { key, vel }
                } else {
                    MidiMessage::NoteOff { key, vel }
                },
            },
        });
        last_ticks = at;
    }
    track.push(TrackEvent {
        delta: u28::new(0),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });
    let mut smf = Smf::new(Header::new(
        Format::SingleTrack,
        Timing::Metrical(u15::new(TICKS_PER_QUARTER as u16)),
    ));
    smf.tracks.push(track);
    smf.save(path)
        .map_err(|e| format!("writing {}: {e}", path.display()))
}
