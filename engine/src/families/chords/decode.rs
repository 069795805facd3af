//! From events back to steps, one event at a time and without allocation, tolerant of any
//! stream a sampler could produce.

use midly::num::u7;

use super::encoding::ChordEvent;
use super::pitch_set::PitchSet;
use super::step::ChordStep;

/// Turns a stream of events into the steps they describe:
///
/// - a new note is struck; a continued note is held, unless its pitch did not sound on the
///   step before, when it is struck (a sampler may continue a note that never started);
/// - a pitch named twice in one step counts once (struck if either names it struck);
/// - the order of pitches within a step does not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepDecoder {
    /// What sounded on the last complete step.
    previous: PitchSet,
    /// What the events since the last step end sound.
    sounding: PitchSet,
    /// What of it they strike.
    struck: PitchSet,
    /// The velocity given to every struck pitch (the encoding carries none).
    velocity: u7,
}

impl StepDecoder {
    /// A decoder whose first step follows one that sounded `previous` (empty at the start of a
    /// piece; a call's last step when decoding its answer), striking notes at `velocity`.
    pub fn new(previous: PitchSet, velocity: u7) -> StepDecoder {
        StepDecoder {
            previous,
            sounding: PitchSet::EMPTY,
            struck: PitchSet::EMPTY,
            velocity,
        }
    }

    /// Takes `event`; at a step end, returns the step it completes.
    pub fn push(&mut self, event: ChordEvent) -> Option<ChordStep> {
        match event {
            ChordEvent::StepEnd => {
                let step = ChordStep::new(self.sounding, self.struck, self.velocity);
                self.previous = self.sounding;
                self.sounding = PitchSet::EMPTY;
                self.struck = PitchSet::EMPTY;
                return Some(step);
            }
            ChordEvent::NewNote(pitch) => {
                self.struck.insert(pitch);
            }
            ChordEvent::ContinuedNote(pitch) if !self.previous.contains(pitch) => {
                self.struck.insert(pitch);
            }
            ChordEvent::ContinuedNote(_) => {}
        }
        if let Some(pitch) = event.pitch() {
            self.sounding.insert(pitch);
        }
        None
    }

    /// The partial step the events since the last step end describe, if any arrived.
    pub fn finish(self) -> Option<ChordStep> {
        (!self.sounding.is_empty())
            .then(|| ChordStep::new(self.sounding, self.struck, self.velocity))
    }
}

/// The steps `events` describe, as [`StepDecoder`] reads them from a piece's start; events after
/// the last step end make a final, partial step.
pub fn decode_steps(events: impl IntoIterator<Item = ChordEvent>, velocity: u7) -> Vec<ChordStep> {
    let mut decoder = StepDecoder::new(PitchSet::EMPTY, velocity);
    let mut steps: Vec<ChordStep> = events
        .into_iter()
        .filter_map(|event| decoder.push(event))
        .collect();
    steps.extend(decoder.finish());
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::chords::pitch::ChordPitch;

    fn pitch(midi: u8) -> ChordPitch {
        ChordPitch::new(midi).unwrap()
    }

    fn set(midis: &[u8]) -> PitchSet {
        midis.iter().map(|&midi| pitch(midi)).collect()
    }

    fn sets(steps: &[ChordStep]) -> Vec<(PitchSet, PitchSet)> {
        steps.iter().map(|s| (s.sounding(), s.struck())).collect()
    }

    #[test]
    fn tolerates_whatever_a_sampler_produces() {
        use ChordEvent::{ContinuedNote as Held, NewNote as New, StepEnd as End};
        let velocity = u7::new(64);
        let steps = decode_steps(
            [
                // A continued note with nothing before: struck.
                Held(pitch(60)),
                New(pitch(64)),
                End,
                // Ascending, and 64 named twice: held 60, held 64.
                Held(pitch(60)),
                Held(pitch(64)),
                Held(pitch(64)),
                End,
                // An empty step.
                End,
                // 60 continued after the rest: struck; then named again as new.
                Held(pitch(60)),
                New(pitch(60)),
                End,
                // No step end: a partial final step, 60 held.
                Held(pitch(60)),
            ],
            velocity,
        );
        assert_eq!(
            sets(&steps),
            [
                (set(&[60, 64]), set(&[60, 64])),
                (set(&[60, 64]), set(&[])),
                (set(&[]), set(&[])),
                (set(&[60]), set(&[60])),
                (set(&[60]), set(&[])),
            ]
        );
        let velocities: Vec<Option<u7>> = steps.iter().map(|step| step.velocity()).collect();
        assert_eq!(
            velocities,
            [Some(velocity), None, None, Some(velocity), None]
        );
        assert!(decode_steps([], velocity).is_empty());
        assert_eq!(decode_steps([End], velocity), [ChordStep::REST]);
    }

    #[test]
    fn an_answer_continues_what_the_call_left_sounding() {
        let mut decoder = StepDecoder::new(set(&[60, 67]), u7::new(90));
        assert_eq!(decoder.push(ChordEvent::ContinuedNote(pitch(67))), None);
        assert_eq!(decoder.push(ChordEvent::ContinuedNote(pitch(64))), None);
        let step = decoder.push(ChordEvent::StepEnd).unwrap();
        assert_eq!(step.sounding(), set(&[64, 67]));
        assert_eq!(step.struck(), set(&[64]));
        assert_eq!(decoder.finish(), None);
    }
}
