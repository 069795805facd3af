//! What can stop a dataset folder from loading at all (single bad files are skipped instead).

use std::path::PathBuf;

/// Why a dataset folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A folder could not be listed.
    #[error("cannot list the folder {}: {source}; check that it exists and is readable", path.display())]
    ReadDir {
        /// The folder.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
    /// The folder holds an `info.csv` that could not be read or lacks a needed column.
    #[error(
        "{}: {problem}; it should be the Groove MIDI Dataset's info.csv (with `midi_filename` \
         and `split` columns) — fix or remove it",
        path.display()
    )]
    InfoCsv {
        /// The `info.csv` file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
    },
    /// No `.mid` or `.midi` file anywhere under the folder.
    #[error("no .mid or .midi files under {}; point at a folder of drum MIDI files", path.display())]
    NoMidiFiles {
        /// The folder searched.
        path: PathBuf,
    },
}
