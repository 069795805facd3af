//! The families this build plays: adding a family is its folder plus one line here.

use crate::families::Family;

/// Every family, in the order they are offered.
pub const FAMILIES: &[Family] = &[Family::DRUMS, Family::MELODY, Family::CHORDS];
