//! Cutting sequences into the fixed-length windows that training, evaluation and the baseline
//! all read.

use std::num::NonZeroUsize;

/// Where windows start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WindowStarts {
    /// Each window where the last one ended, rounded up to a bar line: every step in one window,
    /// as evaluation scores them.
    #[default]
    Tiled,
    /// A window on every this many bars, overlapping when that is shorter than a window: for
    /// training, so that each step is learned after more than one length of context.
    EveryBars(NonZeroUsize),
}

/// Windows of at most `window_steps` of `steps`, each starting on a bar line (bars of
/// `steps_per_bar`), where `starts` says.
///
/// Tiled windows start every `window_steps` rounded up to whole bars (every 64 steps in 4/4;
/// every 72 for 64-step windows in 3/4, whose last 8 steps go unused). Windows stop at the first
/// one that reaches the end, which holds what is left when fewer than `window_steps` steps remain,
/// so short performances (GMD fills are one or two bars) are not thrown away; it is always whole
/// bars long when the performance is padded to whole bars. Callers that need equal lengths keep
/// the windows with `len() == window_steps`.
///
/// # Panics
/// If `window_steps` is zero.
pub fn windows<T>(
    steps: &[T],
    steps_per_bar: u32,
    window_steps: usize,
    starts: WindowStarts,
) -> Vec<&[T]> {
    assert!(window_steps > 0, "windows must hold at least one step");
    let bar_steps = (steps_per_bar as usize).max(1);
    let hop_steps = match starts {
        WindowStarts::Tiled => window_steps.div_ceil(bar_steps) * bar_steps,
        WindowStarts::EveryBars(bars) => bars.get() * bar_steps,
    };
    let mut found = Vec::new();
    for start in (0..steps.len()).step_by(hop_steps) {
        let end = (start + window_steps).min(steps.len());
        found.push(&steps[start..end]);
        if end == steps.len() {
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Steps numbered from 0, so a window's first step tells where it starts.
    fn numbered(len_steps: usize) -> Vec<usize> {
        (0..len_steps).collect()
    }

    fn starts(windows: &[&[usize]]) -> Vec<(usize, usize)> {
        windows.iter().map(|w| (w[0], w.len())).collect()
    }

    #[test]
    fn four_four_windows_tile_the_sequence() {
        let steps = numbered(160);
        assert_eq!(
            starts(&windows(&steps, 16, 64, WindowStarts::Tiled)),
            [(0, 64), (64, 64), (128, 32)]
        );
    }

    #[test]
    fn windows_hop_whole_bars_in_other_meters() {
        let steps = numbered(12 * 13);
        // 64 steps round up to 6 bars of 12: windows start at bars 0 and 6, and bar 12.
        assert_eq!(
            starts(&windows(&steps, 12, 64, WindowStarts::Tiled)),
            [(0, 64), (72, 64), (144, 12)]
        );
    }

    #[test]
    fn short_sequences_make_one_short_window() {
        assert_eq!(
            starts(&windows(&numbered(16), 16, 64, WindowStarts::Tiled)),
            [(0, 16)]
        );
        assert!(windows(&numbered(0), 16, 64, WindowStarts::Tiled).is_empty());
    }

    #[test]
    fn windows_on_every_bar_overlap_until_one_reaches_the_end() {
        let every = |bars| WindowStarts::EveryBars(NonZeroUsize::new(bars).unwrap());
        let steps = numbered(160);
        assert_eq!(
            starts(&windows(&steps, 16, 64, every(1))),
            [
                (0, 64),
                (16, 64),
                (32, 64),
                (48, 64),
                (64, 64),
                (80, 64),
                (96, 64)
            ]
        );
        // Every 3 bars: the window from bar 6 stops short at the end.
        assert_eq!(
            starts(&windows(&steps, 16, 64, every(3))),
            [(0, 64), (48, 64), (96, 64)]
        );
        assert_eq!(
            starts(&windows(&numbered(150), 16, 64, every(3))),
            [(0, 64), (48, 64), (96, 54)]
        );
        // A hop as long as the window tiles, as Tiled does.
        assert_eq!(
            windows(&steps, 16, 64, every(4)),
            windows(&steps, 16, 64, WindowStarts::Tiled)
        );
        assert_eq!(starts(&windows(&numbered(16), 16, 64, every(1))), [(0, 16)]);
    }
}
