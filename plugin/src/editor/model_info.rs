//! What the editor says about the model in use: its size from `config.json` and a summary of its
//! training card (`card.json`) when it has one. No drawing here.

use std::path::Path;

use antiphon_engine::model::ModelConfig;
use antiphon_engine::train::card::CARD_FILE;
use serde::Deserialize;

/// The few training-card numbers the editor shows. Read leniently: a card from an older or newer
/// trainer still shows what it has.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct CardSummary {
    /// Validation negative log-likelihood of the kept weights, nats per step.
    pub best_valid_nll_per_step: Option<f64>,
    /// Validation accuracy of the kept weights.
    pub best_valid_accuracy: Option<f64>,
    /// The 4-gram baseline's validation NLL, nats per step.
    pub baseline_ngram4_valid_nll_per_step: Option<f64>,
    /// The epoch whose weights were kept.
    pub best_epoch: Option<usize>,
    /// MIDI files trained on.
    pub files_used: Option<usize>,
    /// What `antiphon repeats` found, when it fitted the fixed bar repeats of format 3.
    pub bar_repeats: Option<RepeatsSummary>,
    /// What `antiphon repeats` found, when it fitted the model's repeat gate.
    pub repeats: Option<GateSummary>,
}

/// The held-out score of a model with bar repeats.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RepeatsSummary {
    /// Validation NLL of the model with its repeats, nats per step.
    pub valid_nll_per_step: Option<f64>,
}

/// The held-out score of a model with a repeat gate.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct GateSummary {
    /// The files the gate was fitted on.
    pub split: Option<String>,
    /// Each of those files scored by a gate fitted without it, nats per step.
    pub cross_fitted_nll_per_step: Option<f64>,
}

/// How `antiphon repeats` names the validation split in a card.
const VALIDATION_SPLIT: &str = "the validation split";

impl CardSummary {
    /// One line for the editor, e.g. "validation NLL 1.92 nats/step (4-gram 2.31) · 71% accurate".
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        let gated = self
            .repeats
            .as_ref()
            .filter(|gate| gate.split.as_deref() == Some(VALIDATION_SPLIT))
            .and_then(|gate| gate.cross_fitted_nll_per_step)
            .map(|nll| (nll, "its repeat gate"));
        let repeated = gated.or_else(|| {
            let fixed = self.bar_repeats.as_ref()?.valid_nll_per_step?;
            Some((fixed, "bar repeats"))
        });
        if let Some(nll) = self.best_valid_nll_per_step {
            // The model as it plays first; beside it what it was built from and beat.
            let (mut part, mut aside) = match repeated {
                Some((repeated, how)) => (
                    format!("validation NLL {repeated:.2} nats/step with {how}"),
                    vec![format!("LSTM {nll:.2}")],
                ),
                None => (format!("validation NLL {nll:.2} nats/step"), Vec::new()),
            };
            if let Some(baseline) = self.baseline_ngram4_valid_nll_per_step {
                aside.push(format!("4-gram {baseline:.2}"));
            }
            if !aside.is_empty() {
                part.push_str(&format!(" ({})", aside.join(", ")));
            }
            parts.push(part);
        }
        if let Some(accuracy) = self.best_valid_accuracy {
            parts.push(format!("{:.0}% accurate", accuracy * 100.0));
        }
        if let Some(epoch) = self.best_epoch {
            parts.push(format!("epoch {epoch}"));
        }
        if let Some(files) = self.files_used {
            parts.push(format!("{files} files"));
        }
        if parts.is_empty() {
            "training card without scores".to_owned()
        } else {
            parts.join(" · ")
        }
    }
}

/// What is known about one model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelInfo {
    /// "2 layers × 256 units", or why the size is unknown.
    pub size: String,
    /// The training card's summary line, when there is a card.
    pub card: Option<String>,
}

impl ModelInfo {
    /// From the bytes of `config.json` and, when present, `card.json`.
    pub fn from_bytes(config_json: &[u8], card_json: Option<&[u8]>) -> ModelInfo {
        let size = match serde_json::from_slice::<ModelConfig>(config_json) {
            Ok(config) => format!(
                "{} layer{} × {} units",
                config.num_layers,
                if config.num_layers == 1 { "" } else { "s" },
                config.hidden_size
            ),
            Err(error) => format!("config.json unreadable: {error}"),
        };
        let card = card_json.map(|bytes| match serde_json::from_slice::<CardSummary>(bytes) {
            Ok(card) => card.line(),
            Err(error) => format!("card.json unreadable: {error}"),
        });
        ModelInfo { size, card }
    }

