//! Antiphon's VST3 in a real DAW, Ardour 7.3 headless: one session, built and saved by one
//! `ardour7-lua` process and reloaded, played (in real time) and recorded by another, with four
//! tracks that each play a call through their own Antiphon, set up by the host:
//!
//! - `drums-grid`, `drums-felt`: a real Groove MIDI Dataset call (`assets/demo-call.mid`, the first
//!   two bars of a GMD rock beat) answered on the next bar line, at Groove 0 % and 100 %;
//! - `melody`: the melody model chosen in Model, answering the first two bars of a jig;
//! - `swap`: Model automated from the drums to the melody model between a drum call and a jig.
//!
//! The tempo map is 4/4, then 6/8 (the jig's meter) from bar 6; bars count from 0 at position 0.
//! The meter changes 24 quarters in, a bar line of both meters counted from position 0: Ardour
//! 7.3 tells a VST3 no usable bar start (`barPositionMusic` is its 1-based bar number × 4), so
//! Antiphon counts bars from position 0 in the meter it is told, which elsewhere would put its bar
//! lines off Ardour's after the change.
//! Every check is on Ardour's musical positions (ticks, 1920 a quarter), exact.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use antiphon_engine::families::drums::encoding::DrumClass;
use antiphon_host_tests::ardour::{
    AutomationPoint, Meters, Note, Outcome, Plan, SIXTEENTH_TICKS, TICKS_PER_QUARTER, Track,
    drum_call, folk_call, play_in_ardour,
};
use antiphon_host_tests::bundle::workspace_root;
use antiphon_host_tests::tunes::JIG_G_MAJOR;

/// The jig's channel (1).
const FOLK_CALL_CHANNEL: u8 = 0;
/// A 6/8 bar in 16ths.
const JIG_BAR_STEPS: usize = 12;
/// The drum calls' first bar, and the first bar after them.
const DRUM_CALL_BAR: u32 = 0;
const DRUM_ANSWER_BAR: u32 = 2;
/// Where 6/8 starts.
const JIG_METER_BAR: u32 = 6;
/// The jig's first bar (a bar after the change: Ardour tells a block the meter at its start), and
/// the first bar after it.
const JIG_CALL_BAR: u32 = 7;
const JIG_ANSWER_BAR: u32 = 9;
/// Every call and answer is two bars long.
const PHRASE_BARS: u32 = 2;
/// G major's pitch classes.
const G_MAJOR: [u8; 7] = [7, 9, 11, 0, 2, 4, 6];
/// Where `swap`'s Model steps from the drums (slot 0) to the melody model (slot 1): inside
/// bar 5, after the drum answer and three seconds before the jig.
const MODEL_SWAP_TICKS: u64 = 21 * TICKS_PER_QUARTER;

/// Parameters every track sets (Ardour's units): two-bar calls answered with two bars (the
/// defaults are 4 and "as long as the call"), reproducible takes.
const PHRASES: [(&str, f64); 3] = [("Max Call Bars", 2.0), ("Phrase Bars", 2.0), ("Seed", 7.0)];
/// The Key parameter's G (0 is Auto, then C = 1 … B = 12) and the Scale parameter's Major (Off
/// is 0).
const KEY_G: (&str, f64) = ("Key", 8.0);
const SCALE_MAJOR: (&str, f64) = ("Scale", 1.0);

struct Answering {
    track: &'static str,
    /// The answer's channel: the track's Out Channel − 1.
    channel: u8,
}

const GRID: Answering = Answering {
    track: "drums-grid",
    channel: 10,
};
const FELT: Answering = Answering {
    track: "drums-felt",
    channel: 10,
};
const MELODY: Answering = Answering {
    track: "melody",
    channel: 1,
};
const SWAP: Answering = Answering {
    track: "swap",
    channel: 2,
};

fn meters() -> Meters {
    Meters::four_four().changing_at(JIG_METER_BAR, 6, 8)
}

fn drum_notes() -> Vec<Note> {
    let meters = meters();
    drum_call(
        &workspace_root().join("assets/demo-call.mid"),
        meters.bar_ticks(DRUM_CALL_BAR),
    )
}

