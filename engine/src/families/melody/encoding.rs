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
        Pitch::folded_from(i32::from(pitch.as_int()))
    }

    /// `semitones` (a MIDI note number, possibly beyond 0–127) moved by whole octaves into the
    /// encoding's range (the nearest octave that fits).
    pub fn folded_from(semitones: i32) -> Pitch {
        let (min, max) = (i32::from(MIN_PITCH), i32::from(MAX_PITCH));
        let folded = if semitones < min {
            semitones + 12 * ((min - semitones + 11) / 12)
        } else if semitones > max {
            semitones - 12 * ((semitones - max + 11) / 12)
        } else {
            semitones
        };
        // The range spans three octaves, so one octave step from outside always lands inside.
        Pitch(folded as u8)
    }

    /// This pitch moved by `semitones`, folded back into the range by octaves when it leaves it.
    pub fn transposed(self, semitones: i8) -> Pitch {
        Pitch::folded_from(i32::from(self.0) + i32::from(semitones))
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

    /// This event moved by `semitones`: a note-on's pitch as [`Pitch::transposed`] moves it;
    /// no event and note-off stay as they are.
    pub fn transposed(self, semitones: i8) -> MelodyEvent {
        match self {
            MelodyEvent::NoteOn(pitch) => MelodyEvent::NoteOn(pitch.transposed(semitones)),
            other => other,
        }
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

/// A note of a melody: where it starts and how long it sounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteSpan {
    /// The step of its note-on.
    pub start_step: usize,
    /// Steps it sounds: until the next note-on or note-off, or the end of the melody.
    pub len_steps: usize,
    /// Its pitch.
    pub pitch: Pitch,
}

/// The notes of `events`, in order. Each sounds from its note-on until the next note-on or
/// note-off, or the end of the events.
pub fn note_spans<I>(events: I) -> NoteSpans<I::IntoIter>
where
    I: IntoIterator<Item = MelodyEvent>,
{
    NoteSpans {
        events: events.into_iter(),
        step: 0,
        sounding: None,
    }
}

/// Iterator over the notes of a melody's events; see [`note_spans`].
#[derive(Debug, Clone)]
pub struct NoteSpans<I> {
    events: I,
    /// The step of the next event.
    step: usize,
    /// The note sounding before that step: its start step and pitch.
    sounding: Option<(usize, Pitch)>,
}

impl<I: Iterator<Item = MelodyEvent>> Iterator for NoteSpans<I> {
    type Item = NoteSpan;

    fn next(&mut self) -> Option<NoteSpan> {
        loop {
            let step = self.step;
            let ended = match self.events.next() {
                None => return self.sounding.take().map(|note| span(note, step)),
                Some(MelodyEvent::NoEvent) => None,
                Some(MelodyEvent::NoteOff) => self.sounding.take(),
                Some(MelodyEvent::NoteOn(pitch)) => self.sounding.replace((step, pitch)),
            };
            self.step += 1;
            if let Some(note) = ended {
                return Some(span(note, step));
            }
        }
    }
}

/// The span of a note `(start step, pitch)` ending at `end_step`.
fn span((start_step, pitch): (usize, Pitch), end_step: usize) -> NoteSpan {
    NoteSpan {
        start_step,
        len_steps: end_step - start_step,
        pitch,
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
        assert_eq!(Pitch::folded_from(-13).midi(), 59);
        assert_eq!(Pitch::folded_from(48).midi(), 48);
        assert_eq!(Pitch::folded_from(131).midi(), 83);
        assert_eq!(Pitch::folded_from(132).midi(), 72);
        for semitones in -200..300 {
            let folded = i32::from(Pitch::folded_from(semitones).midi());
            assert_eq!((folded - semitones).rem_euclid(12), 0, "{semitones}");
            // The nearest octave: no octave closer to the original fits.
            let closer = folded + 12 * (semitones - folded).signum();
            assert!(
                folded == semitones || Pitch::new(closer as u8).is_none(),
                "{semitones}"
            );
        }
    }

    #[test]
    fn transposing_moves_note_ons_and_folds_them_back_in() {
        let pitch = |midi| Pitch::new(midi).unwrap();
        assert_eq!(pitch(60).transposed(5), pitch(65));
        assert_eq!(pitch(60).transposed(-6), pitch(54));
        // B5 up a semitone leaves the range: C6 folds down to C5.
        assert_eq!(pitch(83).transposed(1), pitch(72));
        // C3 down a semitone: B2 folds up to B3.
        assert_eq!(pitch(48).transposed(-1), pitch(59));
        assert_eq!(
            MelodyEvent::NoteOn(pitch(70)).transposed(-6),
            MelodyEvent::NoteOn(pitch(64))
        );
        assert_eq!(MelodyEvent::NoteOff.transposed(3), MelodyEvent::NoteOff);
        assert_eq!(MelodyEvent::NoEvent.transposed(3), MelodyEvent::NoEvent);
    }

    #[test]
    fn notes_sound_until_the_next_note_on_or_note_off_or_the_end() {
        let on = |midi| MelodyEvent::NoteOn(Pitch::new(midi).unwrap());
        let (hold, off) = (MelodyEvent::NoEvent, MelodyEvent::NoteOff);
        // Rest, C4 for two steps cut by D4, D4 released after three steps, rest, E4 to the end.
        let events = [
            hold,
            on(60),
            hold,
            on(62),
            hold,
            hold,
            off,
            hold,
            on(64),
            hold,
        ];
        let spans: Vec<(usize, usize, u8)> = note_spans(events)
            .map(|note| (note.start_step, note.len_steps, note.pitch.midi()))
            .collect();
        assert_eq!(spans, [(1, 2, 60), (3, 3, 62), (8, 2, 64)]);
        // A note-off with nothing sounding ends nothing; a note on the last step lasts one step.
        let spans: Vec<(usize, usize)> = note_spans([off, hold, on(72)])
            .map(|note| (note.start_step, note.len_steps))
            .collect();
        assert_eq!(spans, [(2, 1)]);
        assert_eq!(note_spans([hold, off]).count(), 0);
    }
}
