//! Host-level test harness for Antiphon: loads the built `Antiphon.clap` with clack-host (or
//! `Antiphon.vst3` with the VST3 host in [`vst3`](crate::vst3)), plays scenarios (transport
//! script + timed input) through it block by block, and returns what came out at absolute sample
//! positions.

pub mod answers;
pub mod ardour;
mod blocks;
pub mod bundle;
pub mod calls;
pub mod chain;
pub mod chorales;
pub mod events;
pub mod fuzz;
pub mod host;
pub mod jack_session;
pub mod phrases;
mod running;
pub mod scenario;
pub mod screen;
pub mod song;
pub mod standalone;
pub mod timeline;
pub mod tunes;
pub mod vst3;

pub use crate::vst3::Vst3Host;
pub use events::{Input, NotePair, Output, TimedInput, TimedOutput, paired_notes};
pub use host::PluginHost;
pub use scenario::{Render, Scenario};
pub use timeline::Timeline;

/// Loads the plugin, activates it for `scenario`'s block size at the scenario's sample rate,
/// plays the scenario and returns the output.
pub fn play(scenario: &Scenario) -> Vec<TimedOutput> {
    let mut host = PluginHost::load();
    host.set_render(scenario.render);
    host.activate(scenario.timeline.sample_rate_hz(), scenario.block_samples);
    let outputs = host.run(scenario);
    host.deactivate();
    outputs
}