fn jig_notes() -> Vec<Note> {
    folk_call(
        JIG_G_MAJOR,
        PHRASE_BARS as usize * JIG_BAR_STEPS,
        meters().bar_ticks(JIG_CALL_BAR),
        FOLK_CALL_CHANNEL,
    )
}

fn with(params: &[(&'static str, f64)]) -> Vec<(&'static str, f64)> {
    PHRASES.iter().chain(params).copied().collect()
}

fn plan() -> Plan {
    let out_channel = |answering: &Answering| ("Out Channel", f64::from(answering.channel + 1));
    let tracks = vec![
        Track {
            name: GRID.track,
            call: drum_notes(),
            params: with(&[out_channel(&GRID), ("Groove", 0.0)]),
            automation: vec![],
        },
        Track {
            name: FELT.track,
            call: drum_notes(),
            params: with(&[out_channel(&FELT), ("Groove", 1.0)]),
            automation: vec![],
        },
        Track {
            name: MELODY.track,
            call: jig_notes(),
            params: with(&[("Model", 1.0), out_channel(&MELODY), KEY_G, SCALE_MAJOR]),
            automation: vec![],
        },
        Track {
            name: SWAP.track,
            call: [drum_notes(), jig_notes()].concat(),
            params: with(&[out_channel(&SWAP), ("Groove", 0.0), KEY_G, SCALE_MAJOR]),
            automation: vec![
                AutomationPoint {
                    label: "Model",
                    at_ticks: 0,
                    value: 0.0,
                },
                AutomationPoint {
                    label: "Model",
                    at_ticks: MODEL_SWAP_TICKS,
                    value: 1.0,
                },
            ],
        },
    ];
    Plan {
        meters: meters(),
        tracks,
        // A quarter past the last answer's end, so its last release is recorded.
        roll_until_ticks: meters().bar_ticks(JIG_ANSWER_BAR + PHRASE_BARS) + TICKS_PER_QUARTER,
    }
}

/// The one session every test here checks: Ardour rolls in real time, so it plays once.
static SESSION: LazyLock<Result<Outcome, String>> = LazyLock::new(|| {
    std::panic::catch_unwind(|| play_in_ardour("call-and-response", &plan())).unwrap_or_else(
        |panic| {
            Err(panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic".to_owned()))
        },
    )
});

fn session() -> &'static Outcome {
    SESSION
        .as_ref()
        .unwrap_or_else(|e| panic!("the Ardour session did not play: {e}"))
}

/// What `answering`'s track sent on its answer channel, after checking that the rest of what it
/// sent is `call`, passed through (Passthrough) exactly where the region played it: the recording
/// is aligned with the session's positions.
fn answer(outcome: &Outcome, answering: &Answering, call: &[Note]) -> Vec<Note> {
    let (answer, passed): (Vec<Note>, Vec<Note>) = outcome
        .take(answering.track)
        .iter()
        .partition(|n| n.channel == answering.channel);
    let mut call = call.to_vec();
    call.sort();
    assert_eq!(
        passed, call,
        "{}: the call, passed through",
        answering.track
    );
    answer
}

/// Every note starts on a 16th of bars `first_bar..first_bar + PHRASE_BARS`, the first exactly
/// on that bar line, and ends by the end of those bars (a note Ardour closed when recording
/// stopped would end later).
fn assert_on_grid(notes: &[Note], first_bar: u32, what: &str) {
    let meters = meters();
    assert!(!notes.is_empty(), "{what}: no answer");
    let grid = meters.grid_ticks(first_bar, PHRASE_BARS);
    let end = meters.bar_ticks(first_bar + PHRASE_BARS);
    for note in notes {
        assert!(
            grid.contains(&note.on_ticks),
            "{what}: {note:?} is not on a 16th of bars {first_bar}..{}",
            first_bar + PHRASE_BARS
        );
        assert!(
            note.on_ticks < note.off_ticks && note.off_ticks <= end,
            "{what}: {note:?} does not end inside its answer (by tick {end})"
        );
    }
    assert_eq!(
        notes[0].on_ticks, grid[0],
        "{what}: the answer starts on bar {first_bar}'s line"
    );
}

/// Each note ends before (or as) the next starts.
fn assert_monophonic(notes: &[Note], what: &str) {
    for pair in notes.windows(2) {
        assert!(
            pair[0].off_ticks <= pair[1].on_ticks,
            "{what}: notes overlap: {pair:?}"
        );
    }
}

/// A melodic answer to the jig: at least four notes, one at a time, on its bars' grid, in G
/// major, within an octave of the register the jig was played in.
fn assert_jig_answer(notes: &[Note], what: &str) {
    assert!(notes.len() >= 4, "{what}: a melody answers: {notes:?}");
    assert_monophonic(notes, what);
    assert_on_grid(notes, JIG_ANSWER_BAR, what);
    let played: Vec<u8> = jig_notes().iter().map(|n| n.key).collect();
    let (low, high) = (played.iter().min().unwrap(), played.iter().max().unwrap());
    for note in notes {
        assert!(
            G_MAJOR.contains(&(note.key % 12)),
            "{what}: {} is not in G major",
            note.key
        );
        assert!(
            note.key + 12 >= *low && note.key <= high + 12,
            "{what}: {} is far from the jig's {low}–{high}",
            note.key
        );
    }
}

/// The notes as `key@step±ticks`: the 16th from bar `first_bar`'s line each is nearest, and how
/// far off that line it starts.
fn describe(notes: &[Note], first_bar: u32) -> String {
    let start = meters().bar_ticks(first_bar) as i64;
    let sixteenth = SIXTEENTH_TICKS as i64;
    let steps: Vec<String> = notes
        .iter()
        .map(|n| {
            let from = n.on_ticks as i64 - start;
            let step = (from + sixteenth / 2).div_euclid(sixteenth);
            match from - step * sixteenth {
                0 => format!("{}@{step}", n.key),
                off => format!("{}@{step}{off:+}", n.key),
            }
        })
        .collect();
    format!(
        "{} notes, key@16th from bar {first_bar}'s line (±ticks off it): {}",
        notes.len(),
        steps.join(" ")
    )
}

#[test]
fn a_real_drum_call_is_answered_on_the_next_bar_line_on_the_grid_or_with_its_feel() {
    let outcome = session();

    // Groove 0 %: every hit on a 16th of bars 2–3, the first on bar 2's line, at one velocity.
    let grid = answer(outcome, &GRID, &drum_notes());
    eprintln!("{}: {}", GRID.track, describe(&grid, DRUM_ANSWER_BAR));
    assert_on_grid(&grid, DRUM_ANSWER_BAR, GRID.track);
    let velocities: BTreeSet<u8> = grid.iter().map(|n| n.velocity).collect();
    assert_eq!(
        velocities.len(),
        1,
        "Groove 0 %: one velocity: {velocities:?}"
    );

    // Groove 100 %: the same hits (the feel never changes what is sampled), each within half a
    // 16th of its line, some off it, none before the answer's bar line, velocities of their own.
    let felt = answer(outcome, &FELT, &drum_notes());
    eprintln!("{}: {}", FELT.track, describe(&felt, DRUM_ANSWER_BAR));
    let bar_line = meters().bar_ticks(DRUM_ANSWER_BAR);
    let (mut off_grid, mut early) = (0, 0);
    for key in 0..128 {
        let of_key = |notes: &[Note]| -> Vec<Note> {
            notes.iter().filter(|n| n.key == key).copied().collect()
        };
        let (felt, grid) = (of_key(&felt), of_key(&grid));
        assert_eq!(felt.len(), grid.len(), "key {key}: {felt:?} / {grid:?}");
        for (felt, line) in felt.iter().zip(&grid) {
            assert!(
                2 * felt.on_ticks.abs_diff(line.on_ticks) <= SIXTEENTH_TICKS,
                "key {key}: {felt:?} is more than half a 16th from its line {}",
                line.on_ticks
            );
            assert!(
                felt.on_ticks >= bar_line,
                "{felt:?} starts before the answer"
            );
            off_grid += usize::from(felt.on_ticks != line.on_ticks);
            early += usize::from(felt.on_ticks < line.on_ticks);
        }
    }
    assert!(off_grid > 0, "Groove 100 %: no hit off the grid");
    let end = meters().bar_ticks(DRUM_ANSWER_BAR + PHRASE_BARS) + SIXTEENTH_TICKS;
    assert!(
        felt.iter().all(|n| n.off_ticks <= end),
        "Groove 100 %: every hit ends with its answer (a late last hit by half a 16th): {felt:?}"
    );
    let velocities: BTreeSet<u8> = felt.iter().map(|n| n.velocity).collect();
    assert!(
        velocities.len() > 5,
        "Groove 100 %: velocities {velocities:?}"
    );
    eprintln!(
        "{}: {off_grid} of {} hits off the grid, {early} early",
        FELT.track,
        felt.len()
    );
}

#[test]
fn the_melody_model_chosen_by_the_host_answers_a_jig_monophonically_on_its_bar_line() {
    let outcome = session();
    let melody = answer(outcome, &MELODY, &jig_notes());
    eprintln!("{}: {}", MELODY.track, describe(&melody, JIG_ANSWER_BAR));
    assert_jig_answer(&melody, MELODY.track);
}

#[test]
fn parameters_set_by_the_host_survive_a_save_and_reload_and_the_reloaded_session_plays_by_them() {
    let outcome = session();
    // Read back through Ardour's Lua API in the process that reloaded the session.
    for track in plan().tracks {
        for (label, value) in track.params {
            let reloaded = outcome.param(track.name, label);
            assert!(
                (reloaded - value).abs() < 1e-3,
                "{}: {label} was set to {value}, reloaded as {reloaded}",
                track.name
            );
        }
    }
    // Out Channel, Max Call Bars and Phrase Bars: each answer on its track's channel, the drum
    // answers on bar 2's line (with the default Max Call Bars, 4, the silent bar 2 would end the
    // call and the answer would start on bar 3).
    let grid = answer(outcome, &GRID, &drum_notes());
    assert_on_grid(&grid, DRUM_ANSWER_BAR, GRID.track);
    // Seed: two instances with the same seed and call sample the same hits (with Seed 0 each
    // would take a fresh take).
    let felt = answer(outcome, &FELT, &drum_notes());
    let hits = |notes: &[Note]| -> BTreeSet<(u64, u8)> {
        notes
            .iter()
            .map(|n| {
                let line = (n.on_ticks + SIXTEENTH_TICKS / 2) / SIXTEENTH_TICKS;
                (line, n.key)
            })
            .collect()
    };
    assert_eq!(hits(&grid), hits(&felt), "Seed 7 in both: the same hits");
    // Model, Key and Scale: the melody track answers with a melody in G major.
    assert_jig_answer(&answer(outcome, &MELODY, &jig_notes()), MELODY.track);
}

#[test]
fn model_automated_from_drums_to_melody_while_rolling_answers_the_next_call_with_the_melody_model()
{
    let outcome = session();
    let notes = answer(outcome, &SWAP, &[drum_notes(), jig_notes()].concat());
    let (drums, melody): (Vec<Note>, Vec<Note>) =
        notes.iter().partition(|n| n.on_ticks < MODEL_SWAP_TICKS);
    // Before the automation point: the drum model answers the drum call.
    eprintln!(
        "{} before the swap: {}",
        SWAP.track,
        describe(&drums, DRUM_ANSWER_BAR)
    );
    assert_on_grid(&drums, DRUM_ANSWER_BAR, "swap, drums");
    let drum_keys: BTreeSet<u8> = DrumClass::ALL
        .iter()
        .map(|class| class.output_pitch().as_int())
        .collect();
    assert!(
        drums.iter().all(|n| drum_keys.contains(&n.key)),
        "the drum model plays drums: {drums:?}"
    );
    // After it: the melody model answers the jig.
    eprintln!(
        "{} after the swap: {}",
        SWAP.track,
        describe(&melody, JIG_ANSWER_BAR)
    );
    assert_jig_answer(&melody, "swap, melody");
}

#[test]
fn no_event_buffer_of_the_plugin_overflows_in_ardour() {
    let outcome = session();
    let overflows: Vec<&str> = outcome
        .log
        .lines()
        .filter(|line| line.contains("buffer filled up"))
        .collect();
    assert!(
        overflows.is_empty(),
        "nice-plug's VST3 wrapper got more events in one process() call than its buffers hold \
         and allocated ({} warnings; logs in {}):\n{}",
        overflows.len(),
        outcome.folder.display(),
        overflows.join("\n")
    );
}
