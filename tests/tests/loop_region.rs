//! A call played in a looped region of the song, as a clip repeats in a DAW: every pass is
//! answered, and a bounce (offline render) holds exactly what was heard live.

use antiphon_host_tests::answers::answer_notes;
use antiphon_host_tests::calls::{ANSWER_CHANNEL, CALL_CHANNEL, RATE, answering_host, run};
use antiphon_host_tests::phrases::{ROCK_BEAT, play_bars};
use antiphon_host_tests::{Render, Scenario, TimedInput, TimedOutput, Timeline};

const TEMPO_BPM: f64 = 200.0;
const LOOP_BARS: u64 = 4;
const PASSES: u64 = 3;
/// One bar of 4/4 at 200 BPM.
const BAR_SAMPLES: u64 = 57_600;
const LOOP_SAMPLES: u64 = LOOP_BARS * BAR_SAMPLES;

/// Bars 0–3 looped three times; each pass the clip plays a two-bar GMD call in bars 0–1.
fn looped_session(render: Render) -> Scenario {
    let mut timeline = Timeline::playing(RATE, 0.0, TEMPO_BPM);
    for pass in 1..PASSES {
        timeline = timeline.jump_at(pass * LOOP_SAMPLES, 0.0);
    }
    let once = play_bars(
        ROCK_BEAT,
        2,
        &Timeline::playing(RATE, 0.0, TEMPO_BPM),
        0.0,
        CALL_CHANNEL,
    );
    let mut scenario = Scenario::new(timeline, 256, PASSES * LOOP_SAMPLES).rendered(render);
    scenario.inputs = (0..PASSES)
        .flat_map(|pass| {
            once.iter().map(move |input| TimedInput {
                sample: input.sample + pass * LOOP_SAMPLES,
                input: input.input,
            })
        })
        .collect();
    scenario
}

fn play(render: Render) -> Vec<TimedOutput> {
    let mut host = answering_host(&[("Seed", "7")], render);
    run(&mut host, &looped_session(render))
}

#[test]
fn a_bounce_answers_every_pass_of_a_loop_exactly_as_heard_live() {
    let live = play(Render::Paced);
    let pairs = answer_notes(&live, ANSWER_CHANNEL);
    // The call fills bars 0–1, bar 2 is silent, the answer starts on bar 3 of every pass and is
    // cut by the loop's wrap.
    for pass in 0..PASSES {
        let pass_start = pass * LOOP_SAMPLES;
        let first = pairs
            .iter()
            .filter(|p| (pass_start..pass_start + LOOP_SAMPLES).contains(&p.on_sample))
            .map(|p| p.on_sample - pass_start)
            .min();
        assert_eq!(
            first,
            Some(3 * BAR_SAMPLES),
            "pass {pass} is answered on bar 3"
        );
    }
    let bounce = play(Render::Offline);
    assert_eq!(bounce, live, "the bounce holds what was heard live");
}
