//! The shipped drum model's feel through the built plugin: a real GMD call played in as it was
//! recorded, the answer at the velocities and offsets the model chose (Groove 100 %), the same
//! at every block size, and on the grid at one velocity with Groove at 0 %.

use std::collections::BTreeSet;

use antiphon_host_tests::answers::{assert_answer_in_bars, grid_samples};
use antiphon_host_tests::calls::{ANSWER_CHANNEL, RATE, answering_host, call_scenario, run};
use antiphon_host_tests::phrases::ROCK_BEAT;
use antiphon_host_tests::{Output, Render, TimedOutput, Timeline, paired_notes};

/// The answer's note-ons as (sample, key, MIDI velocity); every note closed, all on the answer's
/// channel.
fn struck(outputs: &[TimedOutput]) -> Vec<(u64, u8, u8)> {
    let pairs = paired_notes(outputs).unwrap_or_else(|e| panic!("{e}"));
    assert!(pairs.iter().all(|p| p.channel == ANSWER_CHANNEL));
    outputs
        .iter()
        .filter_map(|out| match out.output {
            Output::NoteOn { key, velocity, .. } => {
                Some((out.sample, key, (velocity * 127.0).round() as u8))
            }
            _ => None,
        })
        .collect()
}

/// A two-bar call of a real GMD beat answered with two bars, at Velocity 100 and `groove`.
fn answer(timeline: &Timeline, block: u32, groove: &str) -> Vec<TimedOutput> {
    let mut host = answering_host(
        &[
            ("Max Call Bars", "2"),
            ("Phrase Bars", "2"),
            ("Velocity", "100"),
            ("Groove", groove),
        ],
        Render::Offline,
    );
    run(
        &mut host,
        &call_scenario(timeline.clone(), block, 6, ROCK_BEAT),
    )
}

#[test]
fn the_answer_plays_the_models_feel_at_the_same_samples_at_every_block_size() {
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let felt = answer(&timeline, 512, "100%");
    for block in [1, 64, 4096] {
        assert_eq!(answer(&timeline, block, "100%"), felt, "block size {block}");
    }

    // Groove 0 %: on the answer's 16th grid at the Velocity parameter, as before groove.
    let on_grid = answer(&timeline, 512, "0%");
    let grid_pairs = paired_notes(&on_grid).unwrap();
    assert_answer_in_bars(&grid_pairs, &timeline, 3, 2);
    let on_grid = struck(&on_grid);
    assert!(on_grid.iter().all(|&(_, _, velocity)| velocity == 100));

    // Groove 100 %: the same hits (the feel never changes what is sampled), each within half
    // a 16th of its grid line, most off it, at velocities of their own.
    let felt = struck(&felt);
    let grid = grid_samples(&timeline, 3, 2);
    let step = grid[1] - grid[0];
    let (mut off_grid, mut early) = (0, 0);
    let mut velocities = BTreeSet::new();
    for key in 0..128 {
        let of_key = |hits: &[(u64, u8, u8)]| -> Vec<(u64, u8)> {
            hits.iter()
                .filter(|hit| hit.1 == key)
                .map(|&(at, _, velocity)| (at, velocity))
                .collect()
        };
        let (felt, on_grid) = (of_key(&felt), of_key(&on_grid));
        assert_eq!(
            felt.len(),
            on_grid.len(),
            "key {key}: {felt:?} / {on_grid:?}"
        );
        for (&(at, velocity), &(line, _)) in felt.iter().zip(&on_grid) {
            assert!(
                2 * at.abs_diff(line) <= step,
                "key {key}: {at} is more than half a 16th from its line {line}"
            );
            off_grid += usize::from(at != line);
            early += usize::from(at < line);
            velocities.insert(velocity);
        }
    }
    assert_eq!(felt.len(), on_grid.len());
    assert!(felt.len() >= 16, "a two-bar answer: {felt:?}");
    assert!(
        2 * off_grid > felt.len(),
        "{off_grid} of {} off the grid",
        felt.len()
    );
    assert!(early > 0, "no hit played ahead of its line");
    assert!(velocities.len() > 5, "velocities {velocities:?}");
    // Nothing of the answer starts before its bar line.
    assert!(felt.iter().all(|&(at, _, _)| at >= grid[0]));
}
