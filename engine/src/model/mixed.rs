//! A model adapted to the player, played mixed with the model as it was loaded: at each step
//! the two distributions are mixed by Bayesian weights that follow how well each foretold the
//! events fed so far, from even odds at a state's start. A phrase unlike what was learned falls
//! back to the loaded model within a few steps, and no phrase can score worse than under the
//! loaded model by more than ln 2 nats (what `antiphon adapt-eval` measures as adapted).

use crate::encoding::EventId;
use crate::learn::BayesMix;
use crate::model::fused::StateRows;

/// Even odds at a state's start.
const PRIOR: f64 = 0.5;

/// The loaded model's side of a mixed state, row for row with the adapted model's.
#[derive(Debug, Clone)]
pub(crate) struct MixedRows {
    /// The loaded model's states.
    pub(crate) loaded: StateRows,
    weights: Vec<BayesMix>,
    /// Each row's last log-probabilities under each model, `[count, vocab]`: what each
    /// foretold of the event the row is fed next.
    last_loaded: Vec<f32>,
    last_adapted: Vec<f32>,
}

impl MixedRows {
    /// The mixed side of a state whose loaded model's rows are `loaded`, at even odds.
    pub(crate) fn new(loaded: StateRows) -> MixedRows {
        let (count, vocab) = (loaded.count, loaded.shape.vocab_size);
        MixedRows {
            loaded,
            weights: vec![BayesMix::new(PRIOR); count],
            last_loaded: vec![0.0; count * vocab],
            last_adapted: vec![0.0; count * vocab],
        }
    }

    /// `count` rows of the same shape, to be copied into.
    pub(crate) fn zeros(&self, count: usize) -> MixedRows {
        let loaded = StateRows::zeros(self.loaded.shape, count, self.loaded.memory.steps_per_bar());
        MixedRows::new(loaded)
    }

    /// Sets row `row` to row `from_row` of `from`.
    pub(crate) fn copy_row(&mut self, row: usize, from: &MixedRows, from_row: usize) {
        self.loaded.copy_row(row, &from.loaded, from_row);
        self.weights[row] = from.weights[from_row];
        let vocab = self.loaded.shape.vocab_size;
        let (to, at) = (
            row * vocab..(row + 1) * vocab,
            from_row * vocab..(from_row + 1) * vocab,
        );
        self.last_loaded[to.clone()].copy_from_slice(&from.last_loaded[at.clone()]);
        self.last_adapted[to].copy_from_slice(&from.last_adapted[at]);
    }

    /// Before a step: each row's weights learn what each model foretold of the event it is fed
    /// now (nothing at a state's first step, when neither foretold anything).
    pub(crate) fn learn(&mut self, prev: &[EventId]) {
        let vocab = self.loaded.shape.vocab_size;
        for (row, (weights, event)) in self.weights.iter_mut().zip(prev).enumerate() {
            let at = row * vocab + event.index();
            weights.learn(
                f64::from(self.last_loaded[at]),
                f64::from(self.last_adapted[at]),
            );
        }
    }

