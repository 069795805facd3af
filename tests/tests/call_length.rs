//! How long the plugin hears a call to be: a release on the bar line adds no bar, and Min Call
//! Bars set above Max Call Bars still lets the plugin answer.

use antiphon_host_tests::answers::{answer_notes, assert_answer_in_bars};
use antiphon_host_tests::calls::{
    ANSWER_CHANNEL, CALL_CHANNEL, RATE, answering_host, call_scenario, run,
};
use antiphon_host_tests::phrases::ROCK_BEAT;
use antiphon_host_tests::{Input, Render, Timeline};

#[test]
fn a_note_released_on_the_bar_line_does_not_lengthen_the_call() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let bar_3 = timeline.sample_of_bar(3).unwrap();
    let last_16th = timeline.sample_of_ppq(3.0 * 4.0 - 0.25).unwrap();
    // The clip's last note lasts to the clip's end: the host sends its release on bar 3's line.
    let scenario = call_scenario(timeline.clone(), 512, 9, ROCK_BEAT)
        .at(
            last_16th,
            Input::NoteOn {
                channel: CALL_CHANNEL,
                key: 42,
                velocity: 0.7,
            },
        )
        .at(
            bar_3,
            Input::NoteOff {
                channel: CALL_CHANNEL,
                key: 42,
            },
        );
    let mut host = answering_host(&[("Max Call Bars", "8")], Render::Offline);
    let pairs = answer_notes(&run(&mut host, &scenario), ANSWER_CHANNEL);
    // Bars 1–2 are the call, bar 3 is silent: a two-bar answer on bars 4–5, nothing after.
    assert_answer_in_bars(&pairs, &timeline, 4, 2);
}

#[test]
fn a_minimum_above_the_maximum_answers_at_the_maximum() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let mut host = answering_host(
        &[
            ("Min Call Bars", "4"),
            ("Max Call Bars", "2"),
            ("Phrase Bars", "2"),
        ],
        Render::Offline,
    );
    let pairs = answer_notes(
        &run(
            &mut host,
            &call_scenario(timeline.clone(), 512, 6, ROCK_BEAT),
        ),
        ANSWER_CHANNEL,
    );
    assert_answer_in_bars(&pairs, &timeline, 3, 2);
}
