//! What can stop a training run.

use std::path::PathBuf;

use crate::model::ModelError;

/// Training could not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    /// There is nothing to learn from.
    #[error(
        "no training windows: every file was skipped or shorter than two steps; point --data at \
         a folder of drum MIDI files"
    )]
    NoTrainingData,
    /// A setting is out of range (see [`TrainOptions::problem`](super::TrainOptions::problem)).
    #[error("unusable training settings: {0}")]
    Options(String),
    /// The loss or a weight stopped being a finite number.
    #[error(
        "training diverged at epoch {epoch}, batch {batch}: {what} is not a finite number, most \
         likely because the learning rate {learning_rate:e} is too high; {kept}. Lower the learning \
         rate and train again"
    )]
    Diverged {
        /// Epoch, from 1.
        epoch: usize,
        /// Batch since the start of training, from 1.
        batch: usize,
        /// What went non-finite: the loss or a weight.
        what: &'static str,
        /// The learning rate at the time.
        learning_rate: f64,
        /// What the output folder holds now.
        kept: String,
    },
    /// The model to continue from could not be loaded, or its config is unusable.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The output folder could not be written.
    #[error("{path}: {source}; check that the output folder is writable")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// A tensor operation failed.
    #[error("training computation failed: {0}")]
    Compute(#[from] candle_core::Error),
}
