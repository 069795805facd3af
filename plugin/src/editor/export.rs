//! "Export as MIDI": a phrase from the lanes written as a Standard MIDI File the player can drag
//! into the arrangement, in the family it was played in: drum hits, or a melody whose notes last
//! as long as they sounded, where they sounded. No drawing here.

use std::io;
use std::path::{Path, PathBuf};

use antiphon_engine::families::{Family, TakeStep};
use antiphon_engine::midly::num::{u4, u7};
use antiphon_engine::performance::Performance;

use super::session::Take;

/// Channel 1, where a melodic call is written (channel 10 would play it as drums).
pub const MELODY_CHANNEL: u4 = u4::new(0);
/// Numbered files per kind before export gives up looking for a free name.
const MAX_FILES: u32 = 10_000;

/// The channel a call of `family` is written on: the family's own (drums on channel 10), or
/// channel 1.
pub fn call_channel(family: Family) -> u4 {
    family.fixed_channel().unwrap_or(MELODY_CHANNEL)
}

/// `take` as a performance starting on its span's first step (a bar line), as long as the span:
/// each step as the player played it (a call's velocities, and a drum call's timing), a step
/// played on the grid at `velocity`, pitches in the register they sounded in.
pub fn performance(take: &Take, steps_per_bar: u32, tempo_bpm: f64, velocity: u7) -> Performance {
    let steps: Vec<TakeStep> = take
        .steps
        .iter()
        .filter_map(|&(step, lane_step)| {
            Some(TakeStep {
                index: usize::try_from(step - take.span.start).ok()?,
                events: lane_step.events,
                feel: lane_step.feel,
                transpose_semitones: lane_step.voicing.transpose_semitones,
            })
        })
        .collect();
    take.family.take(
        &steps,
        take.span.len_steps(),
        steps_per_bar,
        tempo_bpm,
        velocity,
        take.voicing().transpose_semitones,
    )
}

