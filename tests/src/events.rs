//! What the test host sends into the plugin and what it collects from it, stamped with absolute
//! host sample positions.

/// A MIDI channel voice message the test plays into the plugin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input {
    /// A key pressed; `velocity` in `0.0..=1.0`.
    NoteOn { channel: u8, key: u8, velocity: f64 },
    /// A key released.
    NoteOff { channel: u8, key: u8 },
    /// A MIDI control change; `value` in `0..=127`.
    Cc { channel: u8, cc: u8, value: u8 },
    /// A parameter set, found by its display name and given as text a user would type (as a
    /// host's automation lane).
    Param {
        name: &'static str,
        text: &'static str,
    },
    /// A parameter set to the point `fraction` (`0.0..=1.0`) of its range, rounded to a step for
    /// stepped parameters, as an automation curve moves it.
    ParamFraction { name: &'static str, fraction: f64 },
}

/// An input at an absolute host sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimedInput {
    /// Absolute host sample.
    pub sample: u64,
    /// What is sent.
    pub input: Input,
}

/// What the plugin sent out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Output {
    /// A note started; `velocity` in `0.0..=1.0`.
    NoteOn { channel: u8, key: u8, velocity: f64 },
    /// A note ended.
    NoteOff { channel: u8, key: u8 },
    /// Any other MIDI 1.0 message, raw.
    Midi([u8; 3]),
}

/// An output at the absolute host sample the plugin stamped it with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimedOutput {
    /// Absolute host sample.
    pub sample: u64,
    /// What came out.
    pub output: Output,
}

impl TimedOutput {
    /// `(channel, key)` of a note-on, if this is one.
    pub fn note_on(&self) -> Option<(u8, u8)> {
        match self.output {
            Output::NoteOn { channel, key, .. } => Some((channel, key)),
            _ => None,
        }
    }

    /// `(channel, key)` of a note-off, if this is one.
    pub fn note_off(&self) -> Option<(u8, u8)> {
        match self.output {
            Output::NoteOff { channel, key } => Some((channel, key)),
            _ => None,
        }
    }
}

/// Pairs every note-on with the next note-off of the same channel and key. Returns
/// `(on, off)` sample pairs, or the first note-on left without an off or the first off without
/// an on.
pub fn paired_notes(outputs: &[TimedOutput]) -> Result<Vec<NotePair>, String> {
    let mut open: Vec<(u8, u8, u64)> = Vec::new();
    let mut pairs = Vec::new();
    for event in outputs {
        if let Some((channel, key)) = event.note_on() {
            if open.iter().any(|&(c, k, _)| (c, k) == (channel, key)) {
                return Err(format!(
                    "note-on {channel}/{key} at {} while the same note still sounds",
                    event.sample
                ));
            }
            open.push((channel, key, event.sample));
        } else if let Some((channel, key)) = event.note_off() {
            let Some(index) = open.iter().position(|&(c, k, _)| (c, k) == (channel, key)) else {
                return Err(format!(
                    "note-off {channel}/{key} at {} without a note-on",
                    event.sample
                ));
            };
            let (_, _, on_sample) = open.remove(index);
            pairs.push(NotePair {
                channel,
                key,
                on_sample,
                off_sample: event.sample,
            });
        }
    }
    match open.first() {
        Some((channel, key, sample)) => Err(format!(
            "note-on {channel}/{key} at {sample} never got its note-off"
        )),
        None => Ok(pairs),
    }
}

/// A note-on and its note-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotePair {
    /// MIDI channel, `0..16`.
    pub channel: u8,
    /// MIDI key.
    pub key: u8,
    /// Absolute sample of the note-on.
    pub on_sample: u64,
    /// Absolute sample of the note-off.
    pub off_sample: u64,
}
