//! The training backward pass over a shard: from the loss's gradient with respect to the logits
//! back through the output projection, then through time through each layer from the top,
//! summing every weight's gradient into a flat buffer.

use crate::encoding::counters::binary_counters;
use crate::encoding::groove::GROOVE_VALUES;
use crate::model::fused::activations::{LayerActivations, Workspace};
use crate::model::fused::gemm::{MatRef, add_column_sums, matmul};
use crate::model::fused::groove_head::GrooveHeadGrads;
use crate::model::fused::params::Weights;
use crate::model::fused::windows::WindowArrays;
use crate::model::score::GrooveScore;

/// Adds the gradients of the loss whose gradient with respect to the logits is in `work.logits`
/// (after [`forward`](super::forward::forward) over the same `windows`) to `grads`, laid out as
/// `weights`; with a groove head, plus `groove_scale ·` its summed loss, whose score it returns.
pub(crate) fn backward(
    weights: Weights<'_>,
    windows: &WindowArrays,
    work: &mut Workspace,
    grads: &mut [f32],
    groove_scale: f32,
) -> Option<GrooveScore> {
    let layout = weights.layout;
    let config = layout.config();
    let (h, vocab) = (config.hidden_size, config.vocab_size);
    let gates = 4 * h;
    let (steps, batch) = (windows.steps, windows.batch);
    let rows = steps * batch;
    let layers = config.num_layers;

    let d_logits = MatRef::new(&work.logits[..rows * vocab], rows, vocab);
    let top = MatRef::new(work.layers[layers - 1].output(), rows, h);
    let (output_weight, _) = weights.output();
    matmul(
        &mut grads[layout.output()[0].clone()],
        d_logits.t(),
        top,
        true,
    );
    add_column_sums(
        &mut grads[layout.output()[1].clone()],
        &work.logits[..rows * vocab],
    );
    matmul(
        &mut work.d_output[..rows * h],
        d_logits,
        MatRef::new(output_weight, vocab, h),
        false,
    );
    let groove = weights.groove().zip(windows.groove.as_ref());
    let groove_score = groove.map(|((_, head), groove)| {
        let [_, hidden_weight, hidden_bias, output_weight, output_bias] =
            layout.groove().expect("a groove head").clone();
        let [hidden_weight, hidden_bias, output_weight, output_bias] = grads
            .get_disjoint_mut([hidden_weight, hidden_bias, output_weight, output_bias])
            .expect("the head's tensors lie apart");
        head.backward(
            groove,
            h,
            groove_scale,
            &mut work.groove,
            GrooveHeadGrads {
                hidden_weight,
                hidden_bias,
                output_weight,
                output_bias,
            },
            &mut work.d_output[..rows * h],
        )
    });

    for k in (0..layers).rev() {
        let (weight_ih, weight_hh, _) = weights.layer(k);
        let layer = &work.layers[k];
        let d_output = &mut work.d_output[..rows * h];
        if !layer.mask.is_empty() {
            for (d, &m) in d_output.iter_mut().zip(&layer.mask) {
                *d *= m;
            }
        }
        let d_gates = &mut work.d_gates[..rows * gates];
        let d_cell = &mut work.d_cell[..batch * h];
        d_cell.fill(0.0);
        let recurrent = MatRef::new(weight_hh, gates, h);
        for t in (0..steps).rev() {
            let now = t * batch..(t + 1) * batch;
            let (d_gates_now, d_gates_later) = d_gates.split_at_mut(now.end * gates);
            let d_hidden = &mut d_output[now.start * h..now.end * h];
            if t + 1 < steps {
                let later = MatRef::new(&d_gates_later[..batch * gates], batch, gates);
                matmul(d_hidden, later, recurrent, true);
            }
            let previous_cells = if t > 0 {
                &layer.cells[(now.start - batch) * h..now.start * h]
            } else {
                &work.zeros[..batch * h]
            };
            cell_backward(
                layer,
                now.start,
                previous_cells,
                d_hidden,
                d_cell,
                &mut d_gates_now[now.start * gates..],
                h,
            );
        }
        let d_gates = &work.d_gates[..rows * gates];
        add_column_sums(&mut grads[layout.layer(k)[2].clone()], d_gates);
        let later_rows = rows - batch;
        matmul(
            &mut grads[layout.layer(k)[1].clone()],
            MatRef::new(&d_gates[batch * gates..], later_rows, gates).t(),
            MatRef::new(&layer.hidden[..later_rows * h], later_rows, h),
            true,
        );
        let d_weight_ih = &mut grads[layout.layer(k)[0].clone()];
        if k > 0 {
            let input = MatRef::new(work.layers[k - 1].output(), rows, h);
            matmul(
                d_weight_ih,
                MatRef::new(d_gates, rows, gates).t(),
                input,
                true,
            );
            matmul(
                &mut work.d_input[..rows * h],
                MatRef::new(d_gates, rows, gates),
                MatRef::new(weight_ih, gates, h),
                false,
            );
            std::mem::swap(&mut work.d_output, &mut work.d_input);
        } else {
            first_layer_input(
                windows,
                d_gates,
                gates,
                vocab,
                config.counter_bits,
                &mut work.d_by_event,
                &mut work.d_by_step,
                d_weight_ih,
            );
            if let Some((_, groove)) = groove {
                let [weight_groove, ..] = layout.groove().expect("a groove head").clone();
                matmul(
                    &mut grads[weight_groove],
                    MatRef::new(d_gates, rows, gates).t(),
                    MatRef::new(&groove.inputs, rows, GROOVE_VALUES),
                    true,
                );
            }
        }
    }
    groove_score
}

