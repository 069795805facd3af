//! Chords moved to another key, for training: every pitch by the same number of semitones.
//! Augmentation keeps to keys where nothing leaves the range ([`keeps_in_range`]), so a
//! chorale's voicing survives; [`transpose`] folds what leaves it, for any key.

use midly::num::u7;

use super::decode::StepDecoder;
use super::encoding::ChordEvent;
use super::pitch_set::PitchSet;

/// `events` with every pitch moved by `semitones`: pitches leaving the range fold back in by
/// octaves, pitches landing on one another merge (struck if either was), and each step is
/// written again highest first. The result is shorter than `events` when pitches merge; a
/// final step without its step end keeps none.
pub fn transpose(events: &[ChordEvent], semitones: i8) -> Vec<ChordEvent> {
    // The encoding carries no velocity, so any will do.
    let mut decoder = StepDecoder::new(PitchSet::EMPTY, u7::new(0));
    let mut previous = PitchSet::EMPTY;
    let mut moved = Vec::with_capacity(events.len());
    for &event in events {
        if let Some(step) = decoder.push(event) {
            let step = step.transposed(semitones);
            moved.extend(step.events(previous));
            previous = step.sounding();
        }
    }
    if let Some(step) = decoder.finish() {
        let step = step.transposed(semitones);
        moved.extend(step.events(previous).filter(|&e| e != ChordEvent::StepEnd));
    }
    moved
}

/// Whether moving `events` by `semitones` keeps every pitch in range, so nothing folds.
pub fn keeps_in_range(events: &[ChordEvent], semitones: i8) -> bool {
    let all: PitchSet = events.iter().filter_map(|event| event.pitch()).collect();
    all.shifted(semitones).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::chords::pitch::ChordPitch;
    use crate::families::chords::read::read_chords_file;
    use crate::families::chords::read::tests::chorale_fixtures;

    fn pitch(midi: u8) -> ChordPitch {
        ChordPitch::new(midi).unwrap()
    }

    #[test]
    fn transposing_folds_merges_and_keeps_pitches_falling() {
        use ChordEvent::{ContinuedNote as Held, NewNote as New, StepEnd as End};
        let events = [
            New(pitch(88)),
            New(pitch(76)),
            End,
            Held(pitch(88)),
            New(pitch(64)),
            End,
        ];
        // Up 4: 88 + 4 = 92 folds down to 80, where 76 + 4 lands too: they merge.
        assert_eq!(
            transpose(&events, 4),
            [New(pitch(80)), End, Held(pitch(80)), New(pitch(68)), End]
        );
        // Down 2: nothing leaves, nothing merges.
        assert_eq!(
            transpose(&events, -2),
            [
                New(pitch(86)),
                New(pitch(74)),
                End,
                Held(pitch(86)),
                New(pitch(62)),
                End
            ]
        );
        // A final partial step stays partial.
        assert_eq!(
            transpose(&[New(pitch(60)), End, Held(pitch(60))], 1),
            [New(pitch(61)), End, Held(pitch(61))]
        );
        assert!(keeps_in_range(&events, 3));
        assert!(!keeps_in_range(&events, 4));
        assert!(keeps_in_range(&events, -36));
        assert!(!keeps_in_range(&events, -37));
        assert!(keeps_in_range(&[End], 100));
    }

    #[test]
    fn chorales_move_to_every_key_and_back() {
        for path in chorale_fixtures() {
            let events: Vec<ChordEvent> =
                read_chords_file(&path).unwrap().sequence.events().collect();
            for semitones in -6..=5 {
                assert!(keeps_in_range(&events, semitones), "{}", path.display());
                let moved = transpose(&events, semitones);
                assert_eq!(moved.len(), events.len());
                assert_eq!(transpose(&moved, -semitones), events, "{}", path.display());
            }
        }
    }
}
