//! Reading chords from a Standard MIDI File onto the 16th-step grid: every note of every part,
//! moved by octaves into the family's range.

use std::collections::BTreeMap;
use std::path::Path;

use midly::MidiMessage;
use midly::num::u7;

use super::pitch::ChordPitch;
use super::pitch_set::PitchSet;
use super::register::register_shift;
use super::sequence::ChordSequence;
use super::step::ChordStep;
use crate::midi_file::timeline::read_timeline;
use crate::midi_file::{GM_DRUM_CHANNEL, MAX_STEPS, MidiFileError};

/// Chords read from a MIDI file, with what was changed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct ChordRead {
    /// The chords, quantized to 16th steps from tick 0 and padded to whole bars.
    pub sequence: ChordSequence,
    /// Note-ons read off the drum channel (velocity above zero).
    pub notes: usize,
    /// Notes still outside the family's range after the octave move, folded in by octaves.
    pub folded_notes: usize,
    /// Notes struck on a step where their pitch was already struck: voices in unison, notes
    /// folded onto another, and notes faster than the grid. Each counts once in the sequence.
    pub merged_notes: usize,
    /// Note-ons on the General MIDI drum channel (10), left out.
    pub drum_channel_notes: usize,
    /// Notes left out of a step that sounded more than [`MAX_VOICES`](super::MAX_VOICES) pitches, on at least one
    /// of their steps (see [`ChordStep::kept`]).
    pub dropped_notes: usize,
}

/// A note on the grid: its onset step, the step its release lands on (after the onset), key
/// and velocity.
#[derive(Debug, Clone, Copy)]
struct GridNote {
    onset_step: u64,
    end_step: u64,
    key: u7,
    velocity: u7,
}

