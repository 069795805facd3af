//! What every reader takes from a file besides its notes: where a tick falls on the 16th-step
//! grid, how many steps make a bar, the tempo, and the channel messages of every track.

use midly::num::u4;
use midly::{Format, MetaMessage, MidiMessage, Smf, TrackEventKind};

use super::MidiFileError;
use super::tick_clock::{DEFAULT_TEMPO_MICROS, TickClock};
use crate::hit::STEPS_PER_QUARTER;

/// A file's grid: ticks to steps, bar length and tempo.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    clock: TickClock,
    /// Steps in a bar of the first time signature (16, for 4/4, when there is none); later
    /// changes are not followed.
    pub(crate) steps_per_bar: u32,
    /// The first tempo, in quarter notes per minute (120 when there is none; of several on the
    /// first tempo event's tick, the last, which is the one in force).
    pub(crate) tempo_bpm: f64,
    /// The tick of the file's last event (its end of track, in a well-formed file).
    pub(crate) end_tick: u64,
}

/// A channel message at its absolute tick.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimedMessage {
    pub(crate) tick: u64,
    /// The index of its track in the file: voices of a chorale share a channel, so only the
    /// track tells their notes apart.
    pub(crate) track: usize,
    pub(crate) channel: u4,
    pub(crate) message: MidiMessage,
}

impl Timeline {
    /// Position of `tick` in 16th steps from tick 0 (which is taken to lie on a bar line).
    pub(crate) fn steps_at(&self, tick: u64) -> f64 {
        self.clock.quarters_at(tick) * f64::from(STEPS_PER_QUARTER)
    }
}

/// Parses a Standard MIDI File (format 0 or 1, metrical or SMPTE timing) into its timeline and
/// its channel messages, track by track in file order (not merged across tracks).
///
/// Metrical files map ticks to quarter notes directly, whatever their tempo changes; SMPTE files
/// are mapped through their tempo map (see `TickClock`).
pub(crate) fn read_timeline(bytes: &[u8]) -> Result<(Timeline, Vec<TimedMessage>), MidiFileError> {
    if bytes.is_empty() {
        return Err(MidiFileError::Empty);
    }
    let smf = Smf::parse(bytes).map_err(MidiFileError::NotMidi)?;
    if smf.header.format == Format::Sequential {
        return Err(MidiFileError::SequentialFormat);
    }

    let mut messages = Vec::new();
    let mut tempo_changes = Vec::new();
    let mut end_tick = 0;
    // (tick, numerator, denominator as a power of two)
    let mut first_time_signature: Option<(u64, u8, u8)> = None;
    for (track_index, track) in smf.tracks.iter().enumerate() {
        let mut tick = 0u64;
        for event in track {
            tick += u64::from(event.delta.as_int());
            match event.kind {
                TrackEventKind::Midi { channel, message } => {
                    messages.push(TimedMessage {
                        tick,
                        track: track_index,
                        channel,
                        message,
                    });
                }
                TrackEventKind::Meta(MetaMessage::Tempo(micros)) => {
                    tempo_changes.push((tick, micros.as_int()));
                }
                TrackEventKind::Meta(MetaMessage::TimeSignature(numerator, power, _, _))
                    if first_time_signature.is_none_or(|(first, _, _)| tick < first) =>
                {
                    first_time_signature = Some((tick, numerator, power));
                }
                _ => {}
            }
        }
        end_tick = end_tick.max(tick);
    }
    // Stable: tempo events at one tick keep their file order, so the last one wins.
    tempo_changes.sort_by_key(|&(tick, _)| tick);
    let clock = TickClock::new(smf.header.timing, &tempo_changes)?;
    let steps_per_bar = match first_time_signature {
        Some((_, numerator, power)) => steps_per_bar(numerator, power)?,
        None => 4 * STEPS_PER_QUARTER,
    };
    // The tempo in force at the first tempo event: the last of those sharing its tick.
    let first_tempo_micros = match tempo_changes.first() {
        Some(&(first_tick, _)) => tempo_changes
            .iter()
            .take_while(|&&(tick, _)| tick == first_tick)
            .fold(DEFAULT_TEMPO_MICROS, |_, &(_, micros)| micros),
        None => DEFAULT_TEMPO_MICROS,
    };
    let timeline = Timeline {
        clock,
        steps_per_bar,
        tempo_bpm: 60_000_000.0 / f64::from(first_tempo_micros),
        end_tick,
    };
    Ok((timeline, messages))
}

/// Steps in a bar of `numerator` beats of `2^-power` notes (the SMF's way of writing the
/// denominator): 16 in 4/4, 12 in 3/4 and 6/8, 20 in 5/4, 10 in 5/8.
fn steps_per_bar(numerator: u8, power: u8) -> Result<u32, MidiFileError> {
    const SIXTEENTHS_PER_WHOLE: u64 = 16;
    let denominator = 1u64.checked_shl(u32::from(power));
    let sixteenths = u64::from(numerator) * SIXTEENTHS_PER_WHOLE;
    match denominator {
        Some(denominator) if numerator > 0 && sixteenths.is_multiple_of(denominator) => {
            Ok((sixteenths / denominator) as u32)
        }
        _ => Err(MidiFileError::UnsupportedTimeSignature {
            numerator,
            denominator: denominator.unwrap_or(u64::MAX),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_per_bar_follows_the_time_signature() {
        assert_eq!(steps_per_bar(4, 2).unwrap(), 16);
        assert_eq!(steps_per_bar(3, 2).unwrap(), 12);
        assert_eq!(steps_per_bar(6, 3).unwrap(), 12);
        assert_eq!(steps_per_bar(5, 2).unwrap(), 20);
        assert_eq!(steps_per_bar(5, 3).unwrap(), 10);
        assert_eq!(steps_per_bar(2, 1).unwrap(), 16);
        assert_eq!(steps_per_bar(6, 5).unwrap(), 3);
        assert!(matches!(
            steps_per_bar(7, 5),
            Err(MidiFileError::UnsupportedTimeSignature {
                numerator: 7,
                denominator: 32
            })
        ));
        assert!(steps_per_bar(0, 2).is_err());
        assert!(steps_per_bar(4, 200).is_err());
    }
}
