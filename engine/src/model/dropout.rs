//! Dropout masks drawn from the project's seeded generator, so a training run replays exactly.

use candle_core::{Device, Result, Shape, Tensor};

use crate::rng::SplitMix64;

/// Zeroes each value with probability `p` and scales the survivors by `1 / (1 - p)`
/// ("inverted" dropout: nothing changes at inference).
#[derive(Debug)]
pub struct Dropout<'a> {
    p: f32,
    rng: &'a mut SplitMix64,
}

impl<'a> Dropout<'a> {
    /// Dropout with drop probability `p` in `[0, 1)`, masks drawn from `rng`.
    pub fn new(p: f32, rng: &'a mut SplitMix64) -> Dropout<'a> {
        Dropout { p, rng }
    }

    /// `xs` with a fresh mask applied.
    pub fn apply(&mut self, xs: &Tensor) -> Result<Tensor> {
        if self.p <= 0.0 {
            return Ok(xs.clone());
        }
        let mask = self.mask(xs.shape(), xs.device())?;
        xs.mul(&mask)
    }

    fn mask(&mut self, shape: &Shape, device: &Device) -> Result<Tensor> {
        let keep_scale = 1.0 / (1.0 - self.p);
        // Two 32-bit draws per 64-bit output: masks are large and drawn every batch.
        let threshold = (f64::from(self.p) * f64::from(u32::MAX)) as u32;
        let n = shape.elem_count();
        let mut values = Vec::with_capacity(n);
        while values.len() < n {
            let bits = self.rng.next_u64();
            for half in [bits as u32, (bits >> 32) as u32] {
                if values.len() < n {
                    values.push(if half < threshold { 0.0 } else { keep_scale });
                }
            }
        }
        Tensor::from_vec(values, shape, device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_about_p_and_keeps_the_mean() {
        let mut rng = SplitMix64::new(5);
        let ones = Tensor::ones((100, 100), candle_core::DType::F32, &Device::Cpu).unwrap();
        let dropped = Dropout::new(0.25, &mut rng).apply(&ones).unwrap();
        let values: Vec<f32> = dropped.flatten_all().unwrap().to_vec1().unwrap();
        let zeros = values.iter().filter(|&&v| v == 0.0).count();
        assert!((2200..2800).contains(&zeros), "{zeros} of 10000 dropped");
        let mean = values.iter().sum::<f32>() / values.len() as f32;
        assert!((mean - 1.0).abs() < 0.05, "mean {mean}");
    }

    #[test]
    fn same_seed_same_mask() {
        let ones = Tensor::ones(64, candle_core::DType::F32, &Device::Cpu).unwrap();
        let draw = |seed| {
            let mut rng = SplitMix64::new(seed);
            let out = Dropout::new(0.5, &mut rng).apply(&ones).unwrap();
            out.to_vec1::<f32>().unwrap()
        };
        assert_eq!(draw(9), draw(9));
        assert_ne!(draw(9), draw(10));
    }
}
