//! Real performances stepped through a model for its bar repeats: each step's log-probability
//! under the LSTM alone and what the bars before held (what the repeats are fitted and scored
//! on), and how often the model as it plays ranks the played event first.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::model::error::ModelError;
use crate::model::loaded::Model;
use crate::model::repeats::{BarRepeats, Lookback, RepeatSample};
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
    /// Steps whose likeliest event, with the model's own bar repeats, was the one played.
    pub correct: usize,
}

impl RepeatScore {
    /// Mean negative log-likelihood per step, in nats, under the mixture `repeats` (`None`:
    /// the LSTM alone).
    pub fn nll_per_step(&self, repeats: Option<&BarRepeats>) -> f64 {
        let sum: f64 = self
            .samples
            .iter()
            .map(|sample| repeats.map_or(f64::from(sample.log_prob), |r| r.log_prob(sample)))
            .sum();
        -sum / self.samples.len() as f64
    }
}

/// Steps every window through `model`'s LSTM (its repeats left out of the log-probabilities
/// the samples keep, applied for `correct`).
pub fn repeat_samples(
    model: &Model,
    windows: &[HeardWindow<'_>],
) -> Result<RepeatScore, ModelError> {
    let repeats = model.config().bar_repeats;
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
            let log_probs = lstm.step_played(&mut state, window.events[t - 1], &groove, t)?;
            let played = window.events[t];
            mixed.copy_from_slice(log_probs);
            let log_prob = mixed[played.index()];
            let [one_bar, two_bars] = state.bars_before(t);
            if let Some(repeats) = repeats {
                repeats.mix(&mut mixed, one_bar, two_bars);
            }
            score.samples.push(RepeatSample {
                log_prob,
                lookback: Lookback::of(one_bar, two_bars, played),
            });
            score.correct += usize::from(argmax(&mixed, |_| true) == played.index());
        }
    }
    Ok(score)
}