/// The cell at one step (the rows of `layer` from `first`, one per window) backwards: from the
/// gradient of its outputs (`d_hidden`) and of its cells from the next step (`d_cell`, replaced
/// by the gradient of the previous cells) to the gradient of its gate pre-activations.
fn cell_backward(
    layer: &LayerActivations,
    first: usize,
    previous_cells: &[f32],
    d_hidden: &[f32],
    d_cell: &mut [f32],
    d_gates: &mut [f32],
    h: usize,
) {
    for (b, d_hidden) in d_hidden.chunks_exact(h).enumerate() {
        let row = first + b;
        let gates = &layer.gates[row * 4 * h..][..4 * h];
        let (input_gate, rest) = gates.split_at(h);
        let (forget_gate, rest) = rest.split_at(h);
        let (candidate, output_gate) = rest.split_at(h);
        let cell_tanh = &layer.cell_tanh[row * h..][..h];
        let previous = &previous_cells[b * h..][..h];
        let d_cell = &mut d_cell[b * h..][..h];
        let d_row = &mut d_gates[b * 4 * h..][..4 * h];
        let (d_input, rest) = d_row.split_at_mut(h);
        let (d_forget, rest) = rest.split_at_mut(h);
        let (d_candidate, d_output) = rest.split_at_mut(h);
        for j in 0..h {
            let (i, f, g, o) = (input_gate[j], forget_gate[j], candidate[j], output_gate[j]);
            let tc = cell_tanh[j];
            let dh = d_hidden[j];
            let dc = dh * o * (1.0 - tc * tc) + d_cell[j];
            d_output[j] = dh * tc * o * (1.0 - o);
            d_input[j] = dc * g * i * (1.0 - i);
            d_forget[j] = dc * previous[j] * f * (1.0 - f);
            d_candidate[j] = dc * i * (1.0 - g * g);
            d_cell[j] = dc * f;
        }
    }
}

/// Layer 0's `weight_ih` gradient: its event columns take the gate gradients of the rows whose
/// input was that event, its counter columns those of every row weighted by the row's counters.
#[allow(clippy::too_many_arguments)]
fn first_layer_input(
    windows: &WindowArrays,
    d_gates: &[f32],
    gates: usize,
    vocab: usize,
    bits: usize,
    d_by_event: &mut [f32],
    d_by_step: &mut [f32],
    d_weight_ih: &mut [f32],
) {
    d_by_event.fill(0.0);
    d_by_step.fill(0.0);
    for ((d_row, &event), t) in d_gates
        .chunks_exact(gates)
        .zip(&windows.prev)
        .zip((0..windows.steps).flat_map(|t| std::iter::repeat_n(t, windows.batch)))
    {
        let by_event = &mut d_by_event[event as usize * gates..][..gates];
        for (sum, &d) in by_event.iter_mut().zip(d_row) {
            *sum += d;
        }
        let by_step = &mut d_by_step[t * gates..][..gates];
        for (sum, &d) in by_step.iter_mut().zip(d_row) {
            *sum += d;
        }
    }
    let input = vocab + bits;
    for (gate, d_weights) in d_weight_ih.chunks_exact_mut(input).enumerate() {
        for (event, d) in d_weights[..vocab].iter_mut().enumerate() {
            *d += d_by_event[event * gates + gate];
        }
    }
    for (t, d_step) in d_by_step.chunks_exact(gates).enumerate() {
        let counters = binary_counters(t + 1);
        for (d_weights, &d) in d_weight_ih.chunks_exact_mut(input).zip(d_step) {
            for (w, &c) in d_weights[vocab..].iter_mut().zip(&counters) {
                *w += c * d;
            }
        }
    }
}
