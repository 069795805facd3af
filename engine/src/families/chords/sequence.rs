//! Chords quantized to 16th steps: what the chords model reads and writes, with the velocity of
//! each step's strikes and the octave move that brought the player's register into the model's.

use midly::num::u7;

use super::decode::decode_steps;
use super::encoding::ChordEvent;
use super::pitch_set::PitchSet;
use super::step::ChordStep;
use crate::encoding::EventId;

/// Polyphonic music quantized to 16th steps. Step 0 lies on a bar line.
#[derive(Debug, Clone, PartialEq)]
pub struct ChordSequence {
    /// The steps, in order.
    pub steps: Vec<ChordStep>,
    /// Steps in one bar of the time signature (16 in 4/4, 12 in 3/4 and 6/8).
    pub steps_per_bar: u32,
    /// Tempo, in quarter notes per minute.
    pub tempo_bpm: f64,
    /// What reading added to every pitch to bring the player's register into the model's: a
    /// whole number of octaves, in semitones. An answer subtracts it to sound where the call was
    /// played.
    pub octave_shift_semitones: i8,
}

impl ChordSequence {
    /// The sequence `events` describe (as [`StepDecoder`](super::StepDecoder) reads them),
    /// every struck pitch at `velocity`, in bars of `steps_per_bar` at `tempo_bpm`, with
    /// `octave_shift_semitones` to undo when it is played.
    pub fn from_events(
        events: impl IntoIterator<Item = ChordEvent>,
        velocity: u7,
        steps_per_bar: u32,
        tempo_bpm: f64,
        octave_shift_semitones: i8,
    ) -> ChordSequence {
        ChordSequence {
            steps: decode_steps(events, velocity),
            steps_per_bar,
            tempo_bpm,
            octave_shift_semitones,
        }
    }

    /// The model's view: every step's [`EVENTS_PER_STEP`](super::EVENTS_PER_STEP) events in order (see
    /// [`ChordStep::events`](super::ChordStep::events)).
    pub fn events(&self) -> impl Iterator<Item = ChordEvent> + '_ {
        let before =
            std::iter::once(PitchSet::EMPTY).chain(self.steps.iter().map(|s| s.sounding()));
        self.steps
            .iter()
            .zip(before)
            .flat_map(|(step, previous)| step.events(previous))
    }

    /// The mean velocity of its struck notes, if any.
    pub fn mean_velocity(&self) -> Option<u7> {
        let (sum, count) = self
            .steps
            .iter()
            .filter_map(|step| Some((step.velocity()?, step.struck().len() as u64)))
            .fold((0u64, 0u64), |(sum, count), (velocity, notes)| {
                (sum + u64::from(velocity.as_int()) * notes, count + notes)
            });
        (count > 0).then(|| u7::new(((sum + count / 2) / count) as u8))
    }

    /// The id of every event, for the model.
    pub fn ids(&self) -> impl Iterator<Item = EventId> + '_ {
        self.events().map(ChordEvent::id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::chords::encoding::EVENTS_PER_STEP;
    use crate::families::chords::pitch::ChordPitch;
    use crate::families::chords::read::read_chords_file;
    use crate::families::chords::read::tests::chorale_fixtures;

    fn set(midis: &[u8]) -> PitchSet {
        midis
            .iter()
            .map(|&midi| ChordPitch::new(midi).unwrap())
            .collect()
    }

    fn sequence(steps: Vec<ChordStep>) -> ChordSequence {
        ChordSequence {
            steps,
            steps_per_bar: 16,
            tempo_bpm: 100.0,
            octave_shift_semitones: -12,
        }
    }

    #[test]
    fn steps_encode_as_magentas_polyphony_events() {
        let velocity = u7::new(70);
        let chords = sequence(vec![
            ChordStep::new(PitchSet::EMPTY, set(&[48, 64, 67]), velocity),
            ChordStep::new(set(&[48, 64, 67]), PitchSet::EMPTY, velocity),
            ChordStep::REST,
            ChordStep::new(set(&[48]), set(&[65]), velocity),
        ]);
        let ids: Vec<usize> = chords.ids().map(EventId::index).collect();
        // New notes are 1 + (pitch − 28), continued notes 65 + (pitch − 28), a step end 0,
        // eight events a step. C3 held from nowhere on the last step is heard as struck.
        let steps: Vec<&[usize]> = ids.chunks(EVENTS_PER_STEP).collect();
        assert_eq!(
            steps,
            [
                &[40, 37, 21, 0, 0, 0, 0, 0][..],
                &[104, 101, 85, 0, 0, 0, 0, 0],
                &[0; 8],
                &[38, 21, 0, 0, 0, 0, 0, 0],
            ]
        );
        let again = ChordSequence::from_events(chords.events(), velocity, 16, 100.0, -12);
        assert_eq!(again.steps[..3], chords.steps[..3]);
        assert_eq!(again.steps[3].struck(), set(&[48, 65]));
        assert!(again.events().eq(chords.events()));
    }

    #[test]
    fn chorales_round_trip_through_their_events() {
        for path in chorale_fixtures() {
            let read = read_chords_file(&path).unwrap().sequence;
            let events: Vec<ChordEvent> = read.events().collect();
            let again = ChordSequence::from_events(
                events.iter().copied(),
                u7::new(64),
                read.steps_per_bar,
                read.tempo_bpm,
                read.octave_shift_semitones,
            );
            let sets = |s: &ChordSequence| -> Vec<(PitchSet, PitchSet)> {
                s.steps.iter().map(|s| (s.sounding(), s.struck())).collect()
            };
            assert_eq!(events.len(), EVENTS_PER_STEP * read.steps.len());
            assert_eq!(sets(&again), sets(&read), "{}", path.display());
            assert!(again.events().eq(events), "{}", path.display());
        }
    }
}
