//! Drawing the next event from the model's distribution, reproducibly.

use crate::encoding::EventId;
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
    /// the most likely event. With `allowed`, events it marks `false` have probability zero (the
    /// rest renormalised); when it allows nothing, it is ignored.
    pub fn sample(
        &mut self,
        log_probs: &[f32],
        temperature: f32,
        allowed: Option<&[bool]>,
    ) -> (EventId, f32) {
        let is_allowed = |index: usize| allowed.is_none_or(|allowed| allowed[index]);
        let allowed_any = (0..log_probs.len()).any(is_allowed);
        let candidate = |index: usize| !allowed_any || is_allowed(index);
        let index = if temperature > 0.0 {
            self.draw(log_probs, temperature, candidate)
        } else {
            argmax(log_probs, candidate)
        };
        (EventId::new(index), log_probs[index])
    }

    fn draw(
        &mut self,
        log_probs: &[f32],
        temperature: f32,
        candidate: impl Fn(usize) -> bool,
    ) -> usize {
        let peak = (0..log_probs.len())
            .filter(|&i| candidate(i))
            .map(|i| log_probs[i])
            .fold(f32::NEG_INFINITY, f32::max);
        // f64 so the cumulative sum over hundreds of small weights stays exact enough.
        let weight = |index: usize| {
            if candidate(index) {
                f64::from((log_probs[index] - peak) / temperature).exp()
            } else {
                0.0
            }
        };
        let total: f64 = (0..log_probs.len()).map(weight).sum();
        let mut remaining = self.rng.next_f64() * total;
        for index in 0..log_probs.len() {
            remaining -= weight(index);
            if remaining < 0.0 {
                return index;
            }
        }
        argmax(log_probs, candidate)
    }
}

/// The most likely candidate (the first of equals).
pub(crate) fn argmax(values: &[f32], candidate: impl Fn(usize) -> bool) -> usize {
    values
        .iter()
        .enumerate()
        .filter(|&(i, _)| candidate(i))
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
                .map(|_| sampler.sample(&lps, 1.0, None).0.index())
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
                .filter(|_| sampler.sample(&lps, temperature, None).0.index() == 0)
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
        let (event, lp) = Sampler::new(2).sample(&lps, 0.0, None);
        assert_eq!(event.index(), 0);
        assert!((lp - 0.9f32.ln()).abs() < 1e-6);
    }

    #[test]
    fn masked_events_are_never_drawn_and_the_rest_keep_their_proportions() {
        let lps = log_probs(&[0.5, 0.3, 0.15, 0.05]);
        let allowed = [false, true, false, true];
        let mut sampler = Sampler::new(3);
        let draws: Vec<usize> = (0..20_000)
            .map(|_| sampler.sample(&lps, 1.0, Some(&allowed)).0.index())
            .collect();
        assert!(draws.iter().all(|&i| allowed[i]));
        // 0.3 : 0.05 renormalised is 6 : 1.
        let ones = draws.iter().filter(|&&i| i == 1).count() as f64;
        let share = ones / draws.len() as f64;
        assert!((share - 6.0 / 7.0).abs() < 0.01, "{share}");
        // The untempered log-probability is the model's own, not the renormalised one.
        let (event, lp) = Sampler::new(4).sample(&lps, 0.0, Some(&allowed));
        assert_eq!(event.index(), 1);
        assert!((lp - 0.3f32.ln()).abs() < 1e-6);
        // A mask that allows nothing is no mask.
        let none = [false; 4];
        assert_eq!(Sampler::new(4).sample(&lps, 0.0, Some(&none)).0.index(), 0);
    }
}
