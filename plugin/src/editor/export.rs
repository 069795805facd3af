//! "Export as MIDI": a phrase from the lanes written as a Standard MIDI File the player can drag
//! into the arrangement. No drawing here.

use std::io;
use std::path::{Path, PathBuf};

use antiphon_engine::midi_file::write_drums;
use antiphon_engine::midly::num::{u4, u7};
use antiphon_engine::sequence::{DrumSequence, DrumStep};

use super::session::Take;

/// Velocity written for the player's hits: the feed reports which drums were struck on a step,
/// not how hard.
pub const CALL_VELOCITY: u7 = u7::new(100);
/// The General MIDI drum channel (channel 10), where the call is written.
pub const DRUM_CHANNEL: u4 = u4::new(9);
/// Numbered files per kind before export gives up looking for a free name.
const MAX_FILES: u32 = 10_000;

/// `take` as a drum sequence starting on its span's first step (a bar line), as long as the span,
/// every struck class at `velocity`.
pub fn sequence(take: &Take, steps_per_bar: u32, tempo_bpm: f64, velocity: u7) -> DrumSequence {
    let mut steps = vec![DrumStep::default(); take.span.len_steps()];
    for &(step, event) in &take.hits {
        if let Some(slot) = usize::try_from(step - take.span.start)
            .ok()
            .and_then(|index| steps.get_mut(index))
        {
            *slot = DrumStep::from_event(event, velocity);
        }
    }
    DrumSequence {
        steps,
        steps_per_bar,
        tempo_bpm,
    }
}

/// Where exports go: the user's Music folder when there is one, else their home folder, else
/// the system's temporary folder.
pub fn default_folder() -> PathBuf {
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .filter(|home| home.is_dir());
    match home {
        Some(home) if home.join("Music").is_dir() => home.join("Music"),
        Some(home) => home,
        None => std::env::temp_dir(),
    }
}

/// Writes `sequence` on `channel` to the first free `antiphon-{kind}-NNN.mid` in `folder` and
/// returns its path. Never overwrites a file.
pub fn write(
    folder: &Path,
    kind: &str,
    sequence: &DrumSequence,
    channel: u4,
) -> io::Result<PathBuf> {
    let bytes = write_drums(sequence, channel);
    for number in 1..=MAX_FILES {
        let path = folder.join(format!("antiphon-{kind}-{number:03}.mid"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                io::Write::write_all(&mut file, &bytes)?;
                return Ok(path);
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                return Err(io::Error::new(
                    error.kind(),
                    format!("cannot write {}: {error}", path.display()),
                ));
            }
        }
    }
    Err(io::Error::other(format!(
        "{} already holds {MAX_FILES} antiphon-{kind} files; move some away",
        folder.display()
    )))
}

#[cfg(test)]
mod tests {
    use antiphon_engine::encoding::drums::{DrumClass, DrumEvent};
    use antiphon_engine::midi_file::read_drums;
    use antiphon_engine::phrase::StepSpan;

    use super::*;

    fn take() -> Take {
        let kick = DrumEvent::REST.with(DrumClass::Kick);
        let snare_and_hat = DrumEvent::REST
            .with(DrumClass::Snare)
            .with(DrumClass::ClosedHat);
        Take {
            span: StepSpan::new(48, 80),
            hits: vec![(48, kick), (52, snare_and_hat), (79, kick)],
        }
    }

    #[test]
    fn a_take_becomes_a_sequence_from_its_first_step() {
        let sequence = sequence(&take(), 16, 97.0, u7::new(90));
        assert_eq!(sequence.steps.len(), 32, "the whole span, silence included");
        assert_eq!(sequence.tempo_bpm, 97.0);
        let events: Vec<_> = sequence.events().collect();
        assert_eq!(events[0], DrumEvent::REST.with(DrumClass::Kick));
        assert_eq!(events[4].classes().count(), 2);
        assert_eq!(events[31], DrumEvent::REST.with(DrumClass::Kick));
        assert!(events[1].is_rest());
        let hit = sequence.steps[0].hits[DrumClass::Kick.index()].unwrap();
        assert_eq!(hit.velocity, u7::new(90));
    }

    #[test]
    fn written_files_read_back_and_never_overwrite() {
        let folder = std::env::temp_dir().join(format!("antiphon-export-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let sequence = sequence(&take(), 16, 120.0, u7::new(100));
        let first = write(&folder, "response", &sequence, DRUM_CHANNEL).unwrap();
        let second = write(&folder, "response", &sequence, DRUM_CHANNEL).unwrap();
        assert_eq!(first.file_name().unwrap(), "antiphon-response-001.mid");
        assert_eq!(second.file_name().unwrap(), "antiphon-response-002.mid");
        let read = read_drums(&std::fs::read(&first).unwrap())
            .unwrap()
            .sequence;
        assert_eq!(read.tempo_bpm.round(), 120.0);
        assert_eq!(
            read.events().take(32).collect::<Vec<_>>(),
            sequence.events().collect::<Vec<_>>()
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn an_unwritable_folder_says_which_file() {
        let missing = std::env::temp_dir().join("antiphon-no-such-folder/deeper");
        let error = write(
            &missing,
            "call",
            &sequence(&take(), 16, 120.0, CALL_VELOCITY),
            DRUM_CHANNEL,
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("antiphon-call-001.mid"),
            "{error}"
        );
    }
}
