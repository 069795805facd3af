//! What the editor's header says of a call given to the drum model: it hears any key as the drum
//! its pitch maps to, so stray keys are told, and a call mostly of them is a melody.

use midly::num::{u4, u7};

use crate::families::Family;
use crate::midi_file::KitCheck;

/// The drum model hears any key as the drum its pitch maps to: stray keys are told, and a call
/// mostly of them is a melody.
pub(super) fn call_notice(
    keys: &[(u4, u7)],
    model_for: &dyn Fn(Family) -> Option<String>,
) -> Option<String> {
    let mut check = KitCheck::default();
    for &(channel, key) in keys {
        check.count(channel, key);
    }
    let summary = check.summary()?;
    Some(if 2 * check.not_kit_notes() > check.notes {
        let choose = match model_for(Family::MELODY) {
            Some(name) => format!("choose {name} in Model"),
            None => "choose a melody model in Model (Load model… adds one)".to_owned(),
        };
        format!("the call looks like a melody: {summary} — {choose}")
    } else {
        format!("the call: {summary}")
    })
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
    fn a_melody_given_to_the_drum_model_is_told_and_the_melody_model_pointed_to() {
        let notice = Family::DRUMS.call_notice(&tune(), &|_| None).unwrap();
        assert!(
            notice.starts_with("the call looks like a melody: 5 of 5 notes are not drum-kit notes"),
            "{notice}"
        );
        assert!(notice.contains("pitch 60 as mid tom"), "{notice}");
        assert!(notice.ends_with("choose a melody model in Model (Load model… adds one)"));
        let named = Family::DRUMS
            .call_notice(&tune(), &|_| Some("Melody (folk)".to_owned()))
            .unwrap();
        assert!(named.ends_with("choose Melody (folk) in Model"), "{named}");
    }

    #[test]
    fn a_stray_key_in_a_drum_call_is_told_without_calling_it_a_melody() {
        let mut call = beat();
        call.extend(keys(&[(0, 84)]));
        let notice = Family::DRUMS.call_notice(&call, &|_| None).unwrap();
        assert!(notice.starts_with("the call: 1 of 5 notes"), "{notice}");
        assert_eq!(Family::DRUMS.call_notice(&beat(), &|_| None), None);
    }
}
