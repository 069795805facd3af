//! Matrix products for the training passes through the `gemm` crate (the kernels candle uses),
//! over slices whose shapes and strides are checked before any pointer is handed over, and the
//! column sums that give a bias its gradient.

/// A read-only `rows × cols` matrix in a slice, element `(i, j)` at `i·row_stride + j·col_stride`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MatRef<'a> {
    data: &'a [f32],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a> MatRef<'a> {
    /// The row-major `rows × cols` matrix at the start of `data`.
    pub(crate) fn new(data: &'a [f32], rows: usize, cols: usize) -> MatRef<'a> {
        MatRef::strided(data, rows, cols, cols, 1)
    }

    fn strided(
        data: &'a [f32],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> MatRef<'a> {
        assert!(
            rows == 0
                || cols == 0
                || (rows - 1) * row_stride + (cols - 1) * col_stride < data.len(),
            "a {rows}×{cols} matrix does not fit in {} values",
            data.len()
        );
        MatRef {
            data,
            rows,
            cols,
            row_stride,
            col_stride,
        }
    }

    /// The transpose, without copying.
    pub(crate) fn t(self) -> MatRef<'a> {
        MatRef {
            rows: self.cols,
            cols: self.rows,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
            ..self
        }
    }
}

/// `dst = a · b`, or `dst += a · b` with `accumulate`, for a row-major `dst` at the start of
/// `dst`.
pub(crate) fn matmul(dst: &mut [f32], a: MatRef<'_>, b: MatRef<'_>, accumulate: bool) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    assert_eq!(b.rows, k, "inner dimensions differ");
    assert!(dst.len() >= m * n, "a {m}×{n} product does not fit");
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        if !accumulate {
            dst[..m * n].fill(0.0);
        }
        return;
    }
    // SAFETY: the asserts above and in `MatRef::strided` keep every element the kernel reads or
    // writes inside its slice; `dst` is borrowed mutably, so it overlaps neither input.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            n as isize,
            accumulate,
            a.data.as_ptr(),
            a.col_stride as isize,
            a.row_stride as isize,
            b.data.as_ptr(),
            b.col_stride as isize,
            b.row_stride as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// Adds each column's sum over the rows of `matrix` (row length `sums.len()`) to `sums`: a
/// bias's gradient, the product of a row of ones with the gradient of what it was added to.
pub(crate) fn add_column_sums(sums: &mut [f32], matrix: &[f32]) {
    for row in matrix.chunks_exact(sums.len()) {
        for (sum, &x) in sums.iter_mut().zip(row) {
            *sum += x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
        (0..m * n)
            .map(|ij| (0..k).map(|l| a[ij / n * k + l] * b[l * n + ij % n]).sum())
            .collect()
    }

    #[test]
    fn products_of_views_and_transposes_match_the_definition() {
        let (m, k, n) = (5, 7, 3);
        let a: Vec<f32> = (0..m * k).map(|i| (i % 7) as f32 - 3.0).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i % 5) as f32 * 0.5).collect();
        let expected = naive(&a, &b, m, k, n);
        let mut dst = vec![0.0; m * n];
        matmul(
            &mut dst,
            MatRef::new(&a, m, k),
            MatRef::new(&b, k, n),
            false,
        );
        assert_eq!(dst, expected);
        // bᵀ stored row-major, read back through a transposed view.
        let b_t: Vec<f32> = (0..n * k).map(|i| b[(i % k) * n + i / k]).collect();
        let mut dst = vec![1.0; m * n];
        matmul(
            &mut dst,
            MatRef::new(&a, m, k),
            MatRef::new(&b_t, n, k).t(),
            true,
        );
        let plus_one: Vec<f32> = expected.iter().map(|x| x + 1.0).collect();
        assert_eq!(dst, plus_one);
    }

    #[test]
    #[should_panic(expected = "does not fit")]
    fn a_view_beyond_its_slice_is_refused() {
        MatRef::new(&[0.0; 5], 2, 3);
    }
}
