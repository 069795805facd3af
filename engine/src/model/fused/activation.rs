//! The gate nonlinearities, written branch-free so that loops over them vectorise.
//!
//! libm's `expf` and `tanhf` are calls the compiler cannot vectorise; a live step evaluates a few
//! thousand of them and a training batch millions. These agree with libm to a few units in the
//! last place of `exp` (Cephes' polynomial), far inside the tolerances the model is held to.

/// `e^x`, for any `x`: below −87.3 it is the smallest normal number, above 88.3 about 2¹²⁷.
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    const LOG2_E: f32 = std::f32::consts::LOG2_E;
    // ln 2 split in two so that `n · ln 2` is exact in the first part (Cody–Waite).
    const LN2_HIGH: f32 = 0.693_359_4;
    const LN2_LOW: f32 = -2.121_944_4e-4;
    // Adding 1.5 · 2²³ rounds to an integer and leaves it in the low mantissa bits.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.3, 88.3);
    let shifted = x * LOG2_E + ROUND;
    let n = shifted - ROUND;
    let r = x - n * LN2_HIGH - n * LN2_LOW;
    let mut p = 1.987_569_1e-4;
    p = p * r + 1.398_199_9e-3;
    p = p * r + 8.333_452e-3;
    p = p * r + 4.166_579_6e-2;
    p = p * r + 1.666_666_5e-1;
    p = p * r + 0.5;
    let e_r = p * r * r + r + 1.0;
    // 2ⁿ built from its exponent bits; n lies in −126..=127 after the clamp.
    let n_bits = shifted.to_bits().wrapping_sub(ROUND.to_bits()) as i32;
    let two_to_n = f32::from_bits(((n_bits + 127) as u32) << 23);
    e_r * two_to_n
}

/// The logistic function `1 / (1 + e^-x)`.
#[inline(always)]
pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// `tanh x`, as `1 − 2 / (e^2x + 1)`: exact to about 1e-7 absolute, which is what the cell
/// state needs (its relative error near zero is larger, and harmless).
#[inline(always)]
pub(crate) fn tanh(x: f32) -> f32 {
    1.0 - 2.0 / (exp(2.0 * x) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Evenly spaced points over `range`, ends included.
    fn points(range: std::ops::RangeInclusive<f32>, count: usize) -> impl Iterator<Item = f32> {
        let (low, high) = (*range.start(), *range.end());
        (0..count).map(move |i| low + (high - low) * i as f32 / (count - 1) as f32)
    }

    #[test]
    fn exp_agrees_with_libm_in_relative_terms() {
        for x in points(-87.0..=88.0, 100_001) {
            let (fast, exact) = (exp(x), f64::from(x).exp());
            let error = (f64::from(fast) - exact).abs() / exact;
            assert!(error < 5e-7, "exp({x}) = {fast}, libm {exact}");
        }
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1000.0) > 0.0 && exp(-1000.0) < 1e-37);
        assert!(exp(1000.0).is_finite() && exp(1000.0) > 1e38);
    }

    #[test]
    fn sigmoid_and_tanh_agree_with_libm_and_saturate() {
        for x in points(-40.0..=40.0, 80_001) {
            let sigmoid_exact = 1.0 / (1.0 + (-f64::from(x)).exp());
            assert!(
                (f64::from(sigmoid(x)) - sigmoid_exact).abs() < 2e-7,
                "sigmoid({x})"
            );
            let tanh_exact = f64::from(x).tanh();
            assert!(
                (f64::from(tanh(x)) - tanh_exact).abs() < 2e-7,
                "tanh({x}) = {}, libm {tanh_exact}",
                tanh(x)
            );
        }
        assert!(sigmoid(-200.0) < 1e-38);
        assert_eq!(sigmoid(200.0), 1.0);
        assert_eq!(tanh(-200.0), -1.0);
        assert_eq!(tanh(200.0), 1.0);
    }
}
