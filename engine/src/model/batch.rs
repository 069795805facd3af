//! Windows of events turned into the model's input tensors, following the input convention: to
//! predict step `t` the input is `one_hot(event[t-1]) ++ binary_counters(t)`, and steps
//! `1..len` of each window are scored (its first event is context only).

use candle_core::{DType, Device, Result, Tensor};

use crate::encoding::EventId;
use crate::encoding::counters::{NUM_COUNTER_BITS, binary_counters};
use crate::model::fused::WindowArrays;

/// A batch of windows (each starting on a bar line), padded to the longest.
#[derive(Debug, Clone)]
pub struct WindowBatch {
    /// Input event index of each predicted step, `[T, B]` u32 (`T` = longest window − 1).
    pub prev_events: Tensor,
    /// Counters of each predicted step, `[T, 6]`.
    pub counters: Tensor,
    /// Event index to predict, `[T, B]` u32.
    pub targets: Tensor,
    /// 1 where a step is scored, 0 in padding, `[T, B]`.
    pub mask: Tensor,
    /// Number of scored steps.
    pub scored_steps: usize,
}

impl WindowBatch {
    /// Builds the batch. Windows shorter than two events score nothing and are padding only.
    pub fn new(windows: &[&[EventId]], device: &Device) -> Result<WindowBatch> {
        let arrays = WindowArrays::new(windows);
        let (steps, batch) = (arrays.steps, arrays.batch);
        let mask: Vec<f32> = arrays
            .scored
            .iter()
            .map(|&s| f32::from(u8::from(s)))
            .collect();
        let counters: Vec<f32> = (1..=steps).flat_map(binary_counters).collect();
        Ok(WindowBatch {
            prev_events: Tensor::from_vec(arrays.prev, (steps, batch), device)?,
            counters: Tensor::from_vec(counters, (steps, NUM_COUNTER_BITS), device)?,
            targets: Tensor::from_vec(arrays.targets, (steps, batch), device)?,
            mask: Tensor::from_vec(mask, (steps, batch), device)?,
            scored_steps: arrays.scored_steps,
        })
    }

    /// The summed negative log-likelihood of the scored steps (nats) under `logits`
    /// `[T, B, vocab]`.
    pub fn nll_sum(&self, logits: &Tensor) -> Result<Tensor> {
        let log_probs = candle_nn::ops::log_softmax(logits, candle_core::D::Minus1)?;
        let picked = log_probs
            .gather(&self.targets.unsqueeze(2)?, 2)?
            .squeeze(2)?;
        picked.mul(&self.mask)?.sum_all()?.neg()
    }

    /// How many scored steps `logits` ranks first correctly.
    pub fn correct(&self, logits: &Tensor) -> Result<usize> {
        let best = logits.argmax(candle_core::D::Minus1)?;
        let hits = best
            .eq(&self.targets)?
            .to_dtype(DType::F32)?
            .mul(&self.mask)?
            .sum_all()?
            .to_scalar::<f32>()?;
        Ok(hits.round() as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(indices: &[usize]) -> Vec<EventId> {
        indices.iter().map(|&i| EventId::new(i)).collect()
    }

    #[test]
    fn inputs_are_shifted_targets_with_counters_of_the_predicted_step() {
        let long = events(&[1, 2, 3, 4]);
        let short = events(&[7, 8]);
        let batch = WindowBatch::new(&[&long, &short], &Device::Cpu).unwrap();
        assert_eq!(batch.scored_steps, 4);
        assert_eq!(
            batch.prev_events.to_vec2::<u32>().unwrap(),
            [[1, 7], [2, 0], [3, 0]]
        );
        assert_eq!(
            batch.targets.to_vec2::<u32>().unwrap(),
            [[2, 8], [3, 0], [4, 0]]
        );
        assert_eq!(
            batch.mask.to_vec2::<f32>().unwrap(),
            [[1.0, 1.0], [1.0, 0.0], [1.0, 0.0]]
        );
        // Row 0 predicts step 1.
        assert_eq!(
            batch.counters.get(0).unwrap().to_vec1::<f32>().unwrap(),
            binary_counters(1)
        );
    }

    #[test]
    fn uniform_logits_cost_ln_512_per_step() {
        let window = events(&[1, 2, 3]);
        let batch = WindowBatch::new(&[&window], &Device::Cpu).unwrap();
        let logits = Tensor::zeros((2, 1, 512), DType::F32, &Device::Cpu).unwrap();
        let nll = batch.nll_sum(&logits).unwrap().to_scalar::<f32>().unwrap();
        assert!((nll - 2.0 * 512f32.ln()).abs() < 1e-4, "{nll}");
    }
}
