//! Which files train the model and which choose between models.

/// The part of a dataset a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Split {
    /// Used to fit the model.
    Train,
    /// Held out to choose between models (epochs, sizes).
    Validation,
    /// Held out for the final score of a chosen model (GMD's `test` split); only an `info.csv`
    /// puts files here.
    Test,
    /// None of these: listed under a split name GMD does not use, or missing from an `info.csv`
    /// that the folder has. Only [`Dataset::all`](super::Dataset::all) includes these files.
    Unassigned,
}

/// Where the files' splits came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitSource {
    /// The folder's Groove MIDI Dataset `info.csv`.
    InfoCsv,
    /// No `info.csv`: about one file in [`HASH_VALIDATION_ONE_IN`] goes to validation, chosen by
    /// a stable hash of its path relative to the folder.
    PathHash,
}

/// Without an `info.csv`, one file in this many is held out for validation.
pub const HASH_VALIDATION_ONE_IN: u64 = 10;

/// The split of the file at `relative_path` (with `/` separators) in a folder without an
/// `info.csv`. Stable across runs, platforms and Rust versions (FNV-1a, not std's seeded hasher),
/// so a model trained twice on one folder is validated on the same files.
pub fn split_by_path_hash(relative_path: &str) -> Split {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = relative_path.bytes().fold(FNV_OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
    });
    if hash % HASH_VALIDATION_ONE_IN == 0 {
        Split::Validation
    } else {
        Split::Train
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_hash_split_is_stable_and_about_one_in_ten() {
        // Fixed answers (FNV-1a computed elsewhere) guard against a changed hash.
        assert_eq!(split_by_path_hash("beat10.mid"), Split::Validation);
        assert_eq!(split_by_path_hash("beat11.mid"), Split::Train);
        assert_eq!(split_by_path_hash("beat12.mid"), Split::Validation);
        let names: Vec<String> = (0..2000)
            .map(|i| format!("session{}/{i}_beat.mid", i % 7))
            .collect();
        let validation = names
            .iter()
            .filter(|n| split_by_path_hash(n) == Split::Validation)
            .count();
        assert!((150..250).contains(&validation), "{validation} of 2000");
        for name in &names {
            assert_eq!(split_by_path_hash(name), split_by_path_hash(name));
        }
    }
}
