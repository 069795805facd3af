//! What the plugin sets the performer to each block.

use midly::num::{u4, u7};

use crate::encoding::groove::GrooveAmount;
use crate::live::io::Trigger;
use crate::live::messages::Generation;
use crate::phrase::PhraseRules;

/// Settings the plugin copies from its parameters each block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Turn-taking.
    pub rules: PhraseRules,
    /// Sampling, read when a call is decided.
    pub generation: Generation,
    /// Channel of the generated notes.
    pub out_channel: u4,
    /// Velocity of the generated notes; `None`: as the call was played (its mean velocity).
    pub velocity: Option<u7>,
    /// How much of a groove model's feel the answer plays (none: on the grid at `velocity`).
    pub groove: GrooveAmount,
    /// Whether the player's notes also go out.
    pub passthrough: bool,
    /// What ends a call on demand.
    pub trigger: Option<Trigger>,
    /// The model slot to answer with.
    pub model_slot: u32,
    /// The slot of the model that jams with it (`rules.after_response` is then
    /// [`AfterResponse::Jam`](crate::phrase::AfterResponse::Jam)); `None` when there is no jam.
    pub jam_slot: Option<u32>,
}
