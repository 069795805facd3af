//! Which notes of a file are drum-kit notes. The drum model hears every pitch it has a class for
//! as that drum, so a melody given to it is silently played as toms and hats (pitch 60 as a mid
//! tom); the tools count the notes that are not drums and say what the model heard them as.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::RangeInclusive;

use midly::num::{u4, u7};

use crate::families::drums::encoding::DrumClass;

/// General MIDI's percussion channel, 10 (numbered 9 from zero): every note on it is a drum.
pub const GM_DRUM_CHANNEL: u8 = 9;

/// The drum-kit part of General MIDI's percussion map: acoustic bass drum (35) to ride cymbal 2
/// (59). Above it GM maps hand percussion (bongos from 60, congas, …), and off channel 10 notes
/// there are far more often a melody than a conga part.
pub const GM_KIT_PITCHES: RangeInclusive<u8> = 35..=59;

/// Pitches named one by one in a summary; the others are only counted.
const PITCHES_NAMED: usize = 8;

/// The note-ons of a file (or of a folder of files), and those that are not drum-kit notes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KitCheck {
    /// Note-ons read (velocity above zero).
    pub notes: usize,
    /// The notes that are not drum-kit notes (see [`is_kit_note`]), counted per pitch.
    pub not_kit: BTreeMap<u7, usize>,
}

impl KitCheck {
    /// Counts one note-on.
    pub fn count(&mut self, channel: u4, key: u7) {
        self.notes += 1;
        if !is_kit_note(channel, key) {
            *self.not_kit.entry(key).or_insert(0) += 1;
        }
    }

    /// Adds the counts of another file.
    pub fn add(&mut self, other: &KitCheck) {
        self.notes += other.notes;
        for (&pitch, &count) in &other.not_kit {
            *self.not_kit.entry(pitch).or_insert(0) += count;
        }
    }

    /// How many notes are not drum-kit notes.
    pub fn not_kit_notes(&self) -> usize {
        self.not_kit.values().sum()
    }

    /// One line saying how many notes are not drum-kit notes and what the drum model heard each
    /// pitch as, most frequent first; `None` when every note is a drum-kit note.
    pub fn summary(&self) -> Option<String> {
        if self.not_kit.is_empty() {
            return None;
        }
        let mut by_count: Vec<(u7, usize)> = self.not_kit.iter().map(|(&p, &n)| (p, n)).collect();
        // Most frequent first; equal counts by pitch, so the line is the same every run.
        by_count.sort_by_key(|&(pitch, count)| (std::cmp::Reverse(count), pitch));
        let mut text = format!(
            "{} of {} notes are not drum-kit notes (General MIDI kit pitches {}–{}, or channel \
             10); the drum model heard ",
            self.not_kit_notes(),
            self.notes,
            GM_KIT_PITCHES.start(),
            GM_KIT_PITCHES.end()
        );
        for (i, &(pitch, count)) in by_count.iter().take(PITCHES_NAMED).enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            let notes = if count == 1 { "note" } else { "notes" };
            // Writing to a String cannot fail.
            let _ = match DrumClass::from_pitch(pitch) {
                Some(class) => write!(text, "pitch {pitch} as {} ({count} {notes})", class.name()),
                None => write!(text, "nothing of pitch {pitch} ({count} {notes} left out)"),
            };
        }
        let more = by_count.len().saturating_sub(PITCHES_NAMED);
        if more > 0 {
            let _ = write!(text, ", and {more} more pitches");
        }
        Some(text)
    }
}

/// Whether the drum model hears a note as the drum it is: its pitch belongs to a drum class,
/// and it is on the General MIDI drum channel or on a [`GM_KIT_PITCHES`] pitch (DAWs export drum
/// clips on any channel, but seldom beyond the kit).
pub fn is_kit_note(channel: u4, key: u7) -> bool {
    DrumClass::from_pitch(key).is_some()
        && (channel.as_int() == GM_DRUM_CHANNEL || GM_KIT_PITCHES.contains(&key.as_int()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(notes: &[(u8, u8)]) -> KitCheck {
        let mut check = KitCheck::default();
        for &(channel, key) in notes {
            check.count(u4::new(channel), u7::new(key));
        }
        check
    }

    #[test]
    fn drum_channel_and_kit_pitches_are_drums() {
        // Kick, snare and a Roland edge hat (22) on channel 10; kick and ride on channel 1.
        let drums = check(&[(9, 36), (9, 38), (9, 22), (0, 36), (0, 51)]);
        assert_eq!(drums.notes, 5);
        assert!(drums.not_kit.is_empty());
        assert_eq!(drums.summary(), None);
    }

    #[test]
    fn a_melody_is_counted_with_what_the_model_heard() {
        // C major from middle C on channel 1, C4 twice, and a high note no class takes.
        let melody = check(&[
            (0, 60),
            (0, 62),
            (0, 64),
            (0, 65),
            (0, 67),
            (0, 60),
            (0, 100),
            // A bass note inside the kit range is heard as the drum GM puts there.
            (0, 43),
        ]);
        assert_eq!(melody.notes, 8);
        assert_eq!(melody.not_kit_notes(), 7);
        let summary = melody.summary().unwrap();
        assert!(
            summary.starts_with("7 of 8 notes are not drum-kit notes"),
            "{summary}"
        );
        // GM's drum map, as Magenta's drum_kit encoding folds it onto nine classes.
        for heard in [
            "pitch 60 as mid tom (2 notes)",
            "pitch 62 as high tom (1 note)",
            "pitch 64 as low tom",
            "pitch 65 as snare",
            "pitch 67 as open hat",
            "nothing of pitch 100 (1 note left out)",
        ] {
            assert!(summary.contains(heard), "{heard} missing from: {summary}");
        }
        assert!(summary.find("pitch 60").unwrap() < summary.find("pitch 62").unwrap());
        // A pitch no class takes is not a drum even on channel 10.
        assert_eq!(check(&[(9, 100)]).not_kit_notes(), 1);
    }

    #[test]
    fn long_lists_are_cut_and_counts_add_up() {
        let mut total = check(&(60..80).map(|key| (0, key)).collect::<Vec<_>>());
        total.add(&check(&[(9, 36), (0, 60)]));
        assert_eq!(total.notes, 22);
        assert_eq!(total.not_kit[&u7::new(60)], 2);
        let summary = total.summary().unwrap();
        assert!(summary.starts_with("21 of 22"), "{summary}");
        assert!(summary.ends_with(", and 12 more pitches"), "{summary}");
    }
}
