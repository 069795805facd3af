//! The drum LSTM: config, weights, window scoring, live stepping and sampling.

pub mod batch;
pub mod config;
pub mod dropout;
pub mod drum_model;
pub mod error;
pub mod generate;
pub mod lstm;
pub mod net;
pub mod sample;
pub mod score;

pub use config::ModelConfig;
pub use drum_model::DrumModel;
pub use error::ModelError;
pub use generate::{Generated, generate};
pub use lstm::LstmState;
pub use sample::Sampler;