/// Reads the chords of a Standard MIDI File.
///
/// - Every note-on with velocity above zero counts, on every track and any channel but the
///   General MIDI drum channel (10). A note ends at its note-off (or note-on at velocity zero)
///   on the same track, channel and key, at a new note-on of that key there (a restrike), or at
///   the end of the file. Voices on separate tracks may share a channel and a key.
/// - Onsets and releases land on the nearest 16th step from tick 0 (assumed to lie on a bar
///   line); a note lasts at least one step. A pitch sounds on a step when any note of it does,
///   and is struck there when any note of it starts there: a note struck while another of its
///   pitch sounds restrikes it, which then sounds until the later release.
/// - The music is moved by [`register_shift`]'s whole octaves (kept in
///   [`ChordSequence::octave_shift_semitones`]); notes still outside the range fold in by
///   octaves.
/// - A step's velocity is the mean of the notes struck on it.
/// - A step sounding more than [`MAX_VOICES`](super::MAX_VOICES) pitches keeps its highest and its lowest (see
///   [`ChordStep::kept`]); the notes it leaves out count as dropped.
/// - Bar length and tempo come from the first time signature and tempo, as for
///   [`read_drums`](crate::families::drums::read::read_drums). The sequence ends at the end of the bar in
///   which its last note ends.
pub fn read_chords(bytes: &[u8]) -> Result<ChordRead, MidiFileError> {
    let (timeline, mut messages) = read_timeline(bytes)?;
    // Tracks merged in time order; stable, so each track keeps its own order within a tick.
    messages.sort_by_key(|message| message.tick);

    let mut drum_channel_notes = 0;
    let mut notes = Vec::new();
    // The note sounding on each (track, channel, key): its note-on tick and velocity.
    let mut sounding: BTreeMap<(usize, u8, u7), (u64, u7)> = BTreeMap::new();
    let on_grid = |(on_tick, velocity), key, off_tick| {
        let onset_step = timeline.steps_at(on_tick).round() as u64;
        let end_step = (timeline.steps_at(off_tick).round() as u64).max(onset_step + 1);
        GridNote {
            onset_step,
            end_step,
            key,
            velocity,
        }
    };
    for message in &messages {
        let channel = message.channel.as_int();
        let (key, velocity) = match message.message {
            MidiMessage::NoteOn { key, vel } => (key, vel),
            MidiMessage::NoteOff { key, .. } => (key, u7::new(0)),
            _ => continue,
        };
        if channel == GM_DRUM_CHANNEL {
            drum_channel_notes += usize::from(velocity > 0);
            continue;
        }
        let voice = (message.track, channel, key);
        let ended = if velocity > 0 {
            sounding.insert(voice, (message.tick, velocity))
        } else {
            sounding.remove(&voice)
        };
        if let Some(note) = ended {
            notes.push(on_grid(note, key, message.tick));
        }
    }
    for ((_, _, key), note) in sounding {
        notes.push(on_grid(note, key, timeline.end_tick));
    }

    let Some(last_end_step) = notes.iter().map(|note| note.end_step).max() else {
        return Err(MidiFileError::NoChords { drum_channel_notes });
    };
    let steps_per_bar = u64::from(timeline.steps_per_bar);
    let len_steps = last_end_step.div_ceil(steps_per_bar) * steps_per_bar;
    if len_steps > MAX_STEPS as u64 {
        return Err(MidiFileError::TooLong {
            steps: last_end_step,
            max_steps: MAX_STEPS,
        });
    }

    let octave_shift_semitones = register_shift(notes.iter().map(|note| note.key));
    let len_steps = len_steps as usize;
    let mut sounding = vec![PitchSet::EMPTY; len_steps];
    let mut struck = vec![PitchSet::EMPTY; len_steps];
    // (sum, count) of the velocities struck on each step.
    let mut velocities = vec![(0u32, 0u32); len_steps];
    let (mut folded_notes, mut merged_notes) = (0, 0);
    // Each note's pitch and steps.
    let mut placed = Vec::with_capacity(notes.len());
    for note in &notes {
        let shifted = i32::from(note.key.as_int()) + i32::from(octave_shift_semitones);
        let pitch = ChordPitch::folded_from(shifted);
        folded_notes += usize::from(i32::from(pitch.midi()) != shifted);
        let (onset, end) = (note.onset_step as usize, note.end_step as usize);
        merged_notes += usize::from(!struck[onset].insert(pitch));
        for step in &mut sounding[onset..end] {
            step.insert(pitch);
        }
        let (sum, count) = &mut velocities[onset];
        *sum += u32::from(note.velocity.as_int());
        *count += 1;
        placed.push((pitch, onset..end));
    }
    let steps: Vec<ChordStep> = sounding
        .into_iter()
        .zip(struck)
        .zip(velocities)
        .map(|((sounding, struck), (sum, count))| {
            let mean = (sum + count / 2).checked_div(count).unwrap_or(0);
            ChordStep::new(sounding, struck, u7::new(mean as u8))
        })
        .collect();
    let dropped_notes = placed
        .into_iter()
        .filter(|(pitch, span)| {
            steps[span.clone()]
                .iter()
                .any(|step| !step.sounding().contains(*pitch))
        })
        .count();

    Ok(ChordRead {
        sequence: ChordSequence {
            steps,
            steps_per_bar: timeline.steps_per_bar,
            tempo_bpm: timeline.tempo_bpm,
            octave_shift_semitones,
        },
        notes: notes.len(),
        folded_notes,
        merged_notes,
        drum_channel_notes,
        dropped_notes,
    })
}

