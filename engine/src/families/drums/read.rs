//! Reading a drum performance from a Standard MIDI File onto the 16th-step grid.

use std::path::Path;

use midly::MidiMessage;

use crate::families::drums::encoding::DrumClass;
use crate::families::drums::sequence::{DrumSequence, DrumStep};
use crate::hit::Hit;
use crate::midi_file::timeline::read_timeline;
use crate::midi_file::{KitCheck, MAX_STEPS, MidiFileError};

/// A drum performance read from a MIDI file, with what was left out of it.
#[derive(Debug, Clone, PartialEq)]
pub struct DrumRead {
    /// The hits on drum pitches, quantized to 16th steps from tick 0 and padded to whole bars.
    pub sequence: DrumSequence,
    /// Every note-on, and those that are not drum-kit notes: heard as some other drum, or left
    /// out of `sequence` when no drum class takes their pitch.
    pub kit: KitCheck,
}

/// Reads the drum hits of a Standard MIDI File.
///
/// - Every note-on with velocity above zero on any channel counts (DAW clips are seldom on the
///   General MIDI drum channel); pitches map through [`DrumClass::from_pitch`] and the others
///   are left out. [`DrumRead::kit`] counts the notes that are not drum-kit notes.
/// - Each hit lands on the nearest 16th step from tick 0 (assumed to lie on a bar line), with
///   its distance from that step kept as [`Hit::offset_steps`]; of two hits of one class on
///   one step the louder is kept.
/// - Metrical files map ticks to quarter notes directly, whatever their tempo changes; SMPTE
///   files are mapped through their tempo map (see `TickClock`).
/// - `steps_per_bar` comes from the first time signature (4/4 when there is none); later
///   changes are not followed. The sequence ends at the end of the last hit's bar.
/// - `tempo_bpm` is the first tempo (120 when there is none; of several on the first tempo
///   event's tick, the last, which is the one in force).
pub fn read_drums(bytes: &[u8]) -> Result<DrumRead, MidiFileError> {
    let (timeline, messages) = read_timeline(bytes)?;
    let mut kit = KitCheck::default();
    let mut hits = Vec::new();
    for message in messages {
        let MidiMessage::NoteOn { key, vel } = message.message else {
            continue;
        };
        if vel == 0 {
            continue;
        }
        kit.count(message.channel, key);
        let Some(class) = DrumClass::from_pitch(key) else {
            continue;
        };
        let position_steps = timeline.steps_at(message.tick);
        let step = position_steps.round();
        let hit = Hit {
            velocity: vel,
            offset_steps: (position_steps - step) as f32,
        };
        hits.push((step as u64, class, hit));
    }
    let steps_per_bar = timeline.steps_per_bar;

    let Some(last_step) = hits.iter().map(|&(step, _, _)| step).max() else {
        return Err(MidiFileError::NoDrumHits {
            ignored_notes: kit.notes,
        });
    };
    let bars = last_step / u64::from(steps_per_bar) + 1;
    let len_steps = bars * u64::from(steps_per_bar);
    if len_steps > MAX_STEPS as u64 {
        return Err(MidiFileError::TooLong {
            steps: last_step,
            max_steps: MAX_STEPS,
        });
    }
    let mut steps = vec![DrumStep::default(); len_steps as usize];
    for (step, class, hit) in hits {
        steps[step as usize].strike(class, hit);
    }

    Ok(DrumRead {
        sequence: DrumSequence {
            steps,
            steps_per_bar,
            tempo_bpm: timeline.tempo_bpm,
        },
        kit,
    })
}

/// Reads the drum hits of the MIDI file at `path`, as [`read_drums`] does; errors name the file.
pub fn read_drums_file(path: &Path) -> Result<DrumRead, MidiFileError> {
    let in_file = |source| MidiFileError::InFile {
        path: path.to_path_buf(),
        source: Box::new(source),
    };
    let bytes = std::fs::read(path).map_err(|e| in_file(MidiFileError::Unreadable(e)))?;
    read_drums(&bytes).map_err(in_file)
}

#[cfg(test)]
pub(crate) mod tests {
    use midly::num::{u4, u7, u15, u24, u28};
    use midly::{Format, Header, MetaMessage, Smf, Timing, Track, TrackEvent, TrackEventKind};

    use super::*;
    use crate::families::drums::encoding::DrumEvent;

