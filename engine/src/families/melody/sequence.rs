//! Quantized melodies: what the melody model reads and writes, with each note's velocity and the
//! octave move that brought the melody into the encoding's range.

use midly::num::u7;

use crate::encoding::EventId;
use crate::families::melody::encoding::{MelodyEvent, NoteSpan, Pitch, note_spans};

/// One 16th-note step of a melody, as played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MelodyStep {
    /// Nothing changes: a sounding note holds, a rest stays a rest.
    #[default]
    NoEvent,
    /// The sounding note ends.
    NoteOff,
    /// A note starts (ending the one before), this loud.
    NoteOn {
        /// Its pitch, in the encoding's range.
        pitch: Pitch,
        /// Its velocity as played.
        velocity: u7,
    },
}

impl MelodyStep {
    /// The step of `event`, a note-on played at `velocity`.
    pub fn new(event: MelodyEvent, velocity: u7) -> MelodyStep {
        match event {
            MelodyEvent::NoEvent => MelodyStep::NoEvent,
            MelodyEvent::NoteOff => MelodyStep::NoteOff,
            MelodyEvent::NoteOn(pitch) => MelodyStep::NoteOn { pitch, velocity },
        }
    }

    /// The model's view of the step.
    pub fn event(self) -> MelodyEvent {
        match self {
            MelodyStep::NoEvent => MelodyEvent::NoEvent,
            MelodyStep::NoteOff => MelodyEvent::NoteOff,
            MelodyStep::NoteOn { pitch, .. } => MelodyEvent::NoteOn(pitch),
        }
    }

    /// The velocity of a note-on.
    pub fn velocity(self) -> Option<u7> {
        match self {
            MelodyStep::NoteOn { velocity, .. } => Some(velocity),
            MelodyStep::NoEvent | MelodyStep::NoteOff => None,
        }
    }
}

/// A monophonic melody quantized to 16th steps. Step 0 lies on a bar line.
#[derive(Debug, Clone, PartialEq)]
pub struct MelodySequence {
    /// The steps, in order.
    pub steps: Vec<MelodyStep>,
    /// Steps in one bar of the melody's time signature (16 in 4/4, 12 in 3/4 and 6/8).
    pub steps_per_bar: u32,
    /// Tempo of the melody, in quarter notes per minute.
    pub tempo_bpm: f64,
    /// What reading added to every pitch to fit the melody into the encoding's range: a whole
    /// number of octaves, in semitones (−12 for a melody played an octave above it). An answer
    /// subtracts it to sound where the call was played.
    pub octave_shift_semitones: i8,
}

/// A note of a melody with its velocity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MelodyNote {
    /// Where it starts, how long it sounds, and its pitch.
    pub span: NoteSpan,
    /// How hard it was played.
    pub velocity: u7,
}

impl MelodySequence {
    /// The model's view: one event per step.
    pub fn events(&self) -> impl ExactSizeIterator<Item = MelodyEvent> + Clone + '_ {
        self.steps.iter().map(|step| step.event())
    }

    /// The event id of every step, for the model.
    pub fn ids(&self) -> impl ExactSizeIterator<Item = EventId> + '_ {
        self.events().map(MelodyEvent::id)
    }

    /// Every note, in order: each sounds until the next note-on or note-off, or the end.
    pub fn notes(&self) -> impl Iterator<Item = MelodyNote> + '_ {
        note_spans(self.events()).map(|span| MelodyNote {
            span,
            velocity: self.steps[span.start_step]
                .velocity()
                .expect("a note starts on a note-on step"),
        })
    }

    /// The mean velocity of the notes (rounded), or `None` when there are none.
    pub fn mean_velocity(&self) -> Option<u7> {
        let (sum, count) = self
            .steps
            .iter()
            .filter_map(|step| step.velocity())
            .fold((0u64, 0u64), |(sum, count), velocity| {
                (sum + u64::from(velocity.as_int()), count + 1)
            });
        (count > 0).then(|| u7::new(((sum + count / 2) / count) as u8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(midi: u8, velocity: u8) -> MelodyStep {
        MelodyStep::NoteOn {
            pitch: Pitch::new(midi).unwrap(),
            velocity: u7::new(velocity),
        }
    }

    fn sequence(steps: Vec<MelodyStep>) -> MelodySequence {
        MelodySequence {
            steps,
            steps_per_bar: 16,
            tempo_bpm: 120.0,
            octave_shift_semitones: 0,
        }
    }

    #[test]
    fn steps_give_events_ids_and_notes() {
        let hold = MelodyStep::NoEvent;
        let melody = sequence(vec![
            on(60, 90),
            hold,
            on(67, 40),
            MelodyStep::NoteOff,
            hold,
        ]);
        let ids: Vec<usize> = melody.ids().map(EventId::index).collect();
        // Magenta's ids: 2 + (pitch − 48) for note-ons, 1 for note-off, 0 for no event.
        assert_eq!(ids, [14, 0, 21, 1, 0]);
        let notes: Vec<(usize, usize, u8, u8)> = melody
            .notes()
            .map(|note| {
                let span = note.span;
                let velocity = note.velocity.as_int();
                (span.start_step, span.len_steps, span.pitch.midi(), velocity)
            })
            .collect();
        assert_eq!(notes, [(0, 2, 60, 90), (2, 1, 67, 40)]);
        // (90 + 40) / 2
        assert_eq!(melody.mean_velocity(), Some(u7::new(65)));
        assert_eq!(sequence(vec![hold; 4]).mean_velocity(), None);
    }

    #[test]
    fn a_step_rebuilt_from_its_event_keeps_it() {
        let velocity = u7::new(70);
        for step in [MelodyStep::NoEvent, MelodyStep::NoteOff, on(83, 70)] {
            assert_eq!(MelodyStep::new(step.event(), velocity), step);
        }
        assert_eq!(on(50, 3).velocity(), Some(u7::new(3)));
        assert_eq!(MelodyStep::NoteOff.velocity(), None);
    }
}
