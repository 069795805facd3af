//! Training a family's LSTM: batching, optimisation, checkpoints and the model card.

pub mod adamw;
#[cfg(feature = "cli")]
pub mod allocator;
pub mod card;
pub mod clip;
pub mod continued;
pub mod error;
pub mod init;
pub mod options;
pub mod plateau;
pub mod progress;
pub mod trainer;
pub mod windows;

pub use card::ModelCard;
pub use continued::{InitModel, Start};
pub use error::TrainError;
pub use options::TrainOptions;
pub use progress::{EpochRecord, TrainEvent};
pub use trainer::{TrainSummary, train};
pub use windows::TrainWindows;
