//! What the editor's header says of a call given to the chords model: a drum part (told by its
//! channel) is heard as chords of pitches.

use midly::num::{u4, u7};

use crate::families::Family;
use crate::families::drum_part_notice::drum_part_notice;

/// A call mostly on General MIDI's drum channel is a drum part.
pub(super) fn call_notice(
    keys: &[(u4, u7)],
    model_for: &dyn Fn(Family) -> Option<String>,
) -> Option<String> {
    drum_part_notice(keys, model_for, "the chords model hears them as pitches")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(keys: &[(u8, u8)]) -> Vec<(u4, u7)> {
        keys.iter()
            .map(|&(channel, key)| (u4::new(channel), u7::new(key)))
            .collect()
    }

    #[test]
    fn drums_given_to_the_chords_model_are_told_and_chords_are_not() {
        let beat = keys(&[(9, 36), (9, 42), (9, 38), (9, 42)]);
        let notice = Family::CHORDS
            .call_notice(&beat, &|_| Some("Drums (Groove)".to_owned()))
            .unwrap();
        assert_eq!(
            notice,
            "the call looks like drums: 4 of 4 notes are on channel 10, the drum channel; the \
             chords model hears them as pitches — choose Drums (Groove) in Model"
        );
        let unnamed = Family::CHORDS.call_notice(&beat, &|_| None).unwrap();
        assert!(
            unnamed.ends_with("choose a drum model in Model"),
            "{unnamed}"
        );
        // A left-hand triad low in the kit's range, on channel 1.
        let chord = keys(&[(0, 36), (0, 40), (0, 43)]);
        assert_eq!(Family::CHORDS.call_notice(&chord, &|_| None), None);
        assert_eq!(Family::CHORDS.call_notice(&[], &|_| None), None);
    }
}
