//! The model's shape and training-time settings, stored as `config.json` beside the weights.

use serde::{Deserialize, Serialize};

use crate::encoding::counters::NUM_COUNTER_BITS;
use crate::families::Family;
use crate::model::repeats::{BarRepeats, RepeatGate, Repeats};

/// Version of the model-folder format this engine writes. Bump it when the meaning of a weight or
/// of a config field changes, so a folder this engine cannot read is refused instead of misread.
/// Version 2 added the groove head (`groove_units`), version 3 the fixed bar repeats
/// (`bar_repeats`), version 4 the repeat gate (`repeat_gate`); older folders still load.
pub const FORMAT_VERSION: u32 = 4;

/// The oldest model-folder format this engine reads.
const OLDEST_FORMAT_VERSION: u32 = 1;

/// Shape of an LSTM of one model family: what `config.json` holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Model-folder format, [`FORMAT_VERSION`] for folders this engine writes.
    pub format_version: u32,
    /// The family, by its event encoding: `"drum_kit"` (Magenta's nine drum classes) or
    /// `"melody"` (Magenta's melody events).
    pub encoding: Family,
    /// Number of step events: the family's vocabulary (512 for `drum_kit`, 38 for `melody`).
    pub vocab_size: usize,
    /// Binary-counter bits fed beside each event, 6.
    pub counter_bits: usize,
    /// Stacked LSTM layers.
    pub num_layers: usize,
    /// Units per LSTM layer.
    pub hidden_size: usize,
    /// Probability of zeroing an LSTM output during training (applied to every layer's output).
    pub dropout: f32,
    /// Drums only: hidden units of the groove head, which predicts each struck class's velocity
    /// and offset from the grid (and feeds the previous step's back into the first layer).
    /// Absent: the model plays on the grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groove_units: Option<usize>,
    /// How much of the next event's probability goes to repeating the bars before, fitted on
    /// held-out files by `antiphon repeats`. Absent: the LSTM's distribution as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bar_repeats: Option<BarRepeats>,
    /// How the next event's probability is shared, step by step, between the LSTM and the
    /// events 1, 2, 4 and 8 bars before, fitted by `antiphon repeats`. A model has this or
    /// `bar_repeats`, never both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    repeat_gate: Option<RepeatGate>,
}

impl ModelConfig {
    /// A model of `family` with `num_layers` layers of `hidden_size` units.
    pub fn new(family: Family, num_layers: usize, hidden_size: usize, dropout: f32) -> ModelConfig {
        ModelConfig {
            format_version: FORMAT_VERSION,
            encoding: family,
            vocab_size: family.vocab_size(),
            counter_bits: NUM_COUNTER_BITS,
            num_layers,
            hidden_size,
            dropout,
            groove_units: None,
            bar_repeats: None,
            repeat_gate: None,
        }
    }

    /// The same network with a groove head of `units` hidden units, in this engine's format.
    pub fn with_groove(self, units: usize) -> ModelConfig {
        ModelConfig {
            format_version: FORMAT_VERSION,
            groove_units: Some(units),
            ..self
        }
    }

    /// The same network with its next-event distribution mixed with the bars before as
    /// `repeats` say (`None`: the LSTM's as it is), in this engine's format.
    pub fn with_repeats(self, repeats: Option<Repeats>) -> ModelConfig {
        let (bar_repeats, repeat_gate) = match repeats {
            None => (None, None),
            Some(Repeats::Bars(repeats)) => (Some(repeats), None),
            Some(Repeats::Gate(gate)) => (None, Some(gate)),
        };
        ModelConfig {
            format_version: FORMAT_VERSION,
            bar_repeats,
            repeat_gate,
            ..self
        }
    }

    /// How the model repeats the bars before, if it does.
    pub fn repeats(&self) -> Option<Repeats> {
        match (self.bar_repeats, self.repeat_gate) {
            (_, Some(gate)) => Some(Repeats::Gate(gate)),
            (Some(repeats), None) => Some(Repeats::Bars(repeats)),
            (None, None) => None,
        }
    }

