//! The live step's matrix products: one weight matrix times one to eight state vectors, reading
//! the weights once for all of them.
//!
//! The weights are stored transposed, `[K, N]` with `N` padded with zero columns, so each input
//! value scales a contiguous run of outputs (the broadcast-multiply-add of a GEMM micro-kernel)
//! and one block of outputs per state stays in registers across all of `K`. The block is wide
//! for one state and narrower for more, so the accumulators always fit in the 16 vector
//! registers of AVX2; eight states are served as two groups of four on a block of 16 outputs,
//! which measured 20–25 % faster than eight on a block of 8. The columns are stored in panels of [`COLUMN_ALIGN`], each panel's rows one
//! after the other: a block then reads its weights in one forward stream, which the hardware
//! prefetches (row-major `[K, N]` put every row of a block in another 4 KiB page, and
//! prefetchers stop at page boundaries).

/// Output columns are padded to a multiple of this: every block width divides it.
pub(crate) const COLUMN_ALIGN: usize = 64;

/// Most state vectors one pass over the weights serves; more are served in several passes.
pub(crate) const MAX_VECTORS: usize = 8;

/// A `[K, N]` matrix stored for [`product`]: `N` padded with zero columns to a multiple of
/// [`COLUMN_ALIGN`], in panels of that many columns, each panel row-major (element `(k, n)` at
/// `(n / COLUMN_ALIGN) · K · COLUMN_ALIGN + k · COLUMN_ALIGN + n % COLUMN_ALIGN`).
#[derive(Debug, Clone)]
pub(crate) struct PaddedMatrix {
    values: Vec<f32>,
    rows: usize,
    padded_columns: usize,
}

/// Where element `(row, column)` of a [`PaddedMatrix`] of `rows` rows lies.
fn panel_index(rows: usize, row: usize, column: usize) -> usize {
    (column / COLUMN_ALIGN) * rows * COLUMN_ALIGN + row * COLUMN_ALIGN + column % COLUMN_ALIGN
}

/// `columns` rounded up to the padding of a [`PaddedMatrix`].
pub(crate) fn padded(columns: usize) -> usize {
    columns.div_ceil(COLUMN_ALIGN) * COLUMN_ALIGN
}

impl PaddedMatrix {
    /// The transpose of the row-major `[outputs, inputs]` blocks of `parts` stacked side by side
    /// (`[W₁ W₂ …]`, each `[outputs, inputsᵢ]`), as `[Σ inputsᵢ, outputs]`: PyTorch stores a
    /// layer as `[out, in]`, and stacking `[W_ih W_hh]` makes one product of `[x; h]`.
    pub(crate) fn from_transposed(parts: &[(&[f32], usize)], outputs: usize) -> PaddedMatrix {
        let rows: usize = parts.iter().map(|&(_, inputs)| inputs).sum();
        let padded_columns = padded(outputs);
        let mut values = vec![0.0; rows * padded_columns];
        let mut row = 0;
        for &(part, inputs) in parts {
            debug_assert_eq!(part.len(), outputs * inputs);
            for (out, weights) in part.chunks_exact(inputs).enumerate() {
                for (k, &w) in weights.iter().enumerate() {
                    values[panel_index(rows, row + k, out)] = w;
                }
            }
            row += inputs;
        }
        PaddedMatrix {
            values,
            rows,
            padded_columns,
        }
    }

    /// `N` with its padding: the length of an output row.
    pub(crate) fn padded_columns(&self) -> usize {
        self.padded_columns
    }
}

/// Adds `W · x` to `out` for `vectors` input vectors: vector `v` is `x[v·x_stride ..][.. K]` and
/// its output `out[v·out_stride ..][.. N padded]`.
pub(crate) fn product(
    w: &PaddedMatrix,
    x: &[f32],
    x_stride: usize,
    vectors: usize,
    out: &mut [f32],
    out_stride: usize,
) {
    assert!(x_stride >= w.rows && out_stride >= w.padded_columns);
    assert!(vectors == 0 || x.len() >= (vectors - 1) * x_stride + w.rows);
    assert!(vectors == 0 || out.len() >= (vectors - 1) * out_stride + w.padded_columns);
    for first in (0..vectors).step_by(MAX_VECTORS) {
        let count = (vectors - first).min(MAX_VECTORS);
        let x = &x[first * x_stride..];
        let out = &mut out[first * out_stride..];
        #[cfg(target_arch = "x86_64")]
        if super::vector::has_avx2_fma() {
            // SAFETY: the CPU has just been found to have the features this copy is compiled for.
            unsafe { product_avx2(count, w, x, x_stride, out, out_stride) };
            continue;
        }
        by_count::<PORTABLE_FMA>(count, w, x, x_stride, out, out_stride);
    }
}

