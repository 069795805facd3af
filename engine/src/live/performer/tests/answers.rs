//! When the answer comes and what it holds: on the bar line after the call, whatever the block
//! size, the meter or the stop.

use std::sync::atomic::Ordering;

use super::{
    BAR, STEP, Song, assert_paired, kicks, note_ons, perform, perform_in, settings, two_bar_call,
};
use crate::live::performer::Settings;
use crate::phrase::{AfterResponse, PhraseRules};
use crate::transport::TimeSignature;

#[test]
fn the_answer_starts_on_the_bar_line_after_the_silent_bar() {
    let outputs = perform(512, &two_bar_call(), 6 * BAR, None, settings());
    let ons = note_ons(&outputs);
    assert_eq!(ons.first(), Some(&(3 * BAR)), "{ons:?}");
    // A two-bar answer to a two-bar call: nothing after bar 5 starts.
    assert!(ons.iter().all(|&at| at < 5 * BAR), "{ons:?}");
    assert!(
        ons.iter().all(|&at| (at - 3 * BAR).is_multiple_of(STEP)),
        "on the 16th grid"
    );
    assert_paired(&outputs);
}

#[test]
fn output_does_not_depend_on_the_block_size() {
    let reference = perform(4096, &two_bar_call(), 6 * BAR, None, settings());
    for block in [1, 64, 333, 512] {
        assert_eq!(
            perform(block, &two_bar_call(), 6 * BAR, None, settings()),
            reference,
            "block size {block}"
        );
    }
}

#[test]
fn stopping_mid_response_closes_every_note_in_that_block() {
    // Loop the answer so notes keep sounding; stop in the middle of a step.
    let looping = Settings {
        rules: PhraseRules {
            after_response: AfterResponse::Loop,
            ..settings().rules
        },
        ..settings()
    };
    let stop = 3 * BAR + 2 * STEP + 1_000;
    let outputs = perform(700, &two_bar_call(), 5 * BAR, Some(stop), looping);
    assert_paired(&outputs);
    let stop_block_start = stop.div_ceil(700) * 700;
    assert!(
        outputs.iter().all(|(at, _)| *at <= stop_block_start),
        "nothing after the stop block: {outputs:?}"
    );
}

#[test]
fn a_call_too_short_gets_no_answer() {
    let rules = PhraseRules {
        min_call_bars: 3,
        ..settings().rules
    };
    let outputs = perform(
        512,
        &two_bar_call(),
        6 * BAR,
        None,
        Settings {
            rules,
            ..settings()
        },
    );
    assert!(note_ons(&outputs).is_empty());
}

#[test]
fn in_odd_meters_the_model_hears_each_step_once() {
    for (numerator, denominator) in [(3, 4), (5, 4), (7, 8), (6, 8)] {
        let time_signature = TimeSignature::from_host(numerator, denominator).unwrap();
        let steps_per_bar = crate::phrase::meter::steps_per_bar(time_signature).unwrap();
        let bar = u64::from(steps_per_bar) * STEP;
        // Two bars of kicks on every other 16th, then a silent bar ends the call.
        let hits: Vec<u64> = (0..2 * bar).step_by(2 * STEP as usize).collect();
        let rules = PhraseRules {
            max_call_bars: 8,
            ..settings().rules
        };
        let (outputs, _, stats) = perform_in(
            Song::in_meter(time_signature),
            512,
            &kicks(&hits),
            6 * bar,
            None,
            Settings {
                rules,
                ..settings()
            },
            false,
        );
        let ons = note_ons(&outputs);
        assert!(
            ons.iter().all(|&at| (3 * bar..5 * bar).contains(&at)),
            "{numerator}/{denominator}: the answer fills bars 3–4: {ons:?}"
        );
        // Three bars heard (the first step is context), two bars answered; cutting the
        // silent bar from what the model heard costs no step (a bar-line snapshot), where a
        // wrong bar length would replay the call.
        let heard = 3 * u64::from(steps_per_bar) - 1;
        let answered = 2 * u64::from(steps_per_bar);
        assert_eq!(
            stats.steps.load(Ordering::Relaxed),
            heard + answered,
            "{numerator}/{denominator}"
        );
    }
}

#[test]
fn a_call_closed_on_a_downbeat_is_answered_after_that_bar_without_a_replay() {
    // Kicks on the beats of bars 0–1 and on bar 2's downbeat alone.
    let mut hits = two_bar_call();
    hits.push(2 * BAR);
    let rules = PhraseRules {
        max_call_bars: 8,
        ..settings().rules
    };
    let settings = Settings {
        rules,
        ..settings()
    };
    let (outputs, _, stats) = perform_in(
        Song::default(),
        512,
        &kicks(&hits),
        6 * BAR,
        None,
        settings,
        false,
    );
    let ons = note_ons(&outputs);
    assert!(!ons.is_empty());
    assert!(
        ons.iter().all(|&at| (3 * BAR..5 * BAR).contains(&at)),
        "a two-bar answer on bars 3–4: {ons:?}"
    );
    // Three bars heard (the first step is context), the rest of the accent's bar run on
    // unheard, two bars answered: the primer ending after the downbeat is a snapshot.
    assert_eq!(stats.steps.load(Ordering::Relaxed), 47 + 15 + 32);
}
