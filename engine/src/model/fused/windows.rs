//! A batch of windows as plain arrays, following the model's input convention: to predict step
//! `t` the input is `one_hot(event[t-1]) ++ binary_counters(t)`, and steps `1..len` of each
//! window are scored (its first event is context only).

use crate::encoding::EventId;

/// Windows (each starting on a bar line) padded to `steps + 1` events, time-major: row `t` holds
/// every window's step `t + 1`, entry `t · batch + b` window `b`'s.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowArrays {
    /// Predicted steps per window: the longest window's length − 1 (at least 1).
    pub steps: usize,
    /// Windows.
    pub batch: usize,
    /// Input event index of each predicted step, `[steps, batch]`.
    pub prev: Vec<u32>,
    /// Event index to predict, `[steps, batch]`.
    pub targets: Vec<u32>,
    /// Whether a step is scored (false in padding), `[steps, batch]`.
    pub scored: Vec<bool>,
    /// Number of scored steps.
    pub scored_steps: usize,
}

impl WindowArrays {
    /// The arrays of `windows`, padded to the longest. Windows shorter than two events score
    /// nothing and are padding only.
    pub fn new(windows: &[&[EventId]]) -> WindowArrays {
        WindowArrays::padded(windows, WindowArrays::steps_of(windows))
    }

    /// The predicted steps of `windows` padded to the longest: its length − 1, at least 1.
    pub fn steps_of(windows: &[&[EventId]]) -> usize {
        windows
            .iter()
            .map(|w| w.len().saturating_sub(1))
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// The arrays of `windows` padded to `steps` predicted steps (at least the longest window's).
    pub fn padded(windows: &[&[EventId]], steps: usize) -> WindowArrays {
        let batch = windows.len();
        let mut prev = vec![0u32; steps * batch];
        let mut targets = vec![0u32; steps * batch];
        let mut scored = vec![false; steps * batch];
        let mut scored_steps = 0;
        for (b, window) in windows.iter().enumerate() {
            assert!(
                window.len() <= steps + 1,
                "a window longer than the padding"
            );
            for (t, pair) in window.windows(2).enumerate() {
                prev[t * batch + b] = pair[0].index() as u32;
                targets[t * batch + b] = pair[1].index() as u32;
                scored[t * batch + b] = true;
                scored_steps += 1;
            }
        }
        WindowArrays {
            steps,
            batch,
            prev,
            targets,
            scored,
            scored_steps,
        }
    }
}