    /// The model's family.
    pub fn family(&self) -> Family {
        self.encoding
    }

    /// Size of one input vector: the one-hot previous event and the counters.
    pub fn input_size(&self) -> usize {
        self.vocab_size + self.counter_bits
    }

    /// Why this engine cannot run a model of this config, if it cannot.
    pub fn unsupported(&self) -> Option<String> {
        if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&self.format_version) {
            return Some(format!(
                "format_version is {}, this build reads versions {OLDEST_FORMAT_VERSION} to \
                 {FORMAT_VERSION}",
                self.format_version
            ));
        }
        match (self.groove_units, self.encoding) {
            (Some(_), _) if self.format_version < 2 => {
                return Some("a groove head needs format_version 2".to_owned());
            }
            (Some(0), _) => return Some("groove_units must be positive".to_owned()),
            (Some(_), family) if !family.plays_feel() => {
                return Some(format!(
                    "a groove head is for drum_kit models, not {family}"
                ));
            }
            _ => {}
        }
        match (self.bar_repeats, self.repeat_gate) {
            (Some(_), Some(_)) => {
                return Some("a model has bar_repeats or a repeat_gate, not both".to_owned());
            }
            (Some(_), None) if self.format_version < 3 => {
                return Some("bar_repeats need format_version 3".to_owned());
            }
            (None, Some(_)) if self.format_version < 4 => {
                return Some("a repeat_gate needs format_version 4".to_owned());
            }
            _ => {}
        }
        if let Some(reason) = self.repeats().and_then(|repeats| repeats.unsupported()) {
            return Some(reason);
        }
        if self.vocab_size != self.encoding.vocab_size() {
            return Some(format!(
                "encoding \"{}\" with {} events; that encoding has {}",
                self.encoding.encoding(),
                self.vocab_size,
                self.encoding.vocab_size()
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
        let config = ModelConfig::new(Family::DRUMS, 2, 128, 0.25);
        let json = serde_json::to_string_pretty(&config).unwrap();
        assert!(json.contains("\"hidden_size\": 128"));
        assert!(json.contains("\"encoding\": \"drum_kit\""));
        let back: ModelConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
        assert_eq!(back.input_size(), 518);
        assert_eq!(back.family(), Family::DRUMS);
        assert_eq!(back.unsupported(), None);
    }

    #[test]
    fn foreign_configs_are_refused_with_a_reason() {
        let mut config = ModelConfig::new(Family::DRUMS, 2, 128, 0.25);
        config.format_version = 99;
        assert!(config.unsupported().unwrap().contains("format_version"));
        let mut config = ModelConfig::new(Family::DRUMS, 2, 128, 0.25);
        config.vocab_size = 128;
        assert!(config.unsupported().unwrap().contains("drum_kit"));
        let config = ModelConfig::new(Family::DRUMS, 0, 128, 0.25);
        assert!(config.unsupported().is_some());
        let unknown = r#"{"format_version":1,"encoding":"performance","vocab_size":388,
            "counter_bits":6,"num_layers":2,"hidden_size":8,"dropout":0.0}"#;
        let error = serde_json::from_str::<ModelConfig>(unknown).unwrap_err();
        assert!(error.to_string().contains("drum_kit"), "{error}");
    }

    #[test]
    fn a_version_one_folder_loads_without_groove_and_a_groove_config_round_trips() {
        let old = r#"{"format_version":1,"encoding":"drum_kit","vocab_size":512,
            "counter_bits":6,"num_layers":2,"hidden_size":8,"dropout":0.0}"#;
        let old: ModelConfig = serde_json::from_str(old).unwrap();
        assert_eq!((old.groove_units, old.unsupported()), (None, None));
        let groove = ModelConfig::new(Family::DRUMS, 2, 8, 0.0).with_groove(16);
        assert_eq!(groove.format_version, FORMAT_VERSION);
        let json = serde_json::to_string(&groove).unwrap();
        assert!(json.contains("\"groove_units\":16"), "{json}");
        assert_eq!(serde_json::from_str::<ModelConfig>(&json).unwrap(), groove);
        assert_eq!(groove.unsupported(), None);
        let plain = serde_json::to_string(&ModelConfig::new(Family::DRUMS, 2, 8, 0.0)).unwrap();
        assert!(!plain.contains("groove"), "{plain}");
        let melodic = ModelConfig::new(Family::MELODY, 2, 8, 0.0).with_groove(16);
        assert!(melodic.unsupported().unwrap().contains("drum_kit"));
        assert!(groove.clone().with_groove(0).unsupported().is_some());
    }

