//! The rows of the piano roll's lanes: a family's named rows (the nine drums), or pitch rows
//! spanning the notes of the call and the answer in view, highest on top, C rows labelled. No
//! drawing here.

use std::ops::RangeInclusive;

use antiphon_engine::families;
use antiphon_engine::midly::num::u7;

use super::lane_notes::LaneNote;

/// Fewest semitones the pitch rows span, so that a few close notes do not fill the lane with
/// bars as tall as the drum rows (and so that a C row is always there to read the rest by).
pub const MIN_SPAN_SEMITONES: u8 = 12;
/// The pitches shown when no note is in view: C4 to C5.
const RESTING_SPAN: RangeInclusive<u8> = 60..=72;

/// The rows of both lanes: the same in each, so the call and the answer read against each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RollRows {
    /// A family's named rows, top to bottom, each with the key its notes sound.
    Named(&'static [(&'static str, u8)]),
    /// Every pitch from `low` to `high`, the highest on top.
    Pitches {
        /// The bottom row's MIDI key.
        low: u8,
        /// The top row's MIDI key.
        high: u8,
    },
}

impl RollRows {
    /// The rows `family` lays its notes on, spanning `notes` when they are pitch rows.
    pub fn of<'a>(
        family: families::RollRows,
        notes: impl IntoIterator<Item = &'a LaneNote>,
    ) -> RollRows {
        match family {
            families::RollRows::Named(rows) => RollRows::Named(rows),
            families::RollRows::Pitches => RollRows::spanning(notes),
        }
    }

    /// Pitch rows spanning every note of `notes`, widened evenly to at least
    /// [`MIN_SPAN_SEMITONES`]; an octave from C4 when there are none.
    pub fn spanning<'a>(notes: impl IntoIterator<Item = &'a LaneNote>) -> RollRows {
        let pitches = notes.into_iter().map(|note| note.key.as_int());
        let (low, high) = pitches
            .fold(None, |span: Option<(u8, u8)>, pitch| match span {
                Some((low, high)) => Some((low.min(pitch), high.max(pitch))),
                None => Some((pitch, pitch)),
            })
            .unwrap_or((*RESTING_SPAN.start(), *RESTING_SPAN.end()));
        let missing = MIN_SPAN_SEMITONES.saturating_sub(high - low);
        let max = u7::max_value().as_int();
        // Half the missing rows below, half above; at either end of MIDI's keys, all on the
        // other side.
        let low = low.saturating_sub(missing / 2);
        let high = (high + (missing - missing / 2)).min(max);
        let low = low.min(high.saturating_sub(MIN_SPAN_SEMITONES));
        let high = high.max(low + MIN_SPAN_SEMITONES);
        RollRows::Pitches { low, high }
    }

    /// How many rows there are.
    pub fn count(&self) -> usize {
        match *self {
            RollRows::Named(rows) => rows.len(),
            RollRows::Pitches { low, high } => usize::from(high - low) + 1,
        }
    }

    /// The row of `key`, counted from the top; `None` for a key these rows do not show.
    pub fn row_of(&self, key: u7) -> Option<usize> {
        let key = key.as_int();
        match *self {
            RollRows::Named(rows) => rows.iter().position(|&(_, row_key)| row_key == key),
            RollRows::Pitches { low, high } => {
                (low..=high).contains(&key).then(|| usize::from(high - key))
            }
        }
    }

    /// The label of `row`: a named row's name, or the name of a C ("C4" for MIDI key 60); other
    /// pitch rows have none.
    pub fn label(&self, row: usize) -> Option<String> {
        match *self {
            RollRows::Named(rows) => rows.get(row).map(|&(name, _)| name.to_owned()),
            RollRows::Pitches { high, .. } => {
                let pitch = high.checked_sub(u8::try_from(row).ok()?)?;
                (pitch % 12 == 0).then(|| format!("C{}", i32::from(pitch / 12) - 1))
            }
        }
    }

    /// Whether `row` is shaded: every other named row, or a black key's row, as on a keyboard.
    pub fn shaded(&self, row: usize) -> bool {
        match *self {
            RollRows::Named(_) => row % 2 == 1,
            RollRows::Pitches { high, .. } => u8::try_from(row)
                .ok()
                .and_then(|row| high.checked_sub(row))
                .is_some_and(|pitch| matches!(pitch % 12, 1 | 3 | 6 | 8 | 10)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use antiphon_engine::families::Family;
    use antiphon_engine::families::drums::encoding::{DrumClass, NUM_CLASSES};

    fn pitched(midi: &[u8]) -> Vec<LaneNote> {
        midi.iter()
            .map(|&midi| LaneNote {
                start_step: 0,
                end_step: 1,
                key: u7::new(midi),
            })
            .collect()
    }

    #[test]
    fn pitch_rows_span_the_notes_highest_on_top_with_c_rows_labelled() {
        // A melody from G3 (55) to E5 (76).
        let rows = RollRows::spanning(&pitched(&[60, 55, 76, 67]));
        assert_eq!(rows, RollRows::Pitches { low: 55, high: 76 });
        assert_eq!(rows.count(), 22);
        assert_eq!(rows.row_of(u7::new(76)), Some(0));
        assert_eq!(rows.row_of(u7::new(55)), Some(21));
        assert_eq!(rows.row_of(u7::new(54)), None);
        let labels: Vec<(usize, String)> = (0..rows.count())
            .filter_map(|row| rows.label(row).map(|label| (row, label)))
            .collect();
        // C5 (72) is four rows under E5, C4 (60) sixteen.
        assert_eq!(labels, [(4, "C5".to_owned()), (16, "C4".to_owned())]);
        // F♯4 (66) is a black key, G4 (67) is not.
        assert!(rows.shaded(10) && !rows.shaded(9));
    }

    #[test]
    fn a_narrow_melody_is_widened_to_an_octave_around_it() {
        assert_eq!(
            RollRows::spanning(&pitched(&[64, 65])),
            RollRows::Pitches { low: 59, high: 71 }
        );
        assert_eq!(
            RollRows::spanning(&pitched(&[])),
            RollRows::Pitches { low: 60, high: 72 }
        );
        // At the ends of MIDI's keys the rows widen inwards.
        assert_eq!(
            RollRows::spanning(&pitched(&[127])),
            RollRows::Pitches {
                low: 115,
                high: 127
            }
        );
        assert_eq!(
            RollRows::spanning(&pitched(&[1])),
            RollRows::Pitches { low: 0, high: 12 }
        );
        assert_eq!(
            RollRows::spanning(&pitched(&[0])).label(12),
            Some("C-1".into())
        );
    }

    #[test]
    fn drum_rows_are_the_nine_classes_by_name() {
        let rows = RollRows::of(Family::DRUMS.roll_rows(), &[]);
        assert_eq!(rows.count(), NUM_CLASSES);
        assert_eq!(rows.label(0).as_deref(), Some(DrumClass::ALL[0].name()));
        assert_eq!(rows.row_of(DrumClass::ALL[3].output_pitch()), Some(3));
        assert_eq!(rows.row_of(u7::new(60)), None);
        assert!(rows.shaded(1) && !rows.shaded(2));
    }
}
