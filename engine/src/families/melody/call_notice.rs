//! What the editor's header says of a call given to the melody model: a drum part (told by its
//! channel) is heard as a line of pitches.

use midly::num::{u4, u7};

use crate::families::Family;
use crate::families::drum_part_notice::drum_part_notice;

/// A call mostly on General MIDI's drum channel is a drum part.
pub(super) fn call_notice(
    keys: &[(u4, u7)],
    model_for: &dyn Fn(Family) -> Option<String>,
) -> Option<String> {
    drum_part_notice(
        keys,
        model_for,
        "the melody model hears them as pitches (the top note of each step)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(keys: &[(u8, u8)]) -> Vec<(u4, u7)> {
        keys.iter()
            .map(|&(channel, key)| (u4::new(channel), u7::new(key)))
            .collect()
    }

    /// A beat on channel 10: kick, hat, snare, hat.
    fn beat() -> Vec<(u4, u7)> {
        keys(&[(9, 36), (9, 42), (9, 38), (9, 42)])
    }

    /// A tune on channel 1, from middle C up.
    fn tune() -> Vec<(u4, u7)> {
        keys(&[(0, 60), (0, 62), (0, 64), (0, 67), (0, 72)])
    }

    #[test]
    fn drums_given_to_the_melody_model_are_told_and_the_drum_model_named() {
        let notice = Family::MELODY
            .call_notice(&beat(), &|_| Some("Drums (Groove)".to_owned()))
            .unwrap();
        assert_eq!(
            notice,
            "the call looks like drums: 4 of 4 notes are on channel 10, the drum channel; the \
             melody model hears them as pitches (the top note of each step) — choose Drums \
             (Groove) in Model"
        );
        let unnamed = Family::MELODY.call_notice(&beat(), &|_| None).unwrap();
        assert!(
            unnamed.ends_with("choose a drum model in Model"),
            "{unnamed}"
        );
    }

    #[test]
    fn a_melody_for_the_melody_model_says_nothing_even_low_in_the_kits_range() {
        assert_eq!(Family::MELODY.call_notice(&tune(), &|_| None), None);
        // A bass line from B1 to B3, every key a drum-kit pitch: the channel says it is not.
        let bass = keys(&[(1, 35), (1, 40), (1, 43), (1, 47), (1, 59)]);
        assert_eq!(Family::MELODY.call_notice(&bass, &|_| None), None);
        // A tune with a cymbal on channel 10 is still a tune.
        let mut call = tune();
        call.extend(keys(&[(9, 49)]));
        assert_eq!(Family::MELODY.call_notice(&call, &|_| None), None);
        assert_eq!(Family::MELODY.call_notice(&[], &|_| None), None);
    }
}
