//! From a file's ticks to quarter notes, through its tempo map when the timing needs it.

use midly::Timing;

use super::MidiFileError;

/// Microseconds per quarter note before the first tempo event (120 bpm, the SMF default).
pub(super) const DEFAULT_TEMPO_MICROS: u32 = 500_000;

/// Converts absolute tick positions to quarter notes from the start of the file.
///
/// Metrical files count ticks in fractions of a quarter note, so their grid never depends on
/// tempo: a tempo change makes the music faster, not the notes land on other beats. SMPTE files
/// count ticks in fractions of a second; those are converted through the tempo map, segment by
/// segment, so a clip exported with timecode still lands on the grid its tempo events describe.
#[derive(Debug, Clone)]
pub(super) enum TickClock {
    /// Ticks are fractions of a quarter note.
    Metrical { ticks_per_quarter: f64 },
    /// Ticks are fractions of a second; the tempo map gives quarter notes per second.
    Timecode { segments: Vec<TempoSegment> },
}

/// A stretch of an SMPTE file at one tempo.
#[derive(Debug, Clone, Copy)]
pub(super) struct TempoSegment {
    start_tick: u64,
    start_quarters: f64,
    quarters_per_tick: f64,
}

impl TickClock {
    /// The clock for a file with header timing `timing` and tempo events `tempo_changes`
    /// (`(tick, microseconds per quarter)`, sorted by tick; at equal ticks the last one wins).
    /// A zero tempo is an error whatever the timing, so callers may divide by any tempo after.
    pub(super) fn new(timing: Timing, tempo_changes: &[(u64, u32)]) -> Result<Self, MidiFileError> {
        if let Some(&(tick, _)) = tempo_changes.iter().find(|&&(_, micros)| micros == 0) {
            return Err(MidiFileError::ZeroTempo { tick });
        }
        match timing {
            Timing::Metrical(ticks) => match ticks.as_int() {
                0 => Err(MidiFileError::ZeroTimeDivision),
                ticks => Ok(TickClock::Metrical {
                    ticks_per_quarter: f64::from(ticks),
                }),
            },
            Timing::Timecode(fps, subframes) => {
                if subframes == 0 {
                    return Err(MidiFileError::ZeroTimeDivision);
                }
                let ticks_per_sec = f64::from(fps.as_f32()) * f64::from(subframes);
                let quarters_per_tick =
                    |micros: u32| 1_000_000.0 / (f64::from(micros) * ticks_per_sec);
                let mut segments = vec![TempoSegment {
                    start_tick: 0,
                    start_quarters: 0.0,
                    quarters_per_tick: quarters_per_tick(DEFAULT_TEMPO_MICROS),
                }];
                for &(tick, micros) in tempo_changes {
                    let last = *segments.last().expect("segments start non-empty");
                    let segment = TempoSegment {
                        start_tick: tick,
                        start_quarters: last.quarters_at(tick),
                        quarters_per_tick: quarters_per_tick(micros),
                    };
                    if last.start_tick == tick {
                        *segments.last_mut().expect("segments start non-empty") = segment;
                    } else {
                        segments.push(segment);
                    }
                }
                Ok(TickClock::Timecode { segments })
            }
        }
    }

    /// Quarter notes from the start of the file to `tick`.
    pub(super) fn quarters_at(&self, tick: u64) -> f64 {
        match self {
            TickClock::Metrical { ticks_per_quarter } => tick as f64 / ticks_per_quarter,
            TickClock::Timecode { segments } => {
                let index = segments.partition_point(|s| s.start_tick <= tick);
                // The first segment starts at tick 0, so `index >= 1`.
                segments[index - 1].quarters_at(tick)
            }
        }
    }
}

impl TempoSegment {
    fn quarters_at(&self, tick: u64) -> f64 {
        self.start_quarters + (tick - self.start_tick) as f64 * self.quarters_per_tick
    }
}

#[cfg(test)]
mod tests {
    use midly::num::u15;
    use midly::{Fps, Timing};

    use super::*;

    #[test]
    fn metrical_ticks_ignore_tempo() {
        let clock = TickClock::new(
            Timing::Metrical(u15::new(96)),
            &[(0, 300_000), (96, 900_000)],
        )
        .unwrap();
        assert_eq!(clock.quarters_at(0), 0.0);
        assert_eq!(clock.quarters_at(48), 0.5);
        assert_eq!(clock.quarters_at(960), 10.0);
    }

    #[test]
    fn timecode_ticks_follow_the_tempo_map() {
        // 25 fps × 40 subframes: one tick per millisecond.
        let timing = Timing::Timecode(Fps::Fps25, 40);
        // 120 bpm for two seconds (4 quarters), then 60 bpm.
        let clock = TickClock::new(timing, &[(0, 500_000), (2000, 1_000_000)]).unwrap();
        assert!((clock.quarters_at(1000) - 2.0).abs() < 1e-9);
        assert!((clock.quarters_at(2000) - 4.0).abs() < 1e-9);
        assert!((clock.quarters_at(3000) - 5.0).abs() < 1e-9);
        // Without tempo events an SMPTE file plays at the default 120 bpm.
        let default = TickClock::new(timing, &[]).unwrap();
        assert!((default.quarters_at(3000) - 6.0).abs() < 1e-9);
    }

    #[test]
    fn zero_divisions_and_tempos_are_errors() {
        assert!(matches!(
            TickClock::new(Timing::Metrical(u15::new(0)), &[]),
            Err(MidiFileError::ZeroTimeDivision)
        ));
        assert!(matches!(
            TickClock::new(Timing::Timecode(Fps::Fps24, 0), &[]),
            Err(MidiFileError::ZeroTimeDivision)
        ));
        assert!(matches!(
            TickClock::new(Timing::Metrical(u15::new(96)), &[(0, 400_000), (10, 0)]),
            Err(MidiFileError::ZeroTempo { tick: 10 })
        ));
    }
}
