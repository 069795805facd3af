//! `--split`: which files of a data folder a command reads.

use antiphon_engine::dataset::Split;
use clap::ValueEnum;

/// Which files of a folder a command reads.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
pub enum SplitArg {
    /// The training split.
    Train,
    /// The validation split.
    Validation,
    /// The test split (files marked `test` in the folder's info.csv).
    Test,
    /// Every file in the folder.
    All,
}

impl SplitArg {
    /// The dataset split, or `None` for every file.
    pub fn split(self) -> Option<Split> {
        match self {
            SplitArg::Train => Some(Split::Train),
            SplitArg::Validation => Some(Split::Validation),
            SplitArg::Test => Some(Split::Test),
            SplitArg::All => None,
        }
    }

    /// The files it selects, in words.
    pub fn describe(self) -> &'static str {
        match self {
            SplitArg::Train => "the train split",
            SplitArg::Validation => "the validation split",
            SplitArg::Test => "the test split",
            SplitArg::All => "the whole folder",
        }
    }
}
