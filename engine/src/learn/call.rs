//! One call the player played, as the learner trains on it.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;

/// A call heard from its first bar line: its events (the family's events per 16th step) and,
/// for a model that hears feel, how each step was played.
#[derive(Debug, Clone, PartialEq)]
pub struct HeardCall {
    /// The call's events, step 0 on a bar line.
    pub events: Vec<EventId>,
    /// One per event, for a model with a groove head.
    pub grooves: Option<Vec<GrooveValues>>,
    /// Events to a bar (the family's events per 16th step included): where its bars begin.
    pub steps_per_bar: u32,
}