/// Whether the portable build has a fused multiply-add instruction (without one, `mul_add` is a
/// slow library call).
const PORTABLE_FMA: bool = cfg!(target_arch = "aarch64");

/// [`by_count`] with the AVX2 kernel.
///
/// # Safety
/// The CPU must have AVX2 and FMA, and the slices must hold every vector as [`product`] checks.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn product_avx2(
    count: usize,
    w: &PaddedMatrix,
    x: &[f32],
    x_stride: usize,
    out: &mut [f32],
    out_stride: usize,
) {
    // SAFETY: passed on from the caller.
    unsafe {
        match count {
            1 => avx2::blocks::<1, 8, 1>(w, x, x_stride, out, out_stride),
            2 => avx2::blocks::<2, 4, 1>(w, x, x_stride, out, out_stride),
            3 => avx2::blocks::<3, 2, 1>(w, x, x_stride, out, out_stride),
            4 => avx2::blocks::<4, 2, 1>(w, x, x_stride, out, out_stride),
            5 => avx2::blocks::<5, 2, 1>(w, x, x_stride, out, out_stride),
            6 => avx2::blocks::<6, 2, 1>(w, x, x_stride, out, out_stride),
            7 => avx2::blocks::<7, 1, 1>(w, x, x_stride, out, out_stride),
            _ => avx2::blocks::<4, 2, 2>(w, x, x_stride, out, out_stride),
        }
    }
}

/// One pass over the weights for `count` (1 to [`MAX_VECTORS`]) vectors, with a block width that
/// keeps `count × block` accumulators in registers.
fn by_count<const FMA: bool>(
    count: usize,
    w: &PaddedMatrix,
    x: &[f32],
    x_stride: usize,
    out: &mut [f32],
    out_stride: usize,
) {
    match count {
        1 => blocks::<1, 64, FMA>(w, x, x_stride, out, out_stride),
        2 => blocks::<2, 32, FMA>(w, x, x_stride, out, out_stride),
        3 => blocks::<3, 16, FMA>(w, x, x_stride, out, out_stride),
        4 => blocks::<4, 16, FMA>(w, x, x_stride, out, out_stride),
        5 => blocks::<5, 8, FMA>(w, x, x_stride, out, out_stride),
        6 => blocks::<6, 8, FMA>(w, x, x_stride, out, out_stride),
        7 => blocks::<7, 8, FMA>(w, x, x_stride, out, out_stride),
        _ => blocks::<8, 8, FMA>(w, x, x_stride, out, out_stride),
    }
}

#[inline(always)]
fn blocks<const VECTORS: usize, const BLOCK: usize, const FMA: bool>(
    w: &PaddedMatrix,
    x: &[f32],
    x_stride: usize,
    out: &mut [f32],
    out_stride: usize,
) {
    let k = w.rows;
    let n = w.padded_columns;
    let inputs: [&[f32]; VECTORS] = std::array::from_fn(|v| &x[v * x_stride..][..k]);
    for column in (0..n).step_by(BLOCK) {
        let mut acc = [[0.0f32; BLOCK]; VECTORS];
        for (v, acc) in acc.iter_mut().enumerate() {
            acc.copy_from_slice(&out[v * out_stride + column..][..BLOCK]);
        }
        let panel = &w.values[panel_index(k, 0, column)..][..k * COLUMN_ALIGN];
        for (row, weights) in panel.chunks_exact(COLUMN_ALIGN).enumerate() {
            let weights: &[f32; BLOCK] = weights[column % COLUMN_ALIGN..][..BLOCK]
                .try_into()
                .expect("a block within a panel");
            for (acc, input) in acc.iter_mut().zip(&inputs) {
                let scale = input[row];
                for (a, &w) in acc.iter_mut().zip(weights) {
                    *a = if FMA {
                        scale.mul_add(w, *a)
                    } else {
                        scale * w + *a
                    };
                }
            }
        }
        for (v, acc) in acc.iter().enumerate() {
            out[v * out_stride + column..][..BLOCK].copy_from_slice(acc);
        }
    }
}

