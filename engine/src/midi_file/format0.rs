//! What every writer shares: a file at [`TICKS_PER_QUARTER`] with the sequence's tempo and
//! time signature, its notes in playing order, and an end of track at the sequence's end; and
//! the format-0 file of one sequence.

use midly::num::{u4, u7, u15, u24, u28};
use midly::{Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};

use crate::hit::STEPS_PER_QUARTER;

/// Time division of written files, in ticks per quarter note.
pub const TICKS_PER_QUARTER: u16 = 480;
/// Ticks in one 16th step of a written file.
pub(crate) const TICKS_PER_STEP: u64 = TICKS_PER_QUARTER as u64 / STEPS_PER_QUARTER as u64;
/// Written when the sequence's own tempo is not a positive finite number.
const FALLBACK_TEMPO_BPM: f64 = 120.0;

/// A note to write: a note-on at `on_tick` and its note-off at `off_tick`, in ticks of
/// [`TICKS_PER_QUARTER`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenNote {
    pub on_tick: u64,
    pub off_tick: u64,
    pub key: u7,
    pub velocity: u7,
}

impl WrittenNote {
    /// The note `steps` 16th steps later.
    pub fn later_by(self, steps: usize) -> WrittenNote {
        let ticks = steps as u64 * TICKS_PER_STEP;
        WrittenNote {
            on_tick: self.on_tick + ticks,
            off_tick: self.off_tick + ticks,
            ..self
        }
    }
}

/// A track's events before delta times: `(tick, rank, event)`, where at one tick meta events
/// (rank 0) come first, then note-offs (1), then note-ons (2), so a note-off never silences a
/// note struck on the same tick.
pub(super) type TimedEvents<'a> = Vec<(u64, u8, TrackEventKind<'a>)>;

/// Writes `notes` on `channel` as a format-0 Standard MIDI File of `len_steps` steps.
///
/// The file starts with the tempo (120 bpm when `tempo_bpm` is not a positive finite number) and
/// the time signature of a `steps_per_bar` bar (written as n/4 when a bar holds whole quarters,
/// n/8 when it holds whole eighths, else n/16; left out when the numerator would not fit a
/// byte, so players assume 4/4). At one tick note-offs come before note-ons. The track ends at
/// the end of the sequence (or of its last note), so a DAW sees its whole length.
///
/// # Panics
/// If a delta time exceeds the SMF's 28 bits: a sequence over two million steps long.
pub(crate) fn format0_bytes(
    tempo_bpm: f64,
    steps_per_bar: u32,
    len_steps: usize,
    channel: u4,
    notes: &[WrittenNote],
) -> Vec<u8> {
    let mut events = meter_events(tempo_bpm, steps_per_bar);
    events.extend(note_events(notes, channel));
    smf_bytes(Format::SingleTrack, vec![track_from(events, len_steps)])
}

/// The tempo (120 bpm when `tempo_bpm` is not a positive finite number) and time signature
/// events at tick 0.
pub(super) fn meter_events(tempo_bpm: f64, steps_per_bar: u32) -> TimedEvents<'static> {
    let tempo_bpm = if tempo_bpm.is_finite() && tempo_bpm > 0.0 {
        tempo_bpm
    } else {
        FALLBACK_TEMPO_BPM
    };
    let micros_per_quarter = (60_000_000.0 / tempo_bpm)
        .round()
        .clamp(1.0, f64::from(u24::max_value().as_int())) as u32;
    let mut events = vec![(
        0,
        0,
        TrackEventKind::Meta(MetaMessage::Tempo(u24::new(micros_per_quarter))),
    )];
    if let Some((numerator, power)) = time_signature(steps_per_bar) {
        events.push((
            0,
            0,
            TrackEventKind::Meta(MetaMessage::TimeSignature(numerator, power, 24, 8)),
        ));
    }
    events
}

/// Each note's note-on and note-off on `channel`.
pub(super) fn note_events(notes: &[WrittenNote], channel: u4) -> TimedEvents<'static> {
    let message = |message| TrackEventKind::Midi { channel, message };
    let mut events = Vec::with_capacity(notes.len() * 2);
    for note in notes {
        events.push((
            note.on_tick,
            2,
            message(MidiMessage::NoteOn {
                key: note.key,
                vel: note.velocity,
            }),
        ));
        events.push((
            note.off_tick,
            1,
            message(MidiMessage::NoteOff {
                key: note.key,
                vel: u7::new(0),
            }),
        ));
    }
    events
}

/// `events` in order with delta times, ending at `len_steps` (or at the last event).
///
/// # Panics
/// If a delta time exceeds the SMF's 28 bits: a sequence over two million steps long.
pub(super) fn track_from(mut events: TimedEvents<'_>, len_steps: usize) -> Vec<TrackEvent<'_>> {
    events.sort_by_key(|&(tick, rank, _)| (tick, rank));
    let end_tick = events
        .last()
        .map_or(0, |&(tick, _, _)| tick)
        .max(len_steps as u64 * TICKS_PER_STEP);
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
    track
}

/// A Standard MIDI File of `tracks` at [`TICKS_PER_QUARTER`].
pub(super) fn smf_bytes(format: Format, tracks: Vec<Vec<TrackEvent<'_>>>) -> Vec<u8> {
    let smf = Smf {
        header: Header::new(format, Timing::Metrical(u15::new(TICKS_PER_QUARTER))),
        tracks,
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

    #[test]
    fn time_signatures_for_bar_lengths() {
        assert_eq!(time_signature(16), Some((4, 2)));
        assert_eq!(time_signature(12), Some((3, 2)));
        assert_eq!(time_signature(10), Some((5, 3)));
        assert_eq!(time_signature(7), Some((7, 4)));
        assert_eq!(time_signature(0), None);
    }
}
