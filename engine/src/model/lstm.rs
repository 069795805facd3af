//! A stacked LSTM written with candle ops, in two forms: whole windows at once for scoring, and
//! one step at a time. The live model steps with the fused kernels of [`crate::model::fused`];
//! these candle forms are the reference they are checked and measured against.
//!
//! Weights (per layer `k`, PyTorch's gate order i, f, g, o):
//! `lstm.layers.k.weight_ih` `[4H, input]`, `lstm.layers.k.weight_hh` `[4H, H]`,
//! `lstm.layers.k.bias` `[4H]`. Layer 0's input is the one-hot previous event followed by the
//! binary counters, so `weight_ih` of layer 0 is `[4H, vocab + 6]` (`[4H, 518]` for drums).

use candle_core::{D, DType, Device, Result, Tensor};
use candle_nn::VarBuilder;

use crate::encoding::counters::binary_counters;
use crate::model::config::ModelConfig;
use crate::model::dropout::Dropout;

/// One LSTM layer's weights.
#[derive(Debug, Clone)]
pub struct LstmLayer {
    weight_ih: Tensor,
    weight_hh: Tensor,
    bias: Tensor,
}

/// The stacked LSTM.
#[derive(Debug, Clone)]
pub struct Lstm {
    layers: Vec<LstmLayer>,
    hidden_size: usize,
    vocab_size: usize,
    counter_bits: usize,
}

/// The recurrent state between steps: each layer's hidden and cell vectors, `[1, H]`.
///
/// Cloning is cheap (tensors are reference-counted and never mutated in place), so the caller
/// can snapshot the state before a speculative response and go back to it.
#[derive(Debug, Clone)]
pub struct LstmState {
    hidden: Vec<Tensor>,
    cell: Vec<Tensor>,
}

impl LstmLayer {
    /// Input weights `[4H, input]`.
    pub fn weight_ih(&self) -> &Tensor {
        &self.weight_ih
    }

    /// Recurrent weights `[4H, H]`.
    pub fn weight_hh(&self) -> &Tensor {
        &self.weight_hh
    }

    /// Bias `[4H]`.
    pub fn bias(&self) -> &Tensor {
        &self.bias
    }
}

impl Lstm {
    /// The layers, from the input up.
    pub fn layers(&self) -> &[LstmLayer] {
        &self.layers
    }

    /// Units per layer.
    pub fn hidden_size(&self) -> usize {
        self.hidden_size
    }

