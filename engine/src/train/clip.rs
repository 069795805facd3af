//! Gradient clipping by global norm, over a flat gradient buffer.

use crate::model::fused::ParamLayout;

/// Scales every gradient by `max_norm / norm` when their joint L2 norm exceeds `max_norm` (as
/// TensorFlow's `clip_by_global_norm`, which Magenta's drum models use with 3.0). The squares
/// are summed tensor by tensor in `layout`'s (name) order, so every run sums them alike.
/// Returns the norm before clipping.
pub fn clip_grad_norm(grads: &mut [f32], layout: &ParamLayout, max_norm: f64) -> f64 {
    let sum_sq: f64 = layout
        .entries()
        .iter()
        .map(|entry| {
            grads[entry.range.clone()]
                .iter()
                .map(|&g| f64::from(g) * f64::from(g))
                .sum::<f64>()
        })
        .sum();
    let norm = sum_sq.sqrt();
    if norm > max_norm {
        let scale = (max_norm / norm) as f32;
        for g in grads.iter_mut() {
            *g *= scale;
        }
    }
    norm
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::Family;
    use crate::model::ModelConfig;

    fn layout() -> ParamLayout {
        ParamLayout::new(&ModelConfig::new(Family::MELODY, 1, 1, 0.0))
    }

    #[test]
    fn large_gradients_are_scaled_to_the_max_norm_together() {
        let layout = layout();
        // Every gradient 3 but output.bias's, 6: the norm is √(9·n + 27·38).
        let bias = layout.entries()[layout.entries().len() - 2].range.clone();
        let mut grads = vec![3.0f32; layout.len()];
        grads[bias.clone()].fill(6.0);
        let norm = clip_grad_norm(&mut grads, &layout, 1.0);
        let expected = (9.0 * layout.len() as f64 + 27.0 * bias.len() as f64).sqrt();
        assert!((norm - expected).abs() < 1e-6 * expected);
        let clipped: f64 = grads
            .iter()
            .map(|&g| f64::from(g) * f64::from(g))
            .sum::<f64>()
            .sqrt();
        assert!((clipped - 1.0).abs() < 1e-5, "{clipped}");
        // Direction is kept: the bias's gradients stay twice the others'.
        assert!((grads[bias.start] / grads[0] - 2.0).abs() < 1e-5);
    }

    #[test]
    fn small_gradients_are_left_alone() {
        let layout = layout();
        let mut grads = vec![0.01f32; layout.len()];
        let norm = clip_grad_norm(&mut grads, &layout, 3.0);
        assert!(norm < 3.0);
        assert!(grads.iter().all(|&g| g == 0.01));
    }
}
