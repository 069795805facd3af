//! A host set up to hear a player's call and a scenario that plays one: the common start of the
//! call-and-response tests.

use crate::events::TimedOutput;
use crate::host::PluginHost;
use crate::phrases::play_bars;
use crate::scenario::{Render, Scenario};
use crate::timeline::Timeline;

/// The sample rate the call tests run at.
pub const RATE: f64 = 48_000.0;
/// The call is played on channel 1.
pub const CALL_CHANNEL: u8 = 0;
/// The answer comes on channel 10 (the default Out Channel).
pub const ANSWER_CHANNEL: u8 = 9;

/// A loaded plugin with reproducible takes (Seed 42), no passthrough, so everything out is the
/// answer, and answers on the 16th grid (Groove 0 %: these tests check where the answer's steps
/// fall; tests/groove.rs checks its feel); then `params` (display name, typed text) and the
/// render mode.
pub fn answering_host(params: &[(&str, &str)], render: Render) -> PluginHost {
    let mut host = PluginHost::load();
    host.set_param("Seed", "42");
    host.set_param("Passthrough", "Off");
    host.set_param("Groove", "0%");
    for &(name, value) in params {
        host.set_param(name, value);
    }
    host.set_render(render);
    host
}

/// Activates `host` at [`RATE`] for `scenario`, plays it and deactivates.
pub fn run(host: &mut PluginHost, scenario: &Scenario) -> Vec<TimedOutput> {
    host.activate(RATE, scenario.block_samples);
    let outputs = host.run(scenario);
    host.deactivate();
    outputs
}

/// A two-bar call from a real GMD beat, played from bar 1, over `timeline`, for `bars` bars,
/// rendered offline.
pub fn call_scenario(timeline: Timeline, block: u32, bars: u32, beat: &str) -> Scenario {
    let end = timeline
        .sample_of_bar(bars)
        .expect("the scenario runs that long");
    let mut scenario = Scenario::new(timeline.clone(), block, end).rendered(Render::Offline);
    scenario.inputs = play_bars(beat, 2, &timeline, timeline.bar_ppq(), CALL_CHANNEL);
    scenario
}
