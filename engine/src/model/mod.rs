//! The LSTM every model family shares: config, weights, window scoring, live stepping and
//! sampling. It reads and writes event ids; what they mean is the family's.

pub mod batch;
pub mod beam;
pub mod config;
pub mod dropout;
pub mod error;
pub mod fused;
pub mod generate;
pub mod loaded;
pub mod lstm;
mod mixed;
pub mod net;
pub mod next_allowed;
pub mod repeat_samples;
pub mod repeats;
pub mod response;
pub mod sample;
pub mod score;

pub use config::ModelConfig;
pub use error::ModelError;
pub use fused::{BeamStates, FusedState, StepError, StepWeights};
pub use generate::generate;
pub use loaded::Model;
pub use response::{Beams, Generated, Sampling};
pub use sample::Sampler;
