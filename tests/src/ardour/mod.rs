//! Antiphon's VST3 in a real DAW: Ardour 7.3 headless (Debian's `ardour` package, its Lua session
//! tool `ardour7-lua` on the dummy audio backend, rolling in real time). A [`Plan`] lays out a
//! session — a tempo map's meters, and tracks that each play a call through their own Antiphon
//! with parameters and automation set by the host — which `tests/ardour/antiphon_session.lua`
//! builds and saves in one process and reloads, plays and records in a second. What each Antiphon
//! sent comes back as notes at Ardour's musical positions (ticks, 1920 a quarter note), so a test
//! checks exact bar lines and grid steps.

mod calls;
mod meters;
mod notes;
mod session;

pub use calls::{drum_call, folk_call};
pub use meters::Meters;
pub use notes::Note;
pub use session::{Outcome, play_in_ardour};

/// Ardour's musical resolution: ticks a quarter note (`Temporal::ticks_per_beat`).
pub const TICKS_PER_QUARTER: u64 = 1920;
/// Ticks a 16th note, the step of Antiphon's grid in every meter.
pub const SIXTEENTH_TICKS: u64 = TICKS_PER_QUARTER / 4;

/// A session for Ardour to build, reload and play: Ardour's default 120 bpm at 48 kHz.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The tempo map's meters.
    pub meters: Meters,
    /// The tracks, each with its own Antiphon and a recorder track after it.
    pub tracks: Vec<Track>,
    /// The transport rolls from position 0 until it has passed this position.
    pub roll_until_ticks: u64,
}

/// A MIDI track whose region, from position 0, plays `call` through an Antiphon set by the host.
#[derive(Debug, Clone)]
pub struct Track {
    /// The track's name; its recorder is named `{name}-out`.
    pub name: &'static str,
    /// What the region plays.
    pub call: Vec<Note>,
    /// Parameters set through Ardour before the session is saved: (label, value in the units
    /// Ardour shows, as `Model` 1 for the second model slot).
    pub params: Vec<(&'static str, f64)>,
    /// Automation points on the track's Antiphon, played back while the transport rolls; a lane
    /// holds each point's value until the next (Ardour's discrete interpolation).
    pub automation: Vec<AutomationPoint>,
}

/// From `at_ticks` on, parameter `label` is `value` (in the units Ardour shows).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AutomationPoint {
    /// The parameter's label.
    pub label: &'static str,
    /// Session position.
    pub at_ticks: u64,
    /// The value from there on.
    pub value: f64,
}
