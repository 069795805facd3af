//! Reading a melody from a Standard MIDI File onto the 16th-step grid, after Magenta's melody
//! extraction: the top note of each step, moved by octaves into the encoding's range.

use std::collections::BTreeMap;
use std::path::Path;

use midly::MidiMessage;
use midly::num::u7;

use crate::families::melody::encoding::{MAX_PITCH, MIN_PITCH, Pitch};
use crate::families::melody::sequence::{MelodySequence, MelodyStep};
use crate::midi_file::timeline::{Timeline, read_timeline};
use crate::midi_file::{GM_DRUM_CHANNEL, MAX_STEPS, MidiFileError};

/// The largest octave move tried: four octaves bring any MIDI pitch into 48–83.
const MAX_OCTAVE_MOVE: i8 = 4;

/// A melody read from a MIDI file, with what was left out of it or changed.
#[derive(Debug, Clone, PartialEq)]
pub struct MelodyRead {
    /// The melody, quantized to 16th steps from tick 0 and padded to whole bars.
    pub sequence: MelodySequence,
    /// Note-ons read off the drum channel (velocity above zero).
    pub notes: usize,
    /// Notes left out because a higher note started on the same step: double stops and chords
    /// (a polyphonic call is heard as its top line), and notes faster than the grid (grace
    /// notes, 32nds).
    pub dropped_notes: usize,
    /// Notes still outside the encoding's range after the melody's octave move, folded in by
    /// octaves.
    pub folded_notes: usize,
    /// Note-ons on the General MIDI drum channel (10), left out.
    pub drum_channel_notes: usize,
}

/// A note as played, from its note-on to its release, in ticks.
#[derive(Debug, Clone, Copy)]
struct PlayedNote {
    on_tick: u64,
    off_tick: u64,
    key: u7,
    velocity: u7,
}

/// A note on the grid: its onset step and the step its release lands on (after the onset).
#[derive(Debug, Clone, Copy)]
struct GridNote {
    onset_step: u64,
    end_step: u64,
    key: u7,
    velocity: u7,
}

/// Reads the melody of a Standard MIDI File.
///
/// - Every note-on with velocity above zero counts, on any channel but the General MIDI drum
///   channel (10); a note ends at its note-off (or note-on at velocity zero) on the same channel
///   and key, at a new note-on of that key, or at the end of the file.
/// - Each onset lands on the nearest 16th step from tick 0 (assumed to lie on a bar line). Of
///   several onsets on one step the highest note is kept and the others are counted in
///   [`MelodyRead::dropped_notes`].
/// - A note's release lands on the nearest step, at least one step after its onset. When no
///   kept note starts before that step, a note-off goes there; otherwise the next note-on ends
///   the note.
/// - The melody is moved by the whole octaves that leave the fewest notes outside 48–83 (of
///   equal moves, the smallest, upward first); notes still outside fold in by octaves. The move
///   is kept in [`MelodySequence::octave_shift_semitones`].
/// - Bar length and tempo come from the first time signature and tempo, as for
///   [`read_drums`](super::read_drums). The melody ends at the end of the bar in which its last
///   note ends.
pub fn read_melody(bytes: &[u8]) -> Result<MelodyRead, MidiFileError> {
    let (timeline, mut messages) = read_timeline(bytes)?;
    // Tracks merged in time order; stable, so each track keeps its own order within a tick.
    messages.sort_by_key(|message| message.tick);

    let mut played = Vec::new();
    let mut drum_channel_notes = 0;
    // The note sounding on each (channel, key): its note-on tick and velocity.
    let mut sounding: BTreeMap<(u8, u7), (u64, u7)> = BTreeMap::new();
    let close = |(on_tick, velocity), key, off_tick| PlayedNote {
        on_tick,
        off_tick,
        key,
        velocity,
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
        let ended = if velocity > 0 {
            // A key struck again before its release ends the sounding note.
            sounding.insert((channel, key), (message.tick, velocity))
        } else {
            sounding.remove(&(channel, key))
        };
        if let Some(note) = ended {
            played.push(close(note, key, message.tick));
        }
    }
    for ((_, key), note) in sounding {
        played.push(close(note, key, timeline.end_tick));
    }
    let notes = played.len();

    let (kept, dropped_notes) = top_line(&timeline, &played);
    let Some(last) = kept.last() else {
        return Err(MidiFileError::NoMelody { drum_channel_notes });
    };
    let steps_per_bar = u64::from(timeline.steps_per_bar);
    let len_steps = last.end_step.div_ceil(steps_per_bar) * steps_per_bar;
    if len_steps > MAX_STEPS as u64 {
        return Err(MidiFileError::TooLong {
            steps: last.end_step,
            max_steps: MAX_STEPS,
        });
    }

    let octave_shift_semitones = octave_shift(kept.iter().map(|note| note.key));
    let mut folded_notes = 0;
    let mut steps = vec![MelodyStep::NoEvent; len_steps as usize];
    for (i, note) in kept.iter().enumerate() {
        let shifted = i32::from(note.key.as_int()) + i32::from(octave_shift_semitones);
        let pitch = Pitch::folded_from(shifted);
        folded_notes += usize::from(i32::from(pitch.midi()) != shifted);
        steps[note.onset_step as usize] = MelodyStep::NoteOn {
            pitch,
            velocity: note.velocity,
        };
        let next_onset = kept.get(i + 1).map_or(len_steps, |next| next.onset_step);
        if note.end_step < next_onset {
            steps[note.end_step as usize] = MelodyStep::NoteOff;
        }
    }

    Ok(MelodyRead {
        sequence: MelodySequence {
            steps,
            steps_per_bar: timeline.steps_per_bar,
            tempo_bpm: timeline.tempo_bpm,
            octave_shift_semitones,
        },
        notes,
        dropped_notes,
        folded_notes,
        drum_channel_notes,
    })
}

