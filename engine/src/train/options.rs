//! Training settings, with Magenta's `drum_kit` defaults where they fit a CPU budget.

use serde::{Deserialize, Serialize};

/// How to train. Recorded in the model card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainOptions {
    /// Stacked LSTM layers (ignored when continuing from an existing model).
    pub num_layers: usize,
    /// Units per layer (ignored when continuing from an existing model).
    pub hidden_size: usize,
    /// Probability of dropping an LSTM output during training.
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
    /// The learning rate is halved after an epoch that does not improve validation NLL.
    pub halve_lr_on_plateau: bool,
    /// Stop after the epoch during which this much wall time has passed, in seconds.
    pub max_train_secs: Option<f64>,
    /// Seed for initial weights, shuffling and dropout.
    pub seed: u64,
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
            max_train_secs: None,
            seed: 1,
        }
    }
}
