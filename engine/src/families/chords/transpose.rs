//! Chords moved to another key, for training: every pitch by the same number of semitones.
//! Augmentation keeps to keys where nothing leaves the range ([`keeps_in_range`]), so a
//! chorale's voicing survives; [`transpose`] folds what leaves it, for any key.

use midly::num::u7;

use super::encoding::{ChordEvent, EVENTS_PER_STEP};
use super::pitch_set::PitchSet;
use super::step::ChordStep;

/// Moves every pitch of `events` (a stream from a step's first event on) by `semitones`, in
/// place: pitches leaving the range fold back in by octaves, pitches landing on one another
/// merge (struck if either was), and each step is written again highest first, step ends
/// filling what merging frees. Each pitch keeps its kind, so a window's first step still
/// continues what sounded before it; a final partial step keeps its length.
pub fn transpose(events: &mut [ChordEvent], semitones: i8) {
    for step in events.chunks_mut(EVENTS_PER_STEP) {
        let (sounding, struck) = named(step);
        // The encoding carries no velocity, so any will do.
        let moved = ChordStep::new(
            sounding.transposed(semitones),
            struck.transposed(semitones),
            u7::new(0),
        );
        // Written after a step that sounded all it holds: what is not struck stays continued.
        let written = moved.events(moved.sounding());
        step.copy_from_slice(&written[..step.len()]);
    }
}

/// The pitches a step's events name before its step end, and those of them named struck.
fn named(step: &[ChordEvent]) -> (PitchSet, PitchSet) {
    let (mut sounding, mut struck) = (PitchSet::EMPTY, PitchSet::EMPTY);
    for &event in step
        .iter()
        .take_while(|&&event| event != ChordEvent::StepEnd)
    {
        match event {
            ChordEvent::NewNote(pitch) => {
                sounding.insert(pitch);
                struck.insert(pitch);
            }
            ChordEvent::ContinuedNote(pitch) => {
                sounding.insert(pitch);
            }
            ChordEvent::StepEnd => {}
        }
    }
    (sounding, struck)
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

    /// Steps of `events` each, padded with step ends.
    fn steps(steps: &[&[ChordEvent]]) -> Vec<ChordEvent> {
        steps
            .iter()
            .flat_map(|step| {
                let mut step = step.to_vec();
                step.resize(EVENTS_PER_STEP, ChordEvent::StepEnd);
                step
            })
            .collect()
    }

    #[test]
    fn transposing_folds_merges_and_keeps_pitches_falling() {
        use ChordEvent::{ContinuedNote as Held, NewNote as New};
        let events = steps(&[
            &[New(pitch(88)), New(pitch(76))],
            &[Held(pitch(88)), New(pitch(64))],
        ]);
        // Up 4: 88 + 4 = 92 folds down to 80, where 76 + 4 lands too: they merge.
        let mut up = events.clone();
        transpose(&mut up, 4);
        assert_eq!(
            up,
            steps(&[&[New(pitch(80))], &[Held(pitch(80)), New(pitch(68))]])
        );
        // Down 2: nothing leaves, nothing merges.
        let mut down = events.clone();
        transpose(&mut down, -2);
        assert_eq!(
            down,
            steps(&[
                &[New(pitch(86)), New(pitch(74))],
                &[Held(pitch(86)), New(pitch(62))]
            ])
        );
        // A window opening on held notes keeps them held; a final partial step stays partial.
        let mut held = [Held(pitch(60)), Held(pitch(48))];
        transpose(&mut held, 1);
        assert_eq!(held, [Held(pitch(61)), Held(pitch(49))]);
        assert!(keeps_in_range(&events, 3));
        assert!(!keeps_in_range(&events, 4));
        assert!(keeps_in_range(&events, -36));
        assert!(!keeps_in_range(&events, -37));
        assert!(keeps_in_range(&[ChordEvent::StepEnd], 100));
    }

    #[test]
    fn chorales_move_to_every_key_and_back() {
        for path in chorale_fixtures() {
            let events: Vec<ChordEvent> =
                read_chords_file(&path).unwrap().sequence.events().collect();
            for semitones in -6..=5 {
                assert!(keeps_in_range(&events, semitones), "{}", path.display());
                let mut moved = events.clone();
                transpose(&mut moved, semitones);
                assert_eq!(moved == events, semitones == 0);
                transpose(&mut moved, -semitones);
                assert_eq!(moved, events, "{}", path.display());
            }
        }
    }
}
