//! AdamW over one flat buffer of weights, with exactly candle_nn's update rule (so a fused run
//! takes the steps the candle trainer took).

/// AdamW with candle_nn's defaults for β₁, β₂ and ε (0.9, 0.999, 1e-8) and its arithmetic:
/// constants rounded to `f32` as candle's affine operations round them, the same operations in
/// the same order.
#[derive(Debug, Clone)]
pub struct AdamW {
    learning_rate: f64,
    weight_decay: f64,
    steps: i32,
    first_moment: Vec<f32>,
    second_moment: Vec<f32>,
}

const BETA1: f64 = 0.9;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

impl AdamW {
    /// An optimiser for `len` weights.
    pub fn new(len: usize, learning_rate: f64, weight_decay: f64) -> AdamW {
        AdamW {
            learning_rate,
            weight_decay,
            steps: 0,
            first_moment: vec![0.0; len],
            second_moment: vec![0.0; len],
        }
    }

    /// The learning rate of the next step.
    pub fn learning_rate(&self) -> f64 {
        self.learning_rate
    }

    /// Changes the learning rate of the following steps.
    pub fn set_learning_rate(&mut self, learning_rate: f64) {
        self.learning_rate = learning_rate;
    }

    /// One step of `weights` along `grads` (both of the optimiser's length).
    pub fn step(&mut self, weights: &mut [f32], grads: &[f32]) {
        assert_eq!(
            weights.len(),
            self.first_moment.len(),
            "weights of another length"
        );
        assert_eq!(
            grads.len(),
            self.first_moment.len(),
            "gradients of another length"
        );
        self.steps += 1;
        let lr = self.learning_rate;
        let beta1 = BETA1 as f32;
        let one_minus_beta1 = (1.0 - BETA1) as f32;
        let beta2 = BETA2 as f32;
        let one_minus_beta2 = (1.0 - BETA2) as f32;
        let scale_m = (1.0 / (1.0 - BETA1.powi(self.steps))) as f32;
        let scale_v = (1.0 / (1.0 - BETA2.powi(self.steps))) as f32;
        let decay = (1.0 - lr * self.weight_decay) as f32;
        let eps = EPS as f32;
        let lr = lr as f32;
        for (((theta, &g), m), v) in weights
            .iter_mut()
            .zip(grads)
            .zip(&mut self.first_moment)
            .zip(&mut self.second_moment)
        {
            *m = *m * beta1 + g * one_minus_beta1;
            *v = *v * beta2 + (g * g) * one_minus_beta2;
            let m_hat = *m * scale_m;
            let v_hat = *v * scale_v;
            let adjusted = m_hat / (v_hat.sqrt() + eps);
            *theta = *theta * decay - adjusted * lr;
        }
    }
}

#[cfg(test)]
mod tests {
    use candle_core::{DType, Device, Tensor, Var};
    use candle_nn::{Optimizer, ParamsAdamW};

    use super::*;
    use crate::rng::SplitMix64;

    #[test]
    fn steps_are_candle_nn_steps() {
        let mut rng = SplitMix64::new(3);
        let mut draw = |n: usize, scale: f32| -> Vec<f32> {
            (0..n).map(|_| (rng.next_f32() - 0.5) * scale).collect()
        };
        let n = 257;
        let start = draw(n, 2.0);
        let var = Var::from_tensor(&Tensor::new(start.as_slice(), &Device::Cpu).unwrap()).unwrap();
        let params = ParamsAdamW {
            lr: 3e-3,
            weight_decay: 1e-2,
            ..ParamsAdamW::default()
        };
        let mut candle = candle_nn::AdamW::new(vec![var.clone()], params).unwrap();
        let mut fused = AdamW::new(n, 3e-3, 1e-2);
        let mut weights = start;
        for step in 0..5 {
            if step == 3 {
                candle.set_learning_rate(1e-3);
                fused.set_learning_rate(1e-3);
            }
            // The gradient of Σ gᵢ·θᵢ is g: any gradient can be fed through autograd this way.
            let g = draw(n, 1.0 + step as f32);
            let g_tensor = Tensor::new(g.as_slice(), &Device::Cpu).unwrap();
            let loss = var.as_tensor().mul(&g_tensor).unwrap().sum_all().unwrap();
            candle.step(&loss.backward().unwrap()).unwrap();
            fused.step(&mut weights, &g);
            let expected: Vec<f32> = var
                .as_tensor()
                .to_dtype(DType::F32)
                .unwrap()
                .to_vec1()
                .unwrap();
            assert_eq!(weights, expected, "step {step}");
        }
    }
}
