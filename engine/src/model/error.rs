//! What can go wrong loading or running a drum model.

use std::path::PathBuf;

/// A model could not be loaded, saved or run. Load errors name the file (or the embedded blob)
/// and say what to do.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A model file could not be read or written.
    #[error(
        "{path}: {source}; check that the model folder holds config.json and model.safetensors"
    )]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// `config.json` is not a model config.
    #[error("{path}: not a valid model config ({source}); restore the file or retrain the model")]
    Config {
        /// The file.
        path: PathBuf,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// `config.json` describes a model this build cannot run.
    #[error(
        "{path}: unsupported model ({reason}); use a model trained by this version of antiphon"
    )]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What is unsupported.
        reason: String,
    },
    /// The weights file is not readable safetensors (truncated, or not a weights file at all).
    #[error(
        "{path}: not a readable safetensors file ({detail}); restore it from the model's \
         source, or retrain"
    )]
    CorruptWeights {
        /// The file.
        path: PathBuf,
        /// What the safetensors reader found.
        detail: String,
    },
    /// A tensor is missing or has the wrong shape for the config.
    #[error(
        "{path}: {detail}; the weights do not match config.json — restore both files from the \
         same training run, or retrain"
    )]
    Weights {
        /// The file.
        path: PathBuf,
        /// What is wrong (from candle: the tensor name and shapes).
        detail: String,
    },
    /// A step was given an event or a state that does not fit the model.
    #[error("cannot step the model: {0}")]
    Step(#[from] crate::model::fused::StepError),
    /// A tensor operation failed while running the model.
    #[error("model computation failed: {0}")]
    Compute(#[from] candle_core::Error),
}
