//! Model families: each owns an encoding (what its event ids mean), and a model folder's
//! `config.json` says which family it belongs to.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::encoding::{drums, melody};

/// A model family, chosen by a model folder's `config.json` `encoding` (serialized as that
/// name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Family {
    /// Magenta's `drum_kit`: nine drum classes, 512 events.
    #[serde(rename = "drum_kit")]
    Drums,
    /// Magenta's melody encoding: note-ons for pitches 48–83, note-off, no event; 38 events.
    #[serde(rename = "melody")]
    Melody,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 2] = [Family::Drums, Family::Melody];

    /// The family whose `config.json` `encoding` is `name`.
    pub fn from_encoding(name: &str) -> Option<Family> {
        Family::ALL
            .into_iter()
            .find(|family| family.encoding() == name)
    }

    /// The `encoding` name written in `config.json`.
    pub const fn encoding(self) -> &'static str {
        match self {
            Family::Drums => "drum_kit",
            Family::Melody => "melody",
        }
    }

    /// Number of step events.
    pub const fn vocab_size(self) -> usize {
        match self {
            Family::Drums => drums::NUM_EVENTS,
            Family::Melody => melody::NUM_EVENTS,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Family::Drums => "drums",
            Family::Melody => "melody",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_name_their_family() {
        for family in Family::ALL {
            assert_eq!(Family::from_encoding(family.encoding()), Some(family));
        }
        assert_eq!(Family::from_encoding("drum_kit"), Some(Family::Drums));
        assert_eq!(Family::from_encoding("polyphony"), None);
        assert_eq!(Family::Drums.vocab_size(), 512);
        assert_eq!(Family::Melody.vocab_size(), 38);
    }
}
