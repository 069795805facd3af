//! What must hold after every fuzzed session, whatever the host did.

use crate::events::{Input, Output, TimedOutput, paired_notes};
use crate::fuzz::session::FuzzSession;

/// Checks `outputs` of `session`: every note-on has its note-off on the same channel and key;
/// while the transport is stopped or the plugin bypassed, nothing starts but the player's own
/// notes passed through; velocities are real velocities.
pub fn check(session: &FuzzSession, outputs: &[TimedOutput]) -> Result<(), String> {
    paired_notes(outputs)?;
    for output in outputs {
        let Output::NoteOn {
            channel,
            key,
            velocity,
        } = output.output
        else {
            continue;
        };
        if !(velocity > 0.0 && velocity <= 1.0) {
            return Err(format!(
                "note-on {channel}/{key} at {} with velocity {velocity}",
                output.sample
            ));
        }
        let playing = session.scenario.timeline.state_at(output.sample).playing;
        if playing && !session.bypassed_at(output.sample) {
            continue;
        }
        let passed_through = session.scenario.inputs.iter().any(|input| {
            input.sample == output.sample
                && matches!(input.input, Input::NoteOn { channel: c, key: k, .. } if (c, k) == (channel, key))
        });
        if !passed_through {
            return Err(format!(
                "note-on {channel}/{key} at {} while {}: only the player's own notes may start",
                output.sample,
                if playing { "bypassed" } else { "stopped" }
            ));
        }
    }
    Ok(())
}
