//! Process-wide allocator tuning for training, called once by the command-line tool and the
//! benchmark before any tensor exists.
//!
//! Training allocates and frees thousands of tensors of 256 KiB and more per batch. glibc serves
//! those with `mmap` and returns them with `munmap`, so every tensor costs page faults: measured
//! here, that halved training throughput at 256 hidden units. Raising the thresholds keeps the
//! freed buffers in the heap for reuse.

/// Keeps large freed buffers in the heap (glibc only; elsewhere nothing to do).
pub fn keep_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const MMAP_THRESHOLD_BYTES: libc::c_int = 64 << 20;
        const TRIM_THRESHOLD_BYTES: libc::c_int = 512 << 20;
        // SAFETY: mallopt only changes allocator parameters; it is called before the program
        // starts other threads, and glibc accepts these values (mmap threshold ≤ 32 MiB on
        // 32-bit targets only, and this is a 64-bit tool).
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
            libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES);
        }
    }
}
