//! The Jam switch: while the player is silent, a second model answers the model's answers and
//! the model answers back, each on the bar line after the other.

use antiphon_host_tests::answers::answer_notes;
use antiphon_host_tests::bundle::workspace_root;
use antiphon_host_tests::calls::{ANSWER_CHANNEL, RATE, call_scenario, run};
use antiphon_host_tests::phrases::ROCK_BEAT;
use antiphon_host_tests::song::state_bytes;
use antiphon_host_tests::{NotePair, PluginHost, Render, Timeline};

/// Samples in a bar at 120 BPM, 4/4.
const BAR: u64 = 96_000;

/// A host whose song (saved before the chords model, so in its layout 2) has the tiny drum model
/// of the test fixtures in model slot 2 (slot 3 once migrated), two-bar
/// calls and answers on the grid (Groove 0 %), Seed 42, no passthrough, and `after` on (`jam`
/// or `mutate`).
fn host(after: &str) -> PluginHost {
    let tiny = workspace_root().join("tests/fixtures/models/tiny-drums");
    // The folder list is saved as a JSON string inside the JSON state.
    let folders = format!(r#"["{}"]"#, tiny.display()).replace('"', r#"\""#);
    let json = format!(
        r#"{{"version":"0.1.0","params":{{"{after}":{{"bool":true}},"jam_model":{{"i32":2}},"groove":{{"f32":0.0}},"max_call_bars":{{"i32":2}},"phrase_bars":{{"i32":2}},"seed":{{"i32":42}},"passthrough":{{"bool":false}}}},"fields":{{"state-version":"2","user-models":"{folders}"}}}}"#
    );
    let mut host = PluginHost::load();
    host.load_state(&state_bytes(&json))
        .expect("the song loads");
    host.set_render(Render::Offline);
    host
}

/// The answer notes struck in bars `bars` (two of them), as (sample, key).
fn in_bars(pairs: &[NotePair], first_bar: u64) -> Vec<(u64, u8)> {
    pairs
        .iter()
        .filter(|p| (first_bar * BAR..(first_bar + 2) * BAR).contains(&p.on_sample))
        .map(|p| (p.on_sample, p.key))
        .collect()
}

#[test]
fn the_jam_model_answers_the_model_s_answer_and_the_model_answers_back() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let scenario = call_scenario(timeline, 512, 9, ROCK_BEAT);
    let mut jam_host = host("jam");
    assert_eq!(jam_host.param_text("Jam"), "On");
    assert_eq!(jam_host.param_text("Jam Model"), "tiny-drums");
    let jam = answer_notes(&run(&mut jam_host, &scenario), ANSWER_CHANNEL);
    let mutate = answer_notes(&run(&mut host("mutate"), &scenario), ANSWER_CHANNEL);

    // The call (bars 1–2) is answered by the model in bars 3–4 either way: the same take.
    assert!(!in_bars(&jam, 3).is_empty());
    assert_eq!(in_bars(&jam, 3), in_bars(&mutate, 3));
    // Then the tiny jam model answers that answer in bars 5–6, where Mutate has the model answer
    // itself; in bars 7–8 the model answers the jam model.
    for bars in [5, 7] {
        assert!(!in_bars(&jam, bars).is_empty(), "bars {bars} are answered");
        assert_ne!(
            in_bars(&jam, bars),
            in_bars(&mutate, bars),
            "bars {bars}: another model answered"
        );
    }
    // Every answer is on the 16th grid of its bar lines.
    assert!(jam.iter().all(|p| p.on_sample % (BAR / 16) == 0), "{jam:?}");
}
