//! Which event may come next, so a sampler only draws streams the encoding could have written:
//! pitches in a step fall strictly, a continued note continues something, and after a step end
//! only step ends fill the step's slots. No allocation: the sampler asks on the audio thread's
//! behalf.

use super::encoding::{ChordEvent, EVENTS_PER_STEP, NUM_EVENTS};
use super::pitch::{ChordPitch, NUM_PITCHES};
use super::pitch_set::PitchSet;
use crate::encoding::EventId;

/// The state of a stream being sampled: what the last complete step sounded, what the current
/// step has named so far, and which of its slots comes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChordGrammar {
    /// What the previous step sounded.
    previous: PitchSet,
    /// The pitches named in this step so far (each below the one before).
    current: PitchSet,
    /// The slot of the next event, `0..EVENTS_PER_STEP`.
    slot: usize,
    /// Whether a step end came in this step.
    ended: bool,
}

impl ChordGrammar {
    /// The grammar at the start of a step that follows one that sounded `previous` (empty at
    /// the start of a piece; the call's last step when sampling an answer).
    pub fn new(previous: PitchSet) -> ChordGrammar {
        ChordGrammar {
            previous,
            current: PitchSet::EMPTY,
            slot: 0,
            ended: false,
        }
    }

    /// The grammar after `before`, a stream of ids from a step's first event on: only its last
    /// complete step and the partial one after it matter.
    pub fn after(before: &[EventId]) -> ChordGrammar {
        let partial = before.len() % EVENTS_PER_STEP;
        let from = before.len().saturating_sub(partial + EVENTS_PER_STEP);
        let mut grammar = ChordGrammar::new(PitchSet::EMPTY);
        for &id in &before[from..] {
            grammar.push(ChordEvent::from_id(id).unwrap_or_default());
        }
        grammar
    }

    /// Whether `event` may come next: a step end always; a note while the step has not ended
    /// and its pitch lies below every pitch named in this step, and a continued note only for
    /// a pitch the previous step sounded.
    pub fn allows(&self, event: ChordEvent) -> bool {
        match event {
            ChordEvent::StepEnd => true,
            ChordEvent::NewNote(pitch) => self.room_below(pitch),
            ChordEvent::ContinuedNote(pitch) => {
                self.room_below(pitch) && self.previous.contains(pitch)
            }
        }
    }

    /// Sets `mask[id]` to whether the event with that id may come next.
    pub fn mask(&self, mask: &mut [bool; NUM_EVENTS]) {
        mask.fill(false);
        mask[ChordEvent::StepEnd.id().index()] = true;
        if self.ended {
            return;
        }
        let below = self.current.lowest().map_or(NUM_PITCHES, ChordPitch::index);
        for pitch in (0..below).filter_map(ChordPitch::from_index) {
            mask[ChordEvent::NewNote(pitch).id().index()] = true;
            mask[ChordEvent::ContinuedNote(pitch).id().index()] = self.previous.contains(pitch);
        }
    }

    /// Takes `event` as the next one (allowed or not: the state follows what the stream
    /// sounds, as [`StepDecoder`](super::StepDecoder) reads it).
    pub fn push(&mut self, event: ChordEvent) {
        match event.pitch() {
            _ if self.ended => {}
            Some(pitch) => {
                self.current.insert(pitch);
            }
            None => self.ended = true,
        }
        self.slot += 1;
        if self.slot == EVENTS_PER_STEP {
            *self = ChordGrammar::new(self.current);
        }
    }

    /// Whether the step has not ended and `pitch` lies below the pitches already named.
    fn room_below(&self, pitch: ChordPitch) -> bool {
        !self.ended && self.current.lowest().is_none_or(|lowest| pitch < lowest)
    }
}

#[cfg(test)]
mod tests {
    use midly::num::u7;

    use super::*;
    use crate::families::chords::decode::decode_steps;
    use crate::families::chords::read::read_chords_file;
    use crate::families::chords::read::tests::chorale_fixtures;
    use crate::families::chords::sequence::ChordSequence;
    use crate::rng::SplitMix64;

    fn pitch(midi: u8) -> ChordPitch {
        ChordPitch::new(midi).unwrap()
    }

    /// Fills the rest of the grammar's step with step ends.
    fn end_step(grammar: &mut ChordGrammar) {
        let slot = grammar.slot;
        for _ in slot..EVENTS_PER_STEP {
            grammar.push(ChordEvent::StepEnd);
        }
    }