    /// A track from `(absolute tick, event)` pairs in time order.
    pub(crate) fn track(events: Vec<(u32, TrackEventKind<'static>)>) -> Track<'static> {
        let mut last = 0;
        let mut track: Track = events
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
    }

    pub(crate) fn note_on(channel: u8, key: u8, vel: u8) -> TrackEventKind<'static> {
        TrackEventKind::Midi {
            channel: u4::new(channel),
            message: MidiMessage::NoteOn {
                key: u7::new(key),
                vel: u7::new(vel),
            },
        }
    }

    pub(crate) fn smf_bytes(timing: Timing, tracks: Vec<Track<'static>>) -> Vec<u8> {
        let format = if tracks.len() == 1 {
            Format::SingleTrack
        } else {
            Format::Parallel
        };
        let smf = Smf {
            header: Header::new(format, timing),
            tracks,
        };
        let mut bytes = Vec::new();
        smf.write_std(&mut bytes).unwrap();
        bytes
    }

    fn class_event(classes: &[DrumClass]) -> DrumEvent {
        classes.iter().copied().collect()
    }

    #[test]
    fn hand_built_file_with_tempo_change_and_hits_off_channel_ten() {
        // Format 1 at 96 ticks per quarter (24 per step): a conductor track in 3/4 at 100 bpm
        // that speeds up to 140 bpm in bar 2, and a drum track on channel 4 (index 3).
        let conductor = track(vec![
            (
                0,
                TrackEventKind::Meta(MetaMessage::TimeSignature(3, 2, 24, 8)),
            ),
            (
                0,
                TrackEventKind::Meta(MetaMessage::Tempo(u24::new(600_000))),
            ),
            (
                288,
                TrackEventKind::Meta(MetaMessage::Tempo(u24::new(428_571))),
            ),
        ]);
        let drums = track(vec![
            (0, note_on(3, 36, 100)),
            (0, note_on(3, 42, 60)),
            // Five ticks late for step 2.
            (53, note_on(3, 38, 90)),
            // A note-on at velocity 0 is a note-off.
            (60, note_on(3, 38, 0)),
            // Pitch 21 is no drum.
            (72, note_on(3, 21, 80)),
            // Seven ticks early for step 13, after the tempo change.
            (305, note_on(3, 35, 70)),
            (306, note_on(3, 36, 110)),
        ]);
        let bytes = smf_bytes(Timing::Metrical(u15::new(96)), vec![conductor, drums]);
        let read = read_drums(&bytes).unwrap();
        let sequence = &read.sequence;

        assert_eq!(sequence.steps_per_bar, 12);
        assert!((sequence.tempo_bpm - 100.0).abs() < 1e-9);
        // The last hit is in bar 2, so the sequence is two bars long.
        assert_eq!(sequence.steps.len(), 24);
        let events: Vec<DrumEvent> = sequence.events().collect();
        assert_eq!(
            events[0],
            class_event(&[DrumClass::Kick, DrumClass::ClosedHat])
        );
        assert_eq!(events[2], class_event(&[DrumClass::Snare]));
        assert_eq!(events[13], class_event(&[DrumClass::Kick]));
        let hits = events.iter().filter(|e| !e.is_rest()).count();
        assert_eq!(hits, 3);

        let snare = sequence.steps[2].hits[DrumClass::Snare.index()].unwrap();
        assert_eq!(snare.velocity, u7::new(90));
        assert!((snare.offset_steps - 5.0 / 24.0).abs() < 1e-6);
        // Kick 35 and kick 36 share step 13; the louder one stays.
        let kick = sequence.steps[13].hits[DrumClass::Kick.index()].unwrap();
        assert_eq!(kick.velocity, u7::new(110));
        assert!((kick.offset_steps + 6.0 / 24.0).abs() < 1e-6);

        // Pitch 21 is no drum; the others are kit pitches, heard as drums on any channel.
        assert_eq!(read.kit.notes, 6);
        assert_eq!(
            read.kit.not_kit,
            std::collections::BTreeMap::from([(u7::new(21), 1)])
        );
    }

    #[test]
    fn smpte_file_is_read_through_its_tempo_map() {
        // One tick per millisecond; 120 bpm, then 60 bpm from two seconds in.
        let bytes = smf_bytes(
            Timing::Timecode(midly::Fps::Fps25, 40),
            vec![track(vec![
                (
                    0,
                    TrackEventKind::Meta(MetaMessage::Tempo(u24::new(500_000))),
                ),
                (1000, note_on(9, 38, 100)),
                (
                    2000,
                    TrackEventKind::Meta(MetaMessage::Tempo(u24::new(1_000_000))),
                ),
                (3000, note_on(9, 36, 100)),
            ])],
        );
        let sequence = read_drums(&bytes).unwrap().sequence;
        assert!((sequence.tempo_bpm - 120.0).abs() < 1e-9);
        let struck: Vec<usize> = (0..sequence.steps.len())
            .filter(|&i| !sequence.steps[i].event().is_rest())
            .collect();
        // One second at 120 bpm is two quarters; the third second adds one quarter at 60 bpm.
        assert_eq!(struck, [8, 20]);
    }

    #[test]
    fn no_tempo_or_time_signature_means_120_bpm_in_four_four() {
        let bytes = smf_bytes(
            Timing::Metrical(u15::new(480)),
            vec![track(vec![(480 * 4, note_on(0, 36, 100))])],
        );
        let sequence = read_drums(&bytes).unwrap().sequence;
        assert_eq!(sequence.steps_per_bar, 16);
        assert_eq!(sequence.tempo_bpm, 120.0);
        // A hit on the downbeat of bar 2 makes a two-bar sequence.
        assert_eq!(sequence.steps.len(), 32);
        assert_eq!(sequence.steps[16].event(), class_event(&[DrumClass::Kick]));
    }

    #[test]
    fn bad_input_is_a_clear_error() {
        assert!(matches!(read_drums(&[]), Err(MidiFileError::Empty)));
        assert!(matches!(
            read_drums(b"drum loop, not MIDI"),
            Err(MidiFileError::NotMidi(_))
        ));
        let melody_only = smf_bytes(
            Timing::Metrical(u15::new(480)),
            vec![track(vec![
                (0, note_on(0, 100, 90)),
                (480, note_on(0, 101, 90)),
            ])],
        );
        let error = read_drums(&melody_only).unwrap_err();
        assert!(matches!(
            error,
            MidiFileError::NoDrumHits { ignored_notes: 2 }
        ));
        assert!(error.to_string().contains("no drum hits"));
    }

    #[test]
    fn file_errors_name_the_file() {
        let dir = std::env::temp_dir().join(format!("antiphon-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("broken.mid");
        std::fs::write(&path, b"MThd\0\0\0\x06\0\x01").unwrap();
        let message = read_drums_file(&path).unwrap_err().to_string();
        assert!(message.contains("broken.mid"), "{message}");
        assert!(
            message.contains("not a readable Standard MIDI File"),
            "{message}"
        );
        let missing = read_drums_file(&dir.join("missing.mid")).unwrap_err();
        assert!(
            missing.to_string().contains("missing.mid: cannot read"),
            "{missing}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Path of a Groove MIDI Dataset fixture.
    pub(crate) fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/groove")
            .join(name)
    }

    /// Checks the hit of `class` at `step`: velocity as in the file, offset from the raw tick.
    fn assert_hit(sequence: &DrumSequence, tick: u32, class: DrumClass, velocity: u8) {
        // 480 ticks per quarter in every GMD file: 120 ticks per 16th step.
        let exact_steps = f64::from(tick) / 120.0;
        let step = exact_steps.round() as usize;
        let hit = sequence.steps[step].hits[class.index()]
            .unwrap_or_else(|| panic!("no {} at step {step} (tick {tick})", class.name()));
        assert_eq!(hit.velocity, u7::new(velocity));
        assert!((f64::from(hit.offset_steps) - (exact_steps - step as f64)).abs() < 1e-6);
    }

    #[test]
    fn gmd_hits_land_on_their_steps_at_the_files_own_tempo() {
        // Raw ticks and velocities read off the files with a separate SMF dump.
        let hiphop = read_drums_file(&fixture("drummer3-session2-26_hiphop_92_beat_4-4.mid"))
            .unwrap()
            .sequence;
        assert!((hiphop.tempo_bpm - 92.0).abs() < 1e-3);
        assert_eq!(hiphop.steps_per_bar, 16);
        assert_hit(&hiphop, 21, DrumClass::Kick, 127);
        assert_hit(&hiphop, 29, DrumClass::Crash, 112);
        assert_hit(&hiphop, 251, DrumClass::ClosedHat, 32);
        assert_hit(&hiphop, 490, DrumClass::Snare, 124);
        // The last hit (tick 44067, step 367) is in bar 23.
        assert_eq!(hiphop.steps.len(), 23 * 16);

        let six_eight = read_drums_file(&fixture("drummer6-session1-4_rock_80_beat_6-8.mid"))
            .unwrap()
            .sequence;
        assert!((six_eight.tempo_bpm - 80.0).abs() < 1e-9);
        assert_eq!(six_eight.steps_per_bar, 12);
        assert_hit(&six_eight, 0, DrumClass::Ride, 66);
        assert_hit(&six_eight, 141, DrumClass::Snare, 127);
        assert_hit(&six_eight, 376, DrumClass::Kick, 69);
        // The last hit (tick 33127, step 276) is in bar 24 of 12 steps.
        assert_eq!(six_eight.steps.len(), 24 * 12);

        let fill =
            read_drums_file(&fixture("drummer1-session1-133_funk-fast_125_fill_4-4.mid")).unwrap();
        assert!(fill.kit.not_kit.is_empty());
        assert!((fill.sequence.tempo_bpm - 125.0).abs() < 1e-3);
        // Side stick (37) is a snare; two hits on one tick share a step.
        assert_hit(&fill.sequence, 20, DrumClass::Snare, 87);
        assert_hit(&fill.sequence, 20, DrumClass::MidTom, 99);
        assert_hit(&fill.sequence, 966, DrumClass::LowTom, 127);
        assert_hit(&fill.sequence, 1552, DrumClass::Kick, 86);
        let struck: Vec<usize> = (0..fill.sequence.steps.len())
            .filter(|&i| !fill.sequence.steps[i].event().is_rest())
            .collect();
        assert_eq!(struck, [0, 2, 4, 6, 8, 9, 10, 11, 12, 13]);
        assert_eq!(fill.sequence.steps.len(), 16);
    }
}
