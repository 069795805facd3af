//! The groove head over a batch of rows: from the top layer's output at a step and the step's
//! event (the classes struck), each class's velocity and offset. One hidden layer of tanh units;
//! a velocity through a sigmoid (a fraction of 127), an offset through `½·tanh` (within half a
//! step). Trained by the absolute error on the struck classes only (velocity in fractions of 127,
//! offset in steps, weighted by [`OFFSET_WEIGHT`]): an L1 loss predicts the median, which is what
//! the MAE it is judged by rewards.

use crate::encoding::groove::GROOVE_VALUES;
use crate::families::drums::encoding::NUM_CLASSES;
use crate::model::fused::activation::{sigmoid, tanh};
use crate::model::fused::gemm::{MatRef, add_column_sums, matmul};
use crate::model::fused::windows::GrooveArrays;
use crate::model::score::GrooveScore;
use crate::model::score::OFFSET_WEIGHT;

/// The head's weights: `hidden` is `[units, h + 9]` (the top output, then the struck classes as
/// 0/1), `output` is `[18, units]` (velocities, then offsets).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GrooveHead<'a> {
    pub(crate) hidden_weight: &'a [f32],
    pub(crate) hidden_bias: &'a [f32],
    pub(crate) output_weight: &'a [f32],
    pub(crate) output_bias: &'a [f32],
}

/// The gradients of [`GrooveHead`]'s weights, laid out as they are.
#[derive(Debug)]
pub(crate) struct GrooveHeadGrads<'a> {
    pub(crate) hidden_weight: &'a mut [f32],
    pub(crate) hidden_bias: &'a mut [f32],
    pub(crate) output_weight: &'a mut [f32],
    pub(crate) output_bias: &'a mut [f32],
}

/// What the head computed for a batch, kept for its backward pass.
#[derive(Debug, Default)]
pub(crate) struct GrooveRows {
    /// `[rows, h + 9]`: the head's input.
    input: Vec<f32>,
    /// `[rows, units]`: the hidden layer's outputs.
    hidden: Vec<f32>,
    /// `[rows, 18]`: the predicted velocities (0..1) and offsets (−½..½).
    pub(crate) predicted: Vec<f32>,
    /// Backward scratch, kept from batch to batch: `[rows, units]` and `[rows, h + 9]`.
    d_hidden: Vec<f32>,
    d_input: Vec<f32>,
}

impl GrooveRows {
    /// The absolute errors of the last prediction against `groove`'s targets on its struck
    /// classes.
    pub(crate) fn score(&self, groove: &GrooveArrays) -> GrooveScore {
        let mut score = GrooveScore::default();
        for ((row, target), &bits) in self
            .predicted
            .chunks_exact(GROOVE_VALUES)
            .zip(groove.targets.chunks_exact(GROOVE_VALUES))
            .zip(&groove.struck)
        {
            for c in (0..NUM_CLASSES).filter(|c| (bits >> c) & 1 == 1) {
                let (v, o) = (c, NUM_CLASSES + c);
                score.hits += 1;
                score.velocity_error_sum += f64::from((row[v] - target[v]).abs()) * 127.0;
                score.offset_error_sum += f64::from((row[o] - target[o]).abs());
            }
        }
        score
    }
}

