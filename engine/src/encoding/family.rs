//! Model families: each owns an encoding (what its event ids mean), and a model folder's
//! `config.json` says which family it belongs to.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::encoding::key::KeyChoice;
use crate::encoding::melody::MelodyEvent;
use crate::encoding::melody_mask::scale_mask;
use crate::encoding::scale::Scale;
use crate::encoding::transposition::random_transposition;
use crate::encoding::{EventId, drums, melody};
use crate::phrase::LastBar;
use crate::rng::SplitMix64;

/// A model family, chosen by a model folder's `config.json` `encoding` (serialized as that
/// name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Family {
    /// Magenta's `drum_kit`: nine drum classes, 512 events.
    #[serde(rename = "drum_kit")]
    Drums,
    /// Magenta's melody encoding: note-ons for pitches 48–83, note-off, no event; 38 events.
    #[serde(rename = "melody")]
    Melody,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 2] = [Family::Drums, Family::Melody];

    /// The family whose `config.json` `encoding` is `name`.
    pub fn from_encoding(name: &str) -> Option<Family> {
        Family::ALL
            .into_iter()
            .find(|family| family.encoding() == name)
    }

    /// The `encoding` name written in `config.json`.
    pub const fn encoding(self) -> &'static str {
        match self {
            Family::Drums => "drum_kit",
            Family::Melody => "melody",
        }
    }

    /// Number of step events.
    pub const fn vocab_size(self) -> usize {
        match self {
            Family::Drums => drums::NUM_EVENTS,
            Family::Melody => melody::NUM_EVENTS,
        }
    }

    /// How many notes `event` starts: the drums struck, or one for a melody's note-on.
    pub fn hits(self, event: EventId) -> usize {
        match self {
            Family::Drums => drums::DrumEvent::from_id(event).map_or(0, |e| e.classes().count()),
            Family::Melody => usize::from(matches!(
                MelodyEvent::from_id(event),
                Some(MelodyEvent::NoteOn(_))
            )),
        }
    }

    /// What the last bar of a call (`bar`, after the call's `before`) holds: where its notes
    /// start, and whether a melody's note held over its bar line sounds on a 16th into it.
    pub fn last_bar(self, before: &[EventId], bar: &[EventId]) -> LastBar {
        let onsets = bar
            .iter()
            .enumerate()
            .filter(|&(_, &event)| self.hits(event) > 0)
            .map(|(step, _)| step);
        let held_over = match self {
            Family::Drums => false,
            Family::Melody => {
                let sounding = before
                    .iter()
                    .rev()
                    .find_map(|&id| match MelodyEvent::from_id(id) {
                        Some(MelodyEvent::NoEvent) | None => None,
                        Some(event) => Some(matches!(event, MelodyEvent::NoteOn(_))),
                    })
                    .unwrap_or(false);
                sounding && bar.iter().take(2).all(|id| id.is_quiet())
            }
        };
        LastBar::of(onsets, held_over)
    }

    /// Which events an answer may play, given the key and scale asked for and the events the
    /// model heard (its call): `None` allows all. Drums have no key.
    pub fn answer_mask(self, key: KeyChoice, scale: Scale, heard: &[EventId]) -> Option<Vec<bool>> {
        match self {
            Family::Drums => None,
            Family::Melody => {
                let heard: Vec<MelodyEvent> = heard
                    .iter()
                    .filter_map(|&id| MelodyEvent::from_id(id))
                    .collect();
                scale_mask(key.tonic(scale, &heard), scale).map(|mask| mask.to_vec())
            }
        }
    }

    /// Changes a training window as the family's data augmentation does: a melody moves to one
    /// of the twelve keys (drawn from `rng`), so the model answers in whatever key is played;
    /// drums stay as played (and draw nothing).
    pub fn augment(self, window: &mut [EventId], rng: &mut SplitMix64) {
        match self {
            Family::Drums => {}
            Family::Melody => self.transpose(window, random_transposition(rng)),
        }
    }

    /// Moves a melody's notes by `semitones` (folded back into range by octaves); drums stay as
    /// played.
    pub fn transpose(self, window: &mut [EventId], semitones: i8) {
        if self == Family::Melody {
            for id in window {
                if let Some(event) = MelodyEvent::from_id(*id) {
                    *id = event.transposed(semitones).id();
                }
            }
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Family::Drums => "drums",
            Family::Melody => "melody",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_name_their_family() {
        for family in Family::ALL {
            assert_eq!(Family::from_encoding(family.encoding()), Some(family));
        }
        assert_eq!(Family::from_encoding("drum_kit"), Some(Family::Drums));
        assert_eq!(Family::from_encoding("polyphony"), None);
        assert_eq!(Family::Drums.vocab_size(), 512);
        assert_eq!(Family::Melody.vocab_size(), 38);
    }

    #[test]
    fn a_melody_is_augmented_into_another_key_and_drums_are_not() {
        use crate::encoding::melody::Pitch;
        let on = |midi| MelodyEvent::NoteOn(Pitch::new(midi).unwrap()).id();
        let melody = [
            on(60),
            MelodyEvent::NoEvent.id(),
            on(64),
            MelodyEvent::NoteOff.id(),
        ];
        let mut rng = SplitMix64::new(5);
        let keys: std::collections::BTreeSet<Vec<EventId>> = (0..200)
            .map(|_| {
                let mut window = melody;
                Family::Melody.augment(&mut window, &mut rng);
                // The shape stays: a note-on, a hold, a note-on four semitones up, a note-off.
                let first = MelodyEvent::from_id(window[0]).unwrap();
                let third = MelodyEvent::from_id(window[2]).unwrap();
                match (first, third) {
                    (MelodyEvent::NoteOn(a), MelodyEvent::NoteOn(b)) => {
                        assert_eq!(
                            (i16::from(b.midi()) - i16::from(a.midi())).rem_euclid(12),
                            4
                        )
                    }
                    other => panic!("{other:?}"),
                }
                assert_eq!(&window[1..2], &melody[1..2]);
                window.to_vec()
            })
            .collect();
        assert_eq!(keys.len(), 12, "all twelve keys");
        let mut drums = melody;
        Family::Drums.augment(&mut drums, &mut rng);
        assert_eq!(drums, melody);
    }
}
