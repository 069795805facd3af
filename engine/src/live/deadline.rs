//! When each answer step must be ready. The call is never decided early to make room for a slow
//! model (what the model hears is fixed by the music alone): a step the model delivers late is
//! silent, and the answer keeps time.

use std::time::{Duration, Instant};

use crate::live::grid::BlockGrid;

/// When `step`'s note must be ready, for a block whose grid is `grid` and whose processing began
/// at `started`: hosts process a block up to one block before it plays, so the block holding
/// `step` may be processed that much earlier than `step` sounds.
pub fn deadline(grid: &BlockGrid, started: Instant, step: i64, sample_rate_hz: f64) -> Instant {
    let samples = grid.samples_until(step) - f64::from(grid.len_samples());
    started + Duration::from_secs_f64((samples / sample_rate_hz).max(0.0))
}
