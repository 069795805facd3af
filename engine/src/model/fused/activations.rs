//! What the training forward pass keeps for the backward pass, and the backward pass's scratch:
//! one [`Workspace`] per shard of a batch, reused from batch to batch.

use crate::encoding::counters::binary_counters;
use crate::model::config::ModelConfig;
use crate::model::fused::groove_head::GrooveRows;
use crate::model::fused::params::Weights;

/// One layer's values at every step of every window of a shard, rows `t · batch + b`.
#[derive(Debug, Default)]
pub(crate) struct LayerActivations {
    /// `[rows, 4H]`: pre-activations, then (after the cell) the gate values i, f, g, o.
    pub(crate) gates: Vec<f32>,
    /// `[rows, H]`: the cell state.
    pub(crate) cells: Vec<f32>,
    /// `[rows, H]`: `tanh` of the cell state.
    pub(crate) cell_tanh: Vec<f32>,
    /// `[rows, H]`: the layer's output before dropout, which its recurrence reads.
    pub(crate) hidden: Vec<f32>,
    /// `[rows, H]` with dropout (each value 0 or `1 / (1 - p)`), empty without.
    pub(crate) mask: Vec<f32>,
    /// `[rows, H]`: `hidden · mask` with dropout, empty without.
    pub(crate) dropped: Vec<f32>,
}

impl LayerActivations {
    /// What the layer above (or the output projection) reads.
    pub(crate) fn output(&self) -> &[f32] {
        if self.mask.is_empty() {
            &self.hidden
        } else {
            &self.dropped
        }
    }
}

/// A shard's buffers.
#[derive(Debug, Default)]
pub(crate) struct Workspace {
    pub(crate) layers: Vec<LayerActivations>,
    /// `[rows, vocab]`: logits, then the loss's gradient with respect to them.
    pub(crate) logits: Vec<f32>,
    /// `[rows, 4H]`: gradient of the gate pre-activations of the layer being differentiated.
    pub(crate) d_gates: Vec<f32>,
    /// `[rows, H]`: gradient of that layer's output.
    pub(crate) d_output: Vec<f32>,
    /// `[rows, H]`: gradient of its input (the output of the layer below).
    pub(crate) d_input: Vec<f32>,
    /// `[batch, H]`: gradient of the cell state carried back one step.
    pub(crate) d_cell: Vec<f32>,
    /// `[batch, H]` of zeros: the cells before the first step.
    pub(crate) zeros: Vec<f32>,
    /// `[vocab, 4H]`: layer 0's input gradient summed by input event.
    pub(crate) d_by_event: Vec<f32>,
    /// `[steps, 4H]`: layer 0's gate gradients summed over the shard's windows at each step.
    pub(crate) d_by_step: Vec<f32>,
    /// The groove head's rows, for a network with one.
    pub(crate) groove: GrooveRows,
}

impl Workspace {
    /// Sizes every buffer for `steps × batch` rows of `config` (keeping their allocations), with
    /// or without dropout masks. Values are left as they were: every pass writes before it reads.
    pub(crate) fn fit(&mut self, config: &ModelConfig, steps: usize, batch: usize, dropout: bool) {
        let h = config.hidden_size;
        let rows = steps * batch;
        self.layers
            .resize_with(config.num_layers, LayerActivations::default);
        for layer in &mut self.layers {
            layer.gates.resize(rows * 4 * h, 0.0);
            layer.cells.resize(rows * h, 0.0);
            layer.cell_tanh.resize(rows * h, 0.0);
            layer.hidden.resize(rows * h, 0.0);
            let masked = if dropout { rows * h } else { 0 };
            layer.mask.resize(masked, 0.0);
            layer.dropped.resize(masked, 0.0);
        }
        self.logits.resize(rows * config.vocab_size, 0.0);
        self.d_gates.resize(rows * 4 * h, 0.0);
        self.d_output.resize(rows * h, 0.0);
        self.d_input.resize(rows * h, 0.0);
        self.d_cell.resize(batch * h, 0.0);
        self.zeros.clear();
        self.zeros.resize(batch * h, 0.0);
        self.d_by_event.resize(config.vocab_size * 4 * h, 0.0);
        self.d_by_step.resize(steps * 4 * h, 0.0);
    }
}

/// Layer 0's input projection as tables, built once per batch from the current weights and
/// shared by every shard: a one-hot event selects a column of `weight_ih`, and the counters of a
/// step are the same for every window.
#[derive(Debug, Default)]
pub(crate) struct FirstLayerTables {
    /// `[vocab, 4H]`: `weight_ih`'s event columns as rows.
    pub(crate) by_event: Vec<f32>,
    /// `[steps, 4H]`: the counters' projection at each predicted step, plus the bias.
    pub(crate) by_step: Vec<f32>,
}

impl FirstLayerTables {
    /// Rebuilds the tables from `weights` for windows of `steps` predicted steps.
    pub(crate) fn rebuild(&mut self, weights: Weights<'_>, steps: usize) {
        let config = weights.layout.config();
        let (vocab, bits, gates) = (
            config.vocab_size,
            config.counter_bits,
            4 * config.hidden_size,
        );
        let input = vocab + bits;
        let (weight_ih, _, bias) = weights.layer(0);
        self.by_event.resize(vocab * gates, 0.0);
        for (gate, row) in weight_ih.chunks_exact(input).enumerate() {
            for (event, &w) in row[..vocab].iter().enumerate() {
                self.by_event[event * gates + gate] = w;
            }
        }
        self.by_step.resize(steps * gates, 0.0);
        for (t, out) in self.by_step.chunks_exact_mut(gates).enumerate() {
            let counters = binary_counters(t + 1);
            for ((out, row), &b) in out.iter_mut().zip(weight_ih.chunks_exact(input)).zip(bias) {
                *out = b + row[vocab..]
                    .iter()
                    .zip(&counters)
                    .map(|(w, c)| w * c)
                    .sum::<f32>();
            }
        }
    }
}
