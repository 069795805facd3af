//! The chords family: a keyboard player's chords answered in Magenta's polyphony encoding
//! (`polyphony_rnn`), learnt from Bach's chorales.
//!
//! A step of 16th-note length is eight events: its sounding pitches, highest first, each struck
//! or held, then step ends to fill the eight ([`ChordEvent`]). [`read_chords`] quantizes a MIDI
//! file into a [`ChordSequence`]; [`ChordGrammar`] keeps a sampler to streams the encoding could
//! write; [`StepDecoder`] turns what it samples back into steps; [`write_chords`] plays them.

mod decode;
mod encoding;
mod grammar;
mod notes;
mod pitch;
mod pitch_set;
mod read;
mod register;
mod sequence;
mod step;
mod transpose;
mod write;

pub use decode::{StepDecoder, decode_step, decode_steps};
pub use encoding::{ChordEvent, EVENTS_PER_STEP, MAX_VOICES, NUM_EVENTS};
pub use grammar::ChordGrammar;
pub use notes::{ChordNote, notes_of};
pub use pitch::{ChordPitch, HIGHEST, LOWEST, NUM_PITCHES};
pub use pitch_set::{PitchSet, Pitches};
pub use read::{ChordRead, read_chords, read_chords_file};
pub use register::{CENTRE_PITCH, MAX_MEAN_DISTANCE, register_shift};
pub use sequence::ChordSequence;
pub use step::ChordStep;
pub use transpose::{keeps_in_range, transpose};
pub use write::{chord_notes, write_chords};
