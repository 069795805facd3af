//! Whether this CPU runs the AVX2 and FMA copies of the live step's loops.
//!
//! The engine is built for baseline x86-64 (SSE2, four lanes, no fused multiply-add), which
//! every host runs; the live step's hot loops also have a copy compiled for AVX2 and FMA, taken
//! when the CPU has them.

/// Whether the CPU has AVX2 and FMA (detected once, then a cached load).
#[cfg(target_arch = "x86_64")]
pub(crate) fn has_avx2_fma() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// Which copy of the live step's loops this CPU runs, as benches print it: `avx2+fma`, or
/// `baseline` (SSE2 on x86-64; the portable loops elsewhere).
pub fn live_step_path() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        return "avx2+fma";
    }
    "baseline"
}
