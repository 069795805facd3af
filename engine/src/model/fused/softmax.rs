//! Log-softmax over one row of logits, for the live step's answer and for training's
//! cross-entropy.

use crate::model::fused::activation::exp;

fn max(row: &[f32]) -> f32 {
    row.iter().copied().fold(f32::NEG_INFINITY, f32::max)
}

/// `ln Σ e^(x − max)` of a non-empty row whose largest value is `max`. Log-probabilities are
/// then `(x − max) − this`, which keeps their precision when the logits are large.
fn log_sum_exp_below(row: &[f32], max: f32) -> f32 {
    row.iter().map(|&x| exp(x - max)).sum::<f32>().ln()
}

/// Replaces a row of logits by its log-probabilities.
pub(crate) fn log_softmax_in_place(row: &mut [f32]) {
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