    /// Events of the one-hot input.
    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }

    /// Binary-counter inputs beside the event.
    pub fn counter_bits(&self) -> usize {
        self.counter_bits
    }

    /// Reads (or, with a `VarMap` builder, creates) the weights under `vb` for `cfg`.
    pub fn load(vb: VarBuilder, cfg: &ModelConfig) -> Result<Lstm> {
        let h = cfg.hidden_size;
        let layers = (0..cfg.num_layers)
            .map(|k| {
                let vb = vb.pp("layers").pp(k);
                let input = if k == 0 { cfg.input_size() } else { h };
                Ok(LstmLayer {
                    weight_ih: vb.get((4 * h, input), "weight_ih")?,
                    weight_hh: vb.get((4 * h, h), "weight_hh")?,
                    bias: vb.get(4 * h, "bias")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Lstm {
            layers,
            hidden_size: h,
            vocab_size: cfg.vocab_size,
            counter_bits: cfg.counter_bits,
        })
    }

    /// Runs whole windows: `prev_events` `[T, B]` (u32 event indices, the input of each step),
    /// `counters` `[T, bits]` (the counters of each predicted step). Returns the last layer's
    /// outputs `[T, B, H]`. With `dropout`, every layer's output is masked (training only).
    pub fn forward(
        &self,
        prev_events: &Tensor,
        counters: &Tensor,
        mut dropout: Option<&mut Dropout>,
    ) -> Result<Tensor> {
        let (steps, batch) = prev_events.dims2()?;
        let h = self.hidden_size;
        let mut below: Option<Tensor> = None;
        for layer in &self.layers {
            // The input projection of every step at once: for layer 0 the one-hot input makes it
            // a lookup of weight_ih's event columns plus a small counters matmul.
            let projected = if let Some(below) = &below {
                below
                    .reshape((steps * batch, h))?
                    .matmul(&layer.weight_ih.t()?.contiguous()?)?
                    .broadcast_add(&layer.bias)?
                    .reshape((steps, batch, 4 * h))?
            } else {
                let event_columns = layer.weight_ih.narrow(1, 0, self.vocab_size)?.t()?;
                let by_event = event_columns
                    .contiguous()?
                    .index_select(&prev_events.flatten_all()?, 0)?
                    .reshape((steps, batch, 4 * h))?;
                let counter_columns =
                    layer
                        .weight_ih
                        .narrow(1, self.vocab_size, self.counter_bits)?;
                let by_position = counters
                    .matmul(&counter_columns.t()?)?
                    .broadcast_add(&layer.bias)?
                    .unsqueeze(1)?;
                by_event.broadcast_add(&by_position)?
            };
            // A contiguous transpose once per window batch: gemm is several times faster on it
            // than on the strided view, and the copy is differentiable.
            let weight_hh_t = layer.weight_hh.t()?.contiguous()?;
            let mut hidden: Option<Tensor> = None;
            let mut cell: Option<Tensor> = None;
            let mut hiddens = Vec::with_capacity(steps);
            for t in 0..steps {
                let mut gates = projected.get(t)?;
                if let Some(hidden) = &hidden {
                    gates = gates.add(&hidden.matmul(&weight_hh_t)?)?;
                }
                let (next_hidden, next_cell) = cell_update(&gates, cell.as_ref(), h)?;
                hiddens.push(next_hidden.clone());
                hidden = Some(next_hidden);
                cell = Some(next_cell);
            }
            let mut outputs = Tensor::stack(&hiddens, 0)?;
            if let Some(dropout) = dropout.as_deref_mut() {
                outputs = dropout.apply(&outputs)?;
            }
            below = Some(outputs);
        }
        // `load` refuses nothing here, but a config with zero layers never reaches this point:
        // `ModelConfig::unsupported` rejects it.
        below.ok_or_else(|| candle_core::Error::Msg("an LSTM needs at least one layer".into()))
    }

    /// The all-zero state a performance starts from.
    pub fn initial_state(&self, device: &Device) -> Result<LstmState> {
        let zeros = Tensor::zeros((1, self.hidden_size), DType::F32, device)?;
        Ok(LstmState {
            hidden: vec![zeros.clone(); self.layers.len()],
            cell: vec![zeros; self.layers.len()],
        })
    }

    /// Weights rearranged for batch-1 steps with candle ops (the reference for the fused step).
    pub fn step_weights(&self) -> Result<LstmStepWeights> {
        let first = &self.layers[0];
        let by_event = first
            .weight_ih
            .narrow(1, 0, self.vocab_size)?
            .t()?
            .contiguous()?;
        // The counters repeat every 2^bits steps: one row per position of the cycle, bias folded in.
        let period = 1usize << self.counter_bits;
        let counters: Vec<f32> = (0..period).flat_map(binary_counters).collect();
        let counters = Tensor::from_vec(counters, (period, self.counter_bits), by_event.device())?;
        let by_position = counters
            .matmul(
                &first
                    .weight_ih
                    .narrow(1, self.vocab_size, self.counter_bits)?
                    .t()?,
            )?
            .broadcast_add(&first.bias)?;
        let upper = self.layers[1..]
            .iter()
            .map(|layer| {
                // [x, h] · [W_ih; W_hh]ᵀ in one matmul.
                let stacked = Tensor::cat(&[&layer.weight_ih, &layer.weight_hh], 1)?;
                Ok((stacked.t()?.contiguous()?, layer.bias.unsqueeze(0)?))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(LstmStepWeights {
            first_by_event: by_event,
            first_by_position: by_position,
            first_hh_t: first.weight_hh.t()?.contiguous()?,
            upper,
            hidden_size: self.hidden_size,
        })
    }
}

/// [`Lstm`] weights laid out for batch-1 steps with candle ops: layer 0's input projection as two lookup tables
/// (by previous event, and by position in the counters' cycle), the upper layers' input and
/// recurrent weights stacked into one matrix each.
#[derive(Debug, Clone)]
pub struct LstmStepWeights {
    first_by_event: Tensor,
    first_by_position: Tensor,
    first_hh_t: Tensor,
    upper: Vec<(Tensor, Tensor)>,
    hidden_size: usize,
}

impl LstmStepWeights {
    /// Advances `state` by one step whose input is event index `prev_event` and whose
    /// counters are those of `position_steps`. Returns the last layer's output `[1, H]`.
    pub fn step(
        &self,
        state: &mut LstmState,
        prev_event: usize,
        position_steps: usize,
    ) -> Result<Tensor> {
        let h = self.hidden_size;
        let period = self.first_by_position.dim(0)?;
        let gates = self
            .first_by_event
            .narrow(0, prev_event, 1)?
            .add(
                &self
                    .first_by_position
                    .narrow(0, position_steps % period, 1)?,
            )?
            .add(&state.hidden[0].matmul(&self.first_hh_t)?)?;
        let (mut input, cell) = cell_update(&gates, Some(&state.cell[0]), h)?;
        state.hidden[0] = input.clone();
        state.cell[0] = cell;
        for (k, (stacked_t, bias)) in self.upper.iter().enumerate() {
            let layer = k + 1;
            let gates = Tensor::cat(&[&input, &state.hidden[layer]], 1)?
                .matmul(stacked_t)?
                .add(bias)?;
            let (hidden, cell) = cell_update(&gates, Some(&state.cell[layer]), h)?;
            state.hidden[layer] = hidden.clone();
            state.cell[layer] = cell;
            input = hidden;
        }
        Ok(input)
    }
}

/// One LSTM cell update from the summed gate pre-activations `[B, 4H]` (order i, f, g, o).
/// A missing previous cell is the zero state.
fn cell_update(gates: &Tensor, cell: Option<&Tensor>, h: usize) -> Result<(Tensor, Tensor)> {
    let squashed = candle_nn::ops::sigmoid(gates)?;
    let input_gate = squashed.narrow(D::Minus1, 0, h)?;
    let candidate = gates.narrow(D::Minus1, 2 * h, h)?.tanh()?;
    let output_gate = squashed.narrow(D::Minus1, 3 * h, h)?;
    let mut next_cell = input_gate.mul(&candidate)?;
    if let Some(cell) = cell {
        let forget_gate = squashed.narrow(D::Minus1, h, h)?;
        next_cell = next_cell.add(&forget_gate.mul(cell)?)?;
    }
    let next_hidden = output_gate.mul(&next_cell.tanh()?)?;
    Ok((next_hidden, next_cell))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::families::Family;
    use crate::rng::SplitMix64;

    fn random_lstm(cfg: &ModelConfig, seed: u64) -> Lstm {
        let mut rng = SplitMix64::new(seed);
        let h = cfg.hidden_size;
        let mut tensors = HashMap::new();
        for k in 0..cfg.num_layers {
            let input = if k == 0 { cfg.input_size() } else { h };
            for (name, shape) in [
                ("weight_ih", vec![4 * h, input]),
                ("weight_hh", vec![4 * h, h]),
                ("bias", vec![4 * h]),
            ] {
                let n = shape.iter().product();
                let values: Vec<f32> = (0..n).map(|_| rng.next_f32() - 0.5).collect();
                let tensor = Tensor::from_vec(values, shape, &Device::Cpu).unwrap();
                tensors.insert(format!("layers.{k}.{name}"), tensor);
            }
        }
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        Lstm::load(vb, cfg).unwrap()
    }

    #[test]
    fn stepping_matches_the_whole_window_forward() {
        let cfg = ModelConfig::new(Family::DRUMS, 3, 8, 0.0);
        let lstm = random_lstm(&cfg, 1);
        let events: [u32; 5] = [0, 5, 511, 5, 17];
        let prev = Tensor::new(&events, &Device::Cpu)
            .unwrap()
            .unsqueeze(1)
            .unwrap();
        let counters: Vec<f32> = (1..=5).flat_map(binary_counters).collect();
        let counters = Tensor::from_vec(counters, (5, 6), &Device::Cpu).unwrap();
        let whole = lstm.forward(&prev, &counters, None).unwrap();

        let weights = lstm.step_weights().unwrap();
        let mut state = lstm.initial_state(&Device::Cpu).unwrap();
        for (t, &event) in events.iter().enumerate() {
            let stepped = weights.step(&mut state, event as usize, t + 1).unwrap();
            let stepped: Vec<f32> = stepped.flatten_all().unwrap().to_vec1().unwrap();
            let expected: Vec<f32> = whole
                .get(t)
                .unwrap()
                .flatten_all()
                .unwrap()
                .to_vec1()
                .unwrap();
            for (a, b) in stepped.iter().zip(&expected) {
                assert!((a - b).abs() < 1e-5, "step {t}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn missing_or_misshapen_weights_are_errors() {
        let cfg = ModelConfig::new(Family::DRUMS, 1, 4, 0.0);
        let empty = VarBuilder::from_tensors(HashMap::new(), DType::F32, &Device::Cpu);
        assert!(Lstm::load(empty, &cfg).is_err());
        let lstm_vb = {
            let mut tensors = HashMap::new();
            for (name, shape) in [
                ("layers.0.weight_ih", (16, 518)),
                ("layers.0.weight_hh", (16, 5)),
            ] {
                tensors.insert(
                    name.to_owned(),
                    Tensor::zeros(shape, DType::F32, &Device::Cpu).unwrap(),
                );
            }
            tensors.insert(
                "layers.0.bias".to_owned(),
                Tensor::zeros(16, DType::F32, &Device::Cpu).unwrap(),
            );
            VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu)
        };
        let err = Lstm::load(lstm_vb, &cfg).unwrap_err().to_string();
        assert!(err.contains("weight_hh"), "{err}");
    }
}
