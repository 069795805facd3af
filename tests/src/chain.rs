//! Two plugin instances in series, as a DAW routes one MIDI effect's output into the next: what
//! the first sent out is played into the second at the same samples.

use crate::events::{Input, Output, TimedInput, TimedOutput};

/// `outputs` of one instance as the inputs of the next one: its notes at the samples they were
/// sent (a DAW hands a MIDI effect's output to the next effect within the same block).
pub fn into_next(outputs: &[TimedOutput]) -> Vec<TimedInput> {
    outputs
        .iter()
        .filter_map(|event| {
            let input = match event.output {
                Output::NoteOn {
                    channel,
                    key,
                    velocity,
                } => Input::NoteOn {
                    channel,
                    key,
                    velocity,
                },
                Output::NoteOff { channel, key } => Input::NoteOff { channel, key },
                Output::Midi(_) => return None,
            };
            Some(TimedInput {
                sample: event.sample,
                input,
            })
        })
        .collect()
}
