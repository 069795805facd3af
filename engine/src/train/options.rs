//! Training settings, with Magenta's `drum_kit` defaults where they fit a CPU budget.

use std::num::NonZeroUsize;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::model::config::ModelConfig;

/// Window lengths training and evaluation accept, in steps: a window's first step is context
/// only, so one step scores nothing; 1024 steps is 64 bars of 4/4.
pub const STEPS_PER_SEQ: RangeInclusive<usize> = 2..=1024;
/// Stacked LSTM layers a new model may have.
pub const NUM_LAYERS: RangeInclusive<usize> = 1..=16;
/// Units per LSTM layer a new model may have (4096 already needs over 300 MB per layer).
pub const HIDDEN_SIZE: RangeInclusive<usize> = 1..=4096;

/// How to train. Recorded in the model card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Stacked LSTM layers (ignored when continuing from an existing model).
    pub num_layers: usize,
    /// Units per layer (ignored when continuing from an existing model).
    pub hidden_size: usize,
    /// Probability of dropping an LSTM output during training, also when continuing a model
    /// (pass its own `config().dropout` to keep it).
    pub dropout: f32,
    /// Length of a training window, in steps; windows start on bar lines.
    pub steps_per_seq: usize,
    /// Windows per optimiser step.
    pub batch_size: usize,
    /// Passes over the training windows.
    pub epochs: usize,
    /// AdamW learning rate.
    pub learning_rate: f64,
    /// AdamW decoupled weight decay.
    pub weight_decay: f64,
    /// Global gradient-norm limit.
    pub clip_norm: f64,
    /// The learning rate is halved after `plateau_epochs` epochs in a row that do not improve
    /// validation NLL.
    pub halve_lr_on_plateau: bool,
    /// Epochs in a row without validation gain that halve the rate (at least one). Cards from
    /// before it was an option read as 1, which is what those runs did.
    #[serde(default = "one_epoch")]
    pub plateau_epochs: usize,
    /// Stop after the epoch during which this much wall time has passed, in seconds.
    pub max_train_secs: Option<f64>,
    /// Seed for initial weights, shuffling and dropout.
    pub seed: u64,
    /// Drums: give the model a groove head of this many hidden units (a continued model that
    /// has one keeps its own). Cards from before it was an option have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groove_units: Option<usize>,
    /// Training windows start on every this many bars, overlapping when that is shorter than a
    /// window; none: each where the last ended. Cards from before it was an option have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hop_bars: Option<NonZeroUsize>,
}

impl Default for TrainOptions {
    fn default() -> TrainOptions {
        TrainOptions {
            num_layers: 2,
            hidden_size: 256,
            dropout: 0.3,
            steps_per_seq: 64,
            batch_size: 64,
            epochs: 20,
            learning_rate: 1e-3,
            weight_decay: 1e-4,
            clip_norm: 3.0,
            halve_lr_on_plateau: true,
            plateau_epochs: 1,
            max_train_secs: None,
            seed: 1,
            groove_units: None,
            hop_bars: None,
        }
    }
}

fn one_epoch() -> usize {
    1
}

