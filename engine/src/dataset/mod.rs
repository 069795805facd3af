//! A folder of MIDI files read as one model family's performances, once, for training and
//! evaluation.

mod error;
mod info_csv;
mod split;

use std::fmt;
use std::path::{Path, PathBuf};

pub use error::DatasetError;
pub use info_csv::INFO_CSV;
pub use split::{HASH_VALIDATION_ONE_IN, Split, SplitSource, split_by_path_hash};

use crate::families::Family;
use crate::midi_file::MidiFileError;
use crate::performance::{Performance, ReadReport};

/// A MIDI file that was read, with the split it belongs to.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// Where the file is.
    pub path: PathBuf,
    /// Which part of the dataset it belongs to.
    pub split: Split,
    /// What was played, as the family's model reads it.
    pub performance: Performance,
}

/// A MIDI file that was left out, and why.
#[derive(Debug)]
pub struct Skipped {
    /// Where the file is.
    pub path: PathBuf,
    /// Why it could not be used.
    pub reason: MidiFileError,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// Every MIDI file under a folder, read as one family's performances and split into train,
/// validation and test.
#[derive(Debug)]
pub struct Dataset {
    /// The folder that was read.
    pub root: PathBuf,
    /// The family the files were read for.
    pub family: Family,
    /// The files read, in the order of their paths relative to `root`.
    pub files: Vec<LoadedFile>,
    /// The `.mid`/`.midi` files left out (unreadable, not MIDI, no drum hits, no melody...).
    pub skipped: Vec<Skipped>,
    /// What reading left out of the files read (a melody among the drums, a chord's lower
    /// notes), over all of them.
    pub report: ReadReport,
    /// Where the splits came from.
    pub split_source: SplitSource,
}

impl Dataset {
    /// Reads every `.mid` and `.midi` file (any case) under `dir` as `family` plays, recursively,
    /// in the order of their relative paths. Files that cannot be read are kept in
    /// [`skipped`](Dataset::skipped) with the reason. Symbolic links to folders are not
    /// followed, so a link cycle cannot trap the walk.
    ///
    /// With an [`INFO_CSV`] in `dir` (the Groove MIDI Dataset's), each file takes the split
    /// listed for its relative path there (files not listed, or listed under a split name GMD
    /// does not use, are [`Split::Unassigned`]);
    /// otherwise [`split_by_path_hash`] picks about one in ten for validation, by the file's tune
    /// when its family names one (see [`Played::tune`]), else by its path.
    ///
    /// [`Played::tune`]: crate::performance::Played::tune
    pub fn load(dir: &Path, family: Family) -> Result<Dataset, DatasetError> {
        let mut paths = Vec::new();
        collect_midi_files(dir, &mut paths)?;
        if paths.is_empty() {
            return Err(DatasetError::NoMidiFiles {
                path: dir.to_path_buf(),
            });
        }
        let mut relative: Vec<(String, PathBuf)> = paths
            .into_iter()
            .map(|path| (relative_name(dir, &path), path))
            .collect();
        relative.sort();

        let info_csv = dir.join(INFO_CSV);
        let (listed, split_source) = if info_csv.is_file() {
            (
                Some(info_csv::read_info_csv(&info_csv)?),
                SplitSource::InfoCsv,
            )
        } else {
            (None, SplitSource::PathHash)
        };

        let mut dataset = Dataset {
            root: dir.to_path_buf(),
            family,
            files: Vec::with_capacity(relative.len()),
            skipped: Vec::new(),
            report: ReadReport::default(),
            split_source,
        };
        for (name, path) in relative {
            let read = std::fs::read(&path)
                .map_err(MidiFileError::Unreadable)
                .and_then(|bytes| Performance::read(family, &bytes));
            match read {
                Ok((performance, report)) => {
                    dataset.report.add(&report);
                    let split = match &listed {
                        Some(listed) => listed.get(&name).copied().unwrap_or(Split::Unassigned),
                        None => split_by_path_hash(&performance.tune().unwrap_or(name)),
                    };
                    dataset.files.push(LoadedFile {
                        path,
                        split,
                        performance,
                    });
                }
                Err(reason) => dataset.skipped.push(Skipped { path, reason }),
            }
        }
        Ok(dataset)
    }

    /// The sequences of the training split.
    pub fn train(&self) -> Vec<&Performance> {
        self.in_split(Split::Train)
    }

    /// The sequences of the validation split.
    pub fn validation(&self) -> Vec<&Performance> {
        self.in_split(Split::Validation)
    }

    /// The sequences of the test split (only an `info.csv` puts files there).
    pub fn test(&self) -> Vec<&Performance> {
        self.in_split(Split::Test)
    }

    /// Every sequence read, whatever its split: for evaluating a plain folder.
    pub fn all(&self) -> Vec<&Performance> {
        self.files.iter().map(|file| &file.performance).collect()
    }

    /// How many files were read into `split`.
    pub fn count(&self, split: Split) -> usize {
        self.files.iter().filter(|file| file.split == split).count()
    }