/// `take` as a Standard MIDI File on `channel` (see [`performance`]).
pub fn midi_bytes(
    take: &Take,
    steps_per_bar: u32,
    tempo_bpm: f64,
    velocity: u7,
    channel: u4,
) -> Vec<u8> {
    performance(take, steps_per_bar, tempo_bpm, velocity).midi(channel)
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

/// Writes `bytes` (a MIDI file) to the first free `antiphon-{kind}-NNN.mid` in `folder` and
/// returns its path. Never overwrites a file.
pub fn write(folder: &Path, kind: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    for number in 1..=MAX_FILES {
        let path = folder.join(format!("antiphon-{kind}-{number:03}.mid"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                io::Write::write_all(&mut file, bytes)?;
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
    use antiphon_engine::families::drums::encoding::{DrumClass, DrumEvent};
    use antiphon_engine::families::drums::read::read_drums;
    use antiphon_engine::families::drums::sequence::{DrumSequence, DrumStep};
    use antiphon_engine::families::melody::encoding::MelodyEvent;
    use antiphon_engine::families::melody::read::read_melody;
    use antiphon_engine::hit::Hit;
    use antiphon_engine::live::feed::{Answered, PlayEvent};
    use antiphon_engine::live::feel::StepFeel;
    use antiphon_engine::live::voicing::Voicing;
    use antiphon_engine::midly::{MidiMessage, Smf, TrackEventKind};
    use antiphon_engine::phrase::{StepSpan, TurnState};

    use super::*;
    use crate::editor::lane_notes::LaneStep;
    use antiphon_engine::encoding::StepEvents;

    /// The General MIDI drum channel (channel 10), where a drum call is written.
    const DRUM_CHANNEL: u4 = u4::new(9);
    use crate::editor::session::Session;
    use crate::editor::test_feed::{VOICING, melodic_call_and_answer, on, played};

    fn drum_sequence(
        take: &Take,
        steps_per_bar: u32,
        tempo_bpm: f64,
        velocity: u7,
    ) -> DrumSequence {
        let performance = performance(take, steps_per_bar, tempo_bpm, velocity);
        performance
            .sequence::<DrumSequence>()
            .expect("a drum take is a drum sequence")
            .clone()
    }

    fn drum_take() -> Take {
        let kick = DrumEvent::REST.with(DrumClass::Kick);
        let snare_and_hat = DrumEvent::REST
            .with(DrumClass::Snare)
            .with(DrumClass::ClosedHat);
        let step = |event: DrumEvent| LaneStep {
            events: StepEvents::one(event.id()),
            voicing: Voicing::default(),
            feel: None,
        };
        Take {
            span: StepSpan::new(48, 80),
            family: Family::DRUMS,
            steps: vec![
                (48, step(kick)),
                (52, step(snare_and_hat)),
                (79, step(kick)),
            ],
        }
    }

    #[test]
    fn a_drum_take_becomes_a_sequence_from_its_first_step() {
        let sequence = drum_sequence(&drum_take(), 16, 97.0, u7::new(90));
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

    /// Two bars of a real drummer as the editor hears of them — heard in a call (steps 0–31),
    /// or played in an answer (steps 32–63) — exported and read back hit for hit.
    fn assert_written_as_played(answer: bool) {
        let file = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/groove/drummer3-session1-12_rock_120_beat_4-4.mid"
        );
        let drummer = read_drums(&std::fs::read(file).unwrap()).unwrap().sequence;
        let (call, response) = (StepSpan::new(0, 32), StepSpan::new(32, 64));
        let mut session = Session::new();
        session.play_event(PlayEvent::Turn(TurnState::Listening { start: 0 }));
        let first = if answer { response.start } else { call.start };
        let report = |step, played: &DrumStep| {
            let (events, voicing) = (StepEvents::one(played.event().id()), Voicing::default());
            if answer {
                let feel = Some(StepFeel::Hits(*played));
                PlayEvent::Played {
                    step,
                    events,
                    voicing,
                    feel,
                }
            } else {
                let feel = StepFeel::Hits(*played);
                PlayEvent::Heard {
                    step,
                    events,
                    feel,
                    voicing,
                }
            }
        };
        // The call ends and the model answers: before the answer's steps play, after the call's.
        let call_answered = |session: &mut Session| {
            session.play_event(PlayEvent::Turn(TurnState::Idle));
            session.answered(Answered {
                id: 1,
                call: Some(call),
                call_log_likelihood: -40.0,
                response,
                log_likelihood: -40.0,
            });
        };
        if answer {
            call_answered(&mut session);
            session.play_event(PlayEvent::Turn(TurnState::Responding { span: response }));
        }
        for (step, played) in (first..).zip(&drummer.steps[..32]) {
            if !played.event().is_rest() {
                session.play_event(report(step, played));
            }
        }
        if !answer {
            call_answered(&mut session);
        }
        let take = if answer {
            session.last_response()
        } else {
            session.last_call()
        };
        let bytes = midi_bytes(&take.unwrap(), 16, 120.0, u7::new(64), DRUM_CHANNEL);
        let written = read_drums(&bytes).unwrap().sequence;
        let hits = |steps: &[DrumStep]| -> Vec<(usize, usize, Hit)> {
            (0..steps.len())
                .flat_map(|step| {
                    let hits = steps[step].hits;
                    (0..hits.len()).filter_map(move |class| Some((step, class, hits[class]?)))
                })
                .collect()
        };
        let (played, written) = (hits(&drummer.steps[..32]), hits(&written.steps[..32]));
        assert!(played.len() > 20, "a real call: {}", played.len());
        assert_eq!(played.len(), written.len());
        let mut velocities = std::collections::BTreeSet::new();
        for (&(step, class, hit), &(written_step, written_class, written_hit)) in
            played.iter().zip(&written)
        {
            assert_eq!((written_step, written_class), (step, class));
            assert_eq!(written_hit.velocity, hit.velocity, "step {step}");
            // Within the file's resolution (480 ticks a quarter: 1/120 of a step).
            let off = (written_hit.offset_steps - hit.offset_steps).abs();
            assert!(
                off <= 0.5 / 120.0 + 1e-6,
                "step {step}: {written_hit:?} {hit:?}"
            );
            velocities.insert(hit.velocity.as_int());
        }
        assert!(
            velocities.len() > 5,
            "as played, not at one velocity: {velocities:?}"
        );
        assert!(
            played
                .iter()
                .any(|(_, _, hit)| hit.offset_steps.abs() > 0.05)
        );
    }

    #[test]
    fn a_drum_call_is_written_as_it_was_played() {
        assert_written_as_played(false);
    }

    #[test]
    fn a_drum_answer_is_written_as_it_was_played() {
        assert_written_as_played(true);
    }

    #[test]
    fn written_files_read_back_and_never_overwrite() {
        let folder = std::env::temp_dir().join(format!("antiphon-export-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        let bytes = midi_bytes(&drum_take(), 16, 120.0, u7::new(100), DRUM_CHANNEL);
        let first = write(&folder, "response", &bytes).unwrap();
        let second = write(&folder, "response", &bytes).unwrap();
        assert_eq!(first.file_name().unwrap(), "antiphon-response-001.mid");
        assert_eq!(second.file_name().unwrap(), "antiphon-response-002.mid");
        let read = read_drums(&std::fs::read(&first).unwrap())
            .unwrap()
            .sequence;
        assert_eq!(read.tempo_bpm.round(), 120.0);
        let sequence = drum_sequence(&drum_take(), 16, 120.0, u7::new(100));
        assert_eq!(
            read.events().take(32).collect::<Vec<_>>(),
            sequence.events().collect::<Vec<_>>()
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }

    /// The notes of a written melody as (start step, length in steps, key as sounded, velocity).
    fn written_notes(bytes: &[u8]) -> Vec<(usize, usize, i16, u8)> {
        let read = read_melody(bytes).unwrap();
        assert_eq!(read.dropped_notes, 0);
        let shift = i16::from(read.sequence.octave_shift_semitones);
        read.sequence
            .notes()
            .map(|note| {
                let span = note.span;
                let key = i16::from(span.pitch.midi()) - shift;
                (span.start_step, span.len_steps, key, note.velocity.as_int())
            })
            .collect()
    }

    #[test]
    fn a_melodic_take_is_written_with_its_notes_lengths_and_register() {
        let mut session = Session::new();
        melodic_call_and_answer(&mut session);
        for step in 28..32 {
            played(&mut session, step, MelodyEvent::NoEvent);
        }
        let response = session.last_response().unwrap();
        let bytes = midi_bytes(&response, 16, 110.0, u7::new(96), u4::new(2));
        // D5 a quarter, F5 an eighth, an eighth's rest, A5 held to the end of the window.
        assert_eq!(
            written_notes(&bytes),
            [(0, 4, 74, 96), (4, 2, 77, 96), (8, 8, 81, 96)]
        );
        let smf = Smf::parse(&bytes).unwrap();
        let channels: Vec<u8> = smf.tracks[0]
            .iter()
            .filter_map(|event| match event.kind {
                TrackEventKind::Midi {
                    channel,
                    message: MidiMessage::NoteOn { .. },
                } => Some(channel.as_int()),
                _ => None,
            })
            .collect();
        assert_eq!(channels, [2, 2, 2]);

        // The call, at its velocity as played, on channel 1.
        let call = session.last_call().unwrap();
        let velocity = call.voicing().velocity;
        assert_eq!(velocity, VOICING.velocity);
        let bytes = midi_bytes(&call, 16, 110.0, velocity, call_channel(call.family));
        assert_eq!(
            written_notes(&bytes),
            [(0, 4, 72, 70), (4, 2, 76, 70), (8, 5, 79, 70)]
        );
        assert_eq!(
            read_melody(&bytes).unwrap().sequence.tempo_bpm.round(),
            110.0
        );
    }

    #[test]
    fn a_step_voiced_in_another_register_is_moved_into_the_takes() {
        let step = |event: MelodyEvent, transpose_semitones| LaneStep {
            events: StepEvents::one(event.id()),
            voicing: Voicing {
                transpose_semitones,
                ..VOICING
            },
            feel: None,
        };
        let take = Take {
            span: StepSpan::new(0, 16),
            family: Family::MELODY,
            steps: vec![(0, step(on(60), 0)), (4, step(on(60), -12))],
        };
        let bytes = midi_bytes(&take, 16, 120.0, u7::new(80), MELODY_CHANNEL);
        // Each note where it sounded: C4, then C3.
        assert_eq!(written_notes(&bytes), [(0, 4, 60, 80), (4, 12, 48, 80)]);
    }

    #[test]
    fn an_unwritable_folder_says_which_file() {
        let missing = std::env::temp_dir().join("antiphon-no-such-folder/deeper");
        let bytes = midi_bytes(&drum_take(), 16, 120.0, u7::new(100), DRUM_CHANNEL);
        let error = write(&missing, "call", &bytes).unwrap_err();
        assert!(
            error.to_string().contains("antiphon-call-001.mid"),
            "{error}"
        );
    }
}
