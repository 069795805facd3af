//! How early the call is decided so that the answer's first step is computed in time, and when
//! each step must be ready.

use std::time::{Duration, Instant};

use crate::live::grid::BlockGrid;

/// Steps the call may be decided early when the model is slow.
pub const MAX_LEAD_STEPS: u32 = 4;
/// Slack the model thread needs beyond its compute time: its poll interval and scheduling.
const WAKE_SLACK_SECS: f64 = 0.003;

/// Steps to decide the call early so the first response step is computed in time, given the
/// model's recent time per step and how long its last answer took to its first step (a gap run
/// on, or a whole beam search, comes first). None offline: a bounce waits for the model, and
/// must not depend on how fast it was.
pub fn lead_steps(
    offline: bool,
    step_compute_secs: f64,
    first_step_secs: f64,
    samples_per_step: f64,
    sample_rate_hz: f64,
) -> u32 {
    if offline {
        return 0;
    }
    let step_secs = samples_per_step / sample_rate_hz;
    let first_step_secs = first_step_secs.max(step_compute_secs);
    (0..MAX_LEAD_STEPS)
        .find(|&lead| {
            let available = (f64::from(lead) + 0.5) * step_secs;
            let heard = f64::from(lead) * step_compute_secs;
            let needed = 2.0 * (heard + first_step_secs) + WAKE_SLACK_SECS;
            available >= needed
        })
        .unwrap_or(MAX_LEAD_STEPS)
}

/// When `step`'s note must be ready, for a block whose grid is `grid` and whose processing began
/// at `started`: hosts process a block up to one block before it plays, so the block holding
/// `step` may be processed that much earlier than `step` sounds.
pub fn deadline(grid: &BlockGrid, started: Instant, step: i64, sample_rate_hz: f64) -> Instant {
    let samples = grid.samples_until(step) - f64::from(grid.len_samples());
    started + Duration::from_secs_f64((samples / sample_rate_hz).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_model_needs_no_lead_and_a_slow_one_more() {
        // A 16th at 120 BPM and 48 kHz: 6 000 samples, 125 ms.
        assert_eq!(lead_steps(false, 0.000_4, 0.0, 6_000.0, 48_000.0), 0);
        assert_eq!(lead_steps(false, 0.03, 0.0, 6_000.0, 48_000.0), 1);
        assert_eq!(
            lead_steps(false, 10.0, 0.0, 6_000.0, 48_000.0),
            MAX_LEAD_STEPS
        );
        assert_eq!(
            lead_steps(true, 10.0, 10.0, 6_000.0, 48_000.0),
            0,
            "offline never leads"
        );
    }

    #[test]
    fn an_answer_slow_to_its_first_step_is_decided_earlier() {
        // A 16th at 120 BPM: 125 ms. Steps of 0.4 ms, but 40 ms of beam search before the
        // answer's first step: one step of lead; 200 ms: three.
        assert_eq!(lead_steps(false, 0.000_4, 0.04, 6_000.0, 48_000.0), 1);
        assert_eq!(lead_steps(false, 0.000_4, 0.2, 6_000.0, 48_000.0), 3);
    }
}
