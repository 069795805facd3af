//! The model's shape and training-time settings, stored as `config.json` beside the weights.

use serde::{Deserialize, Serialize};

use crate::encoding::counters::NUM_COUNTER_BITS;
use crate::encoding::drums::NUM_EVENTS;

/// Version of the model-folder format this engine reads and writes. Bump it when the meaning of
/// a weight or of a config field changes, so an old folder is refused instead of misread.
pub const FORMAT_VERSION: u32 = 1;

/// Shape of a drum LSTM: what `config.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Model-folder format, [`FORMAT_VERSION`] for folders this engine writes.
    pub format_version: u32,
    /// The event encoding, `"drum_kit"` (Magenta's nine classes).
    pub encoding: String,
    /// Number of step events, 512 for `drum_kit`.
    pub vocab_size: usize,
    /// Binary-counter bits fed beside each event, 6.
    pub counter_bits: usize,
    /// Stacked LSTM layers.
    pub num_layers: usize,
    /// Units per LSTM layer.
    pub hidden_size: usize,
    /// Probability of zeroing an LSTM output during training (applied to every layer's output).
    pub dropout: f32,
}

impl ModelConfig {
    /// A `drum_kit` model with `num_layers` layers of `hidden_size` units.
    pub fn drum_kit(num_layers: usize, hidden_size: usize, dropout: f32) -> ModelConfig {
        ModelConfig {
            format_version: FORMAT_VERSION,
            encoding: "drum_kit".to_owned(),
            vocab_size: NUM_EVENTS,
            counter_bits: NUM_COUNTER_BITS,
            num_layers,
            hidden_size,
            dropout,
        }
    }

    /// Size of one input vector: the one-hot previous event and the counters.
    pub fn input_size(&self) -> usize {
        self.vocab_size + self.counter_bits
    }

    /// Why this engine cannot run a model of this config, if it cannot.
    pub fn unsupported(&self) -> Option<String> {
        if self.format_version != FORMAT_VERSION {
            return Some(format!(
                "format_version is {}, this build reads version {FORMAT_VERSION}",
                self.format_version
            ));
        }
        if self.encoding != "drum_kit" || self.vocab_size != NUM_EVENTS {
            return Some(format!(
                "encoding {:?} with {} events; this build plays \"drum_kit\" with {NUM_EVENTS}",
                self.encoding, self.vocab_size
            ));
        }
        if self.counter_bits != NUM_COUNTER_BITS {
            return Some(format!(
                "{} counter bits; this build feeds {NUM_COUNTER_BITS}",
                self.counter_bits
            ));
        }
        if self.num_layers == 0 || self.hidden_size == 0 {
            return Some("num_layers and hidden_size must be positive".to_owned());
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Some(format!("dropout {} is outside [0, 1)", self.dropout));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let config = ModelConfig::drum_kit(2, 128, 0.25);
        let json = serde_json::to_string_pretty(&config).unwrap();
        assert!(json.contains("\"hidden_size\": 128"));
        let back: ModelConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
        assert_eq!(back.input_size(), 518);
        assert_eq!(back.unsupported(), None);
    }

    #[test]
    fn foreign_configs_are_refused_with_a_reason() {
        let mut config = ModelConfig::drum_kit(2, 128, 0.25);
        config.format_version = 99;
        assert!(config.unsupported().unwrap().contains("format_version"));
        let mut config = ModelConfig::drum_kit(2, 128, 0.25);
        config.vocab_size = 128;
        assert!(config.unsupported().unwrap().contains("drum_kit"));
        let config = ModelConfig::drum_kit(0, 128, 0.25);
        assert!(config.unsupported().is_some());
    }
}
