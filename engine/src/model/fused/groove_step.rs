//! A groove model's weights for the live step: the previous step's groove into the first layer's
//! gates, and the head that says how a sampled event is played. Same arithmetic as the training
//! passes ([`super::groove_head`]), one state at a time.

use candle_core::Tensor;
use candle_nn::VarBuilder;

use crate::encoding::groove::{GROOVE_VALUES, GrooveValues};
use crate::families::drums::encoding::{DrumClass, DrumEvent, NUM_CLASSES};
use crate::model::fused::activation::{sigmoid, tanh};
use crate::model::fused::params::GROOVE_NAMES;

/// The groove weights, row-major as stored.
#[derive(Debug, Clone)]
pub(crate) struct GrooveWeights {
    /// `[18, 4H]`: the stored `[4H, 18]` transposed, so that each groove value adds one
    /// contiguous row (most values of a step are zero and add nothing).
    input: Vec<f32>,
    /// `[units, H + 9]`.
    hidden_weight: Vec<f32>,
    /// `[units]`.
    hidden_bias: Vec<f32>,
    /// `[18, units]`.
    output_weight: Vec<f32>,
    /// `[18]`.
    output_bias: Vec<f32>,
}

impl GrooveWeights {
    /// Reads the groove weights of a network of `hidden_size` units with a head of `units`.
    pub(crate) fn load(
        vb: &VarBuilder<'_>,
        hidden_size: usize,
        units: usize,
    ) -> candle_core::Result<GrooveWeights> {
        let shapes = [
            vec![4 * hidden_size, GROOVE_VALUES],
            vec![units, hidden_size + NUM_CLASSES],
            vec![units],
            vec![GROOVE_VALUES, units],
            vec![GROOVE_VALUES],
        ];
        let mut tensors = GROOVE_NAMES
            .iter()
            .zip(shapes)
            .map(|(name, shape)| vb.get(shape, name).and_then(|t| values(&t)));
        let mut next = || tensors.next().expect("five groove tensors");
        let stored = next()?;
        let gates = stored.len() / GROOVE_VALUES;
        let input = (0..GROOVE_VALUES)
            .flat_map(|value| (0..gates).map(move |gate| (gate, value)))
            .map(|(gate, value)| stored[gate * GROOVE_VALUES + value])
            .collect();
        Ok(GrooveWeights {
            input,
            hidden_weight: next()?,
            hidden_bias: next()?,
            output_weight: next()?,
            output_bias: next()?,
        })
    }

    /// Hidden units of the head.
    pub(crate) fn units(&self) -> usize {
        self.hidden_bias.len()
    }

    /// Adds the first layer's projection of the input step's `groove` to a row of its gate
    /// pre-activations (`4H` long, or longer when padded).
    pub(crate) fn add_input(&self, gates: &mut [f32], groove: &GrooveValues) {
        let rows = self.input.chunks_exact(self.input.len() / GROOVE_VALUES);
        for (&value, row) in groove.0.iter().zip(rows) {
            if value != 0.0 {
                for (gate, &weight) in gates.iter_mut().zip(row) {
                    *gate += weight * value;
                }
            }
        }
    }

    /// How `event` is played, from the top layer's output `top` at its step: each struck
    /// class's velocity and offset, zero for the others (as the model hears a step). `hidden`
    /// is scratch of [`units`](GrooveWeights::units) values.
    pub(crate) fn predict(
        &self,
        top: &[f32],
        event: DrumEvent,
        hidden: &mut [f32],
    ) -> GrooveValues {
        let width = top.len() + NUM_CLASSES;
        for ((out, weights), bias) in hidden
            .iter_mut()
            .zip(self.hidden_weight.chunks_exact(width))
            .zip(&self.hidden_bias)
        {
            let (on_top, on_classes) = weights.split_at(top.len());
            let struck: f32 = DrumClass::ALL
                .iter()
                .filter(|&&class| event.contains(class))
                .map(|class| on_classes[class.index()])
                .sum();
            let from_top = dot(on_top, top);
            *out = tanh(bias + struck + from_top);
        }
        let mut values = [0.0; GROOVE_VALUES];
        for class in event.classes() {
            let c = class.index();
            let output = |row: usize| {
                let weights = &self.output_weight[row * hidden.len()..][..hidden.len()];
                self.output_bias[row] + dot(weights, hidden)
            };
            values[c] = sigmoid(output(c));
            values[NUM_CLASSES + c] = 0.5 * tanh(output(NUM_CLASSES + c));
        }
        GrooveValues(values)
    }
}

