//! Cutting sequences into the fixed-length windows that training, evaluation and the baseline
//! all read.

use crate::sequence::{DrumSequence, DrumStep};

/// Non-overlapping windows of at most `steps` steps, each starting on a bar line.
///
/// Windows start every `steps` rounded up to whole bars (every 64 steps in 4/4; every 72 for
/// 64-step windows in 3/4, whose last 8 steps go unused). The last window holds what is left
/// when fewer than `steps` steps remain, so short performances (GMD fills are one or two bars)
/// are not thrown away; it is always whole bars long, since sequences are padded to whole bars.
/// Callers that need equal lengths keep the windows with `len() == steps`.
///
/// # Panics
/// If `steps` is zero.
pub fn windows(sequence: &DrumSequence, steps: usize) -> Vec<&[DrumStep]> {
    assert!(steps > 0, "windows must hold at least one step");
    let bar_steps = (sequence.steps_per_bar as usize).max(1);
    let hop_steps = steps.div_ceil(bar_steps) * bar_steps;
    sequence
        .steps
        .chunks(hop_steps)
        .map(|chunk| &chunk[..chunk.len().min(steps)])
        .collect()
}

#[cfg(test)]
mod tests {
    use midly::num::u7;

    use super::*;
    use crate::encoding::drums::DrumEvent;

    /// A sequence whose step `i` strikes the classes of event `i % 512`, so a window's first
    /// event tells where it starts.
    fn numbered(len_steps: usize, steps_per_bar: u32) -> DrumSequence {
        DrumSequence {
            steps: (0..len_steps)
                .map(|i| DrumStep::from_event(DrumEvent::from_index(i % 512).unwrap(), u7::new(90)))
                .collect(),
            steps_per_bar,
            tempo_bpm: 120.0,
        }
    }

    fn starts(windows: &[&[DrumStep]]) -> Vec<(usize, usize)> {
        windows
            .iter()
            .map(|w| (w[0].event().index(), w.len()))
            .collect()
    }

    #[test]
    fn four_four_windows_tile_the_sequence() {
        let sequence = numbered(160, 16);
        let cut = windows(&sequence, 64);
        assert_eq!(starts(&cut), [(0, 64), (64, 64), (128, 32)]);
    }

    #[test]
    fn windows_hop_whole_bars_in_other_meters() {
        let sequence = numbered(12 * 13, 12);
        let cut = windows(&sequence, 64);
        // 64 steps round up to 6 bars of 12: windows start at bars 0 and 6, and bar 12.
        assert_eq!(starts(&cut), [(0, 64), (72, 64), (144, 12)]);
    }

    #[test]
    fn short_sequences_make_one_short_window() {
        assert_eq!(starts(&windows(&numbered(16, 16), 64)), [(0, 16)]);
        assert!(windows(&numbered(0, 16), 64).is_empty());
    }
}
