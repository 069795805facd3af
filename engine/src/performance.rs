//! A performance of one model family, read from a MIDI file: the sequence that family's model
//! reads and writes (a drummer's hits, a melody's line), and what reading it left out.

use std::fmt;
use std::path::Path;

use crate::window_cuts::{WindowStarts, windows};
use midly::num::{u4, u7};

use crate::encoding::EventId;
use crate::encoding::drums::DrumEvent;
use crate::encoding::groove::{GrooveAmount, GrooveValues};
use crate::encoding::melody::MelodyEvent;
use crate::families::Family;
use crate::melody_sequence::{MelodySequence, MelodyStep};
use crate::midi_file::{
    KitCheck, MidiFileError, WrittenNote, drum_notes, melody_notes, write_drums, write_melody,
};
use crate::sequence::{DrumSequence, DrumStep};

/// Velocity of an answer to a call with no notes to take it from.
const DEFAULT_VELOCITY: u8 = 100;

/// A performance quantized to 16th steps, step 0 on a bar line.
#[derive(Debug, Clone, PartialEq)]
pub enum Performance {
    /// Drum hits.
    Drums(DrumSequence),
    /// A monophonic melody.
    Melody(MelodySequence),
}

/// What reading a file as a family's performance left out or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadReport {
    /// Drums: the notes that are not drum-kit notes (heard as another drum, or left out).
    pub kit: KitCheck,
    /// Melodies: notes read.
    pub melody_notes: usize,
    /// Melodies: notes left out under a higher note on the same step (chords, grace notes).
    pub dropped_notes: usize,
    /// Melodies: notes folded into the encoding's range by octaves.
    pub folded_notes: usize,
}

impl ReadReport {
    /// Adds another file's counts.
    pub fn add(&mut self, other: &ReadReport) {
        self.kit.add(&other.kit);
        self.melody_notes += other.melody_notes;
        self.dropped_notes += other.dropped_notes;
        self.folded_notes += other.folded_notes;
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
                "{} of {} notes left out under a higher note on the same 16th (a melody is its \
                 top line); {} folded into pitches 48–83 by octaves",
                self.dropped_notes, self.melody_notes, self.folded_notes
            )?;
        }
        Ok(())
    }
}

impl Performance {
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

    /// The family whose model reads it.
    pub fn family(&self) -> Family {
        match self {
            Performance::Drums(_) => Family::DRUMS,
            Performance::Melody(_) => Family::MELODY,
        }
    }

    /// The model's view: one event id per step.
    pub fn ids(&self) -> Vec<EventId> {
        match self {
            Performance::Drums(drums) => drums.events().map(|event| event.id()).collect(),
            Performance::Melody(melody) => melody.ids().collect(),
        }
    }

    /// Its length in steps.
    pub fn len_steps(&self) -> usize {
        match self {
            Performance::Drums(drums) => drums.steps.len(),
            Performance::Melody(melody) => melody.steps.len(),
        }
    }

    /// Steps in one bar.
    pub fn steps_per_bar(&self) -> u32 {
        match self {
            Performance::Drums(drums) => drums.steps_per_bar,
            Performance::Melody(melody) => melody.steps_per_bar,
        }
    }

    /// Its tempo, in quarter notes per minute.
    pub fn tempo_bpm(&self) -> f64 {
        match self {
            Performance::Drums(drums) => drums.tempo_bpm,
            Performance::Melody(melody) => melody.tempo_bpm,
        }
    }

    /// `events` (of this performance's family) played as an answer to it: in its tempo and
    /// meter, at its mean velocity, a melody in its register; drums played as a groove model's
    /// `grooves` say, as much as their amount says.
    pub fn answer(
        &self,
        events: &[EventId],
        grooves: Option<(&[GrooveValues], GrooveAmount)>,
    ) -> Performance {
        match self {
            Performance::Drums(drums) => {
                let velocity = drums.mean_velocity().unwrap_or(u7::new(DEFAULT_VELOCITY));
                let played = |step: usize, event: DrumEvent| match grooves {
                    Some((grooves, amount)) => {
                        let mut played = DrumStep::default();
                        for class in event.classes() {
                            played.strike(class, amount.hit(&grooves[step], class, velocity));
                        }
                        played
                    }
                    None => DrumStep::from_event(event, velocity),
                };
                Performance::Drums(DrumSequence {
                    steps: events
                        .iter()
                        .enumerate()
                        .map(|(step, &id)| played(step, DrumEvent::from_id(id).unwrap_or_default()))
                        .collect(),
                    steps_per_bar: drums.steps_per_bar,
                    tempo_bpm: drums.tempo_bpm,
                })
            }
            Performance::Melody(melody) => {
                let velocity = melody.mean_velocity().unwrap_or(u7::new(DEFAULT_VELOCITY));
                Performance::Melody(MelodySequence {
                    steps: events
                        .iter()
                        .map(|&id| {
                            MelodyStep::new(MelodyEvent::from_id(id).unwrap_or_default(), velocity)
                        })
                        .collect(),
                    steps_per_bar: melody.steps_per_bar,
                    tempo_bpm: melody.tempo_bpm,
                    octave_shift_semitones: melody.octave_shift_semitones,
                })
            }
        }
    }

    /// Its notes as a MIDI file plays them, step 0 at tick 0 (see
    /// [`write_drums`](crate::midi_file::write_drums) and
    /// [`write_melody`](crate::midi_file::write_melody)).
    pub fn notes(&self) -> Vec<WrittenNote> {
        match self {
            Performance::Drums(drums) => drum_notes(drums),
            Performance::Melody(melody) => melody_notes(melody),
        }
    }

    /// Its notes as a Standard MIDI File on `channel`.
    pub fn midi(&self, channel: u4) -> Vec<u8> {
        match self {
            Performance::Drums(drums) => write_drums(drums, channel),
            Performance::Melody(melody) => write_melody(melody, channel),
        }
    }

    /// Bar-aligned windows of at most `steps` steps, as the model reads them (see
    /// [`windows`]).
    pub fn windows(&self, steps: usize, starts: WindowStarts) -> Vec<Vec<EventId>> {
        windows(&self.ids(), self.steps_per_bar(), steps, starts)
            .into_iter()
            .map(<[EventId]>::to_vec)
            .collect()
    }

    /// How each step was played, drums only (a melody has none).
    pub fn grooves(&self) -> Option<Vec<GrooveValues>> {
        match self {
            Performance::Drums(drums) => Some(drums.steps.iter().map(GrooveValues::of).collect()),
            Performance::Melody(_) => None,
        }
    }

    /// The grooves of [`windows`](Performance::windows), step for step: drums only (a melody
    /// has none).
    pub fn groove_windows(
        &self,
        steps: usize,
        starts: WindowStarts,
    ) -> Option<Vec<Vec<GrooveValues>>> {
        let grooves = self.grooves()?;
        Some(
            windows(&grooves, self.steps_per_bar(), steps, starts)
                .into_iter()
                .map(<[GrooveValues]>::to_vec)
                .collect(),
        )
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
        assert!(report.melody_notes > 0);
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
