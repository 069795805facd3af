//! What must hold after every fuzzed session, whatever the host did.

use crate::events::{Input, Output, TimedOutput, paired_notes};
use crate::fuzz::session::{CODA_CHANNEL, Coda, FuzzSession};

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

/// Checks that the model still answers after the chaos: the coda's clean call is answered on the
/// 16th grid of the two bars after it (nothing of the answer anywhere else), with at least one
/// note. A model thread that died, or an audio thread left waiting for a model, fails here.
pub fn check_liveness(session: &FuzzSession, outputs: &[TimedOutput]) -> Result<(), String> {
    let coda = session.coda;
    let timeline = &session.scenario.timeline;
    let grid: Vec<u64> = (0..Coda::ANSWER_STEPS)
        .map(|step| {
            timeline
                .sample_of_ppq_from(coda.start_sample, Coda::answer_step_ppq(step))
                .expect("the coda's answer bars are played")
        })
        .collect();
    let answer: Vec<u64> = outputs
        .iter()
        .filter(|output| output.sample >= coda.start_sample)
        .filter(|output| {
            matches!(output.output, Output::NoteOn { channel, .. } if channel == CODA_CHANNEL)
        })
        .map(|output| output.sample)
        .collect();
    // A line that falls on a sample boundary may be computed a sample early or late (CLAP
    // positions are fixed point; the fuzzer's tempos and restarts are not round numbers).
    let on_grid = |at: u64| grid.iter().any(|&line| line.abs_diff(at) <= 1);
    if let Some(stray) = answer.iter().find(|&&at| !on_grid(at)) {
        return Err(format!(
            "the coda's answer has a note at {stray}, off the 16th grid of its bars ({}..{})",
            grid[0],
            grid[grid.len() - 1]
        ));
    }
    if answer.is_empty() {
        return Err(format!(
            "the model did not answer the coda's clean call (no note in the bars from sample \
             {}): its thread died or nothing reached it",
            grid[0]
        ));
    }
    Ok(())
}
