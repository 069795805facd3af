//! MIDI in and out of the performer for one block, in sample offsets within the block.

use midly::num::{u4, u7};

/// An event the host delivered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputKind {
    /// A key pressed; velocity in `0.0..=1.0`.
    NoteOn { channel: u4, key: u7, velocity: f32 },
    /// A key released.
    NoteOff { channel: u4, key: u7 },
    /// A control change.
    Cc { channel: u4, cc: u7, value: u7 },
    /// Anything else (pitch bend, pressure…): passed through untouched.
    Other,
}

/// An input event at its sample offset in the block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Input {
    /// Sample offset in the block.
    pub offset: u32,
    /// What it is.
    pub kind: InputKind,
}

/// An event to send to the host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OutputKind {
    /// Start a note; velocity in `0.0..=1.0`.
    NoteOn { channel: u4, key: u7, velocity: f32 },
    /// End a note.
    NoteOff { channel: u4, key: u7 },
    /// Send input event number `index` of this block (in the order given) as it came.
    Forward(usize),
}

/// An output event at its sample offset in the block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Output {
    /// Sample offset in the block.
    pub offset: u32,
    /// What to send.
    pub kind: OutputKind,
}

/// What ends a call early, besides silence and the length limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// This key, on any channel (swallowed, not passed through).
    Note(u7),
    /// This controller rising to 64 or more, on any channel (swallowed).
    Cc(u7),
}
