//! The `antiphon` tool's subcommands, one file each, and what they share.

pub mod data;
pub mod eval;
pub mod progress_bar;
pub mod respond;
pub mod train;

use std::path::PathBuf;

/// Default data folder: the shared Groove MIDI Dataset checkout beside the project.
const DEFAULT_DATA: &str = "../shared/data/groove";

/// The default `--data` value.
pub fn default_data() -> PathBuf {
    PathBuf::from(DEFAULT_DATA)
}