    #[test]
    fn bar_repeats_round_trip_and_are_refused_outside_format_3_or_a_mixture() {
        let repeats = BarRepeats {
            one_bar: 0.2,
            bars_agree: 0.5,
            bars_differ: [0.15, 0.1],
        };
        let config = ModelConfig::new(Family::DRUMS, 2, 8, 0.0)
            .with_groove(16)
            .with_repeats(Some(Repeats::Bars(repeats)));
        let json = serde_json::to_string(&config).unwrap();
        assert!(json.contains("\"bars_agree\":0.5"), "{json}");
        let back: ModelConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, config);
        assert_eq!((back.unsupported(), back.groove_units), (None, Some(16)));
        let old = ModelConfig {
            format_version: 2,
            ..config.clone()
        };
        assert!(old.unsupported().unwrap().contains("format_version 3"));
        let bad = config.with_repeats(Some(Repeats::Bars(BarRepeats {
            bars_differ: [0.7, 0.4],
            ..repeats
        })));
        assert!(bad.unsupported().unwrap().contains("bar_repeats"));
        // A format-3 folder as the shipped drums were written still reads.
        let format_3 = r#"{"format_version":3,"encoding":"drum_kit","vocab_size":512,
            "counter_bits":6,"num_layers":2,"hidden_size":8,"dropout":0.0,
            "bar_repeats":{"one_bar":0.2,"bars_agree":0.5,"bars_differ":[0.15,0.1]}}"#;
        let read: ModelConfig = serde_json::from_str(format_3).unwrap();
        assert_eq!(read.unsupported(), None);
        assert_eq!(read.repeats(), Some(Repeats::Bars(repeats)));
    }

    #[test]
    fn a_repeat_gate_needs_format_4_and_replaces_bar_repeats() {
        use crate::model::repeats::{GATE_INPUTS, LOOKBACKS};
        let gate = RepeatGate::new(1.2, [[0.5; GATE_INPUTS]; LOOKBACKS]);
        let config =
            ModelConfig::new(Family::MELODY, 2, 8, 0.0).with_repeats(Some(Repeats::Gate(gate)));
        assert_eq!(config.format_version, 4);
        let json = serde_json::to_string(&config).unwrap();
        assert!(json.contains("\"lookback_bars\":[1,2,4,8]"), "{json}");
        assert!(!json.contains("bar_repeats"), "{json}");
        let back: ModelConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(
            (back.unsupported(), back.repeats()),
            (None, Some(Repeats::Gate(gate)))
        );
        let old = ModelConfig {
            format_version: 3,
            ..back.clone()
        };
        assert!(old.unsupported().unwrap().contains("format_version 4"));
        let both = ModelConfig {
            bar_repeats: Some(BarRepeats {
                one_bar: 0.1,
                bars_agree: 0.1,
                bars_differ: [0.1, 0.1],
            }),
            ..back
        };
        assert!(both.unsupported().unwrap().contains("not both"));
    }

    #[test]
    fn a_melody_config_reads_as_the_melody_family() {
        let config = ModelConfig::new(Family::MELODY, 2, 64, 0.0);
        assert_eq!(config.vocab_size, 38);
        assert_eq!(config.input_size(), 44);
        let json = serde_json::to_string(&config).unwrap();
        let back: ModelConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back.family(), Family::MELODY);
        assert_eq!(back.unsupported(), None);
    }
}
