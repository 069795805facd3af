//! Live call and response through the built plugin: real GMD phrases played in, answers checked
//! at exact sample positions against the host's own bar lines.

use antiphon_host_tests::answers::{self, assert_answer_in_bars};
use antiphon_host_tests::calls::{
    ANSWER_CHANNEL, RATE, answering_host as host, call_scenario, run,
};
use antiphon_host_tests::phrases::{HIPHOP_BEAT, ROCK_BEAT};
use antiphon_host_tests::{NotePair, Render, TimedOutput, Timeline, paired_notes};

fn answer_notes(outputs: &[TimedOutput]) -> Vec<NotePair> {
    answers::answer_notes(outputs, ANSWER_CHANNEL)
}

#[test]
fn a_two_bar_call_is_answered_on_the_next_bar_line_at_every_block_size() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let mut reference: Option<Vec<TimedOutput>> = None;
    for block in [1, 64, 512, 4096] {
        let mut host = host(
            &[("Max Call Bars", "2"), ("Phrase Bars", "2")],
            Render::Offline,
        );
        let outputs = run(
            &mut host,
            &call_scenario(timeline.clone(), block, 6, ROCK_BEAT),
        );
        // Call in bars 1–2, ended by the bar limit on bar 3's line: the answer fills bars 3–4.
        assert_answer_in_bars(&answer_notes(&outputs), &timeline, 3, 2);
        // Same seed, same call: the same events at the same samples, however the host cuts
        // its blocks.
        match &reference {
            None => reference = Some(outputs),
            Some(reference) => assert_eq!(&outputs, reference, "block size {block}"),
        }
    }
}

#[test]
fn answers_land_on_the_bar_line_at_60_and_200_bpm() {
    for tempo in [60.0, 200.0] {
        let timeline = Timeline::playing(RATE, 0.0, tempo);
        let mut host = host(
            &[("Max Call Bars", "2"), ("Phrase Bars", "2")],
            Render::Offline,
        );
        let outputs = run(
            &mut host,
            &call_scenario(timeline.clone(), 512, 6, HIPHOP_BEAT),
        );
        assert_answer_in_bars(&answer_notes(&outputs), &timeline, 3, 2);
    }
}

#[test]
fn a_call_ended_by_a_silent_bar_is_answered_after_it_without_the_silence() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let mut host = host(&[("Max Call Bars", "8")], Render::Offline);
    let outputs = run(
        &mut host,
        &call_scenario(timeline.clone(), 256, 8, ROCK_BEAT),
    );
    // Call bars 1–2, bar 3 silent: a two-bar answer ("as call") over bars 4–5.
    assert_answer_in_bars(&answer_notes(&outputs), &timeline, 4, 2);
}

#[test]
fn a_tempo_change_inside_the_call_moves_the_answer_with_the_bar_lines() {
    // 120 BPM, then 90 BPM from the middle of bar 2 (sample 240 000).
    let timeline = Timeline::playing(RATE, 0.0, 120.0).tempo_change_at(240_000, 90.0);
    let mut host = host(
        &[("Max Call Bars", "2"), ("Phrase Bars", "1")],
        Render::Offline,
    );
    let outputs = run(
        &mut host,
        &call_scenario(timeline.clone(), 480, 5, ROCK_BEAT),
    );
    assert_answer_in_bars(&answer_notes(&outputs), &timeline, 3, 1);
    assert_ne!(
        timeline.sample_of_bar(3),
        Some(3 * 96_000),
        "the bar line really moved"
    );
}

/// Every note sounding when the transport breaks at `at` is closed at `at`, and nothing starts
/// after it.
fn assert_closed_at(pairs: &[NotePair], at: u64) {
    assert!(
        pairs.iter().any(|p| p.on_sample < at),
        "the answer had started before the break"
    );
    for pair in pairs {
        assert!(
            pair.on_sample < at,
            "nothing starts after the break: {pair:?}"
        );
        assert!(
            pair.off_sample <= at,
            "closed in the break's block: {pair:?}"
        );
    }
}

#[test]
fn a_loop_jump_mid_answer_closes_every_note_in_that_block() {
    // The answer starts on bar 3 (sample 288 000); the host loops back to bar 0 in the middle
    // of a 16th, with notes sounding.
    let jump = 288_000 + 5 * 6_000 + 1_000;
    let timeline = Timeline::playing(RATE, 0.0, 120.0).jump_at(jump, 0.0);
    let mut host = host(
        &[("Max Call Bars", "2"), ("Phrase Bars", "2")],
        Render::Offline,
    );
    let mut scenario = call_scenario(Timeline::playing(RATE, 0.0, 120.0), 512, 5, ROCK_BEAT);
    scenario.timeline = timeline;
    let pairs = answer_notes(&run(&mut host, &scenario));
    assert_closed_at(&pairs, jump);
}

#[test]
fn a_stop_mid_answer_closes_every_note_in_that_block() {
    let stop = 288_000 + 9 * 6_000 + 2_500;
    let timeline = Timeline::playing(RATE, 0.0, 120.0).stop_at(stop);
    let mut host = host(
        &[("Max Call Bars", "2"), ("Phrase Bars", "2"), ("Loop", "On")],
        Render::Offline,
    );
    let mut scenario = call_scenario(Timeline::playing(RATE, 0.0, 120.0), 1024, 6, ROCK_BEAT);
    scenario.timeline = timeline;
    let pairs = answer_notes(&run(&mut host, &scenario));
    assert_closed_at(&pairs, stop);
}

