//! How closely the fused kernels agree with candle's reference: the one measure the tests hold
//! them to and the kernels bench prints.

/// The normwise relative error of `actual` against `reference`: the largest absolute difference
/// over the largest magnitude of the reference.
pub fn relative_error(actual: &[f32], reference: &[f32]) -> f64 {
    assert_eq!(actual.len(), reference.len());
    let scale = reference
        .iter()
        .map(|&x| f64::from(x).abs())
        .fold(0.0, f64::max);
    let difference = actual
        .iter()
        .zip(reference)
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).abs())
        .fold(0.0, f64::max);
    if scale == 0.0 {
        difference
    } else {
        difference / scale
    }
}
