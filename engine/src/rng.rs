//! A small seeded pseudo-random generator (SplitMix64) for everything that must replay exactly:
//! sampling a response, shuffling training windows, initial weights and dropout masks.
//!
//! Same seed, same numbers, on every platform: no dependency on `rand` or on candle's own
//! generator, whose seeding is not under our control on the CPU.

/// SplitMix64 (Steele, Lea & Flood 2014): a 64-bit state advanced by a Weyl constant and
/// scrambled on output. Passes BigCrush; plenty for sampling and shuffling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform sample from `[0, 1)` with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform sample from `[0, 1)` with 24 bits of precision.
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 * (1.0 / (1u32 << 24) as f32)
    }

    /// A uniform integer in `0..bound` (Lemire's multiply-shift; the bias is below 2⁻³² for any
    /// bound this project uses). `bound` must be positive.
    pub fn below(&mut self, bound: usize) -> usize {
        debug_assert!(bound > 0, "below(0) has no values to return");
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }

    /// An independent generator for a sub-task, so adding draws in one place does not shift the
    /// numbers another place sees.
    pub fn fork(&mut self) -> SplitMix64 {
        SplitMix64::new(self.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        let mut c = SplitMix64::new(8);
        let xs: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        assert_eq!(xs, (0..5).map(|_| b.next_u64()).collect::<Vec<_>>());
        assert_ne!(xs, (0..5).map(|_| c.next_u64()).collect::<Vec<_>>());
    }

    #[test]
    fn matches_the_reference_splitmix64() {
        // First outputs of the reference implementation seeded with 1234567.
        let mut rng = SplitMix64::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
    }

    #[test]
    fn uniform_draws_stay_in_range_and_spread() {
        let mut rng = SplitMix64::new(1);
        let mut counts = [0usize; 4];
        for _ in 0..4000 {
            let x = rng.next_f32();
            assert!((0.0..1.0).contains(&x));
            counts[rng.below(4)] += 1;
        }
        assert!(
            counts.iter().all(|&n| (850..1150).contains(&n)),
            "{counts:?}"
        );
    }

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let mut items: Vec<u32> = (0..20).collect();
        SplitMix64::new(3).shuffle(&mut items);
        let mut again: Vec<u32> = (0..20).collect();
        SplitMix64::new(3).shuffle(&mut again);
        assert_eq!(items, again);
        assert_ne!(items, (0..20).collect::<Vec<_>>());
        items.sort_unstable();
        assert_eq!(items, (0..20).collect::<Vec<_>>());
    }
}