    #[test]
    fn pitches_fall_within_a_step_and_continue_only_what_sounded() {
        use ChordEvent::{ContinuedNote as Held, NewNote as New, StepEnd as End};
        let mut grammar = ChordGrammar::new(PitchSet::EMPTY);
        assert!(grammar.allows(End));
        assert!(grammar.allows(New(pitch(91))));
        assert!(!grammar.allows(Held(pitch(60))));
        grammar.push(New(pitch(67)));
        assert!(!grammar.allows(New(pitch(67))));
        assert!(!grammar.allows(New(pitch(72))));
        assert!(grammar.allows(New(pitch(60))));
        grammar.push(New(pitch(60)));
        end_step(&mut grammar);
        // Next step: 67 and 60 may continue, 64 may not.
        assert!(grammar.allows(Held(pitch(67))));
        assert!(grammar.allows(Held(pitch(60))));
        assert!(!grammar.allows(Held(pitch(64))));
        grammar.push(Held(pitch(60)));
        assert!(!grammar.allows(Held(pitch(67))));
        assert!(grammar.allows(New(pitch(59))));
        end_step(&mut grammar);
        end_step(&mut grammar);
        assert!(!grammar.allows(Held(pitch(60))));
    }

    #[test]
    fn after_a_step_end_only_step_ends_fill_the_step() {
        use ChordEvent::{NewNote as New, StepEnd as End};
        let mut grammar = ChordGrammar::new(PitchSet::EMPTY);
        grammar.push(New(pitch(72)));
        grammar.push(End);
        let mut mask = [true; NUM_EVENTS];
        for slot in 2..EVENTS_PER_STEP {
            assert_eq!(grammar.slot, slot);
            assert!(!grammar.allows(New(pitch(60))));
            grammar.mask(&mut mask);
            assert_eq!(mask.iter().filter(|&&allowed| allowed).count(), 1);
            assert!(mask[0]);
            grammar.push(End);
        }
        // The next step: anything again, and 72 may continue.
        assert_eq!(
            grammar,
            ChordGrammar::new([pitch(72)].into_iter().collect())
        );
        // Eight falling pitches fill a step: the ninth event starts the next.
        for midi in (80..88).rev() {
            assert!(grammar.allows(New(pitch(midi))));
            grammar.push(New(pitch(midi)));
        }
        assert_eq!(grammar.slot, 0);
        assert!(grammar.allows(New(pitch(91))));
    }

    #[test]
    fn the_grammar_after_a_stream_is_the_one_that_followed_it() {
        let sequence = read_chords_file(&chorale_fixtures()[0]).unwrap().sequence;
        let ids: Vec<EventId> = sequence.ids().collect();
        let mut grammar = ChordGrammar::new(PitchSet::EMPTY);
        for end in 0..200 {
            assert_eq!(ChordGrammar::after(&ids[..end]), grammar, "after {end}");
            grammar.push(ChordEvent::from_id(ids[end]).unwrap());
        }
    }

    #[test]
    fn the_mask_agrees_with_allows_along_random_streams() {
        let mut rng = SplitMix64::new(22);
        let mut mask = [false; NUM_EVENTS];
        for _ in 0..20 {
            let mut grammar = ChordGrammar::new(PitchSet::EMPTY);
            let mut stream = Vec::new();
            for _ in 0..400 {
                grammar.mask(&mut mask);
                for (id, &allowed) in mask.iter().enumerate() {
                    let event = ChordEvent::from_id(EventId::new(id)).unwrap();
                    assert_eq!(grammar.allows(event), allowed, "{event:?} after {stream:?}");
                }
                // Draw among the allowed events, step ends a third of the time.
                let allowed: Vec<usize> = (1..NUM_EVENTS).filter(|&id| mask[id]).collect();
                let id = if allowed.is_empty() || rng.below(3) == 0 {
                    0
                } else {
                    allowed[rng.below(allowed.len())]
                };
                let event = ChordEvent::from_id(EventId::new(id)).unwrap();
                grammar.push(event);
                stream.push(event);
            }
            // Every stream the grammar allows is the encoding of the steps it decodes to.
            let steps = decode_steps(stream.iter().copied(), u7::new(64));
            let sequence = ChordSequence {
                steps,
                steps_per_bar: 16,
                tempo_bpm: 120.0,
                octave_shift_semitones: 0,
            };
            let encoded: Vec<ChordEvent> = sequence.events().collect();
            assert_eq!(encoded[..stream.len()], stream[..]);
        }
    }

    #[test]
    fn every_chorale_stream_is_allowed() {
        for path in chorale_fixtures() {
            let sequence = read_chords_file(&path).unwrap().sequence;
            let mut grammar = ChordGrammar::new(PitchSet::EMPTY);
            for (index, event) in sequence.events().enumerate() {
                assert!(grammar.allows(event), "{}: event {index}", path.display());
                grammar.push(event);
            }
        }
    }
}
