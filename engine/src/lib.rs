//! Antiphon's engine: everything that can be tested without a plugin host.
//!
//! Nothing here imports a plugin framework. The plugin crate maps host events and transport onto
//! these types and back.

pub use midly;

pub mod answer;
pub mod baseline;
pub mod dataset;
pub mod encoding;
pub mod families;
pub mod hit;
pub mod jam;
pub mod learn;
pub mod live;
pub mod midi_file;
pub mod model;
pub mod performance;
pub mod phrase;
pub mod rng;
pub mod shipped;
pub mod train;
pub mod transport;
pub mod window_cuts;
