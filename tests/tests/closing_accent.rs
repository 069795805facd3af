//! A call that closes on the next downbeat, as drummers end a phrase: the downbeat is the call's
//! last event, the answer starts where it would after a two-bar call, and it opens full.

use antiphon_host_tests::answers::{answer_notes, grid_samples};
use antiphon_host_tests::calls::{ANSWER_CHANNEL, CALL_CHANNEL, RATE, answering_host, run};
use antiphon_host_tests::phrases::{ROCK_BEAT_100, play_steps, sequence};
use antiphon_host_tests::{Render, Scenario, TimedOutput, Timeline};

const TEMPO_BPM: f64 = 200.0;

/// Bars 1–2 of the GMD beat and the downbeat of its bar 3 (its hits up to half a 16th either
/// side of the bar line), played from bar 1.
fn session(render: Render) -> Scenario {
    let timeline = Timeline::playing(RATE, 0.0, TEMPO_BPM);
    let end = timeline.sample_of_bar(7).unwrap();
    let mut scenario = Scenario::new(timeline.clone(), 256, end).rendered(render);
    scenario.inputs = play_steps(ROCK_BEAT_100, 33, &timeline, 4.0, CALL_CHANNEL);
    scenario
}

fn play(render: Render) -> Vec<TimedOutput> {
    let mut host = answering_host(&[("Max Call Bars", "8")], render);
    run(&mut host, &session(render))
}

#[test]
fn a_call_closed_on_the_downbeat_is_answered_after_its_bar_with_a_full_first_bar() {
    let beat = sequence(ROCK_BEAT_100);
    assert!(
        !beat.steps[32].event().is_rest(),
        "the fixture strikes bar 3's downbeat"
    );

    let timeline = Timeline::playing(RATE, 0.0, TEMPO_BPM);
    let bounce = play(Render::Offline);
    let pairs = answer_notes(&bounce, ANSWER_CHANNEL);
    // Call: bars 1–2 and bar 3's downbeat; bar 3 closes it. A two-bar answer on bars 4–5.
    let grid = grid_samples(&timeline, 4, 2);
    assert!(
        pairs.iter().all(|p| grid.contains(&p.on_sample)),
        "every note on bars 4–5's 16th grid: {pairs:?}"
    );
    let bar_5 = timeline.sample_of_bar(5).unwrap();
    let first_bar = pairs.iter().filter(|p| p.on_sample < bar_5).count();
    assert!(first_bar > 2, "the answer opens with {first_bar} hits");

    let live = play(Render::Paced);
    assert_eq!(live, bounce, "heard live as bounced");
}