impl TrainOptions {
    /// What makes these settings unusable, if anything: a count out of range, or a rate that is
    /// not a finite number in its range (a NaN learning rate trains a NaN model).
    pub fn problem(&self) -> Option<String> {
        let outside = |name: &str, value: usize, range: &RangeInclusive<usize>| {
            (!range.contains(&value)).then(|| {
                format!(
                    "{name} is {value}, outside {}..={}",
                    range.start(),
                    range.end()
                )
            })
        };
        outside("num_layers", self.num_layers, &NUM_LAYERS)
            .or_else(|| outside("hidden_size", self.hidden_size, &HIDDEN_SIZE))
            .or_else(|| outside("steps_per_seq", self.steps_per_seq, &STEPS_PER_SEQ))
            .or_else(|| outside("batch_size", self.batch_size, &(1..=usize::MAX)))
            .or_else(|| outside("plateau_epochs", self.plateau_epochs, &(1..=usize::MAX)))
            .or_else(|| outside("epochs", self.epochs, &(1..=usize::MAX)))
            .or_else(|| {
                let positive = |x: f64| x.is_finite() && x > 0.0;
                let rates = [
                    (
                        "learning_rate",
                        self.learning_rate,
                        positive(self.learning_rate),
                    ),
                    (
                        "weight_decay",
                        self.weight_decay,
                        self.weight_decay.is_finite() && self.weight_decay >= 0.0,
                    ),
                    (
                        "dropout",
                        f64::from(self.dropout),
                        (0.0..1.0).contains(&self.dropout),
                    ),
                    ("clip_norm", self.clip_norm, positive(self.clip_norm)),
                    (
                        "max_train_secs",
                        self.max_train_secs.unwrap_or(1.0),
                        self.max_train_secs.is_none_or(positive),
                    ),
                ];
                rates
                    .into_iter()
                    .find(|&(_, _, ok)| !ok)
                    .map(|(name, value, _)| format!("{name} {value} is out of range"))
            })
    }

    /// Why these options cannot continue a model of `config`: a continued model keeps its own
    /// groove head, so asking for a head of another size is refused rather than ignored.
    pub fn groove_conflict(&self, config: &ModelConfig) -> Option<String> {
        match (self.groove_units, config.groove_units) {
            (Some(asked), Some(own)) if asked != own => Some(format!(
                "a groove head of {asked} units was asked for, but the model to continue has one \
                 of {own} units, which it keeps"
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_continued_groove_head_keeps_its_size() {
        let grooved = ModelConfig::new(crate::families::Family::DRUMS, 1, 8, 0.0).with_groove(64);
        let asking = |units| TrainOptions {
            groove_units: units,
            ..TrainOptions::default()
        };
        assert_eq!(asking(None).groove_conflict(&grooved), None);
        assert_eq!(asking(Some(64)).groove_conflict(&grooved), None);
        let conflict = asking(Some(32)).groove_conflict(&grooved).unwrap();
        assert!(
            conflict.contains("32 units") && conflict.contains("64 units"),
            "{conflict}"
        );
        // A plain model gets the head it is given.
        let plain = ModelConfig::new(crate::families::Family::DRUMS, 1, 8, 0.0);
        assert_eq!(asking(Some(32)).groove_conflict(&plain), None);
    }

    #[test]
    fn defaults_are_usable_and_each_bad_setting_is_named() {
        assert_eq!(TrainOptions::default().problem(), None);
        let bad = [
            (
                TrainOptions {
                    epochs: 0,
                    ..TrainOptions::default()
                },
                "epochs is 0",
            ),
            (
                TrainOptions {
                    steps_per_seq: 1,
                    ..TrainOptions::default()
                },
                "steps_per_seq is 1, outside 2..=1024",
            ),
            (
                TrainOptions {
                    batch_size: 0,
                    ..TrainOptions::default()
                },
                "batch_size is 0",
            ),
            (
                TrainOptions {
                    hidden_size: 0,
                    ..TrainOptions::default()
                },
                "hidden_size is 0",
            ),
            (
                TrainOptions {
                    learning_rate: f64::NAN,
                    ..TrainOptions::default()
                },
                "learning_rate NaN",
            ),
            (
                TrainOptions {
                    learning_rate: 0.0,
                    ..TrainOptions::default()
                },
                "learning_rate 0",
            ),
            (
                TrainOptions {
                    weight_decay: f64::INFINITY,
                    ..TrainOptions::default()
                },
                "weight_decay inf",
            ),
            (
                TrainOptions {
                    dropout: 1.0,
                    ..TrainOptions::default()
                },
                "dropout 1",
            ),
            (
                TrainOptions {
                    max_train_secs: Some(0.0),
                    ..TrainOptions::default()
                },
                "max_train_secs 0",
            ),
        ];
        for (options, expected) in bad {
            let problem = options.problem().unwrap_or_default();
            assert!(problem.starts_with(expected), "{expected}: got {problem:?}");
        }
    }
}
