//! Real performances stepped through a model for its repeats: each step's log-probability
//! under the LSTM alone, what the bars before held and what a gate reads there (what repeats
//! are fitted and scored on), and how often the model as it plays ranks the played event first.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::model::error::ModelError;
use crate::model::loaded::Model;
use crate::model::repeats::{LOOKBACKS, RepeatSample, Repeats, Shares, gate_inputs};
use crate::model::sample::argmax;

/// One window of a performance, as the model reads it from a cold state.
#[derive(Debug, Clone, Copy)]
pub struct HeardWindow<'a> {
    /// One event per step, step 0 on a bar line.
    pub events: &'a [EventId],
    /// How each step was played (drums); a groove model hears it.
    pub grooves: Option<&'a [GrooveValues]>,
    /// The performance's bar length.
    pub steps_per_bar: u32,
}

/// Steps `1..len` of every window, scored.
#[derive(Debug, Clone, Default)]
pub struct RepeatScore {
    /// One per scored step.
    pub samples: Vec<RepeatSample>,
    /// `[samples, vocab]`: each step's LSTM log-probabilities.
    pub rows: Vec<f32>,
    /// Steps whose likeliest event, with the model's own repeats, was the one played.
    pub correct: usize,
}

impl RepeatScore {
    /// Mean negative log-likelihood per step, in nats, under `repeats` (`None`: the LSTM
    /// alone).
    pub fn nll_per_step(&self, repeats: Option<&Repeats>) -> f64 {
        -self.log_probs(repeats).sum::<f64>() / self.samples.len() as f64
    }

    /// ln p of each scored step under `repeats` (`None`: the LSTM alone), in order.
    pub fn log_probs<'s>(&'s self, repeats: Option<&'s Repeats>) -> impl Iterator<Item = f64> + 's {
        self.samples
            .iter()
            .zip(self.rows())
            .map(move |(sample, row)| {
                repeats.map_or(f64::from(sample.log_prob), |r| r.log_prob(sample, row))
            })
    }

    /// Each sample's LSTM row, in order.
    pub fn rows(&self) -> impl Iterator<Item = &[f32]> {
        let vocab = self.rows.len() / self.samples.len().max(1);
        self.rows.chunks_exact(vocab.max(1))
    }

    /// The LSTM's and each lookback's mean share of the scored steps' probability under
    /// `repeats`.
    pub fn mean_shares(&self, repeats: &Repeats) -> Shares {
        let mut sums = [0.0f64; LOOKBACKS + 1];
        for sample in &self.samples {
            for (sum, share) in sums.iter_mut().zip(repeats.shares(sample)) {
                *sum += f64::from(share);
            }
        }
        sums.map(|sum| (sum / self.samples.len().max(1) as f64) as f32)
    }
}

/// Steps every window through `model`'s LSTM (its repeats left out of the log-probabilities
/// the samples keep, applied for `correct`).
pub fn repeat_samples(
    model: &Model,
    windows: &[HeardWindow<'_>],
) -> Result<RepeatScore, ModelError> {
    let repeats = model.config().repeats();
    let lstm = model.with_repeats(None);
    let mut score = RepeatScore::default();
    let mut mixed = vec![0.0f32; model.config().vocab_size];
    for window in windows {
        let mut state = lstm.initial_state(window.steps_per_bar);
        for t in 1..window.events.len() {
            let groove = window
                .grooves
                .and_then(|grooves| grooves.get(t - 1))
                .copied()
                .unwrap_or_default();
            mixed.copy_from_slice(lstm.step_played(
                &mut state,
                window.events[t - 1],
                &groove,
                t,
            )?);
            score.rows.extend_from_slice(&mixed);
            let played = window.events[t];
            let lookbacks = state.lookbacks(t);
            score.samples.push(RepeatSample {
                log_prob: mixed[played.index()],
                played,
                lookbacks,
                inputs: gate_inputs(&mixed, &lookbacks),
            });
            if let Some(repeats) = repeats {
                repeats.mix(&mut mixed, &lookbacks);
            }
            score.correct += usize::from(argmax(&mixed, |_| true) == played.index());
        }
    }
    Ok(score)
}
