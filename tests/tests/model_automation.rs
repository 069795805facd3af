//! The host automates Model the way hosts do while playing: a parameter event inside
//! `process()`, at any sample — on the first block after activation (a song whose Model lane
//! starts on Melody, played from its start), during a call, an answer, a jam and a beam search.
//! Whatever happened before, the model chosen last answers the next call, on its bar line.

use antiphon_engine::families::drums::encoding::DrumClass;
use antiphon_engine::midly::num::u7;
use antiphon_host_tests::answers::{answer_notes, assert_answer_in_bars};
use antiphon_host_tests::calls::{ANSWER_CHANNEL, CALL_CHANNEL, RATE, answering_host, run};
use antiphon_host_tests::phrases::{ROCK_BEAT, play_bars};
use antiphon_host_tests::tunes::{JIG_G_MAJOR, play_tune};
use antiphon_host_tests::{Input, NotePair, Render, Scenario, TimedInput, TimedOutput, Timeline};

/// A 4/4 bar at 120 BPM and 48 kHz.
const BAR: u64 = 96_000;
const MELODY: &str = "Melody (folk tunes)";
const DRUMS: &str = "Drums (Groove MIDI Dataset)";

fn timeline() -> Timeline {
    Timeline::playing(RATE, 0.0, 120.0)
}

/// Two bars of a real GMD beat from bar `bar`.
fn drum_call(bar: u64) -> Vec<TimedInput> {
    play_bars(ROCK_BEAT, 2, &timeline(), bar as f64 * 4.0, CALL_CHANNEL)
}

/// Two bars (32 sixteenths) of a real folk tune from bar `bar`.
fn folk_call(bar: u64) -> Vec<TimedInput> {
    play_tune(JIG_G_MAJOR, 32, &timeline(), bar as f64 * 4.0, CALL_CHANNEL)
}

/// The host moves Model to the model named `text` at `sample`.
fn model_at(sample: u64, text: &'static str) -> TimedInput {
    TimedInput {
        sample,
        input: Input::Param {
            name: "Model",
            text,
        },
    }
}

/// `bars` bars of `inputs`, in blocks of 512, then the transport stops (closing what sounds).
fn session(inputs: Vec<TimedInput>, bars: u64, render: Render) -> Scenario {
    let timeline = timeline().stop_at(bars * BAR);
    let mut scenario = Scenario::new(timeline, 512, bars * BAR + 512).rendered(render);
    scenario.inputs = inputs;
    scenario
}

/// Plays `scenario` with two-bar calls and answers (and `params`), as `render` says.
fn play(params: &[(&str, &str)], scenario: &Scenario) -> Vec<TimedOutput> {
    let mut all = vec![("Max Call Bars", "2"), ("Phrase Bars", "2")];
    all.extend_from_slice(params);
    let mut host = answering_host(&all, scenario.render);
    run(&mut host, scenario)
}

/// The answer notes starting in `samples`.
fn notes_in(pairs: &[NotePair], samples: std::ops::Range<u64>) -> Vec<NotePair> {
    pairs
        .iter()
        .filter(|pair| samples.contains(&pair.on_sample))
        .copied()
        .collect()
}

/// Played by the drum model: every note a kit piece's own pitch.
fn assert_drums(pairs: &[NotePair]) {
    assert!(!pairs.is_empty(), "no drum answer");
    for pair in pairs {
        let class = DrumClass::from_pitch(u7::new(pair.key));
        assert!(
            class.is_some_and(|class| class.output_pitch().as_int() == pair.key),
            "not a drum: {pair:?}"
        );
    }
}

/// Played by the melody model: one note at a time, in the register the tune was played in
/// (above every drum pitch).
fn assert_melody(pairs: &[NotePair]) {
    assert!(pairs.len() >= 3, "no melody answer: {pairs:?}");
    assert!(pairs.iter().all(|pair| pair.key > 51), "{pairs:?}");
    for two in pairs.windows(2) {
        assert!(two[0].off_sample <= two[1].on_sample, "overlap: {two:?}");
    }
}

#[test]
fn a_model_lane_that_starts_on_melody_answers_the_first_call_live_as_bounced() {
    // The call starts on the song's first sample; the automation comes in the first block,
    // before the call's first note or just after it.
    for model_sample in [0, 100] {
        let mut inputs = folk_call(0);
        inputs.push(model_at(model_sample, MELODY));
        let bounce = play(&[], &session(inputs.clone(), 5, Render::Offline));
        let pairs = answer_notes(&bounce, ANSWER_CHANNEL);
        assert_melody(&pairs);
        assert_answer_in_bars(&pairs, &timeline(), 2, 2);
        let live = play(&[], &session(inputs, 5, Render::Paced));
        assert_eq!(
            live, bounce,
            "Model at sample {model_sample}: live and bounce differ"
        );
    }
}

