//! The learner: full fine-tuning of every weight on the calls heard, with a pull toward the
//! loaded weights (an L2 penalty on the distance travelled) so that a few calls move the model
//! toward the player without making it forget the rest of what it learned.

use std::time::{Duration, Instant};

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::learn::HeardCall;
use crate::model::fused::{ParamLayout, TrainPass};
use crate::model::{Model, ModelError};
use crate::rng::SplitMix64;
use crate::train::adamw::AdamW;
use crate::train::clip::clip_grad_norm;

/// How the learner steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LearnSettings {
    /// AdamW's step size.
    pub learning_rate: f64,
    /// Strength of the pull toward the loaded weights: the gradient gains `pull · (w − w₀)`.
    pub pull: f32,
    /// Calls per step at most: the most recent half, the rest drawn from the older ones.
    pub batch_calls: usize,
    /// Gradient norm clip, as training's.
    pub clip_norm: f64,
}

impl Default for LearnSettings {
    fn default() -> LearnSettings {
        LearnSettings {
            learning_rate: 3e-4,
            pull: 0.3,
            batch_calls: 16,
            clip_norm: 3.0,
        }
    }
}

/// A copy of a model's weights being fine-tuned on the calls heard.
#[derive(Debug)]
pub struct Learner {
    base: Model,
    layout: ParamLayout,
    pass: TrainPass,
    loaded: Vec<f32>,
    params: Vec<f32>,
    optimizer: AdamW,
    settings: LearnSettings,
    rng: SplitMix64,
    steps: u64,
}

impl Learner {
    /// A learner starting from `model`'s weights, on one thread, its draws from `seed`.
    pub fn new(model: &Model, settings: LearnSettings, seed: u64) -> Learner {
        let layout = ParamLayout::new(model.config());
        let params = model.params().to_vec();
        Learner {
            base: model.clone(),
            pass: TrainPass::with_shards(layout.clone(), crate::model::fused::SHARD_WINDOWS, 1),
            layout,
            optimizer: AdamW::new(params.len(), settings.learning_rate, 0.0),
            loaded: params.clone(),
            params,
            settings,
            rng: SplitMix64::new(seed),
            steps: 0,
        }
    }

    /// Optimiser steps taken since the learner started or forgot.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Back to the loaded weights, as if nothing had been heard.
    pub fn forget(&mut self) {
        self.params.copy_from_slice(&self.loaded);
        self.optimizer = AdamW::new(self.params.len(), self.settings.learning_rate, 0.0);
        self.steps = 0;
    }

    /// One optimiser step on `calls` (none: nothing changes); the mean loss per step of the
    /// calls it trained on.
    pub fn step(&mut self, calls: &[HeardCall]) -> Option<f64> {
        let chosen = self.choose(calls);
        if chosen.is_empty() {
            return None;
        }
        let windows: Vec<&[EventId]> = chosen.iter().map(|c| c.events.as_slice()).collect();
        let grooves: Option<Vec<&[GrooveValues]>> = chosen
            .iter()
            .map(|c| c.grooves.as_deref())
            .collect::<Option<Vec<_>>>()
            .filter(|_| self.layout.config().groove_units.is_some());
        let score = self.pass.loss_and_gradients(
            &self.params,
            &windows,
            grooves.as_deref(),
            Some(&mut self.rng),
        );
        let grads = self.pass.gradients();
        clip_grad_norm(grads, &self.layout, self.settings.clip_norm);
        for ((g, w), w0) in grads.iter_mut().zip(&self.params).zip(&self.loaded) {
            *g += self.settings.pull * (w - w0);
        }
        self.optimizer.step(&mut self.params, grads);
        self.steps += 1;
        Some(score.loss_per_step())
    }

    /// Steps on `calls` until `budget` has passed (at least one step) or `go_on` says to stop;
    /// how many it took.
    pub fn step_for(
        &mut self,
        calls: &[HeardCall],
        budget: Duration,
        go_on: impl Fn() -> bool,
    ) -> u64 {
        let start = Instant::now();
        let mut taken = 0;
        while self.step(calls).is_some() {
            taken += 1;
            if start.elapsed() >= budget || !go_on() {
                break;
            }
        }
        taken
    }

    /// The calls a step trains on: all of them when they fit a batch, else the most recent
    /// half of a batch and the rest drawn from the older ones.
    fn choose<'c>(&mut self, calls: &'c [HeardCall]) -> Vec<&'c HeardCall> {
        let usable = |call: &&HeardCall| call.events.len() >= 2;
        let batch = self.settings.batch_calls.max(1);
        if calls.len() <= batch {
            return calls.iter().filter(usable).collect();
        }
        let recent = batch / 2;
        let (older, newest) = calls.split_at(calls.len() - recent);
        let mut chosen: Vec<&HeardCall> = newest.iter().collect();
        for _ in recent..batch {
            chosen.push(&older[self.rng.next_u64() as usize % older.len()]);
        }
        chosen.into_iter().filter(usable).collect()
    }

    /// The model as adapted so far: the loaded model's config (its repeats and groove head
    /// too) with the learner's weights.
    pub fn model(&self) -> Result<Model, ModelError> {
        Model::from_params(self.base.config().clone(), &self.layout, &self.params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::loaded::tests::tiny_model_files;

    fn tiny() -> Model {
        let (config, weights) = tiny_model_files();
        Model::from_bytes(&config, &weights).unwrap()
    }

    /// ln p of `events` under `model`, its first step context, from a cold state.
    fn log_likelihood(model: &Model, events: &[EventId]) -> f32 {
        let mut state = model.initial_state(16);
        (1..events.len())
            .map(|t| model.step(&mut state, events[t - 1], t).unwrap()[events[t].index()])
            .sum()
    }

    fn call() -> HeardCall {
        let bar = [9, 0, 3, 0, 17, 0, 3, 0, 9, 0, 3, 0, 17, 0, 3, 1];
        HeardCall {
            events: bar.iter().chain(&bar).map(|&e| EventId::new(e)).collect(),
            grooves: None,
            steps_per_bar: 16,
        }
    }

    #[test]
    fn learning_a_call_makes_it_likelier_and_forgetting_undoes_it() {
        let model = tiny();
        let calls = [call()];
        let settings = LearnSettings {
            learning_rate: 1e-2,
            ..LearnSettings::default()
        };
        let mut learner = Learner::new(&model, settings, 7);
        let before = log_likelihood(&model, &calls[0].events);
        assert_eq!(learner.model().unwrap().config(), model.config());
        for _ in 0..30 {
            learner.step(&calls).unwrap();
        }
        assert_eq!(learner.steps(), 30);
        let after = log_likelihood(&learner.model().unwrap(), &calls[0].events);
        assert!(after > before + 1.0, "{before} → {after}");
        learner.forget();
        assert_eq!(learner.steps(), 0);
        let forgotten = log_likelihood(&learner.model().unwrap(), &calls[0].events);
        assert_eq!(forgotten, before);
        // With nothing heard there is nothing to learn.
        assert_eq!(learner.step(&[]), None);
    }

    #[test]
    fn the_same_calls_seed_and_steps_give_the_same_weights() {
        let model = tiny();
        let calls: Vec<HeardCall> = (0..20).map(|_| call()).collect();
        let run = || {
            let mut learner = Learner::new(&model, LearnSettings::default(), 3);
            for _ in 0..5 {
                learner.step(&calls);
            }
            learner.params.clone()
        };
        assert_eq!(run(), run());
    }
}
