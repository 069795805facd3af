//! A batch of windows as plain arrays, following the model's input convention: to predict step
//! `t` the input is `one_hot(event[t-1]) ++ binary_counters(t)`, and steps `1..len` of each
//! window are scored (its first event is context only).

use crate::encoding::EventId;
use crate::encoding::groove::{GROOVE_VALUES, GrooveValues};

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
    /// For a network with a groove head, each step's groove beside its event.
    pub groove: Option<GrooveArrays>,
}

/// The grooves of a batch of drum windows, laid out as [`WindowArrays`].
#[derive(Debug, Clone, PartialEq)]
pub struct GrooveArrays {
    /// The input step's groove (the previous step's, fed to the first layer), `[steps, batch,
    /// 18]`.
    pub inputs: Vec<f32>,
    /// The groove to predict, `[steps, batch, 18]`.
    pub targets: Vec<f32>,
    /// The classes struck on the predicted step, bit `c` for class `c` (a drum event's index),
    /// `[steps, batch]`; zero in padding.
    pub struck: Vec<u16>,
}

impl WindowArrays {
    /// The arrays of `windows`, padded to the longest. Windows shorter than two events score
    /// nothing and are padding only.
    pub fn new(windows: &[&[EventId]]) -> WindowArrays {
        WindowArrays::padded(windows, None, WindowArrays::steps_of(windows))
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

    /// The arrays of `windows` padded to `steps` predicted steps (at least the longest window's),
    /// with each drum window's grooves (one per event) when the network has a groove head.
    pub fn padded(
        windows: &[&[EventId]],
        grooves: Option<&[&[GrooveValues]]>,
        steps: usize,
    ) -> WindowArrays {
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
        let groove = grooves.map(|grooves| {
            assert_eq!(grooves.len(), batch, "one groove window per event window");
            let mut arrays = GrooveArrays {
                inputs: vec![0.0; steps * batch * GROOVE_VALUES],
                targets: vec![0.0; steps * batch * GROOVE_VALUES],
                struck: vec![0; steps * batch],
            };
            for (b, (groove, window)) in grooves.iter().zip(windows).enumerate() {
                assert_eq!(groove.len(), window.len(), "one groove per event");
                for (t, pair) in groove.windows(2).enumerate() {
                    let at = (t * batch + b) * GROOVE_VALUES..(t * batch + b + 1) * GROOVE_VALUES;
                    arrays.inputs[at.clone()].copy_from_slice(&pair[0].0);
                    arrays.targets[at].copy_from_slice(&pair[1].0);
                    arrays.struck[t * batch + b] = window[t + 1].index() as u16;
                }
            }
            arrays
        });
        WindowArrays {
            steps,
            batch,
            prev,
            targets,
            scored,
            scored_steps,
            groove,
        }
    }
}
