//! Gradient clipping by global norm, over candle's `GradStore`.

use candle_core::backprop::GradStore;
use candle_core::{Result, Var};

/// Scales every gradient of `vars` by `max_norm / norm` when their joint L2 norm exceeds
/// `max_norm` (as TensorFlow's `clip_by_global_norm`, which Magenta's drum models use with 3.0).
/// Returns the norm before clipping.
pub fn clip_grad_norm(grads: &mut GradStore, vars: &[Var], max_norm: f64) -> Result<f64> {
    let mut sum_sq = 0.0f64;
    for var in vars {
        if let Some(grad) = grads.get(var) {
            sum_sq += f64::from(grad.sqr()?.sum_all()?.to_scalar::<f32>()?);
        }
    }
    let norm = sum_sq.sqrt();
    if norm > max_norm {
        let scale = max_norm / norm;
        for var in vars {
            if let Some(grad) = grads.remove(var) {
                grads.insert(var, (grad * scale)?);
            }
        }
    }
    Ok(norm)
}

#[cfg(test)]
mod tests {
    use candle_core::{Device, Tensor};

    use super::*;

    fn grads_of(a: &Var, b: &Var, scale_a: f64, scale_b: f64) -> GradStore {
        // d/da (scale_a · Σa) = scale_a everywhere.
        let loss = ((a.as_tensor().sum_all().unwrap() * scale_a).unwrap()
            + (b.as_tensor().sum_all().unwrap() * scale_b).unwrap())
        .unwrap();
        loss.backward().unwrap()
    }

    #[test]
    fn large_gradients_are_scaled_to_the_max_norm_together() {
        let a = Var::from_tensor(&Tensor::zeros(4, candle_core::DType::F32, &Device::Cpu).unwrap())
            .unwrap();
        let b = Var::from_tensor(&Tensor::zeros(1, candle_core::DType::F32, &Device::Cpu).unwrap())
            .unwrap();
        // Gradients: four 3s and one 6: norm √(36 + 36) ≈ 8.49.
        let mut grads = grads_of(&a, &b, 3.0, 6.0);
        let vars = [a.clone(), b.clone()];
        let norm = clip_grad_norm(&mut grads, &vars, 1.0).unwrap();
        assert!((norm - 72f64.sqrt()).abs() < 1e-4);
        let ga: Vec<f32> = grads.get(&a).unwrap().to_vec1().unwrap();
        let gb: Vec<f32> = grads.get(&b).unwrap().to_vec1().unwrap();
        let clipped: f32 = ga.iter().chain(&gb).map(|g| g * g).sum::<f32>().sqrt();
        assert!((clipped - 1.0).abs() < 1e-4, "{clipped}");
        // Direction is kept: b's gradient stays twice a's.
        assert!((gb[0] / ga[0] - 2.0).abs() < 1e-4);
    }

    #[test]
    fn small_gradients_are_left_alone() {
        let a = Var::from_tensor(&Tensor::zeros(4, candle_core::DType::F32, &Device::Cpu).unwrap())
            .unwrap();
        let b = Var::from_tensor(&Tensor::zeros(1, candle_core::DType::F32, &Device::Cpu).unwrap())
            .unwrap();
        let mut grads = grads_of(&a, &b, 0.1, 0.1);
        clip_grad_norm(&mut grads, &[a.clone(), b], 3.0).unwrap();
        let ga: Vec<f32> = grads.get(&a).unwrap().to_vec1().unwrap();
        assert!(ga.iter().all(|&g| (g - 0.1).abs() < 1e-6));
    }
}
