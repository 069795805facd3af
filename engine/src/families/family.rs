//! A handle to one registered family: small, `Copy` and comparable, so a model's config, a slot
//! of the shelf and the editor can name a family, and every question about its events goes
//! through the [`ModelFamily`] it points to.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::families::ModelFamily;
use crate::families::registry::FAMILIES;

/// One of the families in the registry. Serialized as its `config.json` `encoding` name.
#[derive(Clone, Copy)]
pub struct Family(&'static dyn ModelFamily);

impl Family {
    /// The family implemented by `family` (each family's folder names its own constant).
    pub const fn new(family: &'static dyn ModelFamily) -> Family {
        Family(family)
    }

    /// Every registered family.
    pub fn all() -> &'static [Family] {
        FAMILIES
    }

    /// The family whose `config.json` `encoding` is `name`.
    pub fn from_encoding(name: &str) -> Option<Family> {
        FAMILIES
            .iter()
            .copied()
            .find(|family| family.encoding() == name)
    }

    /// Its place in [`Family::all`]: what a lock-free slot stores.
    pub fn index(self) -> usize {
        FAMILIES
            .iter()
            .position(|&family| family == self)
            .expect("every family handle comes from the registry")
    }
}

impl Deref for Family {
    type Target = dyn ModelFamily;

    fn deref(&self) -> &Self::Target {
        self.0
    }
}

// Families are told apart by their encoding name: two handles to one family are equal.
impl PartialEq for Family {
    fn eq(&self, other: &Family) -> bool {
        self.0.encoding() == other.0.encoding()
    }
}

impl Eq for Family {}

impl Hash for Family {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.encoding().hash(state);
    }
}

impl fmt::Debug for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Family({})", self.0.encoding())
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name())
    }
}

impl Serialize for Family {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.encoding())
    }
}

impl<'de> Deserialize<'de> for Family {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Family, D::Error> {
        let name = String::deserialize(deserializer)?;
        Family::from_encoding(&name).ok_or_else(|| {
            let known: Vec<&str> = FAMILIES.iter().map(|f| f.encoding()).collect();
            serde::de::Error::custom(format!(
                "unknown encoding \"{name}\" (this build plays {})",
                known.join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_name_their_family() {
        for &family in Family::all() {
            assert_eq!(Family::from_encoding(family.encoding()), Some(family));
            assert_eq!(Family::all()[family.index()], family);
            let json = serde_json::to_string(&family).unwrap();
            assert_eq!(serde_json::from_str::<Family>(&json).unwrap(), family);
        }
        assert_eq!(
            Family::all(),
            [Family::DRUMS, Family::MELODY, Family::CHORDS]
        );
        assert_eq!(Family::from_encoding("drum_kit"), Some(Family::DRUMS));
        assert_eq!(Family::from_encoding("polyphony"), Some(Family::CHORDS));
        assert_eq!(Family::from_encoding("polyphony_rnn"), None);
        assert!(serde_json::from_str::<Family>("\"polyphony_rnn\"").is_err());
        assert_eq!(Family::DRUMS.vocab_size(), 512);
        assert_eq!(Family::MELODY.vocab_size(), 38);
        assert_eq!(Family::CHORDS.vocab_size(), 129);
        assert_eq!(Family::CHORDS.events_per_step(), 8);
        assert_eq!(Family::CHORDS.to_string(), "chords");
    }
}
