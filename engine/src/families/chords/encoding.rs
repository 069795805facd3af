//! Magenta's polyphony encoding (`polyphony_rnn`) in fixed-size steps, without its start and end
//! tokens (a call or a training window starts and ends anywhere): each 16th step is
//! [`EVENTS_PER_STEP`] events, its sounding pitches, highest first, each as a new note (struck on
//! this step) or a continued note (held from the step before), then step ends filling the slots
//! left. An empty step is step ends alone; a step of eight pitches has none.
//!
//! A fixed count per step keeps the stream on the 16th grid: windows cut on bar lines, the
//! model's binary counters of the event index tell it the slot (low three bits) and the 16th
//! within half a bar (high three), and an answer costs the same per step.

use super::pitch::{ChordPitch, NUM_PITCHES};
use crate::encoding::EventId;

/// Number of events: the step end, then a new note and a continued note per pitch.
pub const NUM_EVENTS: usize = 1 + 2 * NUM_PITCHES;

/// Events per 16th step: the step's slots.
pub const EVENTS_PER_STEP: usize = 8;

/// The most pitches one step sounds: one per slot (a keyboard player's chord, a chorale's four
/// voices doubled).
pub const MAX_VOICES: usize = EVENTS_PER_STEP;

/// One event of the polyphony encoding. The default is a step end: what an id outside the
/// vocabulary is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChordEvent {
    /// No more pitches on this step: the step's slots left hold step ends.
    #[default]
    StepEnd,
    /// A pitch struck on this step.
    NewNote(ChordPitch),
    /// A pitch sounding on the step before, still held.
    ContinuedNote(ChordPitch),
}

impl ChordEvent {
    /// The event's id: 0 the step end, `1 + index` a new note, `1 + 64 + index` a continued note
    /// (index the pitch's semitones above the range's lowest).
    pub fn id(self) -> EventId {
        EventId::new(match self {
            ChordEvent::StepEnd => 0,
            ChordEvent::NewNote(pitch) => 1 + pitch.index(),
            ChordEvent::ContinuedNote(pitch) => 1 + NUM_PITCHES + pitch.index(),
        })
    }

    /// The event of `id`, or `None` outside the vocabulary.
    pub fn from_id(id: EventId) -> Option<ChordEvent> {
        match id.index() {
            0 => Some(ChordEvent::StepEnd),
            index if index <= NUM_PITCHES => {
                ChordPitch::from_index(index - 1).map(ChordEvent::NewNote)
            }
            index => ChordPitch::from_index(index - 1 - NUM_PITCHES).map(ChordEvent::ContinuedNote),
        }
    }

    /// The pitch of a new or continued note.
    pub fn pitch(self) -> Option<ChordPitch> {
        match self {
            ChordEvent::StepEnd => None,
            ChordEvent::NewNote(pitch) | ChordEvent::ContinuedNote(pitch) => Some(pitch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_put_the_step_end_first_then_new_then_continued_notes() {
        let pitch = |midi| ChordPitch::new(midi).unwrap();
        assert_eq!(NUM_EVENTS, 129);
        assert_eq!(ChordEvent::StepEnd.id(), EventId::QUIET);
        assert_eq!(ChordEvent::NewNote(pitch(28)).id().index(), 1);
        assert_eq!(ChordEvent::NewNote(pitch(91)).id().index(), 64);
        assert_eq!(ChordEvent::ContinuedNote(pitch(28)).id().index(), 65);
        assert_eq!(ChordEvent::ContinuedNote(pitch(91)).id().index(), 128);
        for index in 0..NUM_EVENTS {
            let event = ChordEvent::from_id(EventId::new(index)).unwrap();
            assert_eq!(event.id().index(), index);
        }
        assert_eq!(ChordEvent::from_id(EventId::new(NUM_EVENTS)), None);
        assert_eq!(ChordEvent::StepEnd.pitch(), None);
        assert_eq!(
            ChordEvent::ContinuedNote(pitch(60)).pitch(),
            Some(pitch(60))
        );
    }
}
