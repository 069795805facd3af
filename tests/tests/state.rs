//! What the host saves with a song comes back exactly; a state from an older version or one
//! naming a model folder that has gone keeps everything it can.

use antiphon_host_tests::phrases::{ROCK_BEAT, play_bars};
use antiphon_host_tests::song::state_bytes;
use antiphon_host_tests::{PluginHost, Render, Scenario, Timeline, paired_notes};

/// nice-plug's state layout: a little-endian length, then JSON.
fn answers(host: &mut PluginHost) -> usize {
    let timeline = Timeline::playing(48_000.0, 0.0, 120.0);
    let mut scenario = Scenario::new(timeline.clone(), 512, 5 * 96_000).rendered(Render::Offline);
    scenario.inputs = play_bars(ROCK_BEAT, 2, &timeline, 4.0, 0);
    host.set_render(Render::Offline);
    host.activate(48_000.0, 512);
    let outputs = host.run(&scenario);
    host.deactivate();
    paired_notes(&outputs)
        .unwrap_or_else(|e| panic!("{e}"))
        .len()
}

#[test]
fn every_parameter_round_trips_through_the_song() {
    let mut host = PluginHost::load();
    let settings = [
        ("Temperature", "0.55"),
        ("Phrase Bars", "3"),
        ("Max Call Bars", "6"),
        ("Min Call Bars", "2"),
        ("Overlap", "On"),
        ("Loop", "On"),
        ("Mutate", "On"),
        ("Passthrough", "Off"),
        ("Out Channel", "3"),
        ("Velocity", "77"),
        ("Key", "G"),
        ("Scale", "Dorian"),
        ("Seed", "1234"),
        ("End Call Trigger", "CC"),
        ("End Call Number", "64"),
    ];
    for (name, text) in settings {
        host.set_param(name, text);
    }
    let displayed: Vec<String> = settings.iter().map(|(n, _)| host.param_text(n)).collect();
    let saved = host.save_state();

    let mut restored = PluginHost::load();
    restored
        .load_state(&saved)
        .expect("loading the song's state");
    for ((name, _), shown) in settings.iter().zip(&displayed) {
        assert_eq!(&restored.param_text(name), shown, "{name}");
    }
    assert_eq!(restored.save_state(), saved);
}

#[test]
fn a_missing_model_folder_falls_back_to_the_shipped_model_and_keeps_the_rest() {
    let gone = std::env::temp_dir().join("antiphon-test-model-that-was-deleted");
    // The folder list is saved as a JSON string inside the JSON state.
    let folders = format!(r#"["{}"]"#, gone.display()).replace('"', r#"\""#);
    let json = format!(
        r#"{{"version":"0.1.0","params":{{"model":{{"i32":1}},"max_call_bars":{{"i32":2}},"phrase_bars":{{"i32":1}},"seed":{{"i32":42}},"passthrough":{{"bool":false}}}},"fields":{{"state-version":"1","user-models":"{folders}"}}}}"#
    );
    let mut host = PluginHost::load();
    host.load_state(&state_bytes(&json))
        .expect("a state naming a missing model still loads");
    assert_eq!(host.param_text("Max Call Bars"), "2 bars");
    assert_eq!(host.param_text("Phrase Bars"), "1 bar");
    assert_eq!(host.param_text("Seed"), "42");
    assert_eq!(
        host.param_text("Model"),
        "antiphon-test-model-that-was-deleted"
    );
    assert!(answers(&mut host) > 0, "the shipped model answers instead");
    // The song still remembers the folder, for when it comes back.
    let saved = String::from_utf8_lossy(&host.save_state()).into_owned();
    assert!(
        saved.contains("antiphon-test-model-that-was-deleted"),
        "{saved}"
    );
}

#[test]
fn a_state_from_an_older_version_keeps_what_it_has() {
    let json = r#"{"version":"0.0.1","params":{"max_call_bars":{"i32":3},"retired_knob":{"f32":0.5}},"fields":{}}"#;
    let mut host = PluginHost::load();
    host.load_state(&state_bytes(json))
        .expect("an older state loads");
    assert_eq!(host.param_text("Max Call Bars"), "3 bars");
    assert_eq!(host.param_text("Temperature"), "1.00");
    assert_eq!(host.param_text("Passthrough"), "On");
}
