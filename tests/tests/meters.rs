//! Calls in meters other than 4/4, end to end: the bar lines the answer lands on are the host's
//! own, whatever the time signature.

use antiphon_host_tests::answers::{answer_notes, grid_samples};
use antiphon_host_tests::calls::{ANSWER_CHANNEL, CALL_CHANNEL, RATE, answering_host, run};
use antiphon_host_tests::phrases::{
    JAZZ_BEAT_3_4, PROG_BEAT_5_4, ROCK_BEAT, ROCK_BEAT_6_8, play_steps,
};
use antiphon_host_tests::{Render, Scenario, Timeline};

/// A two-bar call of `beat`'s first 16ths from bar 1 in `numerator/denominator`, ended by the
/// silent bar 3: the two-bar answer fills bars 4–5 exactly, on their 16th grid.
fn assert_answered_in_meter(numerator: u16, denominator: u16, beat: &str) {
    let timeline = Timeline::playing(RATE, 0.0, 120.0).with_time_signature(numerator, denominator);
    let steps_per_bar = (timeline.bar_ppq() * 4.0).round() as u32;
    let end = timeline.sample_of_bar(8).unwrap();
    let mut scenario = Scenario::new(timeline.clone(), 512, end).rendered(Render::Offline);
    scenario.inputs = play_steps(
        beat,
        2 * steps_per_bar,
        &timeline,
        timeline.bar_ppq(),
        CALL_CHANNEL,
    );
    let mut host = answering_host(&[("Max Call Bars", "8")], Render::Offline);
    let pairs = answer_notes(&run(&mut host, &scenario), ANSWER_CHANNEL);
    let grid = grid_samples(&timeline, 4, 2);
    let meter = format!("{numerator}/{denominator}");
    assert!(!pairs.is_empty(), "{meter}: no answer");
    for pair in &pairs {
        assert!(
            grid.contains(&pair.on_sample),
            "{meter}: note {} at sample {} is not on the 16th grid of bars 4–5 ({:?}..{:?})",
            pair.key,
            pair.on_sample,
            grid.first(),
            timeline.sample_of_bar(6)
        );
    }
}

#[test]
fn a_call_in_3_4_is_answered_on_its_bar_lines() {
    assert_answered_in_meter(3, 4, JAZZ_BEAT_3_4);
}

#[test]
fn a_call_in_6_8_is_answered_on_its_bar_lines() {
    assert_answered_in_meter(6, 8, ROCK_BEAT_6_8);
}

#[test]
fn a_call_in_5_4_is_answered_on_its_bar_lines() {
    assert_answered_in_meter(5, 4, PROG_BEAT_5_4);
}

#[test]
fn a_call_in_7_8_is_answered_on_its_bar_lines() {
    // No GMD beat is in 7/8: a 4/4 rock beat's first 28 16ths, re-barred.
    assert_answered_in_meter(7, 8, ROCK_BEAT);
}
