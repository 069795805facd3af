//! The standalone Antiphon with no DAW: it saves its settings to a state file on Ctrl-C; then
//! Debian's `jackd` runs with its dummy driver, the debug standalone the tests build joins
//! it with those settings changed, and a JACK client plays a real call (a GMD beat; a Bach
//! chorale to the chords model) into its MIDI input and records its MIDI output against the JACK
//! transport.

use std::path::Path;
use std::sync::Mutex;

use antiphon_host_tests::answers::{answer_notes, assert_answer_in_bars, grid_samples};
use antiphon_host_tests::bundle::standalone_binary;
use antiphon_host_tests::chorales::{CHRIST_IST_ERSTANDEN, play_chorale};
use antiphon_host_tests::jack_session::{FramedMidi, JackSession, RATE, Recording};
use antiphon_host_tests::phrases::{ROCK_BEAT, play_bars};
use antiphon_host_tests::standalone::saved_state;
use antiphon_host_tests::{
    Input, NotePair, Output, TimedInput, TimedOutput, Timeline, paired_notes,
};

/// The player's channel (channel 1).
const CALL_CHANNEL: u8 = 0;
/// The answer's channel: Out Channel 11, from the state file.
const ANSWER_CHANNEL: u8 = 10;
const TEMPO_BPM: f64 = 180.0;
/// Takes played at most when JACK reports xruns.
const TAKES: u32 = 3;

/// One JACK session at a time: two at once would compete for the machine and lose periods.
static JACK: Mutex<()> = Mutex::new(());

#[test]
fn a_real_call_through_jack_is_answered_on_the_bar_line_of_the_jack_transport() {
    let timeline = Timeline::playing(f64::from(RATE), 0.0, TEMPO_BPM);
    // Two bars of a real drummer from bar 1 (bar 0 lets everything settle): with Max Call Bars 2
    // the call ends on bar 3's line and is answered over bars 3–4.
    let played = play_bars(ROCK_BEAT, 2, &timeline, timeline.bar_ppq(), CALL_CHANNEL);
    let answer = answer_through_jack("drums", &played, &timeline, |_| {});
    assert_answer_in_bars(&answer, &timeline, 3, 2);
}

#[test]
fn a_chorale_through_jack_is_answered_in_chords_on_the_bar_line() {
    let timeline = Timeline::playing(f64::from(RATE), 0.0, TEMPO_BPM);
    let played = play_chorale(
        CHRIST_IST_ERSTANDEN,
        32,
        &timeline,
        timeline.bar_ppq(),
        CALL_CHANNEL,
    );
    // Model slot 2, the shipped chords model.
    let answer = answer_through_jack("chords", &played, &timeline, |params| {
        params["model"]["i32"] = 2.into();
    });
    assert_answer_in_bars(&answer, &timeline, 3, 2);
    let grid = grid_samples(&timeline, 3, 2);
    let chords = grid
        .iter()
        .filter(|&&line| {
            let sounding = answer
                .iter()
                .filter(|p| p.on_sample <= line && line < p.off_sample);
            sounding.count() >= 3
        })
        .count();
    assert!(
        2 * chords > grid.len(),
        "{chords} of {} steps sound three notes or more: {answer:?}",
        grid.len()
    );
}

