//! Cutting sequences into the fixed-length windows that training, evaluation and the baseline
//! all read.

/// Non-overlapping windows of at most `window_steps` of `steps`, each starting on a bar line
/// (bars of `steps_per_bar`).
///
/// Windows start every `window_steps` rounded up to whole bars (every 64 steps in 4/4; every 72
/// for 64-step windows in 3/4, whose last 8 steps go unused). The last window holds what is left
/// when fewer than `window_steps` steps remain, so short performances (GMD fills are one or two
/// bars) are not thrown away; it is always whole bars long when the performance is padded to
/// whole bars. Callers that need equal lengths keep the windows with `len() == window_steps`.
///
/// # Panics
/// If `window_steps` is zero.
pub fn windows<T>(steps: &[T], steps_per_bar: u32, window_steps: usize) -> Vec<&[T]> {
    assert!(window_steps > 0, "windows must hold at least one step");
    let bar_steps = (steps_per_bar as usize).max(1);
    let hop_steps = window_steps.div_ceil(bar_steps) * bar_steps;
    steps
        .chunks(hop_steps)
        .map(|chunk| &chunk[..chunk.len().min(window_steps)])
        .collect()
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
            starts(&windows(&steps, 16, 64)),
            [(0, 64), (64, 64), (128, 32)]
        );
    }

    #[test]
    fn windows_hop_whole_bars_in_other_meters() {
        let steps = numbered(12 * 13);
        // 64 steps round up to 6 bars of 12: windows start at bars 0 and 6, and bar 12.
        assert_eq!(
            starts(&windows(&steps, 12, 64)),
            [(0, 64), (72, 64), (144, 12)]
        );
    }

    #[test]
    fn short_sequences_make_one_short_window() {
        assert_eq!(starts(&windows(&numbered(16), 16, 64)), [(0, 16)]);
        assert!(windows(&numbered(0), 16, 64).is_empty());
    }
}
