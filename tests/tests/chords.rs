//! The shipped chords model answering a real Bach chorale through the built plugin: chords on
//! the host's bar lines, several voices sounding together, every note in the chosen key, every
//! note closed and never struck twice at once, the same at every block size and through VST3 as
//! through CLAP.

use antiphon_engine::encoding::scale::{Scale, Tonic};
use antiphon_host_tests::answers::{answer_notes, assert_answer_in_bars, grid_samples};
use antiphon_host_tests::calls::{CALL_CHANNEL, RATE, answering_host, run};
use antiphon_host_tests::chorales::{CHRIST_IST_ERSTANDEN, play_chorale};
use antiphon_host_tests::{NotePair, Render, Scenario, TimedOutput, Timeline, Vst3Host};

/// The answer comes on channel 2.
const ANSWER_CHANNEL: u8 = 1;
/// A 4/4 bar in 16ths.
const STEPS_PER_BAR: usize = 16;

fn timeline() -> Timeline {
    Timeline::playing(RATE, 0.0, 96.0)
}

/// The chorale's first two bars from bar 1, a two-bar answer on bars 3–4, six bars in all.
fn chorale_session(block: u32) -> Scenario {
    let timeline = timeline();
    let end = timeline
        .sample_of_bar(6)
        .expect("the session runs that long");
    let mut scenario = Scenario::new(timeline.clone(), block, end).rendered(Render::Offline);
    scenario.inputs = play_chorale(
        CHRIST_IST_ERSTANDEN,
        2 * STEPS_PER_BAR,
        &timeline,
        timeline.bar_ppq(),
        CALL_CHANNEL,
    );
    scenario
}

/// The chords model, two-bar calls and answers on channel 2, in F♯ harmonic minor.
const PARAMS: [(&str, &str); 6] = [
    ("Model", "Chorales (Bach)"),
    ("Max Call Bars", "2"),
    ("Phrase Bars", "2"),
    ("Out Channel", "2"),
    ("Key", "F♯"),
    ("Scale", "Harmonic minor"),
];

fn play(scenario: &Scenario) -> Vec<TimedOutput> {
    run(&mut answering_host(&PARAMS, Render::Offline), scenario)
}

/// How many answer notes sound at `sample`.
fn sounding_at(pairs: &[NotePair], sample: u64) -> usize {
    pairs
        .iter()
        .filter(|p| p.on_sample <= sample && sample < p.off_sample)
        .count()
}

#[test]
fn a_chorale_is_answered_in_chords_on_its_bar_lines_in_its_key() {
    let timeline = timeline();
    let pairs = answer_notes(&play(&chorale_session(512)), ANSWER_CHANNEL);
    assert_answer_in_bars(&pairs, &timeline, 3, 2);
    let bar_5 = timeline.sample_of_bar(5).unwrap();
    assert!(
        pairs.iter().all(|p| p.off_sample <= bar_5),
        "every note ends with the answer: {pairs:?}"
    );
    // Chords: three or more notes sound together on most of the answer's 16ths.
    let grid = grid_samples(&timeline, 3, 2);
    let full = grid
        .iter()
        .filter(|&&line| sounding_at(&pairs, line) >= 3)
        .count();
    assert!(
        2 * full > grid.len(),
        "{full} of {} steps sound three notes or more: {pairs:?}",
        grid.len()
    );
    // Every note in F♯ harmonic minor.
    let tonic = Tonic::parse("F#").unwrap();
    for pair in &pairs {
        assert!(
            Scale::HarmonicMinor.contains(tonic, pair.key % 12),
            "{} is not in F♯ harmonic minor",
            pair.key
        );
    }
}

#[test]
fn a_chord_answer_is_the_same_at_every_block_size() {
    let mut reference: Option<Vec<TimedOutput>> = None;
    for block in [1, 64, 512, 4096] {
        let outputs = play(&chorale_session(block));
        assert!(!answer_notes(&outputs, ANSWER_CHANNEL).is_empty());
        match &reference {
            None => reference = Some(outputs),
            Some(reference) => assert_eq!(&outputs, reference, "block size {block}"),
        }
    }
}

#[test]
fn a_chord_answer_through_vst3_is_the_one_through_clap() {
    let scenario = chorale_session(512);
    let mut host = Vst3Host::load();
    // As `answering_host` sets up the CLAP plugin: Seed 42, no passthrough, Groove 0 %.
    let defaults = [("Seed", "42"), ("Passthrough", "Off"), ("Groove", "0%")];
    for &(name, value) in defaults.iter().chain(&PARAMS) {
        host.set_param(name, value);
    }
    host.activate(RATE, scenario.block_samples, scenario.render);
    let through_vst3 = host.run(&scenario);
    host.deactivate();
    assert!(!answer_notes(&through_vst3, ANSWER_CHANNEL).is_empty());
    assert_eq!(
        through_vst3,
        play(&scenario),
        "the same chords at the same samples through VST3 as through CLAP"
    );
}
