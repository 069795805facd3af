//! Model families that live each in one folder: encoding, reading, writing and sampling rules.

pub mod chords;
