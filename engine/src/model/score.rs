//! Scoring windows of real drumming: negative log-likelihood per step and next-event accuracy.

use candle_core::Device;

use crate::encoding::EventId;
use crate::model::batch::WindowBatch;
use crate::model::net::Net;

/// Totals over scored steps.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Score {
    /// Summed negative log-likelihood, in nats.
    pub nll_sum: f64,
    /// Steps scored.
    pub steps: usize,
    /// Steps whose most likely event was the one played.
    pub correct: usize,
}

impl Score {
    /// Mean negative log-likelihood per step, in nats (NaN when nothing was scored).
    pub fn nll_per_step(&self) -> f64 {
        self.nll_sum / self.steps as f64
    }

    /// Fraction of steps predicted exactly.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.steps as f64
    }
}

/// Scores steps `1..len` of every window (dropout off), `batch_size` windows at a time.
pub fn score_windows(
    net: &Net,
    windows: &[&[EventId]],
    batch_size: usize,
) -> candle_core::Result<Score> {
    let mut score = Score::default();
    for chunk in windows.chunks(batch_size.max(1)) {
        let batch = WindowBatch::new(chunk, &Device::Cpu)?;
        let logits = net.forward(&batch.prev_events, &batch.counters, None)?;
        score.nll_sum += f64::from(batch.nll_sum(&logits)?.to_scalar::<f32>()?);
        score.steps += batch.scored_steps;
        score.correct += batch.correct(&logits)?;
    }
    Ok(score)
}
