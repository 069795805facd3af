//! A performance of one model family, read from a MIDI file: the sequence that family's model
//! reads and writes (a drummer's hits, a melody's line), behind one interface, and what reading
//! it left out.

use std::any::Any;
use std::fmt;
use std::path::Path;

use midly::num::u4;

use crate::encoding::EventId;
use crate::encoding::groove::{GrooveAmount, GrooveValues};
use crate::families::Family;
use crate::midi_file::{KitCheck, MidiFileError, WrittenNote};
use crate::window_cuts::{WindowStarts, windows};

/// A family's sequence, quantized to 16th steps, step 0 on a bar line: what every family's
/// performance can say and do. Each family's folder implements it for its sequence type.
pub trait Played: fmt::Debug + Send + Sync + 'static {
    /// The family whose model reads it.
    fn family(&self) -> Family;

    /// The model's view: its event ids, [`events_per_step`](crate::families::ModelFamily::events_per_step)
    /// per 16th step.
    fn ids(&self) -> Vec<EventId>;

    /// Its length in 16th steps.
    fn len_steps(&self) -> usize;

    /// 16th steps in one bar.
    fn steps_per_bar(&self) -> u32;

    /// Its tempo, in quarter notes per minute.
    fn tempo_bpm(&self) -> f64;

    /// `events` (of its family) played as an answer to it: in its tempo and meter, at its mean
    /// velocity, pitches in its register; with a feel as a groove model's `grooves` say, as
    /// much as their amount says.
    fn answer(
        &self,
        events: &[EventId],
        grooves: Option<(&[GrooveValues], GrooveAmount)>,
    ) -> Performance;

    /// Its first `steps` steps.
    fn truncated(&self, steps: usize) -> Performance;

    /// Its notes as a MIDI file plays them, step 0 at tick 0.
    fn notes(&self) -> Vec<WrittenNote>;

    /// Its notes as a Standard MIDI File on `channel`.
    fn midi(&self, channel: u4) -> Vec<u8>;

    /// Semitones from the model's pitches to where it sounds (0 without pitches).
    fn transpose_semitones(&self) -> i8;

    /// How each step was played, when its family plays with a feel.
    fn grooves(&self) -> Option<Vec<GrooveValues>>;

    /// What names its tune when one tune comes in several files (a chorale melody harmonized
    /// in several cantatas): such files go to one side of a split together. `None`: each file
    /// is its own.
    fn tune(&self) -> Option<String> {
        None
    }

    /// A copy, boxed.
    fn boxed(&self) -> Box<dyn Played>;

    /// The family's own sequence type, for what only that family does with it.
    fn as_any(&self) -> &dyn Any;
}

/// A performance of some family.
#[derive(Debug)]
pub struct Performance(Box<dyn Played>);

impl Clone for Performance {
    fn clone(&self) -> Performance {
        Performance(self.0.boxed())
    }
}

/// What reading a file as a family's performance left out or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Drums: the notes that are not drum-kit notes (heard as another drum, or left out).
    pub kit: KitCheck,
    /// Pitched families: notes read.
    pub notes: usize,
    /// Pitched families: notes left out, and why.
    pub dropped_notes: usize,
    /// Why the family leaves notes out ("under a higher note on the same 16th (a melody is its
    /// top line)").
    pub dropped_why: &'static str,
    /// Pitched families: notes folded into the encoding's range by octaves.
    pub folded_notes: usize,
    /// The encoding's range ("48–83").
    pub range: &'static str,
}

impl ReadReport {
    /// Adds another file's counts.
    pub fn add(&mut self, other: &ReadReport) {
        self.kit.add(&other.kit);
        self.notes += other.notes;
        self.dropped_notes += other.dropped_notes;
        self.folded_notes += other.folded_notes;
        if self.dropped_why.is_empty() {
            self.dropped_why = other.dropped_why;
        }
        if self.range.is_empty() {
            self.range = other.range;
        }
    }
}