    /// The sequences of `split`.
    pub fn in_split(&self, split: Split) -> Vec<&Performance> {
        self.files
            .iter()
            .filter(|file| file.split == split)
            .map(|file| &file.performance)
            .collect()
    }
}

/// Pushes the MIDI files under `dir` (recursively) onto `out`.
fn collect_midi_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DatasetError> {
    let read_dir_error = |source| DatasetError::ReadDir {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_dir_error)? {
        let entry = entry.map_err(read_dir_error)?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(read_dir_error)?;
        if file_type.is_dir() {
            collect_midi_files(&path, out)?;
        } else if is_midi_name(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_midi_name(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("mid") || ext.eq_ignore_ascii_case("midi"))
}

/// `path` relative to `root`, with `/` separators as `info.csv` writes them.
fn relative_name(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use midly::num::{u4, u7, u15, u28};
    use midly::{
        Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind,
    };

    use super::*;
    use crate::families::Family;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/groove")
    }

    /// A fresh, empty temporary folder for one test.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("antiphon-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// An SMF with one note of each pitch in `keys`, a quarter apart.
    fn smf_with_notes(keys: &[u8]) -> Vec<u8> {
        let mut track: Vec<TrackEvent> = keys
            .iter()
            .enumerate()
            .map(|(i, &key)| TrackEvent {
                delta: u28::new(if i == 0 { 0 } else { 480 }),
                kind: TrackEventKind::Midi {
                    channel: u4::new(0),
                    message: MidiMessage::NoteOn {
                        key: u7::new(key),
                        vel: u7::new(100),
                    },
                },
            })
            .collect();
        track.push(TrackEvent {
            delta: u28::new(0),
            kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
        });
        let smf = Smf {
            header: Header::new(Format::SingleTrack, Timing::Metrical(u15::new(480))),
            tracks: vec![track],
        };
        let mut bytes = Vec::new();
        smf.write_std(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn gmd_info_csv_gives_the_splits() {
        let dataset = Dataset::load(&fixtures(), Family::DRUMS).unwrap();
        assert_eq!(dataset.split_source, SplitSource::InfoCsv);
        assert!(dataset.skipped.is_empty(), "{:?}", dataset.skipped);
        let names: Vec<(String, Split)> = dataset
            .files
            .iter()
            .map(|f| (relative_name(&dataset.root, &f.path), f.split))
            .collect();
        assert_eq!(
            names,
            [
                (
                    "drummer1-session1-133_funk-fast_125_fill_4-4.mid".to_owned(),
                    Split::Validation
                ),
                (
                    "drummer1-session2-111_rock-prog_110_beat_5-4.mid".to_owned(),
                    Split::Train
                ),
                (
                    "drummer1-session2-4_jazz_120_beat_3-4.mid".to_owned(),
                    Split::Train
                ),
                (
                    "drummer3-session1-12_rock_120_beat_4-4.mid".to_owned(),
                    Split::Train
                ),
                (
                    "drummer3-session2-26_hiphop_92_beat_4-4.mid".to_owned(),
                    Split::Train
                ),
                (
                    "drummer6-session1-4_rock_80_beat_6-8.mid".to_owned(),
                    Split::Validation
                ),
                (
                    "drummer9-session1-12_rock_100_beat_4-4.mid".to_owned(),
                    Split::Validation
                ),
            ]
        );
        assert_eq!(dataset.train().len(), 4);
        assert_eq!(dataset.validation().len(), 3);
        assert_eq!(dataset.all().len(), 7);
        assert_eq!(dataset.train()[0].steps_per_bar(), 20);
        assert_eq!(dataset.train()[1].steps_per_bar(), 12);
        assert_eq!(dataset.validation()[1].steps_per_bar(), 12);
        assert_eq!(dataset.count(Split::Test), 0);
        // Every GMD note is on channel 10 and a drum pitch.
        assert!(dataset.report.kit.notes > 0);
        assert!(
            dataset.report.kit.not_kit.is_empty(),
            "{:?}",
            dataset.report.kit
        );
    }

    #[test]
    fn files_marked_test_in_info_csv_form_the_test_split() {
        let dir = temp_dir("dataset-test-split");
        let names = [
            "beat.mid",
            "fill.mid",
            "held.mid",
            "odd.mid",
            "unlisted.mid",
        ];
        for name in names {
            std::fs::copy(
                fixtures().join("drummer3-session1-12_rock_120_beat_4-4.mid"),
                dir.join(name),
            )
            .unwrap();
        }
        std::fs::write(
            dir.join(INFO_CSV),
            "midi_filename,split\nbeat.mid,train\nfill.mid,validation\nheld.mid,test\n\
             odd.mid,holdout\n",
        )
        .unwrap();
        let dataset = Dataset::load(&dir, Family::DRUMS).unwrap();
        let split_of = |name: &str| {
            dataset
                .files
                .iter()
                .find(|f| f.path.ends_with(name))
                .unwrap()
                .split
        };
        assert_eq!(split_of("beat.mid"), Split::Train);
        assert_eq!(split_of("fill.mid"), Split::Validation);
        assert_eq!(split_of("held.mid"), Split::Test);
        assert_eq!(split_of("odd.mid"), Split::Unassigned);
        assert_eq!(split_of("unlisted.mid"), Split::Unassigned);
        assert_eq!(dataset.test().len(), 1);
        assert_eq!(dataset.in_split(Split::Unassigned).len(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_files_are_skipped_with_a_reason_and_good_ones_load() {
        let dir = temp_dir("dataset-skips");
        let nested = dir.join("clips/more");
        std::fs::create_dir_all(&nested).unwrap();
        let good = "drummer3-session1-12_rock_120_beat_4-4.mid";
        std::fs::copy(fixtures().join(good), dir.join("b_good.mid")).unwrap();
        std::fs::copy(
            fixtures().join("drummer6-session1-4_rock_80_beat_6-8.mid"),
            nested.join("a_good.MIDI"),
        )
        .unwrap();
        // A MIDI header that promises a 6-byte header but is cut off inside it.
        std::fs::write(dir.join("corrupt.mid"), b"MThd\0\0\0\x06\0\x01\0").unwrap();
        std::fs::write(dir.join("notes.mid"), "These are my drum notes, not MIDI.").unwrap();
        std::fs::write(dir.join("empty.mid"), b"").unwrap();
        // A melody on pitches 60 (a drum pitch: mid tom) and 100 (not a drum).
        std::fs::write(
            dir.join("clips/melody.mid"),
            smf_with_notes(&[100, 60, 100]),
        )
        .unwrap();
        std::fs::write(dir.join("clips/piano.mid"), smf_with_notes(&[100, 101])).unwrap();
        std::fs::write(
            dir.join("readme.txt"),
            "not a MIDI name, not even looked at",
        )
        .unwrap();

        let dataset = Dataset::load(&dir, Family::DRUMS).unwrap();
        let names = |paths: Vec<&PathBuf>| -> Vec<String> {
            paths.into_iter().map(|p| relative_name(&dir, p)).collect()
        };
        assert_eq!(
            names(dataset.files.iter().map(|f| &f.path).collect()),
            ["b_good.mid", "clips/melody.mid", "clips/more/a_good.MIDI"]
        );
        assert_eq!(
            names(dataset.skipped.iter().map(|s| &s.path).collect()),
            ["clips/piano.mid", "corrupt.mid", "empty.mid", "notes.mid"]
        );
        let reason = |name: &str| {
            let skipped = dataset
                .skipped
                .iter()
                .find(|s| s.path.ends_with(name))
                .unwrap();
            (skipped.to_string(), &skipped.reason)
        };
        assert!(matches!(
            reason("piano.mid").1,
            MidiFileError::NoDrumHits { ignored_notes: 2 }
        ));
        assert!(matches!(reason("corrupt.mid").1, MidiFileError::NotMidi(_)));
        assert!(matches!(reason("notes.mid").1, MidiFileError::NotMidi(_)));
        assert!(matches!(reason("empty.mid").1, MidiFileError::Empty));
        let (message, _) = reason("notes.mid");
        assert!(
            message.contains("notes.mid: not a readable Standard MIDI File"),
            "{message}"
        );

        // Pitch 100 (no drum) and pitch 60 (a mid tom off the kit, on channel 1) are counted
        // from the file that was used, not from the skipped one.
        assert_eq!(
            dataset.report.kit.not_kit,
            std::collections::BTreeMap::from([(u7::new(60), 1), (u7::new(100), 2)])
        );
        assert_eq!(dataset.split_source, SplitSource::PathHash);
        for file in &dataset.files {
            assert_eq!(
                file.split,
                split_by_path_hash(&relative_name(&dir, &file.path))
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_without_midi_is_an_error() {
        let dir = temp_dir("dataset-empty");
        std::fs::write(dir.join("song.wav"), b"RIFF").unwrap();
        let error = Dataset::load(&dir, Family::DRUMS).unwrap_err();
        assert!(matches!(error, DatasetError::NoMidiFiles { .. }));
        assert!(error.to_string().contains("no .mid or .midi files"));
        let missing = Dataset::load(&dir.join("nowhere"), Family::DRUMS).unwrap_err();
        assert!(matches!(missing, DatasetError::ReadDir { .. }), "{missing}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_broken_info_csv_is_an_error_naming_it() {
        let dir = temp_dir("dataset-csv");
        std::fs::copy(
            fixtures().join("drummer3-session1-12_rock_120_beat_4-4.mid"),
            dir.join("beat.mid"),
        )
        .unwrap();
        std::fs::write(dir.join(INFO_CSV), "drummer,bpm\nd1,120\n").unwrap();
        let message = Dataset::load(&dir, Family::DRUMS).unwrap_err().to_string();
        assert!(
            message.contains("info.csv: it has no `midi_filename` column"),
            "{message}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
