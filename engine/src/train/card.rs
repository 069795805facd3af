//! The model card: what a model folder was trained on, how, and how well it does, as
//! `card.json` for tools and `README.md` for people.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::ModelConfig;
use crate::train::error::TrainError;
use crate::train::options::TrainOptions;
use crate::train::progress::EpochRecord;

/// File name of the machine-readable card inside a model folder.
pub const CARD_FILE: &str = "card.json";
/// File name of the human-readable card inside a model folder.
pub const README_FILE: &str = "README.md";

/// Attribution owed for models trained on the Groove MIDI Dataset (CC BY 4.0).
pub const GMD_ATTRIBUTION: &str = "Trained on the Groove MIDI Dataset v1.0.0 by Jon Gillick, \
Adam Roberts, Jesse Engel, Douglas Eck and David Bamman, \"Learning to Groove with Inverse \
Sequence Transformations\", ICML 2019 (https://magenta.tensorflow.org/datasets/groove), used \
under the Creative Commons Attribution 4.0 International license (CC BY 4.0).";

/// A file the data loader left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedFile {
    /// The file, relative to the data folder.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}

/// Everything worth knowing about a trained model folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// The model's shape.
    pub model: ModelConfig,
    /// The data folder: as given on the command line when relative, by its name when absolute
    /// (a card travels with the model; the rest of an absolute path names someone's machine).
    pub data_path: String,
    /// Where the train/validation split came from.
    pub split_source: String,
    /// The attribution owed to the training data's authors, if any.
    pub attribution: Option<String>,
    /// MIDI files read.
    pub files_used: usize,
    /// Files left out, with the reason.
    pub files_skipped: Vec<SkippedFile>,
    /// Training windows.
    pub train_windows: usize,
    /// Training steps scored per epoch.
    pub train_steps: usize,
    /// Validation windows.
    pub valid_windows: usize,
    /// Validation steps scored.
    pub valid_steps: usize,
    /// The model this one was continued from (`--init`), if any: `shipped` or its folder, recorded
    /// as [`data_path`](ModelCard::data_path) is.
    pub init_model: Option<String>,
    /// The training settings.
    pub options: TrainOptions,
    /// Every epoch's numbers.
    pub history: Vec<EpochRecord>,
    /// The epoch whose weights were kept.
    pub best_epoch: usize,
    /// Validation NLL of the kept weights, nats per step.
    pub best_valid_nll_per_step: Option<f64>,
    /// Validation accuracy of the kept weights.
    pub best_valid_accuracy: Option<f64>,
    /// A 4-gram (Witten–Bell back-off) model fitted on the training windows, scored on the same
    /// validation windows, nats per step: the number the LSTM has to beat.
    pub baseline_ngram4_valid_nll_per_step: Option<f64>,
    /// Wall time of training, in seconds.
    pub train_secs: f64,
    /// The exact command line.
    pub command: String,
    /// Free-form notes (e.g. why this architecture).
    pub notes: Vec<String>,
}

impl ModelCard {
    /// Writes `card.json` and `README.md` into `dir`.
    pub fn write(&self, dir: &Path) -> Result<(), TrainError> {
        let json = serde_json::to_string_pretty(self)
            .map_err(|e| candle_core::Error::Msg(format!("cannot serialise the card: {e}")))?;
        for (name, text) in [(CARD_FILE, json + "\n"), (README_FILE, self.readme())] {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|source| TrainError::Io { path, source })?;
        }
        Ok(())
    }

    /// The card as Markdown.
    pub fn readme(&self) -> String {
        let mut md = String::new();
        let m = &self.model;
        let o = &self.options;
        let nats = |x: Option<f64>| x.map_or("—".to_owned(), |x| format!("{x:.4}"));
        // Writing to a String cannot fail.
        let (title, encoding) = (m.family().card_title(), m.family().card_vocabulary());
        let _ = writeln!(md, "# Antiphon {title} model\n");
        let _ = writeln!(
            md,
            "A {}-layer × {}-unit LSTM over Magenta's {encoding}, {} binary counters), trained \
             with `antiphon train`. Load the folder with `antiphon eval|respond --model <this \
             folder>` or in the plugin.\n",
            m.num_layers, m.hidden_size, m.counter_bits
        );
        let _ = writeln!(md, "## Results (validation split)\n");
        let _ = writeln!(md, "| model | NLL per step (nats) | accuracy |");
        let _ = writeln!(md, "| --- | --- | --- |");
        let _ = writeln!(
            md,
            "| this LSTM (epoch {}) | {} | {} |",
            self.best_epoch,
            nats(self.best_valid_nll_per_step),
            self.best_valid_accuracy
                .map_or("—".to_owned(), |a| format!("{:.1} %", 100.0 * a))
        );
        let _ = writeln!(
            md,
            "| 4-gram baseline (Witten–Bell back-off) | {} | — |\n",
            nats(self.baseline_ngram4_valid_nll_per_step)
        );
        let _ = writeln!(
            md,
            "{} validation windows, {} scored steps (the first step of each {}-step window is \
             context only, for both models).\n",
            self.valid_windows, self.valid_steps, o.steps_per_seq
        );
        let _ = writeln!(md, "## Training\n");
        let _ = writeln!(md, "```\n{}\n```\n", self.command);
        let _ = writeln!(
            md,
            "- data: `{}` ({} files used, {} skipped; split from {})",
            self.data_path,
            self.files_used,
            self.files_skipped.len(),
            self.split_source
        );
        if let Some(init) = &self.init_model {
            let _ = writeln!(md, "- continued from `{init}`");
        }
        let _ = writeln!(
            md,
            "- {} training windows ({} steps per epoch), batch {}, AdamW lr {} (halved after {} \
             epoch(s) in a row without validation gain: {}), weight decay {}, dropout {}, \
             gradient clip {}, seed {}",
            self.train_windows,
            self.train_steps,
            o.batch_size,
            o.learning_rate,
            o.plateau_epochs,
            o.halve_lr_on_plateau,
            o.weight_decay,
            o.dropout,
            o.clip_norm,
            o.seed
        );
        let _ = writeln!(
            md,
            "- {} epochs in {:.1} min of wall time; weights kept from epoch {}\n",
            self.history.len(),
            self.train_secs / 60.0,
            self.best_epoch
        );
        let _ = writeln!(
            md,
            "| epoch | train NLL | valid NLL | valid accuracy | lr | minutes |"
        );
        let _ = writeln!(md, "| --- | --- | --- | --- | --- | --- |");
        for e in &self.history {
            let _ = writeln!(
                md,
                "| {}{} | {:.4} | {} | {} | {} | {:.1} |",
                e.epoch,
                if e.saved { " *" } else { "" },
                e.train_nll_per_step,
                nats(e.valid_nll_per_step),
                e.valid_accuracy
                    .map_or("—".to_owned(), |a| format!("{:.1} %", 100.0 * a)),
                e.learning_rate,
                e.elapsed_secs / 60.0
            );
        }
        let _ = writeln!(md, "\n(* = saved as the best so far)\n");
        if !self.notes.is_empty() {
            let _ = writeln!(md, "## Notes\n");
            for note in &self.notes {
                let _ = writeln!(md, "{note}\n");
            }
        }
        if !self.files_skipped.is_empty() {
            let _ = writeln!(md, "## Skipped files\n");
            for skipped in &self.files_skipped {
                let _ = writeln!(md, "- `{}`: {}", skipped.path, skipped.reason);
            }
            md.push('\n');
        }
        if let Some(attribution) = &self.attribution {
            let _ = writeln!(md, "## Data attribution\n\n{attribution}");
        }
        md
    }
}
