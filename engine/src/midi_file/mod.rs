//! Drum performances to and from Standard MIDI Files.
//!
//! [`read_drums`] turns any SMF (format 0 or 1, metrical or SMPTE timing, drums on any channel)
//! into a [`DrumSequence`](crate::sequence::DrumSequence) quantized to 16th steps, keeping each
//! hit's velocity and micro-timing; [`write_drums`] writes one back as a playable format-0 file.

mod error;
pub(crate) mod format0;
mod kit_check;
mod read;
mod read_melody;
mod tick_clock;
pub(crate) mod timeline;
mod tracks;
mod write;
mod write_melody;

pub use error::MidiFileError;
pub use format0::{TICKS_PER_QUARTER, WrittenNote};
pub use kit_check::{GM_DRUM_CHANNEL, GM_KIT_PITCHES, KitCheck, is_kit_note};
pub use read::{DrumRead, MAX_STEPS, read_drums, read_drums_file};
pub use read_melody::{MelodyRead, read_melody, read_melody_file};
pub use tracks::{NoteTrack, write_tracks};
pub use write::{drum_notes, write_drums};
pub use write_melody::{melody_notes, write_melody};
