//! Learn On, as a drummer meets it: the same two-bar beat called again and again, each call
//! answered on its bar line while the model learns from it in the background; the song keeps
//! what was learned (a reloaded song answers exactly as the session did), and letting it go
//! returns the loaded model's answers.

use std::sync::Arc;
use std::time::Duration;

use antiphon_engine::learn::record::{LearnRecord, LearnedOn};
use antiphon_engine::learn::session::{CallScore, SessionLearning};
use antiphon_engine::learn::thread::{self, Pace};
use antiphon_engine::shipped::DRUMS;
use antiphon_host_tests::answers::{answer_notes, assert_answer_in_bars};
use antiphon_host_tests::calls::{ANSWER_CHANNEL, CALL_CHANNEL, RATE, answering_host, run};
use antiphon_host_tests::phrases::{ROCK_BEAT, play_bars};
use antiphon_host_tests::tunes::{JIG_G_MAJOR, play_tune};
use antiphon_host_tests::{
    Input, NotePair, PluginHost, Render, Scenario, TimedInput, TimedOutput, Timeline,
};

/// A 4/4 bar at 120 BPM and 48 kHz.
const BAR: u64 = 96_000;
/// Calls in the session.
const CALLS: u64 = 4;
/// Each phrase: a two-bar call from bar 1 + 4n, its two-bar answer after it.
const PHRASE_BARS: u64 = 4;

fn timeline() -> Timeline {
    Timeline::playing(RATE, 0.0, 120.0)
}

/// `calls` two-bar calls of one drummer's beat, one a phrase from bar 1.
fn calls(calls: u64) -> Vec<TimedInput> {
    (0..calls)
        .flat_map(|n| {
            let bar = 1 + n * PHRASE_BARS;
            play_bars(ROCK_BEAT, 2, &timeline(), bar as f64 * 4.0, CALL_CHANNEL)
        })
        .collect()
}

/// `inputs` over `bars` bars, rendered offline (a bounce: learning waits for nothing else).
fn scenario(inputs: Vec<TimedInput>, bars: u64) -> Scenario {
    let timeline = timeline().stop_at(bars * BAR);
    let mut scenario = Scenario::new(timeline, 512, bars * BAR + 512).rendered(Render::Offline);
    scenario.inputs = inputs;
    scenario
}

/// A host answering two-bar calls with two bars, Learn as `learn` says.
fn host(learn: &'static str) -> PluginHost {
    answering_host(
        &[
            ("Max Call Bars", "2"),
            ("Phrase Bars", "2"),
            ("Learn", learn),
        ],
        Render::Offline,
    )
}

/// The answer to phrase `n`: every note in its two bars.
fn answer(outputs: &[TimedOutput], n: u64) -> Vec<NotePair> {
    let first = (1 + n * PHRASE_BARS + 2) * BAR;
    answer_notes(outputs, ANSWER_CHANNEL)
        .into_iter()
        .filter(|p| (first..first + 2 * BAR).contains(&p.on_sample))
        .collect()
}

/// The record the song saved (a JSON string inside the state's JSON, after its length).
fn learned(state: &[u8]) -> LearnRecord {
    let json: serde_json::Value = serde_json::from_slice(&state[8..]).expect("the state is JSON");
    let field = json["fields"]["learned"]
        .as_str()
        .expect("the song keeps what was learned");
    serde_json::from_str(field).expect("the learned record reads back")
}

/// Each call's log-likelihood per event under the loaded and the adapted model, as the editor
/// plots it, from the record replayed here by the engine's own learner.
fn replayed_history(record: LearnRecord) -> Vec<CallScore> {
    let learning = Arc::new(SessionLearning::default());
    learning.restore(record);
    let model = Arc::new(DRUMS.load().expect("the shipped drums load"));
    learning.use_model(
        LearnedOn {
            slot: 0,
            folder: None,
        },
        model,
    );
    let _learner = thread::spawn(learning.clone(), Pace::OFFLINE).unwrap();
    assert!(
        learning.wait_until_caught_up(Duration::from_secs(300), || true),
        "the record never replayed"
    );
    learning.view().history
}

#[test]
fn a_drummer_is_learned_answered_on_the_bar_line_kept_with_the_song_and_forgotten() {
    let bars = CALLS * PHRASE_BARS + 1;
    let mut session = host("On");
    let outputs = run(&mut session, &scenario(calls(CALLS), bars));
    for n in 0..CALLS {
        let first_bar = (1 + n * PHRASE_BARS + 2) as u32;
        assert_answer_in_bars(&answer(&outputs, n), &timeline(), first_bar, 2);
    }

    // The song keeps every call heard, and the learner's steps for each.
    let saved = session.save_state();
    let record = learned(&saved);
    assert_eq!(record.calls.len(), CALLS as usize);
    assert!(
        record.adaptations.len() >= CALLS as usize - 1,
        "{:?}",
        record.adaptations
    );
    assert!(
        record
            .adaptations
            .iter()
            .all(|a| Pace::Steps(a.steps) == Pace::OFFLINE),
        "{:?}",
        record.adaptations
    );

    // The drummer's beat grows likelier under the adapted model call after call, and
    // likelier than under the loaded one.
    let history = replayed_history(record);
    let adapted: Vec<f32> = history.iter().map(|s| s.adapted).collect();
    assert_eq!(history[0].loaded, history[0].adapted, "nothing learned yet");
    assert!(adapted.windows(2).all(|w| w[1] > w[0]), "{history:?}");
    assert!(
        adapted[CALLS as usize - 1] > history[0].loaded + 0.1,
        "{history:?}"
    );

    // A call in that style, answered by the session itself and by the song reloaded: the
    // same answer, note for note, on its bar line.
    let probe = scenario(calls(1), PHRASE_BARS + 1);
    let continued = run(&mut session, &probe);
    let mut reloaded = PluginHost::load();
    reloaded.load_state(&saved).expect("the song loads");
    reloaded.set_render(Render::Offline);
    let restored = run(&mut reloaded, &probe);
    assert_answer_in_bars(&answer(&continued, 0), &timeline(), 3, 2);
    assert_eq!(answer(&continued, 0), answer(&restored, 0));

    // The loaded model answers that call otherwise: what was learned is what changed it.
    let loaded = run(&mut host("Off"), &probe);
    assert_ne!(answer(&continued, 0), answer(&loaded, 0));

    // Changing Model lets the learning go, as Forget does: the loaded model's answer again.
    // (The melody answers a tune first, so the model thread has surely loaded it.)
    let mut tune = vec![TimedInput {
        sample: 0,
        input: Input::Param {
            name: "Model",
            text: "Melody (folk tunes)",
        },
    }];
    tune.extend(play_tune(JIG_G_MAJOR, 32, &timeline(), 4.0, CALL_CHANNEL));
    let away = scenario(tune, PHRASE_BARS + 1);
    assert!(!answer_notes(&run(&mut reloaded, &away), ANSWER_CHANNEL).is_empty());
    reloaded.set_param("Model", "Drums (Groove MIDI Dataset)");
    reloaded.set_param("Learn", "Off");
    let forgotten = run(&mut reloaded, &probe);
    assert_eq!(answer(&forgotten, 0), answer(&loaded, 0));
    assert!(learned(&reloaded.save_state()).calls.is_empty());
}
