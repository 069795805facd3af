//! A live take is its bounce: a host paced to the wall clock (as on stage) and an offline render
//! of the same song give the same notes at the same samples, for calls that end by Max Call
//! Bars, by a silent bar and by the End Call trigger, on the grid and with the model's feel. The
//! call starts on the song's first sample, while the model thread is still loading the model:
//! what the model hears is fixed by the music, never by how fast a thread is.

use antiphon_host_tests::answers::answer_notes;
use antiphon_host_tests::calls::{ANSWER_CHANNEL, CALL_CHANNEL, RATE, answering_host, run};
use antiphon_host_tests::phrases::{ROCK_BEAT_100, play_bars};
use antiphon_host_tests::{Render, Scenario, TimedOutput, Timeline};

/// A 4/4 bar at 120 BPM and 48 kHz.
const BAR: u64 = 96_000;
/// The End Call Trigger's note: struck by the player, swallowed by Antiphon.
const TRIGGER_KEY: u8 = 60;

/// How the call ends.
#[derive(Debug, Clone, Copy)]
enum Ending {
    /// The drummer plays on; the call is cut at two bars.
    MaxCallBars,
    /// Two bars, then a silent bar.
    Silence,
    /// The drummer plays on and strikes the trigger in the second bar.
    Trigger,
}

/// A real GMD beat (validation split) from the song's first sample, ending as `ending` says,
/// answered with two bars; the transport stops after bar 5.
fn song(ending: Ending, block: u32, render: Render) -> Scenario {
    let timeline = Timeline::playing(RATE, 0.0, 120.0).stop_at(6 * BAR);
    let played_bars = match ending {
        Ending::Silence => 2,
        Ending::MaxCallBars | Ending::Trigger => 4,
    };
    let mut scenario = Scenario::new(timeline.clone(), block, 6 * BAR + 4_096).rendered(render);
    scenario.inputs = play_bars(ROCK_BEAT_100, played_bars, &timeline, 0.0, CALL_CHANNEL);
    if let Ending::Trigger = ending {
        scenario = scenario.note(BAR + BAR / 2 + 300, CALL_CHANNEL, TRIGGER_KEY, 1.0, 2_000);
    }
    scenario
}

fn play(ending: Ending, groove: &str, block: u32, render: Render) -> Vec<TimedOutput> {
    let max_call_bars = match ending {
        Ending::MaxCallBars => "2",
        Ending::Silence | Ending::Trigger => "4",
    };
    let trigger_number = TRIGGER_KEY.to_string();
    let mut params = vec![
        ("Max Call Bars", max_call_bars),
        ("Phrase Bars", "2"),
        ("Seed", "7"),
        ("Groove", groove),
    ];
    if let Ending::Trigger = ending {
        params.push(("End Call Trigger", "Note"));
        params.push(("End Call Number", trigger_number.as_str()));
    }
    let mut host = answering_host(&params, render);
    run(&mut host, &song(ending, block, render))
}

/// The live take (paced, at `block`) equals the bounce, and the answer starts where the ending
/// puts it.
fn assert_live_is_bounce(ending: Ending, groove: &str, block: u32) {
    let bounce = play(ending, groove, 4096, Render::Offline);
    let pairs = answer_notes(&bounce, ANSWER_CHANNEL);
    let answer_bar = match ending {
        Ending::MaxCallBars | Ending::Trigger => 2,
        Ending::Silence => 3,
    };
    let first = pairs.iter().map(|pair| pair.on_sample).min();
    assert!(
        first.is_some_and(|first| first >= answer_bar * BAR && first < answer_bar * BAR + BAR / 2),
        "{ending:?}: the answer starts on bar {answer_bar}: {pairs:?}"
    );
    assert!(pairs.len() >= 8, "{ending:?}: {pairs:?}");
    let live = play(ending, groove, block, Render::Paced);
    assert_eq!(
        live, bounce,
        "{ending:?} at Groove {groove}, block {block}: the live take differs from its bounce"
    );
}

#[test]
fn a_call_cut_by_max_call_bars_is_answered_live_as_bounced_on_the_grid() {
    assert_live_is_bounce(Ending::MaxCallBars, "0%", 256);
}

#[test]
fn a_call_cut_by_max_call_bars_is_answered_live_as_bounced_with_feel() {
    assert_live_is_bounce(Ending::MaxCallBars, "100%", 512);
}

#[test]
fn a_call_ended_by_silence_is_answered_live_as_bounced_on_the_grid() {
    assert_live_is_bounce(Ending::Silence, "0%", 512);
}

#[test]
fn a_call_ended_by_silence_is_answered_live_as_bounced_with_feel() {
    assert_live_is_bounce(Ending::Silence, "100%", 256);
}

#[test]
fn a_call_ended_by_the_trigger_is_answered_live_as_bounced_on_the_grid() {
    assert_live_is_bounce(Ending::Trigger, "0%", 256);
}

#[test]
fn a_call_ended_by_the_trigger_is_answered_live_as_bounced_with_feel() {
    assert_live_is_bounce(Ending::Trigger, "100%", 512);
}