/// Plays `played` into the standalone through JACK with its saved state changed to two-bar
/// calls and answers on channel 11, on the grid, Seed 7, and then as `change` says; checks that
/// the call passes through sample for sample and returns the answer's notes.
fn answer_through_jack(
    name: &str,
    played: &[TimedInput],
    timeline: &Timeline,
    change: impl FnOnce(&mut serde_json::Value),
) -> Vec<NotePair> {
    let _one_at_a_time = JACK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let standalone = standalone_binary();
    let state_file = std::env::temp_dir().join(format!(
        "antiphon-standalone-state-{name}-{}.json",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&state_file);
    // A first run saves the defaults; the second loads them changed: two-bar calls and answers,
    // on channel 11, on the grid (Groove 0 %: the test checks where the answer's steps fall),
    // Seed 7.
    let mut state = saved_state(standalone, &state_file);
    assert_eq!(state["params"]["max_call_bars"]["i32"], 4, "{state}");
    assert_eq!(state["params"]["phrase_bars"]["i32"], 0, "{state}");
    let params = &mut state["params"];
    params["max_call_bars"]["i32"] = 2.into();
    params["phrase_bars"]["i32"] = 2.into();
    params["out_channel"]["i32"] = 11.into();
    assert_eq!(params["groove"]["f32"], 1.0, "{params}");
    params["groove"]["f32"] = 0.0.into();
    // A reproducible take: whether its first step sounds never depends on the clock.
    assert_eq!(params["seed"]["i32"], 0, "{params}");
    params["seed"]["i32"] = 7.into();
    change(params);
    std::fs::write(&state_file, state.to_string()).unwrap();
    let mut call: Vec<FramedMidi> = played
        .iter()
        .map(|input| FramedMidi {
            frame: input.sample,
            bytes: match input.input {
                Input::NoteOn {
                    channel,
                    key,
                    velocity,
                } => [0x90 | channel, key, (velocity * 127.0).round() as u8],
                Input::NoteOff { channel, key } => [0x80 | channel, key, 0],
                other => panic!("a call is notes: {other:?}"),
            },
        })
        .collect();
    // JACK takes a period's messages in time order; at one frame a release before a strike.
    call.sort_by_key(|m| (m.frame, m.bytes[0] & 0xf0 == 0x90));
    let end = timeline.sample_of_bar(5).expect("bar 5 is played");
    // An xrun (a client late for its period on a busy machine) can lose that period's messages:
    // such a take says nothing about Antiphon, so it is played again (the last take counts).
    let mut take = 1;
    let recording = loop {
        let recording = play_through_jack(name, standalone, &state_file, &call, end + 4_000);
        eprintln!(
            "take {take}: {} xruns while the transport rolled",
            recording.xruns
        );
        if recording.xruns == 0 || take == TAKES {
            break recording;
        }
        take += 1;
    };
    let Recording {
        messages: recorded,
        xruns,
    } = recording;
    let _ = std::fs::remove_file(&state_file);

    let outputs: Vec<TimedOutput> = recorded
        .iter()
        .filter_map(|message| {
            let [status, key, velocity] = message.bytes;
            let channel = status & 0x0f;
            let output = match status & 0xf0 {
                0x90 if velocity > 0 => Output::NoteOn {
                    channel,
                    key,
                    velocity: f64::from(velocity) / 127.0,
                },
                0x80 | 0x90 => Output::NoteOff { channel, key },
                _ => return None,
            };
            Some(TimedOutput {
                sample: message.frame,
                output,
            })
        })
        .collect();
    let pairs =
        paired_notes(&outputs).unwrap_or_else(|e| panic!("{e} ({xruns} xruns in take {take})"));
    // Passthrough (on by default): the player's notes come back at the frames they were played
    // (pairs close in the order their notes end: a chord's notes overlap).
    let mut echoed: Vec<u64> = pairs
        .iter()
        .filter(|p| p.channel == CALL_CHANNEL)
        .map(|p| p.on_sample)
        .collect();
    echoed.sort_unstable();
    let sent: Vec<u64> = call
        .iter()
        .filter(|m| m.bytes[0] & 0xf0 == 0x90)
        .map(|m| m.frame)
        .collect();
    assert_eq!(echoed, sent, "the call passes through sample for sample");
    let answer: Vec<TimedOutput> = outputs
        .iter()
        .copied()
        .filter(|o| o.note_on().or(o.note_off()).map(|(c, _)| c) == Some(ANSWER_CHANNEL))
        .collect();
    answer_notes(&answer, ANSWER_CHANNEL)
}

/// One JACK session: `jackd`, the standalone with `state_file`, and `call` played from frame 0,
/// recorded until the transport passes `until`.
fn play_through_jack(
    name: &str,
    standalone: &Path,
    state_file: &Path,
    call: &[FramedMidi],
    until: u64,
) -> Recording {
    let server = format!("antiphon-test-{name}-{}", std::process::id());
    let mut session = JackSession::start(
        &server,
        standalone,
        &[
            "--tempo",
            "180",
            "--timesig-num",
            "4",
            "--timesig-denom",
            "4",
            "--state",
            state_file.to_str().unwrap(),
        ],
        call.to_vec(),
    );
    session.record_until(until)
}
