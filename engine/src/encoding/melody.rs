//! Magenta's melody encoding (`melody_rnn`): one event per 16th step — no event (a sounding note
//! holds, a rest stays a rest), note-off, or a note-on for MIDI pitches 48–83 — so that
//! log-likelihoods compare with the literature.

use midly::num::u7;

use crate::encoding::event::EventId;

/// Lowest pitch the encoding plays (C3).
pub const MIN_PITCH: u8 = 48;
/// Highest pitch the encoding plays (B5).
pub const MAX_PITCH: u8 = 83;
/// Number of step events: no event, note-off, and one note-on per pitch.
pub const NUM_EVENTS: usize = 2 + (MAX_PITCH - MIN_PITCH + 1) as usize;

/// A pitch the encoding can play, `MIN_PITCH..=MAX_PITCH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pitch(u8);

impl Pitch {
    /// `pitch`, when the encoding plays it.
    pub fn new(pitch: u8) -> Option<Pitch> {
        (MIN_PITCH..=MAX_PITCH)
            .contains(&pitch)
            .then_some(Pitch(pitch))
    }

    /// `pitch` moved by whole octaves into the encoding's range (the nearest octave that fits).
    pub fn folded(pitch: u7) -> Pitch {
        let mut pitch = pitch.as_int();
        while pitch < MIN_PITCH {
            pitch += 12;
        }
        while pitch > MAX_PITCH {
            pitch -= 12;
        }
        Pitch(pitch)
    }

    /// The MIDI note number.
    pub const fn midi(self) -> u8 {
        self.0
    }

    /// The pitch class, 0 (C) to 11 (B).
    pub const fn class(self) -> u8 {
        self.0 % 12
    }
}

/// One step of a melody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MelodyEvent {
    /// Nothing changes: a sounding note holds, a rest stays a rest.
    #[default]
    NoEvent,
    /// The sounding note ends.
    NoteOff,
    /// A note starts (ending the one before).
    NoteOn(Pitch),
}

impl MelodyEvent {
    /// The event's id: 0 no event, 1 note-off, `2 + (pitch - 48)` note-on (Magenta's order).
    pub fn id(self) -> EventId {
        EventId::new(match self {
            MelodyEvent::NoEvent => 0,
            MelodyEvent::NoteOff => 1,
            MelodyEvent::NoteOn(pitch) => 2 + usize::from(pitch.0 - MIN_PITCH),
        })
    }

    /// The event of `id`, or `None` outside the vocabulary.
    pub fn from_id(id: EventId) -> Option<MelodyEvent> {
        match id.index() {
            0 => Some(MelodyEvent::NoEvent),
            1 => Some(MelodyEvent::NoteOff),
            index if index < NUM_EVENTS => {
                Some(MelodyEvent::NoteOn(Pitch(MIN_PITCH + (index - 2) as u8)))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_magentas_order_and_round_trip() {
        assert_eq!(NUM_EVENTS, 38);
        assert_eq!(MelodyEvent::NoEvent.id(), EventId::QUIET);
        assert_eq!(MelodyEvent::NoteOff.id().index(), 1);
        assert_eq!(MelodyEvent::NoteOn(Pitch::new(48).unwrap()).id().index(), 2);
        assert_eq!(
            MelodyEvent::NoteOn(Pitch::new(83).unwrap()).id().index(),
            37
        );
        for index in 0..NUM_EVENTS {
            let event = MelodyEvent::from_id(EventId::new(index)).unwrap();
            assert_eq!(event.id().index(), index);
        }
        assert_eq!(MelodyEvent::from_id(EventId::new(NUM_EVENTS)), None);
    }

    #[test]
    fn pitches_fold_into_range_by_octaves() {
        assert_eq!(Pitch::folded(u7::new(60)).midi(), 60);
        assert_eq!(Pitch::folded(u7::new(36)).midi(), 48);
        assert_eq!(Pitch::folded(u7::new(47)).midi(), 59);
        assert_eq!(Pitch::folded(u7::new(84)).midi(), 72);
        assert_eq!(Pitch::folded(u7::new(127)).midi(), 79);
        assert_eq!(Pitch::folded(u7::new(0)).midi(), 48);
        assert_eq!(Pitch::new(47), None);
        assert_eq!(Pitch::new(83).map(Pitch::class), Some(11));
    }
}