impl GrooveHead<'_> {
    /// Hidden units.
    fn units(&self) -> usize {
        self.hidden_bias.len()
    }

    /// Predicts every row's velocities and offsets into `rows.predicted` from `top` (`[rows, h]`)
    /// and `struck` (`[rows]`, bit `c` for class `c`).
    pub(crate) fn forward(&self, top: &[f32], struck: &[u16], h: usize, rows: &mut GrooveRows) {
        let (n, units, width) = (struck.len(), self.units(), h + NUM_CLASSES);
        rows.input.clear();
        for (row, &bits) in top.chunks_exact(h).zip(struck) {
            rows.input.extend_from_slice(row);
            rows.input
                .extend((0..NUM_CLASSES).map(|c| f32::from((bits >> c) & 1)));
        }
        rows.hidden.clear();
        rows.hidden
            .extend(std::iter::repeat_n(self.hidden_bias, n).flatten());
        matmul(
            &mut rows.hidden,
            MatRef::new(&rows.input, n, width),
            MatRef::new(self.hidden_weight, units, width).t(),
            true,
        );
        for value in &mut rows.hidden {
            *value = tanh(*value);
        }
        rows.predicted.clear();
        rows.predicted
            .extend(std::iter::repeat_n(self.output_bias, n).flatten());
        matmul(
            &mut rows.predicted,
            MatRef::new(&rows.hidden, n, units),
            MatRef::new(self.output_weight, GROOVE_VALUES, units).t(),
            true,
        );
        for row in rows.predicted.chunks_exact_mut(GROOVE_VALUES) {
            let (velocities, offsets) = row.split_at_mut(NUM_CLASSES);
            for v in velocities {
                *v = sigmoid(*v);
            }
            for o in offsets {
                *o = 0.5 * tanh(*o);
            }
        }
    }

    /// Scores the predictions of the last [`forward`](GrooveHead::forward) against `groove`'s
    /// targets on its struck classes, adds the gradients of `scale ·` the summed loss to `grads`,
    /// and adds its gradient with respect to `top` to `d_top` (`[rows, h]`). `rows.predicted` is
    /// spent.
    pub(crate) fn backward(
        &self,
        groove: &GrooveArrays,
        h: usize,
        scale: f32,
        rows: &mut GrooveRows,
        grads: GrooveHeadGrads<'_>,
        d_top: &mut [f32],
    ) -> GrooveScore {
        let (n, units, width) = (groove.struck.len(), self.units(), h + NUM_CLASSES);
        let score = rows.score(groove);
        // The predictions become the gradient of the loss with respect to the pre-activations.
        for ((row, target), &bits) in rows
            .predicted
            .chunks_exact_mut(GROOVE_VALUES)
            .zip(groove.targets.chunks_exact(GROOVE_VALUES))
            .zip(&groove.struck)
        {
            for c in 0..NUM_CLASSES {
                let (v, o) = (c, NUM_CLASSES + c);
                if (bits >> c) & 1 == 0 {
                    row[v] = 0.0;
                    row[o] = 0.0;
                    continue;
                }
                let (velocity_error, offset_error) = (row[v] - target[v], row[o] - target[o]);
                let velocity = row[v];
                row[v] = scale * velocity_error.signum() * velocity * (1.0 - velocity);
                // d(½·tanh y)/dy = ½ − 2·(½·tanh y)².
                let offset = row[o];
                row[o] =
                    scale * OFFSET_WEIGHT * offset_error.signum() * (0.5 - 2.0 * offset * offset);
            }
        }
        let d_output = MatRef::new(&rows.predicted, n, GROOVE_VALUES);
        matmul(
            grads.output_weight,
            d_output.t(),
            MatRef::new(&rows.hidden, n, units),
            true,
        );
        add_column_sums(grads.output_bias, &rows.predicted);
        // The hidden outputs become the gradient with respect to their pre-activations.
        let d_hidden = &mut rows.d_hidden;
        d_hidden.clear();
        d_hidden.resize(n * units, 0.0);
        matmul(
            d_hidden,
            d_output,
            MatRef::new(self.output_weight, GROOVE_VALUES, units),
            false,
        );
        for (d, &a) in d_hidden.iter_mut().zip(&rows.hidden) {
            *d *= 1.0 - a * a;
        }
        let d_hidden_rows = MatRef::new(d_hidden, n, units);
        matmul(
            grads.hidden_weight,
            d_hidden_rows.t(),
            MatRef::new(&rows.input, n, width),
            true,
        );
        add_column_sums(grads.hidden_bias, d_hidden);
        // Only the top output's part of the input has a gradient to pass on.
        let first_columns = MatRef::new(self.hidden_weight, units, width);
        let d_input = &mut rows.d_input;
        d_input.clear();
        d_input.resize(n * width, 0.0);
        matmul(d_input, d_hidden_rows, first_columns, false);
        for (d_row, d_input_row) in d_top.chunks_exact_mut(h).zip(d_input.chunks_exact(width)) {
            for (d, &x) in d_row.iter_mut().zip(d_input_row) {
                *d += x;
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    const H: usize = 5;
    const UNITS: usize = 4;
    const ROWS: usize = 6;

    struct Case {
        weights: Vec<f32>,
        top: Vec<f32>,
        groove: GrooveArrays,
    }

    /// Offsets of the four tensors in `Case::weights`.
    fn split(weights: &[f32]) -> GrooveHead<'_> {
        let width = H + NUM_CLASSES;
        let (hidden_weight, rest) = weights.split_at(UNITS * width);
        let (hidden_bias, rest) = rest.split_at(UNITS);
        let (output_weight, output_bias) = rest.split_at(GROOVE_VALUES * UNITS);
        GrooveHead {
            hidden_weight,
            hidden_bias,
            output_weight,
            output_bias,
        }
    }

    fn case() -> Case {
        let mut rng = SplitMix64::new(7);
        let mut uniform = |scale: f32| (rng.next_f64() as f32 * 2.0 - 1.0) * scale;
        let count = UNITS * (H + NUM_CLASSES) + UNITS + GROOVE_VALUES * UNITS + GROOVE_VALUES;
        let weights = (0..count).map(|_| uniform(0.8)).collect();
        let top = (0..ROWS * H).map(|_| uniform(1.0)).collect();
        let struck = vec![0b1_0000_0101, 0, 0b11, 0b1_1111_1111, 0b100_0000, 0b10_1010];
        let targets = (0..ROWS * GROOVE_VALUES)
            .map(|i| {
                if i % GROOVE_VALUES < NUM_CLASSES {
                    uniform(0.5) + 0.5
                } else {
                    uniform(0.45)
                }
            })
            .collect();
        Case {
            weights,
            top,
            groove: GrooveArrays {
                inputs: Vec::new(),
                targets,
                struck,
            },
        }
    }

    /// The loss and, by the backward pass, its gradients with respect to the weights and `top`.
    fn loss_and_gradients(case: &Case, weights: &[f32], top: &[f32]) -> (f64, Vec<f32>, Vec<f32>) {
        let head = split(weights);
        let mut rows = GrooveRows::default();
        head.forward(top, &case.groove.struck, H, &mut rows);
        let mut grads = vec![0.0; weights.len()];
        let mut d_top = vec![0.0; top.len()];
        let (hidden_weight, rest) = grads.split_at_mut(head.hidden_weight.len());
        let (hidden_bias, rest) = rest.split_at_mut(UNITS);
        let (output_weight, output_bias) = rest.split_at_mut(GROOVE_VALUES * UNITS);
        let score = head.backward(
            &case.groove,
            H,
            1.0,
            &mut rows,
            GrooveHeadGrads {
                hidden_weight,
                hidden_bias,
                output_weight,
                output_bias,
            },
            &mut d_top,
        );
        (score.loss_sum(), grads, d_top)
    }

    #[test]
    fn gradients_agree_with_finite_differences() {
        let case = case();
        let (_, grads, d_top) = loss_and_gradients(&case, &case.weights, &case.top);
        let eps = 1e-3;
        let numeric = |values: &[f32], i: usize, is_top: bool| {
            let mut plus = values.to_vec();
            let mut minus = values.to_vec();
            plus[i] += eps;
            minus[i] -= eps;
            let loss = |v: &[f32]| {
                if is_top {
                    loss_and_gradients(&case, &case.weights, v).0
                } else {
                    loss_and_gradients(&case, v, &case.top).0
                }
            };
            (loss(&plus) - loss(&minus)) / (2.0 * f64::from(eps))
        };
        let mut checked = 0;
        for (i, &g) in grads.iter().enumerate() {
            let expected = numeric(&case.weights, i, false);
            assert!(
                (f64::from(g) - expected).abs() < 2e-3,
                "weight {i}: {g} vs {expected}"
            );
            checked += usize::from(g != 0.0);
        }
        for (i, &g) in d_top.iter().enumerate() {
            let expected = numeric(&case.top, i, true);
            assert!(
                (f64::from(g) - expected).abs() < 2e-3,
                "top {i}: {g} vs {expected}"
            );
        }
        assert!(checked > grads.len() / 2, "most weights have a gradient");
    }

    #[test]
    fn only_struck_classes_are_scored_in_midi_units_and_steps() {
        let case = case();
        let head = split(&case.weights);
        let mut rows = GrooveRows::default();
        head.forward(&case.top, &case.groove.struck, H, &mut rows);
        let predicted = rows.predicted.clone();
        assert!(predicted.chunks(GROOVE_VALUES).all(|row| {
            row[..NUM_CLASSES].iter().all(|v| (0.0..=1.0).contains(v))
                && row[NUM_CLASSES..].iter().all(|o| (-0.5..=0.5).contains(o))
        }));
        let mut expected = GrooveScore::default();
        let targets = &case.groove.targets;
        for (r, &bits) in case.groove.struck.iter().enumerate() {
            for c in (0..NUM_CLASSES).filter(|c| (bits >> c) & 1 == 1) {
                let at = |i| r * GROOVE_VALUES + i;
                expected.hits += 1;
                expected.velocity_error_sum +=
                    f64::from((predicted[at(c)] - targets[at(c)]).abs()) * 127.0;
                expected.offset_error_sum += f64::from(
                    (predicted[at(NUM_CLASSES + c)] - targets[at(NUM_CLASSES + c)]).abs(),
                );
            }
        }
        let (loss, ..) = loss_and_gradients(&case, &case.weights, &case.top);
        assert_eq!(expected.hits, 3 + 2 + 9 + 1 + 3);
        assert!((loss - expected.loss_sum()).abs() < 1e-9);
    }
}
