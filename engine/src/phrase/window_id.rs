//! The name of a response window, shared by the answers that fill it and the repeats that copy
//! it.

/// Identifies one response window, so late results for a superseded window are ignored.
pub type WindowId = u32;
