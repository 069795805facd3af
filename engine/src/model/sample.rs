//! Drawing the next event from the model's distribution, reproducibly.

use crate::encoding::drums::DrumEvent;
use crate::rng::SplitMix64;

/// A seeded temperature sampler: the same seed and the same log-probabilities give the same
/// events.
#[derive(Debug, Clone)]
pub struct Sampler {
    rng: SplitMix64,
}

impl Sampler {
    /// A sampler whose draws are fixed by `seed`.
    pub fn new(seed: u64) -> Sampler {
        Sampler {
            rng: SplitMix64::new(seed),
        }
    }

    /// Draws an event from `softmax(log_probs / temperature)` and returns it with its
    /// log-probability under the model itself (temperature 1). A temperature of 0 or below picks
    /// the most likely event.
    pub fn sample(&mut self, log_probs: &[f32], temperature: f32) -> (DrumEvent, f32) {
        let index = if temperature > 0.0 {
            self.draw(log_probs, temperature)
        } else {
            argmax(log_probs)
        };
        let event = DrumEvent::from_index(index).unwrap_or(DrumEvent::REST);
        (event, log_probs[index])
    }

    fn draw(&mut self, log_probs: &[f32], temperature: f32) -> usize {
        let peak = log_probs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        // f64 so the cumulative sum over 512 small weights stays exact enough.
        let weight = |lp: f32| f64::from((lp - peak) / temperature).exp();
        let total: f64 = log_probs.iter().map(|&lp| weight(lp)).sum();
        let mut remaining = self.rng.next_f64() * total;
        for (index, &lp) in log_probs.iter().enumerate() {
            remaining -= weight(lp);
            if remaining < 0.0 {
                return index;
            }
        }
        argmax(log_probs)
    }
}

fn argmax(values: &[f32]) -> usize {
    values
        .iter()
        .enumerate()
        .fold((0, f32::NEG_INFINITY), |best, (i, &v)| {
            if v > best.1 { (i, v) } else { best }
        })
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_probs(probs: &[f32]) -> Vec<f32> {
        probs.iter().map(|p| p.ln()).collect()
    }

    #[test]
    fn same_seed_same_draws() {
        let lps = log_probs(&[0.25, 0.25, 0.25, 0.25]);
        let draws = |seed| {
            let mut sampler = Sampler::new(seed);
            (0..32)
                .map(|_| sampler.sample(&lps, 1.0).0.index())
                .collect::<Vec<_>>()
        };
        assert_eq!(draws(4), draws(4));
        assert_ne!(draws(4), draws(5));
    }

    #[test]
    fn frequencies_follow_the_distribution_and_temperature_sharpens() {
        let lps = log_probs(&[0.7, 0.2, 0.1]);
        let count_first = |temperature| {
            let mut sampler = Sampler::new(1);
            (0..10_000)
                .filter(|_| sampler.sample(&lps, temperature).0.index() == 0)
                .count()
        };
        let plain = count_first(1.0);
        assert!((6700..7300).contains(&plain), "{plain}");
        assert!(count_first(0.5) > 8000);
        assert!(count_first(2.0) < 6000);
        assert_eq!(count_first(0.0), 10_000);
    }

    #[test]
    fn reports_the_untempered_log_prob() {
        let lps = log_probs(&[0.9, 0.1]);
        let (event, lp) = Sampler::new(2).sample(&lps, 0.0);
        assert_eq!(event.index(), 0);
        assert!((lp - 0.9f32.ln()).abs() < 1e-6);
    }
}
