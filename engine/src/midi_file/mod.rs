//! Standard MIDI Files, whatever family reads or writes them: their tempo, meter and notes as a
//! timeline (format 0 or 1, metrical or SMPTE timing), the General MIDI drum kit, and format-0
//! files written back. Each family's folder reads and writes its own sequence through these.

mod error;
pub(crate) mod format0;
mod kit_check;
mod tick_clock;
pub(crate) mod timeline;
mod tracks;

pub use error::MidiFileError;
pub use format0::{TICKS_PER_QUARTER, WrittenNote};
pub use kit_check::{GM_DRUM_CHANNEL, GM_KIT_PITCHES, KitCheck, is_kit_note};
pub use tracks::{NoteTrack, write_tracks};

/// The longest sequence read, in steps (about 65,000 bars of 4/4). A damaged file whose ticks
/// run on for hours would otherwise ask for gigabytes of steps.
pub const MAX_STEPS: usize = 1 << 20;
