//! Numbers the audio thread publishes for the editor and benchmarks: plain atomics, written
//! without locks or allocation.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};

/// Published by the audio thread, read by anyone.
#[derive(Debug, Default)]
pub struct Monitor {
    /// Response steps whose time came before the model delivered them (they stay silent).
    pub late_steps: AtomicU32,
    /// Response windows whose first step arrived, counted.
    pub windows_arrived: AtomicU32,
    /// For the last window: microseconds between its first step arriving and that step's time
    /// (negative when it arrived late). Measured at block granularity.
    pub last_margin_micros: AtomicI64,
    /// Outgoing events dropped because the block's output buffer was full.
    pub dropped_outputs: AtomicU32,
    /// Messages to the model thread dropped because its ring was full.
    pub dropped_messages: AtomicU32,
}

impl Monitor {
    pub(crate) fn count(counter: &AtomicU32) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