/// Reads the melody of the MIDI file at `path`, as [`read_melody`] does; errors name the file.
pub fn read_melody_file(path: &Path) -> Result<MelodyRead, MidiFileError> {
    let in_file = |source| MidiFileError::InFile {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    let bytes = std::fs::read(path).map_err(|e| in_file(MidiFileError::Unreadable(e)))?;
    read_melody(&bytes).map_err(in_file)
}

/// The notes on the grid, one per onset step (the highest of those starting there), in order,
/// and how many were dropped. Of equal keys on one step the earlier note is kept.
fn top_line(timeline: &Timeline, played: &[PlayedNote]) -> (Vec<GridNote>, usize) {
    let mut on_grid: Vec<(GridNote, u64)> = played
        .iter()
        .map(|note| {
            let onset_step = timeline.steps_at(note.on_tick).round() as u64;
            let end_step = (timeline.steps_at(note.off_tick).round() as u64).max(onset_step + 1);
            let grid = GridNote {
                onset_step,
                end_step,
                key: note.key,
                velocity: note.velocity,
            };
            (grid, note.on_tick)
        })
        .collect();
    on_grid.sort_by_key(|&(note, on_tick)| (note.onset_step, std::cmp::Reverse(note.key), on_tick));
    let mut kept: Vec<GridNote> = Vec::with_capacity(on_grid.len());
    for (note, _) in on_grid {
        if kept
            .last()
            .is_none_or(|last| last.onset_step < note.onset_step)
        {
            kept.push(note);
        }
    }
    let dropped = played.len() - kept.len();
    (kept, dropped)
}

/// The whole-octave move, in semitones, that leaves the fewest of `keys` outside the
/// encoding's range; of equal moves the smallest, upward before downward.
fn octave_shift(keys: impl Iterator<Item = u7> + Clone) -> i8 {
    let outside = |octaves: i8| {
        keys.clone()
            .filter(|key| {
                let shifted = i16::from(key.as_int()) + 12 * i16::from(octaves);
                !(i16::from(MIN_PITCH)..=i16::from(MAX_PITCH)).contains(&shifted)
            })
            .count()
    };
    let best = (1..=MAX_OCTAVE_MOVE)
        .flat_map(|octaves| [octaves, -octaves])
        .fold((0, outside(0)), |best, octaves| {
            let count = outside(octaves);
            if count < best.1 {
                (octaves, count)
            } else {
                best
            }
        });
    12 * best.0
}

#[cfg(test)]
pub(crate) mod tests {
    use midly::num::{u4, u15};
    use midly::{MetaMessage, Timing, TrackEventKind};

    use super::*;
    use crate::families::drums::read::tests::{note_on, smf_bytes, track};

    /// Path of a folk tune fixture.
    pub(crate) fn folk_fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/folk")
            .join(name)
    }

    fn note_off(channel: u8, key: u8) -> TrackEventKind<'static> {
        TrackEventKind::Midi {
            channel: u4::new(channel),
            message: MidiMessage::NoteOff {
                key: u7::new(key),
                vel: u7::new(64),
            },
        }
    }

    /// A one-track file at 480 ticks per quarter (120 per step), no tempo or time signature.
    fn file(events: Vec<(u32, TrackEventKind<'static>)>) -> Vec<u8> {
        smf_bytes(Timing::Metrical(u15::new(480)), vec![track(events)])
    }

    fn on(key: u8, velocity: u8) -> MelodyStep {
        MelodyStep::NoteOn {
            pitch: Pitch::new(key).unwrap(),
            velocity: u7::new(velocity),
        }
    }

    /// `len` steps of no event but `events`.
    fn steps(len: usize, events: &[(usize, MelodyStep)]) -> Vec<MelodyStep> {
        let mut steps = vec![MelodyStep::NoEvent; len];
        for &(step, event) in events {
            steps[step] = event;
        }
        steps
    }

    #[test]
    fn the_top_note_of_each_step_is_kept() {
        let read = read_melody(&file(vec![
            // A C major triad struck together: G4 is the top line.
            (0, note_on(0, 60, 100)),
            (0, note_on(0, 64, 90)),
            (0, note_on(0, 67, 80)),
            (480, note_off(0, 60)),
            (480, note_off(0, 64)),
            (480, note_off(0, 67)),
            // A grace note a 64th before C5, both on step 4: the higher grace note wins.
            (480, note_on(0, 74, 50)),
            (510, note_off(0, 74)),
            (510, note_on(0, 72, 70)),
            (960, note_off(0, 72)),
        ]))
        .unwrap();
        assert_eq!(read.notes, 5);
        assert_eq!(read.dropped_notes, 3);
        // G4 is cut by the next onset; the grace note lasts one step, then rests.
        assert_eq!(
            read.sequence.steps,
            steps(
                16,
                &[(0, on(67, 80)), (4, on(74, 50)), (5, MelodyStep::NoteOff)]
            )
        );
    }

    #[test]
    fn releases_land_on_their_nearest_step_unless_the_next_note_comes_first() {
        let read = read_melody(&file(vec![
            // Released at step 1.67: a note-off on step 2.
            (0, note_on(0, 60, 100)),
            (200, note_off(0, 60)),
            // A drum on channel 10 is no part of the melody.
            (240, note_on(9, 36, 100)),
            // A sixth of a step long, released by a note-on at velocity 0: it lasts one step.
            (480, note_on(0, 62, 90)),
            (500, note_on(0, 62, 0)),
            // Legato: E4 is released at step 13.3, after F4 starts on step 12: no note-off.
            (960, note_on(0, 64, 80)),
            (1440, note_on(0, 65, 70)),
            (1600, note_off(0, 64)),
            (1680, note_off(0, 65)),
            // The same key on two channels: channel 1's C4 ends at its own release (step
            // 20), not at channel 0's stray one (step 17).
            (1920, note_on(1, 60, 60)),
            (2040, note_off(0, 60)),
            (2400, note_off(1, 60)),
            // Never released: it sounds until the file ends (step 28).
            (2880, note_on(0, 67, 50)),
            (
                3360,
                TrackEventKind::Meta(MetaMessage::Marker(b"end of the clip")),
            ),
        ]))
        .unwrap();
        assert_eq!(read.notes, 6);
        assert_eq!(read.dropped_notes, 0);
        assert_eq!(read.drum_channel_notes, 1);
        let off = MelodyStep::NoteOff;
        assert_eq!(
            read.sequence.steps,
            steps(
                32,
                &[
                    (0, on(60, 100)),
                    (2, off),
                    (4, on(62, 90)),
                    (5, off),
                    (8, on(64, 80)),
                    (12, on(65, 70)),
                    (14, off),
                    (16, on(60, 60)),
                    (20, off),
                    (24, on(67, 50)),
                    (28, off),
                ]
            )
        );
    }

    #[test]
    fn a_note_ending_on_the_bar_line_adds_no_bar() {
        let bytes = file(vec![
            (0, note_on(2, 70, 100)),
            (1440, note_on(2, 72, 100)),
            (1920, note_off(2, 70)),
            (1920, note_off(2, 72)),
        ]);
        let sequence = read_melody(&bytes).unwrap().sequence;
        assert_eq!(
            sequence.steps,
            steps(16, &[(0, on(70, 100)), (12, on(72, 100))])
        );
        assert_eq!(sequence.steps_per_bar, 16);
        assert_eq!(sequence.tempo_bpm, 120.0);
    }

    #[test]
    fn melodies_move_by_whole_octaves_into_range() {
        let melody = |keys: &[u8]| {
            let mut events = Vec::new();
            for (i, &key) in keys.iter().enumerate() {
                let tick = 480 * i as u32;
                events.push((tick, note_on(0, key, 100)));
                events.push((tick + 480, note_off(0, key)));
            }
            read_melody(&file(events)).unwrap()
        };
        let keys = |read: &MelodyRead| -> Vec<u8> {
            read.sequence
                .notes()
                .map(|note| note.span.pitch.midi())
                .collect()
        };

        // A bass line fits one or two octaves up: the smaller move wins.
        let bass = melody(&[36, 40, 43, 47]);
        assert_eq!(bass.sequence.octave_shift_semitones, 12);
        assert_eq!(keys(&bass), [48, 52, 55, 59]);
        assert_eq!(bass.folded_notes, 0);

        // A high line comes down two octaves; one octave would leave 100 out.
        let high = melody(&[90, 95, 100]);
        assert_eq!(high.sequence.octave_shift_semitones, -24);
        assert_eq!(keys(&high), [66, 71, 76]);

        // Four octaves and a third: an octave either way leaves one note out, so the melody
        // moves up (upward first on a tie) and 102 folds down to 78.
        let wide = melody(&[40, 60, 70, 90]);
        assert_eq!(wide.sequence.octave_shift_semitones, 12);
        assert_eq!(keys(&wide), [52, 72, 82, 78]);
        assert_eq!(wide.folded_notes, 1);

        // Already in range: no move, whatever a move would also allow.
        assert_eq!(melody(&[60, 62]).sequence.octave_shift_semitones, 0);
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        assert!(matches!(read_melody(&[]), Err(MidiFileError::Empty)));
        assert!(matches!(
            read_melody(b"a tune, not MIDI"),
            Err(MidiFileError::NotMidi(_))
        ));
        let drums = file(vec![(0, note_on(9, 36, 100)), (240, note_on(9, 38, 90))]);
        let error = read_melody(&drums).unwrap_err();
        assert!(matches!(
            error,
            MidiFileError::NoMelody {
                drum_channel_notes: 2
            }
        ));
        let message = error.to_string();
        assert!(
            message.contains("no notes except 2 on the drum channel (10)"),
            "{message}"
        );
        let silent = file(vec![(0, note_off(0, 60))]);
        let message = read_melody(&silent).unwrap_err().to_string();
        assert!(
            message.starts_with("no melody: the file has no notes;"),
            "{message}"
        );

        let missing = read_melody_file(&folk_fixture("missing.mid")).unwrap_err();
        assert!(
            missing.to_string().contains("missing.mid: cannot read"),
            "{missing}"
        );
    }

    // Expected values below were read off the files with a separate SMF dump: onsets at tick
    // 1 + 120 × step (the converter starts each note a tick late), 480 ticks per quarter.

    #[test]
    fn a_jig_with_ornaments_keeps_its_top_line() {
        // Ryan's Mammoth Collection: Hunting the Hare, a jig in 6/8 and D major. Its bar-1 turn
        // A4–B4–C♯5 is played in 32nds: B4 and C♯5 share step 1, and C♯5 is kept.
        let read = read_melody_file(&folk_fixture("ryansMammoth-HuntingTheHareJig.mid")).unwrap();
        let sequence = &read.sequence;
        assert_eq!(sequence.steps_per_bar, 12);
        assert_eq!(sequence.tempo_bpm, 120.0);
        assert_eq!(sequence.octave_shift_semitones, 0);
        assert_eq!(
            (read.notes, read.dropped_notes, read.folded_notes),
            (90, 41, 0)
        );
        // The last note is released on step 101, in bar 9.
        assert_eq!(sequence.steps.len(), 9 * 12);
        assert_eq!(
            sequence.steps[..8],
            [
                on(69, 105),
                on(73, 80),
                on(74, 80),
                MelodyStep::NoEvent,
                // D4 from tick 481 to 600, then a rest until F♯4 on step 6.
                on(62, 80),
                MelodyStep::NoteOff,
                on(66, 95),
                MelodyStep::NoEvent,
            ]
        );
        assert_eq!(sequence.steps[101], MelodyStep::NoteOff);
    }

    #[test]
    fn double_stops_keep_the_top_note_and_high_tunes_move_down() {
        // Ryan's Mammoth Collection: Essence of Old Kentucky, 6/8, F major, C4 to D6. Its D5–D6
        // double stop at tick 41041 (step 342) keeps D6; with it the tune fits 48–83 only an
        // octave down.
        let read =
            read_melody_file(&folk_fixture("ryansMammoth-EssenceOfOldKentucky.mid")).unwrap();
        let sequence = &read.sequence;
        assert_eq!(sequence.octave_shift_semitones, -12);
        assert_eq!(
            (read.notes, read.dropped_notes, read.folded_notes),
            (122, 10, 0)
        );
        assert_eq!(sequence.steps.len(), 384);
        assert_eq!(sequence.steps[0], on(60 - 12, 105));
        assert_eq!(sequence.steps[342], on(86 - 12, 105));
        assert_eq!(sequence.steps[350], MelodyStep::NoteOff);
        assert_eq!(sequence.steps[354], on(84 - 12, 105));

        // Walk Around ("Hey, Daddy"), 2/4: it opens with B5 over B4, the lower note struck ten
        // ticks later; B5 is kept, and C♯6 (85) takes the tune an octave down.
        let read = read_melody_file(&folk_fixture("ryansMammoth-WalkAroundHeyDaddy.mid")).unwrap();
        let sequence = &read.sequence;
        assert_eq!(sequence.steps_per_bar, 8);
        assert_eq!(sequence.octave_shift_semitones, -12);
        assert_eq!((read.notes, read.dropped_notes), (182, 7));
        assert_eq!(sequence.steps.len(), 352);
        assert_eq!(sequence.steps[0], on(83 - 12, 105));
        assert_eq!(sequence.steps[25], on(85 - 12, 65));
    }

    #[test]
    fn waltz_and_jig_from_oneills_read_whole() {
        // O'Neill's Music of Ireland no. 144, "I'm a Poor Rambling Boy": 3/4, G minor, 41 notes,
        // eight bars; repeated G4s released a step early.
        let read = read_melody_file(&folk_fixture("oneills1850-0101-0200144.mid")).unwrap();
        let sequence = &read.sequence;
        assert_eq!(sequence.steps_per_bar, 12);
        assert_eq!(sequence.octave_shift_semitones, 0);
        assert_eq!((read.notes, read.dropped_notes), (41, 0));
        assert_eq!(sequence.steps.len(), 96);
        assert_eq!(sequence.notes().count(), 41);
        assert_eq!(
            sequence.steps[16..21],
            [
                on(67, 105),
                MelodyStep::NoteOff,
                on(67, 80),
                MelodyStep::NoteOff,
                on(67, 80)
            ]
        );

        // No. 271, "The Fox and His Wife": 6/8, its last note released on step 118 of 120.
        let read = read_melody_file(&folk_fixture("oneills1850-0201-0300271.mid")).unwrap();
        assert_eq!(read.sequence.steps.len(), 120);
        assert_eq!(read.sequence.steps[116], on(67, 95));
        assert_eq!(read.sequence.steps[118], MelodyStep::NoteOff);
    }
}