impl fmt::Display for ReadReport {
    /// One line per thing worth saying; nothing when nothing was left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(summary) = self.kit.summary() {
            writeln!(f, "{summary}")?;
        }
        if self.dropped_notes + self.folded_notes > 0 {
            writeln!(
                f,
                "{} of {} notes left out {}; {} folded into pitches {} by octaves",
                self.dropped_notes, self.notes, self.dropped_why, self.folded_notes, self.range
            )?;
        }
        Ok(())
    }
}

impl Performance {
    /// A performance of `played`, a family's sequence.
    pub fn new(played: impl Played) -> Performance {
        Performance(Box::new(played))
    }

    /// A performance of `family` with no steps yet, in bars of `steps_per_bar` at `tempo_bpm`:
    /// what answers take their tempo and meter from when there is no call.
    pub fn empty(family: Family, steps_per_bar: u32, tempo_bpm: f64) -> Performance {
        family.empty(steps_per_bar, tempo_bpm)
    }

    /// Reads a Standard MIDI File as a performance of `family`.
    pub fn read(family: Family, bytes: &[u8]) -> Result<(Performance, ReadReport), MidiFileError> {
        family.read(bytes)
    }

    /// Reads the Standard MIDI File at `path` as a performance of `family`; errors name the file.
    pub fn read_file(
        family: Family,
        path: &Path,
    ) -> Result<(Performance, ReadReport), MidiFileError> {
        let in_file = |source| MidiFileError::InFile {
            path: path.to_path_buf(),
            source: Box::new(source),
        };
        let bytes = std::fs::read(path).map_err(|e| in_file(MidiFileError::Unreadable(e)))?;
        Performance::read(family, &bytes).map_err(in_file)
    }

    /// The family's own sequence, when it is a `T`.
    pub fn sequence<T: Played>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }

    /// Bar-aligned windows of at most `steps` 16th steps, as the model reads them (the
    /// family's events per step; see [`windows`]).
    pub fn windows(&self, steps: usize, starts: WindowStarts) -> Vec<Vec<EventId>> {
        let events = steps * self.family().events_per_step();
        windows(&self.ids(), self.events_per_bar(), events, starts)
            .into_iter()
            .map(<[EventId]>::to_vec)
            .collect()
    }

    /// The grooves of [`windows`](Performance::windows), step for step: only for a family that
    /// plays with a feel.
    pub fn groove_windows(
        &self,
        steps: usize,
        starts: WindowStarts,
    ) -> Option<Vec<Vec<GrooveValues>>> {
        let grooves = self.grooves()?;
        let events = steps * self.family().events_per_step();
        Some(
            windows(&grooves, self.events_per_bar(), events, starts)
                .into_iter()
                .map(<[GrooveValues]>::to_vec)
                .collect(),
        )
    }

    /// Model steps in one bar.
    pub fn events_per_bar(&self) -> u32 {
        self.steps_per_bar() * self.family().events_per_step() as u32
    }
}

impl std::ops::Deref for Performance {
    type Target = dyn Played;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures")
                .join(path),
        )
        .unwrap()
    }

    #[test]
    fn a_file_reads_as_the_family_asked_for() {
        let tune = fixture("folk/oneills1850-0101-0200144.mid");
        let (melody, report) = Performance::read(Family::MELODY, &tune).unwrap();
        assert_eq!(melody.family(), Family::MELODY);
        assert!(report.notes > 0);
        assert!(melody.ids().iter().all(|id| id.index() < 38));
        let windows = melody.windows(64, WindowStarts::Tiled);
        assert!(windows.iter().all(|w| w.len() <= 64));
        assert_eq!(windows[0], melody.ids()[..64]);

        let beat = fixture("groove/drummer3-session1-12_rock_120_beat_4-4.mid");
        let (drums, report) = Performance::read(Family::DRUMS, &beat).unwrap();
        assert_eq!(drums.family(), Family::DRUMS);
        assert_eq!(report.kit.not_kit_notes(), 0);
        assert_eq!(report.to_string(), "");
    }
}
