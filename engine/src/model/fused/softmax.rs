//! Log-softmax over one row of logits, for the live step's answer and for training's
//! cross-entropy.

use crate::model::fused::activation::exp;

/// Partial results kept side by side, so that the loops over a row vectorise (one running
/// maximum or sum would chain every element to the one before).
const LANES: usize = 8;

#[inline(always)]
fn max(row: &[f32]) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; LANES];
    let chunks = row.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, &x) in lanes.iter_mut().zip(chunk) {
            *lane = if x > *lane { x } else { *lane };
        }
    }
    lanes
        .iter()
        .chain(rest)
        .copied()
        .fold(f32::NEG_INFINITY, f32::max)
}

/// `ln Σ e^(x − max)` of a non-empty row whose largest value is `max`. Log-probabilities are
/// then `(x − max) − this`, which keeps their precision when the logits are large.
#[inline(always)]
fn log_sum_exp_below(row: &[f32], max: f32) -> f32 {
    let mut lanes = [0.0f32; LANES];
    let chunks = row.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (lane, &x) in lanes.iter_mut().zip(chunk) {
            *lane += exp(x - max);
        }
    }
    let rest: f32 = rest.iter().map(|&x| exp(x - max)).sum();
    (lanes.iter().sum::<f32>() + rest).ln()
}

/// Replaces a row of logits by its log-probabilities.
pub(crate) fn log_softmax_in_place(row: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if super::vector::has_avx2_fma() {
        // SAFETY: the CPU has just been found to have the features this copy is compiled for.
        unsafe { log_softmax_avx2(row) };
        return;
    }
    log_softmax_row(row);
}

/// [`log_softmax_row`] in eight lanes.
///
/// # Safety
/// The CPU must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn log_softmax_avx2(row: &mut [f32]) {
    log_softmax_row(row);
}

#[inline(always)]
fn log_softmax_row(row: &mut [f32]) {
    let max = max(row);
    let log_total = log_sum_exp_below(row, max);
    for x in row {
        *x = (*x - max) - log_total;
    }
}

/// Cross-entropy of one row: replaces the logits by the gradient of `weight · −ln p(target)`
/// with respect to them (`weight · (p − onehot(target))`) and returns `−ln p(target)` and
/// whether the target was (one of) the most likely events.
pub(crate) fn cross_entropy_in_place(row: &mut [f32], target: usize, weight: f32) -> (f32, bool) {
    let max = max(row);
    let log_total = log_sum_exp_below(row, max);
    let nll = log_total - (row[target] - max);
    // A tie counts as correct only for the first maximum, as an argmax would pick it.
    let correct = row.iter().position(|&x| x == max) == Some(target);
    for x in row.iter_mut() {
        *x = weight * exp((*x - max) - log_total);
    }
    row[target] -= weight;
    (nll, correct)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_probabilities_sum_to_one_and_keep_differences() {
        let mut row = [1.0, 2.0, -3.0, 0.5, 1000.0, 999.0];
        let logits = row;
        log_softmax_in_place(&mut row);
        let total: f64 = row.iter().map(|&lp| f64::from(lp).exp()).sum();
        assert!((total - 1.0).abs() < 1e-6, "{total}");
        assert!((row[4] - row[5] - 1.0).abs() < 1e-4);
        assert!((row[0] - row[1] - (logits[0] - logits[1])).abs() < 1e-5);
    }

    #[test]
    fn rows_longer_than_the_lanes_agree_with_the_definition() {
        // 21 values: two full chunks of lanes and a remainder, the largest in each part in turn.
        for peak in [3, 12, 19] {
            let mut row: Vec<f32> = (0..21).map(|i| ((i * 7) % 5) as f32 * 0.75 - 1.0).collect();
            row[peak] = 9.0;
            let log_total = row.iter().map(|&x| f64::from(x).exp()).sum::<f64>().ln();
            let expected: Vec<f64> = row.iter().map(|&x| f64::from(x) - log_total).collect();
            log_softmax_in_place(&mut row);
            for (got, want) in row.iter().zip(&expected) {
                assert!(
                    (f64::from(*got) - want).abs() < 1e-5,
                    "peak {peak}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn cross_entropy_gradient_is_probabilities_minus_the_target() {
        let mut row = [0.0f32, 1.0, 2.0];
        let total: f32 = row.iter().map(|x| x.exp()).sum();
        let (nll, correct) = cross_entropy_in_place(&mut row, 1, 0.5);
        assert!((nll - (total.ln() - 1.0)).abs() < 1e-6);
        assert!(!correct);
        assert!((row[0] - 0.5 * 1.0 / total).abs() < 1e-6);
        assert!((row[1] - 0.5 * (1f32.exp() / total - 1.0)).abs() < 1e-6);
        assert!(row.iter().sum::<f32>().abs() < 1e-6);
        let mut peaked = [0.0f32, 3.0, 3.0];
        assert!(cross_entropy_in_place(&mut peaked, 1, 1.0).1);
        let mut peaked = [0.0f32, 3.0, 3.0];
        assert!(!cross_entropy_in_place(&mut peaked, 2, 1.0).1);
    }
}
