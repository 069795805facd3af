//! The LSTM as hand-fused loops over flat `f32` buffers: the live step (one performance, or
//! several beams through one pass over the weights) with no allocation. Same weights and the
//! same numbers as the candle model in [`crate::model::lstm`], which stays the reference the
//! tests compare against.

mod activation;
mod product;
mod softmax;
mod state;
mod step;
#[cfg(test)]
mod testing;
mod weights;

pub use state::{BeamStates, FusedState, StepError};
pub use weights::StepWeights;
