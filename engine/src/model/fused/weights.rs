//! A network's weights laid out for the fused live step.

use candle_core::Tensor;

use crate::encoding::counters::binary_counters;
use crate::model::fused::groove_step::GrooveWeights;
use crate::model::fused::product::{PaddedMatrix, padded};
use crate::model::net::Net;

/// The weights of a [`Net`] rearranged for [`FusedState`](super::FusedState) steps:
///
/// - layer 0's input projection of a one-hot event is a column of `weight_ih`, so it is a table
///   row per event; the counters repeat every 2^bits steps, so their projection (with the bias)
///   is a table row per position in that cycle;
/// - layer 0's recurrent weights, and each upper layer's `[weight_ih weight_hh]` side by side,
///   are one matrix each, multiplied by `h` (or `[x; h]`) in one pass for all four gates;
/// - the output projection, then log-softmax.
///
/// Gate rows keep PyTorch's order (input, forget, cell, output), each `hidden_size` long.
#[derive(Debug, Clone)]
pub struct StepWeights {
    hidden_size: usize,
    vocab_size: usize,
    /// Length of a row of gate pre-activations: `4H` padded.
    gates_stride: usize,
    /// `[vocab, gates_stride]`.
    first_by_event: Vec<f32>,
    /// `[2^bits, gates_stride]`, bias included.
    first_by_position: Vec<f32>,
    first_recurrent: PaddedMatrix,
    upper: Vec<UpperLayer>,
    output: PaddedMatrix,
    /// `[vocab]` padded like a row of logits.
    output_bias: Vec<f32>,
    /// A groove model's groove input and head.
    groove: Option<GrooveWeights>,
}

/// A layer above the first: `[x; h]` times its stacked weights, plus bias.
#[derive(Debug, Clone)]
struct UpperLayer {
    stacked: PaddedMatrix,
    /// `[gates_stride]`.
    bias: Vec<f32>,
}

/// A tensor's values in row-major order.
fn values(tensor: &Tensor) -> candle_core::Result<Vec<f32>> {
    tensor.flatten_all()?.to_vec1::<f32>()
}

impl StepWeights {
    /// Copies and rearranges the weights of `net`.
    pub fn from_net(net: &Net) -> candle_core::Result<StepWeights> {
        let lstm = net.lstm();
        let h = lstm.hidden_size();
        let vocab = lstm.vocab_size();
        let bits = lstm.counter_bits();
        let gates = 4 * h;
        let gates_stride = padded(gates);
        let layers = lstm.layers();

        let first = &layers[0];
        let weight_ih = values(first.weight_ih())?;
        let bias = values(first.bias())?;
        let input = vocab + bits;
        let mut first_by_event = vec![0.0; vocab * gates_stride];
        for (gate, weights) in weight_ih.chunks_exact(input).enumerate() {
            for (event, &w) in weights[..vocab].iter().enumerate() {
                first_by_event[event * gates_stride + gate] = w;
            }
        }
        let period = 1usize << bits;
        let mut first_by_position = vec![0.0; period * gates_stride];
        for (position, row) in first_by_position.chunks_exact_mut(gates_stride).enumerate() {
            let counters = binary_counters(position);
            for (gate, out) in row[..gates].iter_mut().enumerate() {
                let weights = &weight_ih[gate * input + vocab..][..bits];
                *out = bias[gate]
                    + weights
                        .iter()
                        .zip(&counters)
                        .map(|(w, c)| w * c)
                        .sum::<f32>();
            }
        }
        let first_recurrent =
            PaddedMatrix::from_transposed(&[(&values(first.weight_hh())?, h)], gates);

        let upper = layers[1..]
            .iter()
            .map(|layer| {
                let stacked = PaddedMatrix::from_transposed(
                    &[
                        (&values(layer.weight_ih())?, h),
                        (&values(layer.weight_hh())?, h),
                    ],
                    gates,
                );
                let mut bias = values(layer.bias())?;
                bias.resize(gates_stride, 0.0);
                Ok(UpperLayer { stacked, bias })
            })
            .collect::<candle_core::Result<Vec<_>>>()?;

        let output = PaddedMatrix::from_transposed(&[(&values(net.output().weight())?, h)], vocab);
        let mut output_bias = match net.output().bias() {
            Some(bias) => values(bias)?,
            None => vec![0.0; vocab],
        };
        output_bias.resize(output.padded_columns(), 0.0);
        Ok(StepWeights {
            hidden_size: h,
            vocab_size: vocab,
            gates_stride,
            first_by_event,
            first_by_position,
            first_recurrent,
            upper,
            output,
            output_bias,
            groove: None,
        })
    }

    /// These weights with a groove model's groove input and head.
    pub(crate) fn with_groove(self, groove: GrooveWeights) -> StepWeights {
        StepWeights {
            groove: Some(groove),
            ..self
        }
    }

    pub(crate) fn groove(&self) -> Option<&GrooveWeights> {
        self.groove.as_ref()
    }

    /// Units per layer.
    pub fn hidden_size(&self) -> usize {
        self.hidden_size
    }

    /// Events the model predicts.
    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }

    /// Stacked layers.
    pub fn num_layers(&self) -> usize {
        1 + self.upper.len()
    }

    pub(crate) fn gates_stride(&self) -> usize {
        self.gates_stride
    }

    pub(crate) fn logits_stride(&self) -> usize {
        self.output.padded_columns()
    }

    /// Layer 0's input-and-bias projection for event `event` at `position_steps`.
    pub(crate) fn first_input(
        &self,
        event: usize,
        position_steps: usize,
    ) -> impl Iterator<Item = f32> + '_ {
        let period = self.first_by_position.len() / self.gates_stride;
        let by_event = &self.first_by_event[event * self.gates_stride..][..self.gates_stride];
        let by_position = &self.first_by_position[(position_steps % period) * self.gates_stride..]
            [..self.gates_stride];
        by_event.iter().zip(by_position).map(|(e, p)| e + p)
    }

    pub(crate) fn first_recurrent(&self) -> &PaddedMatrix {
        &self.first_recurrent
    }

    /// Layer `layer` (from 1)'s stacked weights and bias.
    pub(crate) fn upper(&self, layer: usize) -> (&PaddedMatrix, &[f32]) {
        let upper = &self.upper[layer - 1];
        (&upper.stacked, &upper.bias)
    }

    pub(crate) fn output(&self) -> (&PaddedMatrix, &[f32]) {
        (&self.output, &self.output_bias)
    }
}
