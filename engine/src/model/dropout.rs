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
        let mut draws = MaskDraws::new(self.p, self.rng);
        let values = (0..shape.elem_count())
            .map(|_| draws.next_value())
            .collect();
        Tensor::from_vec(values, shape, device)
    }
}

/// The values of one dropout mask, drawn one at a time in the order [`Dropout`] lays a mask
/// out (row-major), so the fused training passes drop exactly what candle's would with the same
/// generator: 0 with probability `p`, else `1 / (1 - p)`.
#[derive(Debug)]
pub struct MaskDraws<'a> {
    keep_scale: f32,
    threshold: u32,
    rng: &'a mut SplitMix64,
    /// The high half of the last 64-bit draw, not used yet.
    pending: Option<u32>,
}

impl<'a> MaskDraws<'a> {
    /// A new mask with drop probability `p` in `[0, 1)`, drawn from `rng`.
    pub fn new(p: f32, rng: &'a mut SplitMix64) -> MaskDraws<'a> {
        MaskDraws {
            keep_scale: 1.0 / (1.0 - p),
            threshold: (f64::from(p) * f64::from(u32::MAX)) as u32,
            rng,
            pending: None,
        }
    }

    /// The mask's next value.
    pub fn next_value(&mut self) -> f32 {
        // Two 32-bit draws per 64-bit output: masks are large and drawn every batch.
        let half = match self.pending.take() {
            Some(high) => high,
            None => {
                let bits = self.rng.next_u64();
                self.pending = Some((bits >> 32) as u32);
                bits as u32
            }
        };
        if half < self.threshold {
            0.0
        } else {
            self.keep_scale
        }
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