/// Reads the chords of the MIDI file at `path`, as [`read_chords`] does; errors name the file.
pub fn read_chords_file(path: &Path) -> Result<ChordRead, MidiFileError> {
    let in_file = |source| MidiFileError::InFile {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    let bytes = std::fs::read(path).map_err(|e| in_file(MidiFileError::Unreadable(e)))?;
    read_chords(&bytes).map_err(in_file)
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::PathBuf;

    use midly::num::{u4, u15, u28};
    use midly::{Format, Header, MetaMessage, Smf, Timing, TrackEvent, TrackEventKind};

    use super::*;

    /// The chorale fixtures: four voices in 4/4 (BWV 66.6), four in 3/4 (BWV 65.2), and horns
    /// and timpani over the four in 3/4 (BWV 79.6).
    pub(in crate::families::chords) const CHORALES: [&str; 3] =
        ["bwv66.6.mid", "bwv65.2.mid", "bwv79.6.mid"];

    /// The path of every chorale fixture.
    pub(in crate::families::chords) fn chorale_fixtures() -> Vec<PathBuf> {
        CHORALES.iter().map(|name| chorale_fixture(name)).collect()
    }

    /// The path of the chorale fixture `name`.
    pub(in crate::families::chords) fn chorale_fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/chorales")
            .join(name)
    }

    fn on(channel: u8, key: u8, vel: u8) -> TrackEventKind<'static> {
        TrackEventKind::Midi {
            channel: u4::new(channel),
            message: MidiMessage::NoteOn {
                key: u7::new(key),
                vel: u7::new(vel),
            },
        }
    }

    fn off(channel: u8, key: u8) -> TrackEventKind<'static> {
        on(channel, key, 0)
    }

    /// A file at 480 ticks per quarter (120 per step) of `tracks`, each `(absolute tick, event)`
    /// in time order.
    fn file(tracks: Vec<Vec<(u32, TrackEventKind<'static>)>>) -> Vec<u8> {
        let tracks = tracks
            .into_iter()
            .map(|events| {
                let mut last = 0;
                let mut track: Vec<TrackEvent> = events
                    .into_iter()
                    .map(|(tick, kind)| {
                        let delta = u28::new(tick - last);
                        last = tick;
                        TrackEvent { delta, kind }
                    })
                    .collect();
                track.push(TrackEvent {
                    delta: u28::new(0),
                    kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
                });
                track
            })
            .collect();
        let smf = Smf {
            header: Header::new(Format::Parallel, Timing::Metrical(u15::new(480))),
            tracks,
        };
        let mut bytes = Vec::new();
        smf.write_std(&mut bytes).unwrap();
        bytes
    }

    fn set(midis: &[u8]) -> PitchSet {
        midis
            .iter()
            .map(|&midi| ChordPitch::new(midi).unwrap())
            .collect()
    }

    fn sets(sequence: &ChordSequence) -> Vec<(PitchSet, PitchSet)> {
        sequence
            .steps
            .iter()
            .map(|step| (step.sounding(), step.struck()))
            .collect()
    }

    #[test]
    fn voices_on_one_channel_keep_their_own_notes() {
        let read = read_chords(&file(vec![
            // Soprano: E4 for two steps, then E4 again (a restrike) for two.
            vec![
                (0, on(0, 64, 100)),
                (240, off(0, 64)),
                (240, on(0, 64, 80)),
                (480, off(0, 64)),
            ],
            // Alto on the same channel: C4 for four steps, and E4 in unison from step 1 to 3
            // (its release must not end the soprano's E4).
            vec![
                (0, on(0, 60, 60)),
                (120, on(0, 64, 90)),
                (360, off(0, 64)),
                (480, off(0, 60)),
            ],
            // A drum on channel 10, left out.
            vec![(0, on(9, 36, 100)), (120, off(9, 36))],
        ]))
        .unwrap();
        assert_eq!((read.notes, read.merged_notes), (4, 0));
        assert_eq!((read.drum_channel_notes, read.folded_notes), (1, 0));
        let sequence = &read.sequence;
        assert_eq!((sequence.steps_per_bar, sequence.tempo_bpm), (16, 120.0));
        assert_eq!(sequence.octave_shift_semitones, 0);
        let mut expected = vec![(PitchSet::EMPTY, PitchSet::EMPTY); 16];
        expected[0] = (set(&[60, 64]), set(&[60, 64]));
        expected[1] = (set(&[60, 64]), set(&[64]));
        expected[2] = (set(&[60, 64]), set(&[64]));
        expected[3] = (set(&[60, 64]), PitchSet::EMPTY);
        assert_eq!(sets(sequence), expected);
        let velocities: Vec<Option<u8>> = sequence.steps[..4]
            .iter()
            .map(|step| step.velocity().map(u7::as_int))
            .collect();
        // (100 + 60) / 2, then each restrike's own.
        assert_eq!(velocities, [Some(80), Some(90), Some(80), None]);
    }

    #[test]
    fn notes_land_on_the_nearest_step_and_fold_into_range() {
        let read = read_chords(&file(vec![vec![
            // A 32nd-note grace C5 and the C5 it leads to land on one step (190 and 250 ticks
            // are steps 1.6 and 2.1): merged.
            (190, on(0, 72, 50)),
            (230, off(0, 72)),
            (250, on(0, 72, 70)),
            (250, on(0, 127, 70)),
            (250, on(0, 48, 70)),
            (300, off(0, 72)),
            (1200, off(0, 127)),
            // C3 is never released: it sounds to the file's end, step 20.
            (2400, TrackEventKind::Meta(MetaMessage::Marker(b"end"))),
        ]]))
        .unwrap();
        assert_eq!(
            (read.notes, read.merged_notes, read.folded_notes),
            (4, 1, 1)
        );
        let sequence = &read.sequence;
        // The mean, 79.75, comes down an octave; 127 − 12 = 115 still folds, to 91.
        assert_eq!(sequence.octave_shift_semitones, -12);
        assert_eq!(sequence.steps.len(), 32);
        assert_eq!(sets(sequence)[2], (set(&[36, 60, 91]), set(&[36, 60, 91])));
        // (50 + 3 × 70) / 4.
        assert_eq!(sequence.steps[2].velocity(), Some(u7::new(65)));
        assert_eq!(sequence.steps[3].sounding(), set(&[36, 91]));
        assert_eq!(sequence.steps[9].sounding(), set(&[36, 91]));
        assert_eq!(sequence.steps[10].sounding(), set(&[36]));
        assert_eq!(sequence.steps[19].sounding(), set(&[36]));
        assert_eq!(sequence.steps[20].sounding(), PitchSet::EMPTY);
    }

    #[test]
    fn a_call_in_a_high_register_comes_down_an_octave() {
        let read = read_chords(&file(vec![vec![
            (0, on(0, 76, 90)),
            (0, on(0, 79, 90)),
            (0, on(0, 84, 90)),
            (480, off(0, 76)),
            (480, off(0, 79)),
            (480, off(0, 84)),
        ]]))
        .unwrap();
        assert_eq!(read.sequence.octave_shift_semitones, -12);
        assert_eq!(read.sequence.steps[0].sounding(), set(&[64, 67, 72]));
    }

    #[test]
    fn files_without_notes_off_the_drum_channel_are_errors() {
        let only_drums = file(vec![vec![(0, on(9, 38, 100)), (120, off(9, 38))]]);
        assert!(matches!(
            read_chords(&only_drums),
            Err(MidiFileError::NoChords {
                drum_channel_notes: 1
            })
        ));
        let message = read_chords(&file(vec![vec![]])).unwrap_err().to_string();
        assert!(
            message.starts_with("no chords: the file has no notes;"),
            "{message}"
        );
    }

    #[test]
    fn chorales_read_whole() {
        // BWV 66.6: four voices, 163 notes, 4/4 at 96 bpm.
        let read = read_chords_file(&chorale_fixture("bwv66.6.mid")).unwrap();
        let sequence = &read.sequence;
        assert_eq!((sequence.steps_per_bar, sequence.tempo_bpm), (16, 96.0));
        assert_eq!(sequence.octave_shift_semitones, 0);
        assert_eq!(
            (read.notes, read.folded_notes, read.drum_channel_notes),
            (163, 0, 0)
        );
        // It opens on soprano C♯5, alto E4, and tenor and bass in unison on A3: one pitch.
        assert_eq!(sequence.steps[0].struck(), set(&[57, 64, 73]));
        assert_eq!((sequence.steps.len(), read.merged_notes), (144, 9));

        // BWV 79.6, 3/4 at 128 bpm: horns and timpani over the four voices, doubling them
        // often, so steps of up to seven pitches.
        let read = read_chords_file(&chorale_fixture("bwv79.6.mid")).unwrap();
        let sequence = &read.sequence;
        assert_eq!((sequence.steps_per_bar, sequence.tempo_bpm), (12, 128.0));
        assert_eq!((read.notes, read.merged_notes), (231, 33));
        let most = sequence.steps.iter().map(|s| s.sounding().len()).max();
        assert_eq!(most, Some(7));
        for path in chorale_fixtures() {
            assert_eq!(read_chords_file(&path).unwrap().dropped_notes, 0);
        }
    }

    #[test]
    fn a_step_of_more_than_eight_pitches_keeps_its_seven_highest_and_its_bass() {
        // Ten keys struck together for a step, around middle C: E2, then G3 to B4; G3 held on
        // alone for another step.
        let keys = [40, 55, 57, 59, 60, 62, 64, 65, 67, 71];
        let mut events: Vec<(u32, TrackEventKind<'static>)> =
            keys.iter().map(|&key| (0, on(0, key, 80))).collect();
        events.extend(
            keys.iter()
                .filter(|&&key| key != 55)
                .map(|&key| (120, off(0, key))),
        );
        events.push((240, off(0, 55)));
        let read = read_chords(&file(vec![events])).unwrap();
        assert_eq!(read.sequence.octave_shift_semitones, 0);
        // G3 and A3, under the seven highest and over the bass, are left out.
        assert_eq!((read.notes, read.dropped_notes), (10, 2));
        let steps = &read.sequence.steps;
        assert_eq!(steps[0].sounding(), set(&[40, 59, 60, 62, 64, 65, 67, 71]));
        assert_eq!(steps[0].struck(), steps[0].sounding());
        // G3 sounds on alone, as written: a note starting there (nothing held it before).
        assert_eq!(steps[1].sounding(), set(&[55]));
        assert_eq!(steps[1].struck(), PitchSet::EMPTY);
    }
}
