//! What can go wrong reading a MIDI file as a drum performance, a melody or chords.

use std::path::PathBuf;

/// Why a MIDI file could not be read as a drum performance, a melody or chords. Each message
/// says what to do.
#[derive(Debug, thiserror::Error)]
pub enum MidiFileError {
    /// The file has no bytes at all.
    #[error("the file is empty (0 bytes); export the clip again as a MIDI file")]
    Empty,
    /// The bytes are not a Standard MIDI File, or the file is damaged.
    #[error("not a readable Standard MIDI File ({0}); export the clip again as a .mid file")]
    NotMidi(#[source] midly::Error),
    /// A format-2 file holds independent patterns, not one performance.
    #[error(
        "the file is MIDI format 2 (independent patterns), which has no single timeline; \
         export it as format 0 or 1"
    )]
    SequentialFormat,
    /// The header's time division is zero, so ticks have no length.
    #[error(
        "the header gives zero ticks per beat (or per frame); the file is damaged, export it again"
    )]
    ZeroTimeDivision,
    /// A tempo event of zero microseconds per quarter note.
    #[error(
        "a tempo event at tick {tick} sets zero microseconds per quarter note; fix the tempo in your DAW and export again"
    )]
    ZeroTempo {
        /// Where the tempo event lies, in the file's ticks.
        tick: u64,
    },
    /// The first time signature has no whole number of 16th steps per bar.
    #[error(
        "time signature {numerator}/{denominator} does not divide into 16th-note steps; \
         only bars of whole 16ths (4/4, 3/4, 6/8, 5/4, 7/8, ...) are supported"
    )]
    UnsupportedTimeSignature {
        /// Beats per bar, as written in the file.
        numerator: u8,
        /// The beat's note value (4 is a quarter), as written in the file.
        denominator: u64,
    },
    /// Not one note-on falls on a General MIDI drum pitch.
    #[error(
        "no drum hits: none of its {ignored_notes} notes is a General MIDI drum pitch \
         (kick 36, snare 38, hats 42/46, ...); map the clip to a GM drum kit and export again"
    )]
    NoDrumHits {
        /// Notes on pitches outside the kit.
        ignored_notes: usize,
    },
    /// No note-on off the General MIDI drum channel, so no melody to read.
    #[error(
        "no melody: the file has no notes{}; export the clip with its melody on a channel \
         other than 10",
        if *drum_channel_notes > 0 {
            format!(" except {drum_channel_notes} on the drum channel (10)")
        } else {
            String::new()
        }
    )]
    NoMelody {
        /// Notes on the drum channel, left out of a melody.
        drum_channel_notes: usize,
    },
    /// No note-on off the General MIDI drum channel, so no chords to read.
    #[error(
        "no chords: the file has no notes{}; export the clip with its chords on a channel \
         other than 10",
        if *drum_channel_notes > 0 {
            format!(" except {drum_channel_notes} on the drum channel (10)")
        } else {
            String::new()
        }
    )]
    NoChords {
        /// Notes on the drum channel, left out of the chords.
        drum_channel_notes: usize,
    },
    /// The last note lies too far in to hold in memory as steps.
    #[error(
        "the last note lies {steps} sixteenth steps in, more than the {max_steps} supported; \
         split the file into shorter clips"
    )]
    TooLong {
        /// Step of the last note (its end, for a melody).
        steps: u64,
        /// The longest supported sequence, in steps.
        max_steps: usize,
    },
    /// The file could not be read from disk.
    #[error("cannot read the file ({0}); check that it exists and is readable")]
    Unreadable(#[source] std::io::Error),
    /// Any of the above, for a named file.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file that failed.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: Box<MidiFileError>,
    },
}
