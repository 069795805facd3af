//! Two Antiphons in series, A's MIDI out into B's MIDI in, as the 2017 set-up chained two
//! models: B takes A's answer for a call and answers it on the next bar line.

use antiphon_host_tests::answers::{answer_notes, assert_answer_in_bars};
use antiphon_host_tests::calls::{
    ANSWER_CHANNEL, CALL_CHANNEL, RATE, answering_host as host, call_scenario, run,
};
use antiphon_host_tests::chain::into_next;
use antiphon_host_tests::phrases::ROCK_BEAT;
use antiphon_host_tests::{Render, Scenario, Timeline, paired_notes};

/// Bars each run lasts.
const BARS: u32 = 8;
/// Host block size of both instances.
const BLOCK: u32 = 512;

/// A's answer to the player's two-bar call (bars 1–2): bars 3–4. Returns everything A sent.
fn first_instance(passthrough: &str, timeline: &Timeline) -> Vec<antiphon_host_tests::TimedOutput> {
    let mut a = host(
        &[
            ("Max Call Bars", "2"),
            ("Phrase Bars", "2"),
            ("Passthrough", passthrough),
        ],
        Render::Offline,
    );
    run(
        &mut a,
        &call_scenario(timeline.clone(), BLOCK, BARS, ROCK_BEAT),
    )
}

/// B (its own seed) hearing `heard` over `timeline`, with `max_call_bars`.
fn second_instance(
    heard: &[antiphon_host_tests::TimedOutput],
    timeline: &Timeline,
    max_call_bars: &'static str,
) -> Vec<antiphon_host_tests::TimedOutput> {
    let mut b = host(
        &[
            ("Seed", "7"),
            ("Max Call Bars", max_call_bars),
            ("Phrase Bars", "2"),
        ],
        Render::Offline,
    );
    let end = timeline
        .sample_of_bar(BARS)
        .expect("the run lasts that long");
    let mut scenario = Scenario::new(timeline.clone(), BLOCK, end).rendered(Render::Offline);
    scenario.inputs = into_next(heard);
    run(&mut b, &scenario)
}

#[test]
fn b_answers_a_s_answer_on_the_bar_line_after_it() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let from_a = first_instance("Off", &timeline);
    let a_answer = answer_notes(&from_a, ANSWER_CHANNEL);
    assert_answer_in_bars(&a_answer, &timeline, 3, 2);

    let from_b = second_instance(&from_a, &timeline, "2");
    // B's call is A's answer (bars 3–4, ended by B's two-bar limit on bar 5's line): B answers
    // over bars 5–6, on the grid of the same host transport, every note closed.
    let b_answer = answer_notes(&from_b, ANSWER_CHANNEL);
    assert_answer_in_bars(&b_answer, &timeline, 5, 2);
    let a_end = a_answer.iter().map(|n| n.off_sample).max().unwrap();
    assert!(
        b_answer.iter().all(|n| n.on_sample >= a_end),
        "B answers after A's answer has ended (sample {a_end})"
    );
}

#[test]
fn with_a_passing_the_player_through_b_hears_the_player_and_a_as_one_call() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let from_a = first_instance("On", &timeline);
    let sent = paired_notes(&from_a).unwrap();
    assert!(
        sent.iter().any(|n| n.channel == CALL_CHANNEL),
        "A passes the player's call through"
    );
    assert_answer_in_bars(
        &sent
            .iter()
            .copied()
            .filter(|n| n.channel == ANSWER_CHANNEL)
            .collect::<Vec<_>>(),
        &timeline,
        3,
        2,
    );

    // Alone, the player's call (bars 1–2, then a silent bar) is answered from bar 4; with A's
    // answer filling bars 3–4, B hears one four-bar call and answers after it, from bar 5.
    let player_only: Vec<_> = from_a
        .iter()
        .copied()
        .filter(|event| event.note_on().or(event.note_off()).map(|(c, _)| c) == Some(CALL_CHANNEL))
        .collect();
    let b_alone = answer_notes(
        &second_instance(&player_only, &timeline, "4"),
        ANSWER_CHANNEL,
    );
    assert_answer_in_bars(&b_alone, &timeline, 4, 2);
    let b_after_both = answer_notes(&second_instance(&from_a, &timeline, "4"), ANSWER_CHANNEL);
    assert_answer_in_bars(&b_after_both, &timeline, 5, 2);
}