/// The kernel for CPUs with AVX2 and FMA, in explicit vector registers: the compiler's own
/// vectorisation of [`blocks`] keeps the accumulators in memory.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256, _mm256_fmadd_ps, _mm256_loadu_ps, _mm256_set1_ps, _mm256_setzero_ps,
        _mm256_storeu_ps,
    };

    use super::PaddedMatrix;

    /// Lanes of one register.
    const LANES: usize = 8;

    /// `out += W · x` for `GROUPS × VECTORS` vectors, in blocks of `REGISTERS` registers of
    /// outputs. Each block serves its groups one after the other, so the block's weights come
    /// from memory once and from L1 for the later groups, and each row loads fewer values per
    /// multiply-add (four vectors on two registers of outputs load six for eight; eight vectors
    /// on one register load nine for eight).
    ///
    /// # Safety
    /// The CPU must have AVX2 and FMA, and the slices must hold every vector as
    /// [`super::product`] checks.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn blocks<
        const VECTORS: usize,
        const REGISTERS: usize,
        const GROUPS: usize,
    >(
        w: &PaddedMatrix,
        x: &[f32],
        x_stride: usize,
        out: &mut [f32],
        out_stride: usize,
    ) {
        let k = w.rows;
        let n = w.padded_columns;
        let weights = w.values.as_ptr();
        for column in (0..n).step_by(REGISTERS * LANES) {
            // SAFETY (every access below): `product` checked that each vector's `K` inputs and
            // `N` padded outputs lie in its slice; `column + REGISTERS · LANES ≤ N` and the block
            // lies within one panel (its width divides the panel's), and `row < K`.
            let block = unsafe { weights.add(super::panel_index(k, 0, column)) };
            for group in 0..GROUPS {
                let inputs = unsafe { x.as_ptr().add(group * VECTORS * x_stride) };
                let outputs = unsafe { out.as_mut_ptr().add(group * VECTORS * out_stride) };
                let mut acc = [[_mm256_setzero_ps(); REGISTERS]; VECTORS];
                for (v, acc) in acc.iter_mut().enumerate() {
                    for (r, a) in acc.iter_mut().enumerate() {
                        *a = unsafe {
                            _mm256_loadu_ps(outputs.add(v * out_stride + column + r * LANES))
                        };
                    }
                }
                for row in 0..k {
                    let w_row = unsafe { block.add(row * super::COLUMN_ALIGN) };
                    let mut w = [_mm256_setzero_ps(); REGISTERS];
                    for (r, w) in w.iter_mut().enumerate() {
                        *w = unsafe { _mm256_loadu_ps(w_row.add(r * LANES)) };
                    }
                    for (v, acc) in acc.iter_mut().enumerate() {
                        let scale: __m256 =
                            _mm256_set1_ps(unsafe { *inputs.add(v * x_stride + row) });
                        for (a, &w) in acc.iter_mut().zip(&w) {
                            *a = _mm256_fmadd_ps(scale, w, *a);
                        }
                    }
                }
                for (v, acc) in acc.iter().enumerate() {
                    for (r, &a) in acc.iter().enumerate() {
                        unsafe {
                            _mm256_storeu_ps(outputs.add(v * out_stride + column + r * LANES), a)
                        };
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vector_count_gives_the_plain_product() {
        // W is [outputs, inputs] = [70, 5] as PyTorch stores it; 70 outputs pad to 128.
        let (outputs, inputs) = (70, 5);
        let w: Vec<f32> = (0..outputs * inputs)
            .map(|i| ((i * 37) % 11) as f32 - 5.0)
            .collect();
        let stored = PaddedMatrix::from_transposed(&[(&w, inputs)], outputs);
        assert_eq!((stored.rows, stored.padded_columns()), (5, 128));
        for vectors in 1..=11 {
            let x: Vec<f32> = (0..vectors * 7).map(|i| (i % 5) as f32 * 0.5).collect();
            let mut out = vec![1.0; vectors * 130];
            product(&stored, &x, 7, vectors, &mut out, 130);
            for v in 0..vectors {
                for o in 0..outputs {
                    let expected: f32 = 1.0
                        + (0..inputs)
                            .map(|k| w[o * inputs + k] * x[v * 7 + k])
                            .sum::<f32>();
                    assert_eq!(
                        out[v * 130 + o],
                        expected,
                        "vector {v} of {vectors}, output {o}"
                    );
                }
                // The padding stays as it was.
                assert!(
                    out[v * 130 + outputs..v * 130 + 128]
                        .iter()
                        .all(|&y| y == 1.0)
                );
            }
        }
    }

    #[test]
    fn stacked_parts_multiply_the_concatenated_input() {
        let a = [1.0, 2.0, 3.0, 4.0]; // [2 outputs, 2 inputs]
        let b = [10.0, 20.0]; // [2 outputs, 1 input]
        let stored = PaddedMatrix::from_transposed(&[(&a, 2), (&b, 1)], 2);
        let mut out = vec![0.0; 64];
        product(&stored, &[1.0, 1.0, 1.0], 3, 1, &mut out, 64);
        assert_eq!(&out[..2], &[13.0, 27.0]);
    }
}
