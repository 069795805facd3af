//! From events back to steps, one event at a time and without allocation, tolerant of any
//! stream a sampler could produce.

use midly::num::u7;

use super::encoding::{ChordEvent, EVENTS_PER_STEP};
use super::pitch_set::PitchSet;
use super::step::ChordStep;

/// Turns a stream of events into the steps they describe, [`EVENTS_PER_STEP`] events a step:
///
/// - a new note is struck; a continued note is held, unless its pitch did not sound on the
///   step before, when it is struck (a sampler may continue a note that never started);
/// - a pitch named twice in one step counts once (struck if either names it struck);
/// - pitches after a step end in the same step are ignored: the step has ended;
/// - the order of pitches within a step does not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepDecoder {
    /// What sounded on the last complete step.
    previous: PitchSet,
    /// What the events of this step sound so far.
    sounding: PitchSet,
    /// What of it they strike.
    struck: PitchSet,
    /// Events of this step taken so far, `0..EVENTS_PER_STEP`.
    slot: usize,
    /// Whether this step's pitches have ended (a step end came).
    ended: bool,
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
            slot: 0,
            ended: false,
            velocity,
        }
    }

    /// Takes `event`; at a step's last slot, returns the step it completes.
    pub fn push(&mut self, event: ChordEvent) -> Option<ChordStep> {
        match event {
            _ if self.ended => {}
            ChordEvent::StepEnd => self.ended = true,
            ChordEvent::NewNote(pitch) => {
                self.struck.insert(pitch);
                self.sounding.insert(pitch);
            }
            ChordEvent::ContinuedNote(pitch) => {
                if !self.previous.contains(pitch) {
                    self.struck.insert(pitch);
                }
                self.sounding.insert(pitch);
            }
        }
        self.slot += 1;
        (self.slot == EVENTS_PER_STEP).then(|| {
            let step = self.step();
            *self = StepDecoder::new(step.sounding(), self.velocity);
            step
        })
    }

    /// The partial step the events since the last complete one describe, if any arrived.
    pub fn finish(self) -> Option<ChordStep> {
        (self.slot > 0).then(|| self.step())
    }

    /// The step named so far.
    fn step(&self) -> ChordStep {
        ChordStep::new(self.sounding, self.struck, self.velocity)
    }
}

/// The one step `events` describe (a step's first [`EVENTS_PER_STEP`] events, or fewer), after
/// a step that sounded `previous`, as [`StepDecoder`] reads it.
pub fn decode_step(
    events: impl IntoIterator<Item = ChordEvent>,
    previous: PitchSet,
    velocity: u7,
) -> ChordStep {
    let mut decoder = StepDecoder::new(previous, velocity);
    for event in events {
        if let Some(step) = decoder.push(event) {
            return step;
        }
    }
    decoder.finish().unwrap_or(ChordStep::REST)
}

/// The steps `events` describe, as [`StepDecoder`] reads them from a piece's start; events after
/// the last complete step make a final, partial step.
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

    /// `events` padded with step ends to a whole step.
    fn step(events: &[ChordEvent]) -> Vec<ChordEvent> {
        let mut step = events.to_vec();
        step.resize(EVENTS_PER_STEP, ChordEvent::StepEnd);
        step
    }

    #[test]
    fn tolerates_whatever_a_sampler_produces() {
        use ChordEvent::{ContinuedNote as Held, NewNote as New, StepEnd as End};
        let velocity = u7::new(64);
        let events = [
            // A continued note with nothing before: struck.
            step(&[Held(pitch(60)), New(pitch(64))]),
            // Ascending, and 64 named twice: held 60, held 64.
            step(&[Held(pitch(60)), Held(pitch(64)), Held(pitch(64))]),
            // An empty step.
            step(&[]),
            // 60 continued after the rest: struck; then named again as new. 72 after the step
            // end: ignored.
            step(&[Held(pitch(60)), New(pitch(60)), End, New(pitch(72))]),
            // Eight pitches, no step end.
            (0..8).map(|i| New(pitch(80 - i))).collect(),
            // No whole step: a partial final step, 60 held from nowhere.
            vec![Held(pitch(60))],
        ]
        .concat();
        let steps = decode_steps(events, velocity);
        assert_eq!(
            sets(&steps),
            [
                (set(&[60, 64]), set(&[60, 64])),
                (set(&[60, 64]), set(&[])),
                (set(&[]), set(&[])),
                (set(&[60]), set(&[60])),
                (
                    set(&[73, 74, 75, 76, 77, 78, 79, 80]),
                    set(&[73, 74, 75, 76, 77, 78, 79, 80])
                ),
                (set(&[60]), set(&[60])),
            ]
        );
        let velocities: Vec<Option<u7>> = steps.iter().map(|step| step.velocity()).collect();
        assert_eq!(
            velocities,
            [
                Some(velocity),
                None,
                None,
                Some(velocity),
                Some(velocity),
                Some(velocity)
            ]
        );
        assert!(decode_steps([], velocity).is_empty());
        assert_eq!(decode_steps(step(&[]), velocity), [ChordStep::REST]);
        assert_eq!(decode_steps([End], velocity), [ChordStep::REST]);
    }

    #[test]
    fn an_answer_continues_what_the_call_left_sounding() {
        let mut decoder = StepDecoder::new(set(&[60, 67]), u7::new(90));
        let events = step(&[
            ChordEvent::ContinuedNote(pitch(67)),
            ChordEvent::ContinuedNote(pitch(64)),
        ]);
        let (last, first) = events.split_last().unwrap();
        for &event in first {
            assert_eq!(decoder.push(event), None);
        }
        let step = decoder.push(*last).unwrap();
        assert_eq!(step.sounding(), set(&[64, 67]));
        assert_eq!(step.struck(), set(&[64]));
        assert_eq!(decoder.finish(), None);
        let again = decode_step(events.iter().copied(), set(&[60, 67]), u7::new(90));
        assert_eq!(again, step);
        assert_eq!(
            decode_step(
                [ChordEvent::NewNote(pitch(60))],
                PitchSet::EMPTY,
                u7::new(90)
            )
            .struck(),
            set(&[60])
        );
        assert_eq!(decode_step([], set(&[60]), u7::new(90)), ChordStep::REST);
    }
}
