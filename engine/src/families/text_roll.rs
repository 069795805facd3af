//! What `respond` shows of a call and its answer, one text row per drum or pitch: `x` where a
//! drum is struck; `o` where a note starts and `=` while it holds; `|` at bar lines.

use std::fmt::Write as _;

use crate::encoding::EventId;
use crate::encoding::scale::Tonic;
use crate::families::{Family, RollRows};

/// The events of `family` as rows of text; pitches moved by `transpose_semitones` (to where the
/// player plays).
pub fn text_roll(
    family: Family,
    events: &[EventId],
    steps_per_bar: usize,
    transpose_semitones: i8,
) -> String {
    let notes = family.notes(events);
    let steps = events.len() / family.events_per_step();
    let mut text = String::new();
    match family.roll_rows() {
        RollRows::Named(rows) => {
            for &(label, key) in rows.iter().rev() {
                let mut cells = vec!['.'; steps];
                for note in notes.iter().filter(|n| n.key == key) {
                    cells[note.start_step] = 'x';
                }
                if cells.contains(&'x') {
                    row(&mut text, label, cells.into_iter(), steps_per_bar);
                }
            }
        }
        RollRows::Pitches => {
            let played = |key: u8| i16::from(key) + i16::from(transpose_semitones);
            let (Some(low), Some(high)) = (
                notes.iter().map(|n| played(n.key)).min(),
                notes.iter().map(|n| played(n.key)).max(),
            ) else {
                return "(silence)\n".to_owned();
            };
            for key in (low..=high).rev() {
                let mut cells = vec!['.'; steps];
                for note in notes.iter().filter(|n| played(n.key) == key) {
                    cells[note.start_step] = 'o';
                    let end = (note.start_step + note.len_steps).min(steps);
                    for cell in &mut cells[note.start_step + 1..end] {
                        *cell = '=';
                    }
                }
                // Every row with a note, and the C rows between them to read the octaves by.
                if cells.iter().any(|&c| c != '.') || key.rem_euclid(12) == 0 {
                    row(&mut text, &note_name(key), cells.into_iter(), steps_per_bar);
                }
            }
        }
    }
    text
}

fn row(text: &mut String, label: &str, cells: impl Iterator<Item = char>, steps_per_bar: usize) {
    // Writing to a String cannot fail.
    let _ = write!(text, "{label:>10} ");
    for (step, cell) in cells.enumerate() {
        if step.is_multiple_of(steps_per_bar) {
            text.push('|');
        }
        text.push(cell);
    }
    text.push_str("|\n");
}

/// "C4" for MIDI note 60.
fn note_name(key: i16) -> String {
    let tonic = Tonic::new(key.rem_euclid(12) as u8).expect("a pitch class");
    format!("{}{}", tonic.name(), key.div_euclid(12) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::drums::encoding::{DrumClass, DrumEvent};
    use crate::families::melody::encoding::{MelodyEvent, Pitch};

    #[test]
    fn a_melody_shows_its_notes_where_they_are_played() {
        let on = |midi| MelodyEvent::NoteOn(Pitch::new(midi).unwrap()).id();
        let hold = MelodyEvent::NoEvent.id();
        let off = MelodyEvent::NoteOff.id();
        // C5 for two steps, E5 for one, then silence; shown an octave down.
        let text = text_roll(Family::MELODY, &[on(72), hold, on(76), off], 4, -12);
        assert_eq!(text, "        E4 |..o.|\n        C4 |o=..|\n");
        assert_eq!(
            text_roll(Family::MELODY, &[hold, hold], 4, 0),
            "(silence)\n"
        );
    }

    #[test]
    fn drums_show_the_classes_struck_cymbals_on_top() {
        let kick = DrumEvent::REST.with(DrumClass::Kick).id();
        let both = DrumEvent::REST
            .with(DrumClass::Kick)
            .with(DrumClass::Ride)
            .id();
        let text = text_roll(
            Family::DRUMS,
            &[both, EventId::QUIET, kick, EventId::QUIET],
            2,
            0,
        );
        assert_eq!(text, "      ride |x.|..|\n      kick |x.|x.|\n");
    }
}