/// `a · b` in eight running sums, which the compiler keeps in one vector register (a single sum
/// would wait on each addition in turn).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (a8, b8) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a8
        .remainder()
        .iter()
        .zip(b8.remainder())
        .map(|(x, y)| x * y)
        .sum();
    let mut sums = [0.0f32; 8];
    for (x, y) in a8.zip(b8) {
        for lane in 0..8 {
            sums[lane] += x[lane] * y[lane];
        }
    }
    sums.iter().sum::<f32>() + tail
}

fn values(tensor: &Tensor) -> candle_core::Result<Vec<f32>> {
    tensor.flatten_all()?.to_vec1::<f32>()
}

#[cfg(test)]
mod tests {
    use crate::encoding::EventId;
    use crate::encoding::groove::GrooveValues;
    use crate::families::Family;
    use crate::model::config::ModelConfig;
    use crate::model::fused::testing::{fixture_groove_windows, random_model, random_tensors};
    use crate::model::fused::{ParamLayout, TrainPass};
    use crate::model::score::{GrooveScore, Score};

    #[test]
    fn the_live_step_hears_and_predicts_grooves_as_training_scores_them() {
        let config = ModelConfig::new(Family::DRUMS, 2, 12, 0.0).with_groove(6);
        let model = random_model(&config, 0.4, 3);
        let tensors = random_tensors(&config, 0.4, 3);
        let layout = ParamLayout::new(&config);
        let params = layout.gather(|name| Ok(tensors[name].clone())).unwrap();

        let (events, grooves) = fixture_groove_windows(32, 1);
        let event_slices: Vec<&[EventId]> = events.iter().map(Vec::as_slice).collect();
        let groove_slices: Vec<&[GrooveValues]> = grooves.iter().map(Vec::as_slice).collect();
        let expected =
            TrainPass::new(layout).score(&params, &event_slices, Some(&groove_slices), 8);

        let mut stepped = Score {
            groove: Some(GrooveScore::default()),
            ..Score::default()
        };
        for (window, groove) in events.iter().zip(&grooves) {
            let mut state = model.initial_state(16);
            for t in 1..window.len() {
                let log_probs = model
                    .step_played(&mut state, window[t - 1], &groove[t - 1], t)
                    .unwrap();
                stepped.nll_sum -= f64::from(log_probs[window[t].index()]);
                stepped.steps += 1;
                let predicted = model.predict_groove(&mut state, window[t]).unwrap();
                let errors = stepped.groove.as_mut().unwrap();
                for class in crate::families::drums::encoding::DrumEvent::from_id(window[t])
                    .unwrap()
                    .classes()
                {
                    let (v, o) = (class.index(), 9 + class.index());
                    errors.hits += 1;
                    errors.velocity_error_sum +=
                        f64::from((predicted.0[v] - groove[t].0[v]).abs()) * 127.0;
                    errors.offset_error_sum += f64::from((predicted.0[o] - groove[t].0[o]).abs());
                }
            }
        }
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-4 * b.abs().max(1.0);
        assert_eq!(stepped.steps, expected.steps);
        assert!(
            close(stepped.nll_sum, expected.nll_sum),
            "{stepped:?} {expected:?}"
        );
        let (got, want) = (stepped.groove.unwrap(), expected.groove.unwrap());
        assert_eq!(got.hits, want.hits);
        assert!(got.hits > 100, "{}", got.hits);
        assert!(
            close(got.velocity_error_sum, want.velocity_error_sum),
            "{got:?} {want:?}"
        );
        assert!(
            close(got.offset_error_sum, want.offset_error_sum),
            "{got:?} {want:?}"
        );
    }
}
