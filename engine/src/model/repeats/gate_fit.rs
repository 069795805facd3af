//! Fitting the repeat gate to scored steps of real performances: maximum likelihood of the
//! events played under the mixture, by full-batch Adam on the gate's few weights for each LSTM
//! temperature of a grid (the LSTM's rows are fixed, so a fit takes seconds).

use crate::model::repeats::RepeatSample;
use crate::model::repeats::gate::{GATE_INPUTS, RepeatGate, tempered};
use crate::model::repeats::memory::LOOKBACKS;

/// The LSTM temperatures tried: 0.8 to 1.6 by 0.05.
const TEMPERATURE_GRID: [f32; 17] = [
    0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3, 1.35, 1.4, 1.45, 1.5, 1.55, 1.6,
];

/// Adam rounds over all the samples.
const ROUNDS: usize = 400;
/// Adam's step size; the gate's inputs are all of order 1.
const LEARNING_RATE: f64 = 0.05;
/// A pull of every weight toward 0, so an input a few steps decide cannot run away.
const WEIGHT_DECAY: f64 = 1e-4;

/// One step as the fit reads it.
struct Row {
    /// p(played) under the LSTM.
    lstm: f64,
    inputs: [[f64; GATE_INPUTS]; LOOKBACKS],
    /// Per lookback: reaches a step heard.
    reaches: [bool; LOOKBACKS],
    /// Per lookback: held the event played.
    hits: [f64; LOOKBACKS],
}

impl RepeatGate {
    /// The gate that makes `samples` likeliest (each with its LSTM row in `rows`, `[samples,
    /// vocab]`): for each temperature of the grid the weights from an even share between the
    /// LSTM and every lookback, and of those the likeliest. The grid is shared between two
    /// threads.
    pub fn fit(samples: &[RepeatSample], rows: &[f32]) -> RepeatGate {
        let vocab = rows.len() / samples.len().max(1);
        let (low, high) = TEMPERATURE_GRID.split_at(TEMPERATURE_GRID.len() / 2);
        let fit_all = |temperatures: &[f32]| -> Vec<(f64, RepeatGate)> {
            temperatures
                .iter()
                .map(|&temperature| fit_at(samples, rows, vocab, temperature))
                .collect()
        };
        let fits = std::thread::scope(|scope| {
            let high = scope.spawn(|| fit_all(high));
            let mut fits = fit_all(low);
            fits.extend(high.join().expect("a gate fit does not panic"));
            fits
        });
        fits.into_iter()
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, gate)| gate)
            .expect("the grid has temperatures")
    }
}

/// The likeliest weights with the LSTM at `temperature`, and the mean NLL of the steps any
/// lookback reaches under them (steps none reaches say nothing of the weights).
fn fit_at(
    samples: &[RepeatSample],
    rows: &[f32],
    vocab: usize,
    temperature: f32,
) -> (f64, RepeatGate) {
    let rows: Vec<Row> = samples
        .iter()
        .zip(rows.chunks_exact(vocab.max(1)))
        .filter(|(sample, _)| sample.lookbacks.events.iter().any(Option::is_some))
        .map(|(sample, row)| Row {
            lstm: f64::from(tempered(row, sample.played, temperature)).exp(),
            inputs: sample.inputs.map(|row| row.map(f64::from)),
            reaches: sample.lookbacks.events.map(|held| held.is_some()),
            hits: sample
                .lookbacks
                .events
                .map(|held| f64::from(u8::from(held == Some(sample.played)))),
        })
        .collect();
    let mut weights = [[0.0f64; GATE_INPUTS]; LOOKBACKS];
    let mut adam = Adam::default();
    let mut nll = 0.0;
    if !rows.is_empty() {
        for _ in 0..ROUNDS {
            let (loss, gradient) = gradient(&weights, &rows);
            nll = loss;
            adam.step(&mut weights, &gradient);
        }
    }
    let gate = RepeatGate::new(temperature, weights.map(|row| row.map(|w| w as f32)));
    (nll, gate)
}

