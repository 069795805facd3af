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
    /// A groove head's errors on the struck classes of the scored steps.
    pub groove: Option<GrooveScore>,
}

impl Score {
    /// Mean negative log-likelihood per step, in nats (NaN when nothing was scored).
    pub fn nll_per_step(&self) -> f64 {
        self.nll_sum / self.steps as f64
    }

    /// What training minimises per step: the NLL, plus a groove head's loss (velocity error in
    /// fractions of 127 plus offset error in steps, summed over the step's hits).
    pub fn loss_per_step(&self) -> f64 {
        (self.nll_sum + self.groove.map_or(0.0, |g| g.loss_sum())) / self.steps as f64
    }

    /// Fraction of steps predicted exactly.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.steps as f64
    }
}

/// Absolute errors summed over struck classes, in the units the model is judged in.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GrooveScore {
    /// Hits scored.
    pub hits: usize,
    /// Summed |velocity error|, in MIDI velocity units.
    pub velocity_error_sum: f64,
    /// Summed |offset error|, in steps.
    pub offset_error_sum: f64,
}

/// How much an offset error (in steps) weighs against a velocity error (in fractions of 127).
/// Offsets are the harder half: at weight 1 the velocity error fell well below the simple
/// predictors' while the offset error hardly moved from the class mean's.
pub(crate) const OFFSET_WEIGHT: f32 = 4.0;

impl GrooveScore {
    /// Mean absolute velocity error per hit, in MIDI units.
    pub fn velocity_mae(&self) -> f64 {
        self.velocity_error_sum / self.hits.max(1) as f64
    }

    /// Mean absolute offset error per hit, in steps.
    pub fn timing_mae(&self) -> f64 {
        self.offset_error_sum / self.hits.max(1) as f64
    }

    /// The loss the head is trained on, summed: velocity error in fractions of 127 plus
    /// [`OFFSET_WEIGHT`] times the offset error in steps.
    pub fn loss_sum(&self) -> f64 {
        self.velocity_error_sum / 127.0 + f64::from(OFFSET_WEIGHT) * self.offset_error_sum
    }
}

impl GrooveScore {
    /// Adds another batch's errors.
    pub fn add(&mut self, other: &GrooveScore) {
        self.hits += other.hits;
        self.velocity_error_sum += other.velocity_error_sum;
        self.offset_error_sum += other.offset_error_sum;
    }
}

impl Score {
    /// Adds another batch's totals.
    pub fn add(&mut self, other: &Score) {
        self.nll_sum += other.nll_sum;
        self.steps += other.steps;
        self.correct += other.correct;
        self.groove = match (self.groove, other.groove) {
            (Some(mut sum), Some(more)) => {
                sum.add(&more);
                Some(sum)
            }
            (sum, more) => sum.or(more),
        };
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
