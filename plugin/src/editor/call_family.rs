//! Whether the call suits the family of the model loaded, said in the header when it does not:
//! a melody given to the drum model is played back as toms and hats, a drum part given to the
//! melody model is heard as a line of pitches. No drawing here.

use antiphon_engine::encoding::Family;
use antiphon_engine::midi_file::{GM_DRUM_CHANNEL, KitCheck};
use antiphon_engine::midly::num::{u4, u7};

/// What the header says about the call's keys (struck on any channel) for a model of `family`,
/// if anything. `other_model` names a model of the other family on the shelf to point to, when
/// there is one.
pub fn call_notice(family: Family, keys: &[(u4, u7)], other_model: Option<&str>) -> Option<String> {
    match family {
        Family::Drums => drum_model_notice(keys, other_model),
        Family::Melody => melody_model_notice(keys, other_model),
    }
}

/// The drum model hears any key as the drum its pitch maps to: stray keys are told, and a call
/// mostly of them is a melody.
fn drum_model_notice(keys: &[(u4, u7)], melody_model: Option<&str>) -> Option<String> {
    let mut check = KitCheck::default();
    for &(channel, key) in keys {
        check.count(channel, key);
    }
    let summary = check.summary()?;
    Some(if 2 * check.not_kit_notes() > check.notes {
        let choose = match melody_model {
            Some(name) => format!("choose {name} in Model"),
            None => "choose a melody model in Model (Load model… adds one)".to_owned(),
        };
        format!("the call looks like a melody: {summary} — {choose}")
    } else {
        format!("the call: {summary}")
    })
}

/// A call mostly on General MIDI's drum channel is a drum part. Only the channel tells: a bass
/// line sits in the kit's pitch range as often as a drum part does.
fn melody_model_notice(keys: &[(u4, u7)], drum_model: Option<&str>) -> Option<String> {
    let on_drum_channel = keys
        .iter()
        .filter(|(channel, _)| channel.as_int() == GM_DRUM_CHANNEL)
        .count();
    if 2 * on_drum_channel <= keys.len() {
        return None;
    }
    let choose = match drum_model {
        Some(name) => format!("choose {name} in Model"),
        None => "choose a drum model in Model".to_owned(),
    };
    Some(format!(
        "the call looks like drums: {on_drum_channel} of {} notes are on channel 10, the drum \
         channel; the melody model hears them as pitches (the top note of each step) — {choose}",
        keys.len()
    ))
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
        let notice = call_notice(Family::Drums, &tune(), None).unwrap();
        assert!(
            notice.starts_with("the call looks like a melody: 5 of 5 notes are not drum-kit notes"),
            "{notice}"
        );
        assert!(notice.contains("pitch 60 as mid tom"), "{notice}");
        assert!(notice.ends_with("choose a melody model in Model (Load model… adds one)"));
        let named = call_notice(Family::Drums, &tune(), Some("Melody (folk)")).unwrap();
        assert!(named.ends_with("choose Melody (folk) in Model"), "{named}");
    }

    #[test]
    fn a_stray_key_in_a_drum_call_is_told_without_calling_it_a_melody() {
        let mut call = beat();
        call.extend(keys(&[(0, 84)]));
        let notice = call_notice(Family::Drums, &call, None).unwrap();
        assert!(notice.starts_with("the call: 1 of 5 notes"), "{notice}");
        assert_eq!(call_notice(Family::Drums, &beat(), None), None);
    }

    #[test]
    fn drums_given_to_the_melody_model_are_told_and_the_drum_model_named() {
        let notice = call_notice(Family::Melody, &beat(), Some("Drums (Groove)")).unwrap();
        assert_eq!(
            notice,
            "the call looks like drums: 4 of 4 notes are on channel 10, the drum channel; the \
             melody model hears them as pitches (the top note of each step) — choose Drums \
             (Groove) in Model"
        );
        let unnamed = call_notice(Family::Melody, &beat(), None).unwrap();
        assert!(
            unnamed.ends_with("choose a drum model in Model"),
            "{unnamed}"
        );
    }

    #[test]
    fn a_melody_for_the_melody_model_says_nothing_even_low_in_the_kits_range() {
        assert_eq!(call_notice(Family::Melody, &tune(), None), None);
        // A bass line from B1 to B3, every key a drum-kit pitch: the channel says it is not.
        let bass = keys(&[(1, 35), (1, 40), (1, 43), (1, 47), (1, 59)]);
        assert_eq!(call_notice(Family::Melody, &bass, None), None);
        // A tune with a cymbal on channel 10 is still a tune.
        let mut call = tune();
        call.extend(keys(&[(9, 49)]));
        assert_eq!(call_notice(Family::Melody, &call, None), None);
        assert_eq!(call_notice(Family::Melody, &[], None), None);
    }
}
