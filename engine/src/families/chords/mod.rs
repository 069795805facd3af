//! The chords family: a keyboard player's chords answered in Magenta's polyphony encoding
//! (`polyphony_rnn`), learnt from Bach's chorales.
//!
//! A step of 16th-note length is its sounding pitches, highest first, each struck or held,
//! then a step end ([`ChordEvent`]). [`read_chords`] quantizes a MIDI file into a
//! [`ChordSequence`]; [`ChordGrammar`] keeps a sampler to streams the encoding could write;
//! [`StepDecoder`] turns what it samples back into steps; [`write_chords`] plays them.

mod decode;
mod encoding;
mod event_steps;
mod grammar;
mod pitch;
mod pitch_set;
mod read;
mod register;
mod sequence;
mod step;
mod transpose;
mod write;

pub use decode::{StepDecoder, decode_steps};
pub use encoding::{ChordEvent, NUM_EVENTS};
pub use event_steps::{bar_starts, step_of_each_event};
pub use grammar::{ChordGrammar, MAX_VOICES};
pub use pitch::{ChordPitch, HIGHEST, LOWEST, NUM_PITCHES};
pub use pitch_set::{PitchSet, Pitches};
pub use read::{ChordRead, read_chords, read_chords_file};
pub use register::{CENTRE_PITCH, MAX_MEAN_DISTANCE, register_shift};
pub use sequence::ChordSequence;
pub use step::{ChordStep, StepEvents};
pub use transpose::{keeps_in_range, transpose};
pub use write::{chord_notes, write_chords};
