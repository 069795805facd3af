//! The `antiphon` tool's subcommands, one file each, and what they share.

pub mod adapt_eval;
pub mod answers;
pub mod call_file;
pub mod data;
pub mod error_line;
pub mod eval;
pub mod family_arg;
pub mod jam;
pub mod learn_from;
pub mod model_choice;
pub mod numbers;
pub mod progress_bar;
pub mod repeats;
pub mod respond;
pub mod split_arg;
pub mod train;
