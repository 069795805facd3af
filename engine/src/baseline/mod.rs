//! Baselines that give the LSTM's numbers meaning: a model must beat these to earn its weights.

pub mod groove;
pub mod ngram;
