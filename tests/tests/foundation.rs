//! The built bundle loads in a CLAP host, passes notes through sample-exactly at any block size,
//! survives activation cycles and round-trips its state.

use antiphon_host_tests::{
    Input, Output, PluginHost, Scenario, TimedOutput, Timeline, paired_notes, play,
};

const SAMPLE_RATE_HZ: f64 = 48_000.0;

/// Notes at awkward offsets: sample 0, mid-block, on block edges for 64/512/4096, and overlapping.
fn awkward_notes(block_samples: u32) -> Scenario {
    let timeline = Timeline::playing(SAMPLE_RATE_HZ, 0.0, 120.0);
    Scenario::new(timeline, block_samples, 20_000)
        .note(0, 9, 36, 1.0, 100)
        .note(63, 9, 38, 0.5, 1)
        .note(64, 9, 42, 0.25, 4031)
        .note(4095, 0, 60, 0.75, 4097)
        .note(5_000, 3, 61, 0.6, 10_000)
        .note(12_345, 3, 62, 0.1, 7_000)
}

fn note_ons(outputs: &[TimedOutput]) -> Vec<(u64, u8, u8)> {
    outputs
        .iter()
        .filter_map(|e| e.note_on().map(|(c, k)| (e.sample, c, k)))
        .collect()
}

#[test]
fn notes_pass_through_at_the_same_absolute_sample_for_every_block_size() {
    let expected = [
        (0, 9, 36),
        (63, 9, 38),
        (64, 9, 42),
        (4095, 0, 60),
        (5_000, 3, 61),
        (12_345, 3, 62),
    ];
    for block_samples in [1, 64, 512, 4096] {
        let outputs = play(&awkward_notes(block_samples));
        assert_eq!(
            note_ons(&outputs),
            expected,
            "note-ons with {block_samples}-sample blocks"
        );
        let pairs = paired_notes(&outputs).unwrap_or_else(|e| panic!("{block_samples}: {e}"));
        let offs: Vec<(u64, u8)> = pairs.iter().map(|p| (p.off_sample, p.key)).collect();
        assert_eq!(
            offs,
            [
                (64, 38),
                (100, 36),
                (4095, 42),
                (8192, 60),
                (15_000, 61),
                (19_345, 62)
            ],
            "note-offs with {block_samples}-sample blocks"
        );
    }
}

#[test]
fn velocities_survive_the_trip() {
    let outputs = play(&awkward_notes(512));
    let velocities: Vec<f64> = outputs
        .iter()
        .filter_map(|e| match e.output {
            Output::NoteOn { velocity, .. } => Some(velocity),
            _ => None,
        })
        .collect();
    // nice-plug carries velocities as f32.
    let expected = [1.0, 0.5, 0.25, 0.75, 0.6, 0.1];
    assert_eq!(velocities.len(), expected.len());
    for (got, want) in velocities.iter().zip(expected) {
        assert!((got - want).abs() < 1e-6, "velocity {got}, expected {want}");
    }
}

#[test]
fn control_changes_pass_through() {
    let scenario = Scenario::new(Timeline::playing(SAMPLE_RATE_HZ, 0.0, 120.0), 256, 2_048).at(
        700,
        Input::Cc {
            channel: 2,
            cc: 74,
            value: 99,
        },
    );
    let outputs = play(&scenario);
    assert_eq!(
        outputs,
        [TimedOutput {
            sample: 700,
            output: Output::Midi([0xB2, 74, 99])
        }]
    );
}

#[test]
fn activates_deactivates_and_reactivates_cleanly() {
    let mut host = PluginHost::load();
    for (round, block_samples) in [64, 4096, 1, 512].into_iter().enumerate() {
        host.activate(SAMPLE_RATE_HZ, block_samples);
        let outputs = host.run(&awkward_notes(block_samples));
        assert_eq!(note_ons(&outputs).len(), 6, "round {round}");
        paired_notes(&outputs).unwrap_or_else(|e| panic!("round {round}: {e}"));
        host.deactivate();
        assert!(!host.is_active());
    }
    // Another sample rate after a deactivation.
    let timeline = Timeline::playing(44_100.0, 0.0, 90.0);
    host.activate(44_100.0, 128);
    let outputs = host.run(&Scenario::new(timeline, 128, 1_000).note(333, 0, 64, 1.0, 10));
    assert_eq!(note_ons(&outputs), [(333, 0, 64)]);
}

#[test]
fn parameters_and_state_round_trip() {
    let mut host = PluginHost::load();
    let defaults = host.save_state();
    host.set_param("Passthrough", "Off");
    assert_eq!(host.param_text("Passthrough"), "Off");
    let changed = host.save_state();
    assert_ne!(
        changed, defaults,
        "a changed parameter changes the saved state"
    );

    let mut fresh = PluginHost::load();
    assert_eq!(fresh.param_text("Passthrough"), "On");
    fresh.load_state(&changed).expect("loading a saved state");
    assert_eq!(fresh.param_text("Passthrough"), "Off");
    assert_eq!(
        fresh.save_state(),
        changed,
        "state survives save → load → save"
    );

    // The loaded parameter takes effect: nothing passes through.
    fresh.activate(SAMPLE_RATE_HZ, 512);
    assert!(fresh.run(&awkward_notes(512)).is_empty());
}

#[test]
fn damaged_state_is_refused_and_changes_nothing() {
    let mut host = PluginHost::load();
    host.set_param("Passthrough", "Off");
    let before = host.save_state();
    assert!(host.load_state(b"{ this is not a saved state").is_err());
    assert!(host.load_state(&before[..before.len() / 2]).is_err());
    assert_eq!(host.param_text("Passthrough"), "Off");
    assert_eq!(host.save_state(), before);
}
