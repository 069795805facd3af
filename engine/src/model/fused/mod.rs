//! The LSTM as hand-fused loops over flat `f32` buffers: the live step (one performance, or
//! several beams through one pass over the weights) with no allocation, and the training passes
//! (forward and backward through time over whole batches of windows, cross-entropy included,
//! the batch split across threads). Same weights and the same numbers as the candle model in
//! [`crate::model::lstm`], which stays the reference the tests compare against.

mod activation;
mod activations;
pub mod agreement;
mod backward;
mod forward;
mod gemm;
mod groove_head;
mod groove_step;
mod params;
mod product;
mod softmax;
mod state;
mod step;
#[cfg(test)]
pub(crate) mod testing;
mod train_pass;
mod vector;
mod weights;
pub(crate) mod windows;

pub(crate) use groove_step::GrooveWeights;
pub use params::{GROOVE_NAMES, ParamEntry, ParamLayout};
pub(crate) use state::StateRows;
pub use state::{BeamStates, FusedState, StepError};
pub use train_pass::{SHARD_WINDOWS, TrainPass};
pub use vector::live_step_path;
pub use weights::StepWeights;
pub use windows::WindowArrays;