/// The mean negative log-likelihood at `weights`, and its gradient (plus weight decay).
fn gradient(
    weights: &[[f64; GATE_INPUTS]; LOOKBACKS],
    rows: &[Row],
) -> (f64, [[f64; GATE_INPUTS]; LOOKBACKS]) {
    let mut gradient = [[0.0f64; GATE_INPUTS]; LOOKBACKS];
    let mut nll = 0.0;
    for row in rows {
        let mut logits = [0.0f64; LOOKBACKS + 1];
        for k in 0..LOOKBACKS {
            logits[k + 1] = if row.reaches[k] {
                weights[k]
                    .iter()
                    .zip(&row.inputs[k])
                    .map(|(w, x)| w * x)
                    .sum()
            } else {
                f64::NEG_INFINITY
            };
        }
        let top = logits.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut shares = logits.map(|logit| (logit - top).exp());
        let sum: f64 = shares.iter().sum();
        for share in &mut shares {
            *share /= sum;
        }
        let explained = shares[0] * row.lstm
            + (0..LOOKBACKS)
                .map(|k| shares[k + 1] * row.hits[k])
                .sum::<f64>();
        // A step neither the LSTM nor a lookback explains (its probability underflowed) says
        // nothing about the shares.
        if explained <= 0.0 {
            continue;
        }
        nll -= explained.ln();
        for k in 0..LOOKBACKS {
            // d(−ln explained)/d logit_k = −share_k (hit_k − explained) / explained.
            let d_logit = -shares[k + 1] * (row.hits[k] - explained) / explained;
            for (g, x) in gradient[k].iter_mut().zip(&row.inputs[k]) {
                *g += d_logit * x;
            }
        }
    }
    let count = rows.len() as f64;
    for (g_row, w_row) in gradient.iter_mut().zip(weights) {
        for (g, w) in g_row.iter_mut().zip(w_row) {
            *g = *g / count + WEIGHT_DECAY * w;
        }
    }
    (nll / count, gradient)
}

/// Adam's moments of every weight.
#[derive(Default)]
struct Adam {
    round: i32,
    mean: [[f64; GATE_INPUTS]; LOOKBACKS],
    square: [[f64; GATE_INPUTS]; LOOKBACKS],
}

impl Adam {
    fn step(
        &mut self,
        weights: &mut [[f64; GATE_INPUTS]; LOOKBACKS],
        gradient: &[[f64; GATE_INPUTS]; LOOKBACKS],
    ) {
        const BETA1: f64 = 0.9;
        const BETA2: f64 = 0.999;
        self.round += 1;
        let (unbias1, unbias2) = (1.0 - BETA1.powi(self.round), 1.0 - BETA2.powi(self.round));
        for k in 0..LOOKBACKS {
            for i in 0..GATE_INPUTS {
                let g = gradient[k][i];
                self.mean[k][i] = BETA1 * self.mean[k][i] + (1.0 - BETA1) * g;
                self.square[k][i] = BETA2 * self.square[k][i] + (1.0 - BETA2) * g * g;
                let step =
                    self.mean[k][i] / unbias1 / ((self.square[k][i] / unbias2).sqrt() + 1e-8);
                weights[k][i] -= LEARNING_RATE * step;
            }
        }
    }
}

/// Mean NLL per step of `samples` (each with its LSTM row in `rows`) where each step is
/// scored by a gate fitted without its fold (`folds[i]`, below `fold_count`): what a gate
/// fitted on these files would score on files it never saw.
pub fn cross_fitted_nll(
    samples: &[RepeatSample],
    rows: &[f32],
    folds: &[usize],
    fold_count: usize,
) -> f64 {
    let vocab = rows.len() / samples.len().max(1);
    let mut sum = 0.0;
    for fold in 0..fold_count {
        let (mut fit_samples, mut fit_rows) = (Vec::new(), Vec::new());
        for ((sample, row), &of) in samples.iter().zip(rows.chunks_exact(vocab)).zip(folds) {
            if of != fold {
                fit_samples.push(*sample);
                fit_rows.extend_from_slice(row);
            }
        }
        let gate = RepeatGate::fit(&fit_samples, &fit_rows);
        for ((sample, row), &of) in samples.iter().zip(rows.chunks_exact(vocab)).zip(folds) {
            if of == fold {
                sum -= gate.log_prob(row, sample.played, &sample.lookbacks, &sample.inputs);
            }
        }
    }
    sum / samples.len() as f64
}
