//! Checks on what the plugin answered: every note closed, on the answer's channel, on the 16th
//! grid of the host's own bar lines.

use crate::events::{NotePair, TimedOutput, paired_notes};
use crate::timeline::Timeline;

/// The answer's notes, paired; panics when a note is left open or something other than the
/// answer on `channel` came out.
pub fn answer_notes(outputs: &[TimedOutput], channel: u8) -> Vec<NotePair> {
    let pairs = paired_notes(outputs).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        pairs.iter().all(|p| p.channel == channel),
        "only the answer comes out: {pairs:?}"
    );
    pairs
}

/// The samples of the 16th grid lines of bars `first_bar..first_bar + bars` (bar 0 at song
/// position 0, in the timeline's meter), the first time each is played.
pub fn grid_samples(timeline: &Timeline, first_bar: u32, bars: u32) -> Vec<u64> {
    let start_ppq = f64::from(first_bar) * timeline.bar_ppq();
    let steps = (f64::from(bars) * timeline.bar_ppq() * 4.0).round() as u32;
    (0..steps)
        .map(|step| {
            timeline
                .sample_of_ppq(start_ppq + f64::from(step) / 4.0)
                .expect("the grid is played")
        })
        .collect()
}

/// Checks the answer: on the 16th grid of `timeline` from bar `first_bar` for `bars` bars, its
/// first note exactly on that bar line.
pub fn assert_answer_in_bars(pairs: &[NotePair], timeline: &Timeline, first_bar: u32, bars: u32) {
    assert!(!pairs.is_empty(), "no answer");
    let grid = grid_samples(timeline, first_bar, bars);
    for pair in pairs {
        assert!(
            grid.contains(&pair.on_sample),
            "note {} at sample {} is not on the answer's 16th grid (bars {first_bar}..{})",
            pair.key,
            pair.on_sample,
            first_bar + bars
        );
    }
    let first = pairs.iter().map(|p| p.on_sample).min().unwrap();
    assert_eq!(
        first, grid[0],
        "the answer starts on bar {first_bar}'s line, sample {}",
        grid[0]
    );
}
