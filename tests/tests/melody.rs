//! The shipped melody model answering a real folk tune through the built plugin: a monophonic
//! answer on the host's bar lines, every pitch in the chosen scale and near the register the
//! tune was played in, every note closed, the same at every block size.

use antiphon_host_tests::answers::{answer_notes, grid_samples};
use antiphon_host_tests::calls::{CALL_CHANNEL, RATE, answering_host, run};
use antiphon_host_tests::tunes::{JIG_G_MAJOR, play_tune};
use antiphon_host_tests::{NotePair, Render, Scenario, TimedInput, TimedOutput, Timeline};

/// The answer comes on channel 2.
const ANSWER_CHANNEL: u8 = 1;
/// A 6/8 bar in 16ths.
const STEPS_PER_BAR: usize = 12;
/// G major's pitch classes.
const G_MAJOR: [u8; 7] = [7, 9, 11, 0, 2, 4, 6];

fn jig_timeline() -> Timeline {
    Timeline::playing(RATE, 0.0, 120.0).with_time_signature(6, 8)
}

/// The jig's first two bars from bar 1, a two-bar answer on bars 3–4, `bars` bars in all (of
/// the unbroken jig timeline when `timeline` stops before).
fn jig_session(timeline: Timeline, block: u32, bars: u32) -> Scenario {
    let end = timeline
        .sample_of_bar(bars)
        .or_else(|| jig_timeline().sample_of_bar(bars))
        .expect("the session runs that long");
    let mut scenario = Scenario::new(timeline.clone(), block, end).rendered(Render::Offline);
    scenario.inputs = play_tune(
        JIG_G_MAJOR,
        2 * STEPS_PER_BAR,
        &timeline,
        timeline.bar_ppq(),
        CALL_CHANNEL,
    );
    scenario
}

fn play(scenario: &Scenario) -> Vec<TimedOutput> {
    let mut host = answering_host(
        &[
            ("Model", "Melody (folk tunes)"),
            ("Max Call Bars", "2"),
            ("Phrase Bars", "2"),
            ("Out Channel", "2"),
            ("Key", "G"),
            ("Scale", "Major"),
        ],
        Render::Offline,
    );
    run(&mut host, scenario)
}

fn keys(inputs: &[TimedInput]) -> Vec<u8> {
    inputs
        .iter()
        .filter_map(|input| match input.input {
            antiphon_host_tests::Input::NoteOn { key, .. } => Some(key),
            _ => None,
        })
        .collect()
}

/// Monophonic: each note ends before (or as) the next begins.
fn assert_monophonic(pairs: &[NotePair]) {
    for pair in pairs.windows(2) {
        assert!(
            pair[0].off_sample <= pair[1].on_sample,
            "notes overlap: {pair:?}"
        );
    }
}

#[test]
fn a_jig_is_answered_on_its_bar_lines_in_g_major_near_where_it_was_played() {
    let timeline = jig_timeline();
    let scenario = jig_session(timeline.clone(), 512, 6);
    let played = keys(&scenario.inputs);
    let pairs = answer_notes(&play(&scenario), ANSWER_CHANNEL);
    assert!(pairs.len() >= 4, "a melody answers: {pairs:?}");
    assert_monophonic(&pairs);
    let grid = grid_samples(&timeline, 3, 2);
    let bar_4 = timeline.sample_of_bar(4).unwrap();
    assert!(
        pairs.iter().any(|p| p.on_sample < bar_4),
        "the answer opens in bar 3: {pairs:?}"
    );
    let bar_5 = timeline.sample_of_bar(5).unwrap();
    for pair in &pairs {
        assert!(
            grid.contains(&pair.on_sample),
            "note {} at sample {} is off bars 3–4's 16th grid",
            pair.key,
            pair.on_sample
        );
        assert!(pair.off_sample <= bar_5, "ends with the answer: {pair:?}");
        assert!(
            G_MAJOR.contains(&(pair.key % 12)),
            "{} is not in G major",
            pair.key
        );
    }
    // The answer sits where the player played: within an octave of the call's span.
    let (low, high) = (played.iter().min().unwrap(), played.iter().max().unwrap());
    for pair in &pairs {
        assert!(
            pair.key + 12 >= *low && pair.key <= high + 12,
            "{} is far from the call's {low}–{high}",
            pair.key
        );
    }
}

#[test]
fn a_melodic_answer_is_the_same_at_every_block_size() {
    let mut reference: Option<Vec<TimedOutput>> = None;
    for block in [1, 64, 512, 4096] {
        let outputs = play(&jig_session(jig_timeline(), block, 6));
        assert!(!answer_notes(&outputs, ANSWER_CHANNEL).is_empty());
        match &reference {
            None => reference = Some(outputs),
            Some(reference) => assert_eq!(&outputs, reference, "block size {block}"),
        }
    }
}

#[test]
fn a_tempo_change_inside_the_call_moves_the_melodic_answer_with_the_bar_lines() {
    // 120 BPM, then 84 BPM from the middle of bar 2.
    let change = jig_timeline().sample_of_bar(2).unwrap() - 20_000;
    let timeline = jig_timeline().tempo_change_at(change, 84.0);
    let pairs = answer_notes(
        &play(&jig_session(timeline.clone(), 480, 6)),
        ANSWER_CHANNEL,
    );
    assert!(!pairs.is_empty(), "no answer");
    let grid = grid_samples(&timeline, 3, 2);
    assert!(
        pairs.iter().all(|p| grid.contains(&p.on_sample)),
        "every note on bars 3–4's grid at the new tempo: {pairs:?}"
    );
    assert_ne!(
        timeline.sample_of_bar(3),
        jig_timeline().sample_of_bar(3),
        "the bar line really moved"
    );
}

#[test]
fn a_stop_in_the_middle_of_a_held_note_closes_it_there() {
    let reference = answer_notes(&play(&jig_session(jig_timeline(), 256, 6)), ANSWER_CHANNEL);
    // Stop halfway through the answer's longest note, in the middle of a block.
    let longest = reference
        .iter()
        .max_by_key(|p| p.off_sample - p.on_sample)
        .expect("an answer");
    let stop = (longest.on_sample + longest.off_sample) / 2 + 7;
    let timeline = jig_timeline().stop_at(stop);
    let pairs = answer_notes(&play(&jig_session(timeline, 256, 6)), ANSWER_CHANNEL);
    assert!(
        pairs
            .iter()
            .any(|p| p.on_sample == longest.on_sample && p.off_sample == stop),
        "the held note ends at the stop: {pairs:?}"
    );
    for pair in &pairs {
        assert!(pair.on_sample < stop && pair.off_sample <= stop, "{pair:?}");
    }
}