#[test]
fn a_model_swapped_during_a_call_and_back_lets_the_drums_answer_the_next_call() {
    let mut inputs = drum_call(1);
    inputs.push(model_at(BAR + BAR / 2 + 123, MELODY));
    inputs.push(model_at(2 * BAR + BAR / 4 + 7, DRUMS));
    inputs.extend(drum_call(7));
    let pairs = answer_notes(
        &play(&[], &session(inputs, 11, Render::Offline)),
        ANSWER_CHANNEL,
    );
    // Each swap ended the call heard so far (what is played after the last one is a call of
    // its own, answered from bar 4): every answer is the drums'.
    assert_drums(&pairs);
    assert!(notes_in(&pairs, 0..4 * BAR).is_empty(), "{pairs:?}");
    let last = notes_in(&pairs, 9 * BAR..11 * BAR);
    assert_drums(&last);
    assert_answer_in_bars(&last, &timeline(), 9, 2);
}

#[test]
fn a_model_swapped_during_an_answer_closes_it_and_answers_the_next_call() {
    let swap = 3 * BAR + BAR / 2 + 11;
    let mut inputs = drum_call(1);
    inputs.push(model_at(swap, MELODY));
    inputs.extend(folk_call(6));
    let pairs = answer_notes(
        &play(&[], &session(inputs, 10, Render::Offline)),
        ANSWER_CHANNEL,
    );
    let drums = notes_in(&pairs, 0..swap);
    assert_drums(&drums);
    assert_answer_in_bars(&drums, &timeline(), 3, 1);
    assert!(
        drums.iter().all(|pair| pair.off_sample <= swap),
        "{drums:?}"
    );
    assert!(notes_in(&pairs, swap..8 * BAR).is_empty());
    let melody = notes_in(&pairs, 8 * BAR..10 * BAR);
    assert_melody(&melody);
    assert_answer_in_bars(&melody, &timeline(), 8, 2);
}

#[test]
fn a_model_swapped_during_a_jam_answers_the_next_call() {
    // The drums answer bars 1–2 on bars 3–4 and jam with themselves from bar 5; Model moves to
    // melody in the middle of the jam; a folk call in bars 9–10 is answered from bar 11.
    let swap = 5 * BAR + BAR / 2;
    let mut inputs = drum_call(1);
    inputs.push(model_at(swap, MELODY));
    inputs.extend(folk_call(9));
    let params = [("Jam", "On"), ("Jam Model", DRUMS)];
    let pairs = answer_notes(
        &play(&params, &session(inputs, 13, Render::Offline)),
        ANSWER_CHANNEL,
    );
    let jam = notes_in(&pairs, 5 * BAR..swap);
    assert_drums(&jam);
    assert!(notes_in(&pairs, swap..11 * BAR).is_empty());
    let melody = notes_in(&pairs, 11 * BAR..13 * BAR);
    assert_melody(&melody);
    assert_answer_in_bars(&melody, &timeline(), 11, 2);
}

#[test]
fn a_model_swapped_during_a_beam_search_answers_the_next_call_live_as_bounced() {
    // Eight takes searched over a sixteen-bar answer keep the model thread busy well past the
    // swap, which comes half a 16th after the call was decided.
    let swap = 3 * BAR - 1_000;
    let mut inputs = drum_call(1);
    inputs.push(model_at(swap, MELODY));
    inputs.extend(folk_call(5));
    let params = [("Beams", "8"), ("Phrase Bars", "16")];
    let bounce = play(&params, &session(inputs.clone(), 9, Render::Offline));
    let pairs = answer_notes(&bounce, ANSWER_CHANNEL);
    assert!(notes_in(&pairs, 0..7 * BAR).is_empty(), "{pairs:?}");
    let melody = notes_in(&pairs, 7 * BAR..9 * BAR);
    assert_melody(&melody);
    assert_eq!(melody[0].on_sample, 7 * BAR, "on bar 7's line");
    let live = play(&params, &session(inputs, 9, Render::Paced));
    assert_eq!(live, bounce, "live and bounce differ");
}