    /// From a model folder (read on the editor thread, once per model change).
    pub fn from_folder(folder: &Path) -> ModelInfo {
        let config = match std::fs::read(folder.join("config.json")) {
            Ok(config) => config,
            Err(error) => {
                return ModelInfo {
                    size: format!(
                        "cannot read {}: {error}",
                        folder.join("config.json").display()
                    ),
                    card: None,
                };
            }
        };
        let card = std::fs::read(folder.join(CARD_FILE)).ok();
        ModelInfo::from_bytes(&config, card.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"{"format_version":1,"encoding":"drum_kit","vocab_size":512,
        "counter_bits":6,"num_layers":2,"hidden_size":256,"dropout":0.3}"#;

    #[test]
    fn size_comes_from_the_config() {
        let info = ModelInfo::from_bytes(CONFIG.as_bytes(), None);
        assert_eq!(info.size, "2 layers × 256 units");
        assert_eq!(info.card, None);
        let one = CONFIG.replace("\"num_layers\":2", "\"num_layers\":1");
        assert_eq!(
            ModelInfo::from_bytes(one.as_bytes(), None).size,
            "1 layer × 256 units"
        );
    }

    #[test]
    fn the_card_is_summarised_and_unknown_fields_are_ignored() {
        let card = r#"{"best_valid_nll_per_step":1.918,"baseline_ngram4_valid_nll_per_step":2.305,
            "best_valid_accuracy":0.712,"best_epoch":14,"files_used":1150,"history":[],"notes":["x"]}"#;
        let info = ModelInfo::from_bytes(CONFIG.as_bytes(), Some(card.as_bytes()));
        assert_eq!(
            info.card.as_deref(),
            Some(
                "validation NLL 1.92 nats/step (4-gram 2.31) · 71% accurate · epoch 14 · 1150 files"
            )
        );
    }

    #[test]
    fn a_card_with_bar_repeats_leads_with_the_model_as_it_plays() {
        let card = r#"{"best_valid_nll_per_step":1.42,"baseline_ngram4_valid_nll_per_step":2.187,
            "bar_repeats":{"valid_nll_per_step":1.2876,"lstm_valid_nll_per_step":1.42,"steps":9}}"#;
        let info = ModelInfo::from_bytes(CONFIG.as_bytes(), Some(card.as_bytes()));
        assert_eq!(
            info.card.as_deref(),
            Some("validation NLL 1.29 nats/step with bar repeats (LSTM 1.42, 4-gram 2.19)")
        );
        let gated = r#"{"best_valid_nll_per_step":1.42,"repeats":{"split":"the validation split",
            "cross_fitted_nll_per_step":1.2178,"nll_per_step":1.2156,"steps":9}}"#;
        let info = ModelInfo::from_bytes(CONFIG.as_bytes(), Some(gated.as_bytes()));
        assert_eq!(
            info.card.as_deref(),
            Some("validation NLL 1.22 nats/step with its repeat gate (LSTM 1.42)")
        );
        // A gate fitted on the files the LSTM learned says nothing of held-out files.
        let on_train = gated.replace("the validation split", "the train split");
        let info = ModelInfo::from_bytes(CONFIG.as_bytes(), Some(on_train.as_bytes()));
        assert_eq!(info.card.as_deref(), Some("validation NLL 1.42 nats/step"));
    }

    #[test]
    fn broken_files_say_so() {
        let info = ModelInfo::from_bytes(b"{", Some(b"3"));
        assert!(
            info.size.starts_with("config.json unreadable"),
            "{}",
            info.size
        );
        assert!(info.card.unwrap().starts_with("card.json unreadable"));
        let missing = ModelInfo::from_folder(Path::new("/no/such/model"));
        assert!(
            missing.size.contains("/no/such/model/config.json"),
            "{}",
            missing.size
        );
    }

    #[test]
    fn the_shipped_model_has_a_size() {
        let info = ModelInfo::from_bytes(antiphon_engine::shipped::DRUMS.config_json, None);
        assert!(info.size.contains("units"), "{}", info.size);
    }
}
