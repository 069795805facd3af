//! A call's log-likelihood under a model, as the editor's learning history shows it.

use crate::encoding::groove::GrooveValues;
use crate::learn::HeardCall;
use crate::live::listener::CallListener;
use crate::model::{Model, ModelError};

/// ln p of `call` under `model` from a cold state (its first event is context), and how many
/// events were scored.
pub fn call_log_likelihood(model: &Model, call: &HeardCall) -> Result<(f32, usize), ModelError> {
    let unplayed;
    let grooves = match &call.grooves {
        Some(grooves) => grooves.as_slice(),
        None => {
            unplayed = vec![GrooveValues::default(); call.events.len()];
            unplayed.as_slice()
        }
    };
    let (primed, _) = CallListener::heard_whole(model, &call.events, grooves, call.steps_per_bar)?;
    Ok((primed.log_likelihood, call.events.len().saturating_sub(1)))
}
