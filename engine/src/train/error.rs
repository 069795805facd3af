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
