//! How a host cuts a scenario into process blocks and when it hands each one over: shared by the
//! CLAP and the VST3 test hosts, so both play a scenario exactly alike.

use std::time::{Duration, Instant};

use crate::scenario::{Render, Scenario};

/// Block boundaries: every `block_samples`, and also wherever the transport changes (hosts start
/// a new block at a loop wrap or relocation).
pub(crate) fn blocks(scenario: &Scenario) -> Vec<(u64, u64)> {
    let mut cuts: Vec<u64> = scenario
        .timeline
        .change_samples()
        .filter(|&s| s < scenario.total_samples)
        .collect();
    cuts.push(scenario.total_samples);
    let mut blocks = Vec::new();
    let mut start = 0;
    for cut in cuts {
        while start < cut {
            let end = (start + u64::from(scenario.block_length(blocks.len()))).min(cut);
            blocks.push((start, end));
            start = end;
        }
    }
    blocks
}

/// The host's clock: under [`Render::Paced`] each block is handed over when its time comes on the
/// wall clock; otherwise at once. A realtime host may also stall before a block (the scenario's
/// pauses).
pub(crate) struct Pacer {
    render: Render,
    block_samples: u32,
    sample_rate_hz: f64,
    pauses: Vec<(u64, Duration)>,
    wall_start: Instant,
}

impl Pacer {
    /// Starts the wall clock for `scenario` now.
    pub(crate) fn start(scenario: &Scenario) -> Pacer {
        Pacer {
            render: scenario.render,
            block_samples: scenario.block_samples,
            sample_rate_hz: scenario.timeline.sample_rate_hz(),
            pauses: scenario.pauses.clone(),
            wall_start: Instant::now(),
        }
    }

    /// Waits until the block of samples `start..end` is due.
    pub(crate) fn wait_for_block(&self, start: u64, end: u64) {
        if self.render == Render::Realtime {
            for &(_, pause) in self
                .pauses
                .iter()
                .filter(|(at, _)| (start..end).contains(at))
            {
                std::thread::sleep(pause);
            }
        }
        if self.render != Render::Paced {
            return;
        }
        // A live host hands a block over one block ahead of the time it plays.
        let due = start.saturating_sub(u64::from(self.block_samples));
        let due = Duration::from_secs_f64(due as f64 / self.sample_rate_hz);
        if let Some(wait) = due.checked_sub(self.wall_start.elapsed()) {
            std::thread::sleep(wait);
        }
    }
}
