//! The events of the block being processed, kept in the order they were decided.

use crate::live::io::{Output, OutputKind};
use crate::live::voices::VoiceEvent;

/// Most events one block can send.
pub const MAX_OUTPUTS_PER_BLOCK: usize = 8192;

/// The events of the block being processed, on the performer's absolute sample clock, in the
/// order they were decided. The performer walks the block in time order, so that order is the
/// sample order too; on one sample it is cause before effect (a key's note-off before the
/// note-on that takes its place), which no fixed ranking of kinds can give.
#[derive(Debug)]
pub struct BlockOutput {
    /// Absolute sample (since activation) of the block's first sample.
    block_start: u64,
    /// Allocated once with room for [`MAX_OUTPUTS_PER_BLOCK`].
    queued: Vec<Output>,
    /// Events that did not fit this block.
    dropped: u32,
}

/// Room for a block's events. Allocates: build it on the main thread.
impl Default for BlockOutput {
    fn default() -> Self {
        BlockOutput {
            block_start: 0,
            queued: Vec::with_capacity(MAX_OUTPUTS_PER_BLOCK),
            dropped: 0,
        }
    }
}

impl BlockOutput {
    /// Starts the next block (the one after the block last [finished](BlockOutput::finish)).
    pub fn clear(&mut self) {
        self.queued.clear();
    }

    /// The absolute sample at `offset` in this block.
    pub fn at(&self, offset: u32) -> u64 {
        self.block_start + u64::from(offset)
    }

    /// Queues an event at `offset`.
    pub fn queue(&mut self, offset: u32, kind: OutputKind) {
        debug_assert!(
            self.queued.last().is_none_or(|last| last.offset <= offset),
            "outputs are decided in sample order"
        );
        if self.queued.len() == self.queued.capacity() {
            self.dropped += 1;
            return;
        }
        self.queued.push(Output { offset, kind });
    }

    /// Queues a note event at absolute sample `at` (not before this block).
    pub fn voice(&mut self, at: u64, event: VoiceEvent) {
        let offset = u32::try_from(at.saturating_sub(self.block_start)).unwrap_or(u32::MAX);
        let kind = match event {
            VoiceEvent::On {
                channel,
                key,
                velocity,
            } => OutputKind::NoteOn {
                channel,
                key,
                velocity,
            },
            VoiceEvent::Off { channel, key } => OutputKind::NoteOff { channel, key },
        };
        self.queue(offset, kind);
    }

    /// Hands the block's events out in order, moves the clock past the block's `len_samples`
    /// and returns how many events did not fit.
    pub fn finish(&mut self, len_samples: u32, mut emit: impl FnMut(Output)) -> u32 {
        for &output in &self.queued {
            emit(output);
        }
        self.block_start += u64::from(len_samples);
        std::mem::take(&mut self.dropped)
    }
}
