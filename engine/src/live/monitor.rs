//! Numbers the audio thread publishes for the editor and benchmarks: plain atomics, written
//! without locks or allocation.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};

use atomic_float::AtomicF64;

/// Published by the audio thread, read by anyone.
#[derive(Debug, Default)]
pub struct Monitor {
    /// Response steps whose time came before the model delivered them (they stay silent).
    pub late_steps: AtomicU32,
    /// Outgoing events dropped because the block's output buffer was full.
    pub dropped_outputs: AtomicU32,
    /// Messages to the model thread dropped because its ring was full.
    pub dropped_messages: AtomicU32,
    /// Whether the transport plays (with a position the performer can follow).
    pub playing: AtomicBool,
    /// Song position at the start of the last block, in quarter notes.
    pub pos_ppq: AtomicF64,
    /// Tempo of the last block.
    pub tempo_bpm: AtomicF64,
    /// Steps per bar of the last block's meter.
    pub steps_per_bar: AtomicU32,
    /// A bar line of the last block's meter, in steps.
    pub bar_origin_step: AtomicI64,
}

impl Monitor {
    pub(crate) fn count(counter: &AtomicU32) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}
