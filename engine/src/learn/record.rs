//! What a song keeps of a session's learning: the calls heard and how many learner steps each
//! adaptation took. The learner is deterministic for a seed, so replaying the record on load
//! rebuilds the very weights the session ended with, in a few kilobytes rather than megabytes.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::encoding::EventId;
use crate::encoding::groove::{GROOVE_VALUES, GrooveValues};
use crate::families::drums::encoding::NUM_CLASSES;
use crate::learn::HeardCall;

/// The model a record was learned on: its slot, and the folder in it (none for a shipped
/// model). Learning belongs to one model: another one forgets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedOn {
    pub slot: u32,
    pub folder: Option<PathBuf>,
}

/// One adaptation: the learner stepped `steps` times on the first `calls` calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adaptation {
    pub calls: u32,
    pub steps: u32,
}

/// A call as the song keeps it: event ids, and for a groove model each event's feel in bytes
/// (velocities in 127ths, offsets in 254ths of a step), hex-encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCall {
    /// Events to a bar, as [`HeardCall::steps_per_bar`].
    pub steps_per_bar: u32,
    pub events: Vec<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grooves: Option<String>,
}

/// The session's learning as saved with the song.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LearnRecord {
    /// `None` while nothing was heard.
    pub model: Option<LearnedOn>,
    pub calls: Vec<SavedCall>,
    pub adaptations: Vec<Adaptation>,
}

/// Why a saved record cannot be replayed.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RecordError {
    #[error("call {call} holds event {event}, beyond the model's {vocab_size} events")]
    Event {
        call: usize,
        event: u16,
        vocab_size: usize,
    },
    #[error("call {call}'s feel is not {GROOVE_VALUES} hex bytes per event")]
    Groove { call: usize },
}

impl SavedCall {
    /// `call` as the song keeps it; [`SavedCall::heard`] gives back what the learner trains on.
    pub fn new(call: &HeardCall) -> SavedCall {
        SavedCall {
            steps_per_bar: call.steps_per_bar,
            events: call.events.iter().map(|e| e.index() as u16).collect(),
            grooves: call.grooves.as_ref().map(|grooves| {
                grooves
                    .iter()
                    .flat_map(groove_bytes)
                    .map(|byte| format!("{byte:02x}"))
                    .collect()
            }),
        }
    }

    /// The call, checked against a model of `vocab_size` events; call number `index`.
    pub fn heard(&self, index: usize, vocab_size: usize) -> Result<HeardCall, RecordError> {
        let mut events = Vec::with_capacity(self.events.len());
        for &event in &self.events {
            if usize::from(event) >= vocab_size {
                return Err(RecordError::Event {
                    call: index,
                    event,
                    vocab_size,
                });
            }
            events.push(EventId::new(usize::from(event)));
        }
        let grooves = match &self.grooves {
            None => None,
            Some(hex) => {
                Some(decode_grooves(hex, events.len()).ok_or(RecordError::Groove { call: index })?)
            }
        };
        Ok(HeardCall {
            events,
            grooves,
            steps_per_bar: self.steps_per_bar.max(1),
        })
    }
}

impl LearnRecord {
    /// Bars of calls heard.
    pub fn bars(&self) -> f64 {
        // Folded from +0: an empty sum of floats is -0, which would show as "-0 bars".
        self.calls.iter().fold(0.0, |bars, call| {
            bars + call.events.len() as f64 / f64::from(call.steps_per_bar.max(1))
        })
    }
}

/// A step's feel in bytes: velocities in 127ths, then offsets in 254ths of a step (±½).
fn groove_bytes(groove: &GrooveValues) -> [u8; GROOVE_VALUES] {
    let mut bytes = [0; GROOVE_VALUES];
    for (i, (byte, value)) in bytes.iter_mut().zip(groove.0).enumerate() {
        *byte = if i < NUM_CLASSES {
            (value.clamp(0.0, 1.0) * 127.0).round() as u8
        } else {
            ((value.clamp(-0.5, 0.5) * 254.0).round() as i8) as u8
        };
    }
    bytes
}

fn decode_grooves(hex: &str, events: usize) -> Option<Vec<GrooveValues>> {
    if !hex.is_ascii() || hex.len() != events * GROOVE_VALUES * 2 {
        return None;
    }
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect::<Option<_>>()?;
    Some(
        bytes
            .chunks_exact(GROOVE_VALUES)
            .map(|step| {
                let mut values = [0.0; GROOVE_VALUES];
                for (i, (value, &byte)) in values.iter_mut().zip(step).enumerate() {
                    *value = if i < NUM_CLASSES {
                        f32::from(byte) / 127.0
                    } else {
                        f32::from(byte as i8) / 254.0
                    };
                }
                GrooveValues(values)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> HeardCall {
        let mut groove = GrooveValues::default();
        groove.0[0] = 100.0 / 127.0;
        groove.0[NUM_CLASSES] = -0.125;
        HeardCall {
            events: vec![EventId::new(9), EventId::new(0), EventId::new(300)],
            grooves: Some(vec![groove, GrooveValues::default(), groove]),
            steps_per_bar: 16,
        }
    }

    #[test]
    fn a_saved_call_reads_back_as_its_feel_in_bytes_and_again_unchanged() {
        let saved = SavedCall::new(&call());
        let heard = saved.heard(0, 512).unwrap();
        assert_eq!(heard.events, call().events);
        let grooves = heard.grooves.as_ref().unwrap();
        assert_eq!(grooves[0].0[0], 100.0 / 127.0);
        assert!((grooves[0].0[NUM_CLASSES] + 0.125).abs() < 1.0 / 254.0);
        // What the learner trains on is what the song keeps: a second round trip is exact.
        assert_eq!(SavedCall::new(&heard), saved);
        let json = serde_json::to_string(&saved).unwrap();
        assert_eq!(serde_json::from_str::<SavedCall>(&json).unwrap(), saved);
    }

    #[test]
    fn a_damaged_record_is_refused_with_what_is_wrong() {
        let saved = SavedCall::new(&call());
        assert_eq!(
            saved.heard(2, 256),
            Err(RecordError::Event {
                call: 2,
                event: 300,
                vocab_size: 256
            })
        );
        let cut = SavedCall {
            grooves: saved.grooves.as_ref().map(|hex| hex[2..].to_owned()),
            ..saved.clone()
        };
        assert_eq!(cut.heard(0, 512), Err(RecordError::Groove { call: 0 }));
    }
}
