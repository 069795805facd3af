//! The training forward pass over a shard of windows: every layer over all steps, keeping what
//! the backward pass needs, then the logits.

use crate::encoding::groove::GROOVE_VALUES;
use crate::model::fused::activation::{sigmoid, tanh};
use crate::model::fused::activations::{FirstLayerTables, Workspace};
use crate::model::fused::gemm::{MatRef, matmul};
use crate::model::fused::params::Weights;
use crate::model::fused::windows::WindowArrays;

/// Runs the network over `windows` into `work` (sized by [`Workspace::fit`], masks filled when
/// dropping out), leaving the logits in `work.logits` and a groove head's predictions in
/// `work.groove`.
pub(crate) fn forward(
    weights: Weights<'_>,
    tables: &FirstLayerTables,
    windows: &WindowArrays,
    work: &mut Workspace,
) {
    let config = weights.layout.config();
    let (h, vocab) = (config.hidden_size, config.vocab_size);
    let gates = 4 * h;
    let (steps, batch) = (windows.steps, windows.batch);
    let rows = steps * batch;
    for k in 0..config.num_layers {
        let (below, layer) = work.layers.split_at_mut(k);
        let layer = &mut layer[0];
        let (weight_ih, weight_hh, bias) = weights.layer(k);
        let pre = &mut layer.gates[..rows * gates];
        if k == 0 {
            for ((row, &event), t) in pre
                .chunks_exact_mut(gates)
                .zip(&windows.prev)
                .zip((0..steps).flat_map(|t| std::iter::repeat_n(t, batch)))
            {
                let by_event = &tables.by_event[event as usize * gates..][..gates];
                let by_step = &tables.by_step[t * gates..][..gates];
                for ((out, e), s) in row.iter_mut().zip(by_event).zip(by_step) {
                    *out = e + s;
                }
            }
            if let (Some((weight_groove, _)), Some(groove)) = (weights.groove(), &windows.groove) {
                let inputs = MatRef::new(&groove.inputs, rows, GROOVE_VALUES);
                matmul(
                    pre,
                    inputs,
                    MatRef::new(weight_groove, gates, GROOVE_VALUES).t(),
                    true,
                );
            }
        } else {
            for row in pre.chunks_exact_mut(gates) {
                row.copy_from_slice(bias);
            }
            let input = MatRef::new(below[k - 1].output(), rows, h);
            matmul(pre, input, MatRef::new(weight_ih, gates, h).t(), true);
        }
        let recurrent = MatRef::new(weight_hh, gates, h).t();
        for t in 0..steps {
            let now = t * batch..(t + 1) * batch;
            let pre = &mut layer.gates[now.start * gates..now.end * gates];
            if t > 0 {
                let previous = &layer.hidden[(now.start - batch) * h..now.start * h];
                matmul(pre, MatRef::new(previous, batch, h), recurrent, true);
            }
            let (before, cells) = layer.cells.split_at_mut(now.start * h);
            let previous_cells = if t > 0 {
                &before[(now.start - batch) * h..]
            } else {
                &work.zeros[..batch * h]
            };
            cell_forward(
                pre,
                previous_cells,
                &mut cells[..batch * h],
                &mut layer.cell_tanh[now.start * h..now.end * h],
                &mut layer.hidden[now.start * h..now.end * h],
                h,
            );
        }
        if !layer.mask.is_empty() {
            for ((out, &x), &m) in layer.dropped.iter_mut().zip(&layer.hidden).zip(&layer.mask) {
                *out = x * m;
            }
        }
    }
    let (output_weight, output_bias) = weights.output();
    let logits = &mut work.logits[..rows * vocab];
    for row in logits.chunks_exact_mut(vocab) {
        row.copy_from_slice(output_bias);
    }
    let top = work.layers[config.num_layers - 1].output();
    matmul(
        logits,
        MatRef::new(top, rows, h),
        MatRef::new(output_weight, vocab, h).t(),
        true,
    );
    if let (Some((_, head)), Some(groove)) = (weights.groove(), &windows.groove) {
        head.forward(&top[..rows * h], &groove.struck, h, &mut work.groove);
    }
}

/// The cell at one step for every window: gate pre-activations (replaced by the gate values)
/// and the previous cells (zero before the first step) to the new cells, their `tanh` and the
/// outputs.
fn cell_forward(
    gates: &mut [f32],
    previous_cells: &[f32],
    cells: &mut [f32],
    cell_tanh: &mut [f32],
    hidden: &mut [f32],
    h: usize,
) {
    for (row, gates) in gates.chunks_exact_mut(4 * h).enumerate() {
        let (input_gate, rest) = gates.split_at_mut(h);
        let (forget_gate, rest) = rest.split_at_mut(h);
        let (candidate, output_gate) = rest.split_at_mut(h);
        let cells = &mut cells[row * h..][..h];
        let cell_tanh = &mut cell_tanh[row * h..][..h];
        let hidden = &mut hidden[row * h..][..h];
        for j in 0..h {
            input_gate[j] = sigmoid(input_gate[j]);
            forget_gate[j] = sigmoid(forget_gate[j]);
            candidate[j] = tanh(candidate[j]);
            output_gate[j] = sigmoid(output_gate[j]);
        }
        let previous = &previous_cells[row * h..][..h];
        for j in 0..h {
            cells[j] = forget_gate[j] * previous[j] + input_gate[j] * candidate[j];
            cell_tanh[j] = tanh(cells[j]);
            hidden[j] = output_gate[j] * cell_tanh[j];
        }
    }
}
