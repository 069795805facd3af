//! The family of each model slot, as far as it is known, published to the audio thread: when the
//! Model parameter moves (or the plugin starts), it hears the call in the new model's family
//! from its first note, while the model thread is still loading the model. What is heard does
//! not wait on how fast a model loads.

use std::sync::atomic::{AtomicU8, Ordering};

use crate::families::Family;

/// Slots whose family is kept: more than the shelf ever has.
const SLOTS: usize = 32;
/// A slot whose family nobody knows yet.
const UNKNOWN: u8 = 0;

/// One atomic per slot; written by the main and model threads, read by the audio thread.
#[derive(Debug)]
pub struct SlotFamilies {
    slots: [AtomicU8; SLOTS],
}

impl Default for SlotFamilies {
    fn default() -> Self {
        SlotFamilies {
            slots: std::array::from_fn(|_| AtomicU8::new(UNKNOWN)),
        }
    }
}

impl SlotFamilies {
    /// The family the model in `slot` plays, if known.
    pub fn get(&self, slot: u32) -> Option<Family> {
        let code = self.slots.get(slot as usize)?.load(Ordering::Acquire);
        Family::all()
            .get(usize::from(code).checked_sub(1)?)
            .copied()
    }

    /// Records what `slot` plays (`None`: not known).
    pub fn set(&self, slot: u32, family: Option<Family>) {
        let code = family.map_or(UNKNOWN, |family| family.index() as u8 + 1);
        if let Some(entry) = self.slots.get(slot as usize) {
            entry.store(code, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_slot_keeps_its_family_until_told_otherwise() {
        let families = SlotFamilies::default();
        assert_eq!(families.get(3), None);
        families.set(3, Some(Family::MELODY));
        families.set(0, Some(Family::DRUMS));
        assert_eq!(families.get(3), Some(Family::MELODY));
        assert_eq!(families.get(0), Some(Family::DRUMS));
        families.set(3, None);
        assert_eq!(families.get(3), None);
        // Beyond the slots kept: never known, never a panic.
        families.set(1_000, Some(Family::DRUMS));
        assert_eq!(families.get(1_000), None);
    }
}