#[test]
fn loop_repeats_the_answer_bar_for_bar() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let mut host = host(
        &[("Max Call Bars", "2"), ("Phrase Bars", "1"), ("Loop", "On")],
        Render::Offline,
    );
    let pairs = answer_notes(&run(&mut host, &call_scenario(timeline, 512, 7, ROCK_BEAT)));
    let bar = 96_000;
    let in_bar = |n: u64| -> Vec<(u64, u8)> {
        pairs
            .iter()
            .filter(|p| (n * bar..(n + 1) * bar).contains(&p.on_sample))
            .map(|p| (p.on_sample - n * bar, p.key))
            .collect()
    };
    assert!(!in_bar(3).is_empty());
    for repeat in 4..7 {
        assert_eq!(in_bar(repeat), in_bar(3), "bar {repeat} repeats bar 3");
    }
}

#[test]
fn mutate_keeps_answering_its_own_answers() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let mut host = host(
        &[
            ("Max Call Bars", "2"),
            ("Phrase Bars", "1"),
            ("Mutate", "On"),
            ("Overlap", "On"),
        ],
        Render::Offline,
    );
    let pairs = answer_notes(&run(&mut host, &call_scenario(timeline, 512, 7, ROCK_BEAT)));
    for bar in 3..7 {
        assert!(
            pairs
                .iter()
                .any(|p| (bar * 96_000..(bar + 1) * 96_000).contains(&p.on_sample)),
            "bar {bar} has an answer"
        );
    }
}

#[test]
fn a_live_paced_host_hears_the_answer_on_the_bar_line() {
    // Real time: the model thread races the wall clock, as on stage. 200 BPM leaves it 37 ms
    // between the call's last 16th closing and the answer's first note.
    let timeline = Timeline::playing(RATE, 0.0, 200.0);
    let mut host = host(
        &[("Max Call Bars", "2"), ("Phrase Bars", "1")],
        Render::Paced,
    );
    let scenario = call_scenario(timeline.clone(), 256, 5, ROCK_BEAT).rendered(Render::Paced);
    let outputs = run(&mut host, &scenario);
    assert_answer_in_bars(&answer_notes(&outputs), &timeline, 3, 1);
}

#[test]
fn automation_inside_the_phrase_keeps_time_and_closes_what_it_must() {
    use antiphon_host_tests::Input;
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let mut host = host(
        &[("Max Call Bars", "2"), ("Phrase Bars", "2")],
        Render::Offline,
    );
    let scenario = call_scenario(timeline.clone(), 512, 6, ROCK_BEAT)
        // Automation moving during the call (splitting the host's blocks) …
        .at(
            100_001,
            Input::Param {
                name: "Temperature",
                text: "0.8",
            },
        )
        .at(
            250_017,
            Input::Param {
                name: "Velocity",
                text: "64",
            },
        )
        // … and the answer moving to channel 11 halfway through, mid-16th.
        .at(
            384_000 + 1_234,
            Input::Param {
                name: "Out Channel",
                text: "11",
            },
        );
    let outputs = run(&mut host, &scenario);
    let pairs = paired_notes(&outputs).unwrap_or_else(|e| panic!("{e}"));
    let first = pairs.iter().map(|p| p.on_sample).min();
    assert_eq!(first, timeline.sample_of_bar(3), "still on bar 3's line");
    assert!(
        pairs
            .iter()
            .all(|p| p.on_sample < 385_234 || p.channel == 10)
    );
    assert!(
        pairs.iter().any(|p| p.channel == 10),
        "the rest plays on channel 11"
    );
    assert!(pairs.iter().any(|p| p.channel == ANSWER_CHANNEL));
}

#[test]
fn bypass_mid_answer_closes_the_answer_and_passes_the_player_through() {
    use antiphon_host_tests::{Input, Output};
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let mut host = host(
        &[("Max Call Bars", "2"), ("Phrase Bars", "2")],
        Render::Offline,
    );
    let bypass_at = 288_000 + 7 * 6_000 + 10;
    let scenario = call_scenario(timeline, 512, 6, ROCK_BEAT)
        .at(
            bypass_at,
            Input::Param {
                name: "Bypass",
                text: "On",
            },
        )
        .note(bypass_at + 5_000, 0, 60, 1.0, 2_000);
    let outputs = run(&mut host, &scenario);
    let pairs = paired_notes(&outputs).unwrap_or_else(|e| panic!("{e}"));
    let answer: Vec<_> = pairs
        .iter()
        .filter(|p| p.channel == ANSWER_CHANNEL)
        .collect();
    assert!(!answer.is_empty());
    assert!(
        answer
            .iter()
            .all(|p| p.on_sample < bypass_at && p.off_sample <= bypass_at)
    );
    // Passthrough was off, but a bypassed plugin passes the player's notes.
    assert!(outputs.iter().any(|e| e.sample == bypass_at + 5_000
        && matches!(
            e.output,
            Output::NoteOn {
                channel: 0,
                key: 60,
                ..
            }
        )));
}

#[test]
fn a_beam_search_answer_lands_on_the_bar_line_at_every_block_size() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let answer = |beams: &str, block: u32| {
        let mut host = host(
            &[
                ("Max Call Bars", "2"),
                ("Phrase Bars", "2"),
                ("Beams", beams),
            ],
            Render::Offline,
        );
        run(
            &mut host,
            &call_scenario(timeline.clone(), block, 6, ROCK_BEAT),
        )
    };
    let searched = answer("8", 64);
    assert_answer_in_bars(&answer_notes(&searched), &timeline, 3, 2);
    assert_eq!(
        answer("8", 4096),
        searched,
        "the same search at any block size"
    );
    assert_ne!(
        answer("1", 64),
        searched,
        "eight takes searched choose another answer than the single take"
    );
}
