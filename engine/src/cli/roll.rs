//! What `respond` shows of a call and its answer, one text row per drum or pitch: `x` where a
//! drum is struck; `o` where a note starts and `=` while it holds; `|` at bar lines.

use std::fmt::Write as _;

use antiphon_engine::encoding::drums::{DrumClass, DrumEvent};
use antiphon_engine::encoding::melody::{MelodyEvent, note_spans};
use antiphon_engine::encoding::scale::Tonic;
use antiphon_engine::encoding::{EventId, Family};

/// The events of `family` as rows of text; a melody's pitches moved by `transpose_semitones`
/// (to where the player plays).
pub fn roll(family: Family, events: &[EventId], steps_per_bar: usize, transpose: i8) -> String {
    match family {
        Family::Drums => drum_grid(events, steps_per_bar),
        Family::Melody => pitch_roll(events, steps_per_bar, transpose),
    }
}

fn drum_grid(events: &[EventId], steps_per_bar: usize) -> String {
    let events: Vec<DrumEvent> = events
        .iter()
        .map(|&id| DrumEvent::from_id(id).unwrap_or_default())
        .collect();
    let mut text = String::new();
    for class in DrumClass::ALL.into_iter().rev() {
        if !events.iter().any(|e| e.contains(class)) {
            continue;
        }
        let cells = events
            .iter()
            .map(|event| if event.contains(class) { 'x' } else { '.' });
        row(&mut text, class.name(), cells, steps_per_bar);
    }
    text
}

fn pitch_roll(events: &[EventId], steps_per_bar: usize, transpose: i8) -> String {
    let melody = events
        .iter()
        .map(|&id| MelodyEvent::from_id(id).unwrap_or_default());
    let notes: Vec<(i16, usize, usize)> = note_spans(melody)
        .map(|note| {
            let key = i16::from(note.pitch.midi()) + i16::from(transpose);
            (key, note.start_step, note.len_steps)
        })
        .collect();
    let (Some(low), Some(high)) = (
        notes.iter().map(|n| n.0).min(),
        notes.iter().map(|n| n.0).max(),
    ) else {
        return "(silence)\n".to_owned();
    };
    let mut text = String::new();
    for key in (low..=high).rev() {
        let mut cells = vec!['.'; events.len()];
        for &(_, start, len) in notes.iter().filter(|n| n.0 == key) {
            cells[start] = 'o';
            for cell in &mut cells[start + 1..start + len] {
                *cell = '=';
            }
        }
        // Every row with a note, and the C rows between them to read the octaves by.
        if cells.iter().any(|&c| c != '.') || key.rem_euclid(12) == 0 {
            row(&mut text, &note_name(key), cells.into_iter(), steps_per_bar);
        }
    }
    text
}

/// "C4" for MIDI note 60.
fn note_name(key: i16) -> String {
    let tonic = Tonic::new(key.rem_euclid(12) as u8).expect("a pitch class");
    format!("{}{}", tonic.name(), key.div_euclid(12) - 1)
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

#[cfg(test)]
mod tests {
    use super::*;
    use antiphon_engine::encoding::melody::Pitch;

    #[test]
    fn a_melody_shows_its_notes_where_they_are_played() {
        let on = |midi| MelodyEvent::NoteOn(Pitch::new(midi).unwrap()).id();
        let hold = MelodyEvent::NoEvent.id();
        let off = MelodyEvent::NoteOff.id();
        // C5 for two steps, E5 for one, then silence; shown an octave down.
        let text = roll(Family::Melody, &[on(72), hold, on(76), off], 4, -12);
        assert_eq!(text, "        E4 |..o.|\n        C4 |o=..|\n");
        assert_eq!(roll(Family::Melody, &[hold, hold], 4, 0), "(silence)\n");
    }
}
