//! `antiphon jam` as a user runs it: two models take turns phrase by phrase, each on its own
//! track, and the same seed plays the same jam.

mod support;

use std::path::Path;

use antiphon_engine::families::drums::read::read_drums_file;
use antiphon_engine::midly::{Format, MetaMessage, MidiMessage, Smf, TrackEventKind};
use support::{Run, Scratch, antiphon, fixtures, text};

/// Ticks per 16th step of the files the tool writes.
const TICKS_PER_STEP: u64 = 120;

/// A played note of one track: where it starts and ends, its key and channel.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Note {
    on: u64,
    off: u64,
    key: u8,
    channel: u8,
}

/// A track's name and notes; panics on a note-on that is never closed.
fn track_notes(track: &[antiphon_engine::midly::TrackEvent<'_>]) -> (String, Vec<Note>) {
    let mut name = String::new();
    let mut open: Vec<(u8, u8, u64)> = Vec::new();
    let mut notes = Vec::new();
    let mut tick = 0u64;
    for event in track {
        tick += u64::from(event.delta.as_int());
        match event.kind {
            TrackEventKind::Meta(MetaMessage::TrackName(bytes)) => {
                name = String::from_utf8_lossy(bytes).into_owned();
            }
            TrackEventKind::Midi { channel, message } => {
                let channel = channel.as_int();
                match message {
                    MidiMessage::NoteOn { key, vel } if vel.as_int() > 0 => {
                        open.push((channel, key.as_int(), tick));
                    }
                    MidiMessage::NoteOn { key, .. } | MidiMessage::NoteOff { key, .. } => {
                        let key = key.as_int();
                        let at = open
                            .iter()
                            .position(|&(c, k, _)| (c, k) == (channel, key))
                            .unwrap_or_else(|| panic!("a note-off of {key} that nothing opened"));
                        let (_, _, on) = open.remove(at);
                        notes.push(Note {
                            on,
                            off: tick,
                            key,
                            channel,
                        });
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert!(
        open.is_empty(),
        "track {name}: notes never closed: {open:?}"
    );
    (name, notes)
}

/// Runs a jam in `scratch`, writing `out`.
fn jam(scratch: &Scratch, out: &str, args: &[&str]) -> Run {
    let mut all = vec!["jam", "--out", out];
    all.extend_from_slice(args);
    let run = antiphon(&scratch.0, &all);
    assert_eq!(run.code, Some(0), "{}", run.show());
    run
}

/// Checks a jam file: a meter track, the call's track if there was one, then A's and B's; A
/// plays phrases 1, 3, … and B phrases 2, 4, … of `phrase_steps` each from `start_step`, every
/// note inside its own phrase, on its channel. Returns A's and B's note counts.
fn check_turns(
    path: &Path,
    has_call: bool,
    start_step: u64,
    phrase_steps: u64,
    channels: [u8; 2],
) -> [usize; 2] {
    let bytes = std::fs::read(path).unwrap();
    let smf = Smf::parse(&bytes).unwrap();
    assert_eq!(smf.header.format, Format::Parallel);
    let tracks: Vec<(String, Vec<Note>)> = smf.tracks[1..].iter().map(|t| track_notes(t)).collect();
    let voices = if has_call {
        assert_eq!(tracks.len(), 3);
        assert_eq!(tracks[0].0, "call");
        assert!(!tracks[0].1.is_empty());
        assert!(
            tracks[0]
                .1
                .iter()
                .all(|n| n.on < start_step * TICKS_PER_STEP),
            "the call plays before the jam"
        );
        &tracks[1..]
    } else {
        assert_eq!(tracks.len(), 2);
        &tracks[..]
    };
    let mut counts = [0; 2];
    for (voice, (name, notes)) in voices.iter().enumerate() {
        assert!(name.starts_with(["A: ", "B: "][voice]), "track {name}");
        for note in notes {
            assert_eq!(note.channel, channels[voice], "{name}: {note:?}");
            let step = note.on / TICKS_PER_STEP;
            assert!(step >= start_step, "{name}: {note:?} before the jam");
            let phrase = (step - start_step) / phrase_steps;
            assert_eq!(
                phrase % 2,
                voice as u64,
                "{name}: {note:?} in the other model's turn (phrase {})",
                phrase + 1
            );
            let phrase_end = (start_step + (phrase + 1) * phrase_steps) * TICKS_PER_STEP;
            assert!(note.off <= phrase_end, "{name}: {note:?} outlasts its turn");
        }
        counts[voice] = notes.len();
    }
    counts
}

/// The phrase lines of a run: `(voice, log-likelihood per step)`.
fn phrases(run: &Run) -> Vec<(String, f64)> {
    run.stdout
        .lines()
        .filter(|line| line.starts_with("phrase: "))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let after = |key: &str| {
                let at = words.iter().position(|w| *w == key).unwrap();
                words[at + 1]
            };
            (
                after("voice:").to_owned(),
                after("per_step:").parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn two_drum_models_answer_a_real_call_in_turns_and_a_seed_replays_the_jam() {
    let scratch = Scratch::new("jam-drums");
    let call = fixtures().join("drummer3-session1-12_rock_120_beat_4-4.mid");
    let read = read_drums_file(&call).unwrap().sequence;
    let steps_per_bar = u64::from(read.steps_per_bar);
    let call_steps = (read.steps.len() as u64).div_ceil(steps_per_bar) * steps_per_bar;
    let args = |seed: &'static str| {
        [
            "--call",
            text(&call),
            "--bars",
            "6",
            "--phrase-bars",
            "2",
            "--seed",
            seed,
        ]
    };
    let call_arg = args("7");
    let first = jam(&scratch, "first.mid", &call_arg);
    let again = jam(&scratch, "again.mid", &call_arg);
    let other = jam(&scratch, "other.mid", &args("8"));

    let played = phrases(&first);
    let voices: Vec<&str> = played.iter().map(|(voice, _)| voice.as_str()).collect();
    assert_eq!(voices, ["A", "B", "A"], "{}", first.show());
    assert!(
        played.iter().all(|&(_, ll)| ll < 0.0 && ll > -10.0),
        "{}",
        first.show()
    );
    assert_eq!(played, phrases(&again));
    assert_ne!(played, phrases(&other));

    let counts = check_turns(
        &scratch.join("first.mid"),
        true,
        call_steps,
        2 * steps_per_bar,
        [9, 9],
    );
    assert!(
        counts.iter().all(|&n| n > 0),
        "both models play: {counts:?}"
    );
    let bytes = |name| std::fs::read(scratch.join(name)).unwrap();
    assert_eq!(bytes("first.mid"), bytes("again.mid"));
    assert_ne!(bytes("first.mid"), bytes("other.mid"));
    check_turns(
        &scratch.join("other.mid"),
        true,
        call_steps,
        2 * steps_per_bar,
        [9, 9],
    );
}

#[test]
fn two_melody_models_open_without_a_call_on_their_own_channels() {
    let scratch = Scratch::new("jam-melody");
    let run = jam(
        &scratch,
        "melody.mid",
        &[
            "--a",
            "melody",
            "--b",
            "melody",
            "--bars",
            "5",
            "--phrase-bars",
            "1",
            "--seed",
            "2",
        ],
    );
    let voices: Vec<String> = phrases(&run).into_iter().map(|(voice, _)| voice).collect();
    assert_eq!(voices, ["A", "B", "A", "B", "A"], "{}", run.show());
    let counts = check_turns(&scratch.join("melody.mid"), false, 0, 16, [1, 2]);
    assert!(
        counts.iter().all(|&n| n > 0),
        "both models play: {counts:?}"
    );
}

#[test]
fn models_of_two_families_are_refused_in_one_line() {
    let scratch = Scratch::new("jam-families");
    let run = antiphon(
        &scratch.0,
        &[
            "jam", "--a", "drums", "--b", "melody", "--bars", "2", "--out", "x.mid",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.show());
    assert!(
        run.stderr.contains("a jam needs two models of one family"),
        "{}",
        run.show()
    );
    assert!(!scratch.join("x.mid").exists());
}