    /// After both models stepped: `log_probs` (the adapted model's, `[count, vocab]`) becomes
    /// the mixture, and both models' are kept for the next step to learn from.
    pub(crate) fn mix(&mut self, log_probs: &mut [f32]) {
        self.last_adapted.copy_from_slice(log_probs);
        self.last_loaded.copy_from_slice(&self.loaded.log_probs);
        let vocab = self.loaded.shape.vocab_size;
        for (row, mixed) in log_probs.chunks_exact_mut(vocab).enumerate() {
            let weights = self.weights[row];
            let loaded = &self.last_loaded[row * vocab..(row + 1) * vocab];
            for (p, &l) in mixed.iter_mut().zip(loaded) {
                *p = weights.mixed(f64::from(l), f64::from(*p)) as f32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::encoding::EventId;
    use crate::learn::{HeardCall, LearnSettings, Learner};
    use crate::model::Model;
    use crate::model::loaded::tests::tiny_model_files;

    fn events(ids: &[usize]) -> Vec<EventId> {
        ids.iter().map(|&e| EventId::new(e)).collect()
    }

    /// The tiny model, and a copy of it adapted to `learned` for a few steps.
    fn loaded_and_adapted(learned: &[EventId]) -> (Arc<Model>, Model) {
        let (config, weights) = tiny_model_files();
        let loaded = Model::from_bytes(&config, &weights).unwrap();
        let settings = LearnSettings {
            learning_rate: 1e-2,
            ..LearnSettings::default()
        };
        let mut learner = Learner::new(&loaded, settings, 3);
        let call = HeardCall {
            events: learned.to_vec(),
            grooves: None,
            steps_per_bar: 16,
        };
        for _ in 0..30 {
            learner.step(std::slice::from_ref(&call));
        }
        (Arc::new(loaded), learner.model().unwrap())
    }

    /// ln p of `events` under `model` from a cold state, and each step's distribution.
    fn score(model: &Model, events: &[EventId]) -> (f64, Vec<Vec<f32>>) {
        let mut state = model.initial_state(16);
        let mut total = 0.0;
        let mut steps = Vec::new();
        for t in 1..events.len() {
            let log_probs = model.step(&mut state, events[t - 1], t).unwrap();
            total += f64::from(log_probs[events[t].index()]);
            steps.push(log_probs.to_vec());
        }
        (total, steps)
    }

    #[test]
    fn the_mixture_follows_the_adapted_model_on_what_it_learned_and_the_loaded_one_elsewhere() {
        let bar = [9, 0, 3, 0, 17, 0, 3, 0, 9, 0, 3, 0, 17, 0, 3, 1];
        let learned = events(&[bar, bar].concat());
        let (loaded, adapted) = loaded_and_adapted(&learned);
        let mixed = adapted.clone().mixed_with(loaded.clone());
        let other = events(&[5, 40, 2, 5, 40, 2, 77, 5, 40, 2, 5, 40, 2, 77, 1, 1]);
        for played in [&learned, &other] {
            let (under_loaded, _) = score(&loaded, played);
            let (under_adapted, _) = score(&adapted, played);
            let (under_mixed, steps) = score(&mixed, played);
            // Every step a distribution; never worse than either model by more than ln 2.
            for log_probs in &steps {
                let total: f64 = log_probs.iter().map(|&p| f64::from(p).exp()).sum();
                assert!((total - 1.0).abs() < 1e-3, "{total}");
            }
            let best = under_loaded.max(under_adapted);
            assert!(
                under_mixed >= best - 2f64.ln() - 1e-3,
                "{under_mixed} {best}"
            );
        }
        assert!(score(&adapted, &learned).0 > score(&loaded, &learned).0 + 1.0);
    }

    #[test]
    fn mixed_beams_step_as_single_states_do_and_follow_their_parents() {
        let bar = [9, 0, 3, 0, 17, 0, 3, 0, 9, 0, 3, 0, 17, 0, 3, 1];
        let learned = events(&[bar, bar].concat());
        let (loaded, adapted) = loaded_and_adapted(&learned);
        let mixed = adapted.mixed_with(loaded);
        let (_, single) = score(&mixed, &learned);
        let mut state = mixed.initial_state(16);
        mixed.step(&mut state, learned[0], 1).unwrap();
        let mut beams = mixed.beams(&state, 3);
        // Beam 2 goes astray, then every beam takes beam 0's place: all follow the call again.
        let vocab = mixed.vocab_size();
        for t in 2..learned.len() {
            let astray = if t == 2 {
                EventId::new(40)
            } else {
                learned[t - 1]
            };
            let prev = [learned[t - 1], learned[t - 1], astray];
            let log_probs = mixed.step_beams(&mut beams, &prev, t).unwrap();
            if t > 2 {
                let beam0 = &log_probs[..vocab];
                assert!(
                    beam0
                        .iter()
                        .zip(&single[t - 1])
                        .all(|(a, b)| (a - b).abs() < 1e-4),
                    "step {t}"
                );
                assert_eq!(&log_probs[2 * vocab..], beam0, "step {t}");
            }
            if t == 2 {
                beams.reorder(&[0, 1, 0]).unwrap();
            }
        }
    }
}
