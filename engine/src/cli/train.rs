//! `antiphon train`: fit a model on a data folder and write a model folder with its card.

use std::path::PathBuf;
use std::time::Instant;

use antiphon_engine::baseline::ngram::NgramModel;
use antiphon_engine::dataset::SplitSource;
use antiphon_engine::train::card::{GMD_ATTRIBUTION, SkippedFile};
use antiphon_engine::train::{ModelCard, TrainOptions, train};
use anyhow::Context;
use clap::Args;

use crate::cli::data::{
    event_windows, load_reported, scored_steps, split_source_name, step_windows,
};
use crate::cli::progress_bar::TrainProgress;

/// Arguments of `antiphon train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Folder of drum MIDI files, searched recursively (GMD's info.csv split is used if present).
    #[arg(long, default_value_os_t = crate::cli::default_data())]
    data: PathBuf,
    /// Continue training this model folder (its layer count and size are kept).
    #[arg(long)]
    init: Option<PathBuf>,
    /// Output model folder (config.json, model.safetensors, card.json, README.md).
    #[arg(long)]
    out: PathBuf,
    /// Passes over the training windows.
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    epochs: usize,
    /// Stop after the epoch in which this many minutes of training have passed.
    #[arg(long)]
    max_minutes: Option<f64>,
    /// Window length in 16th-note steps (windows start on bar lines).
    #[arg(long, default_value_t = TrainOptions::default().steps_per_seq)]
    steps_per_seq: usize,
    /// Windows per optimiser step.
    #[arg(long, default_value_t = TrainOptions::default().batch_size)]
    batch_size: usize,
    /// Stacked LSTM layers.
    #[arg(long, default_value_t = TrainOptions::default().num_layers)]
    layers: usize,
    /// Units per LSTM layer.
    #[arg(long, default_value_t = TrainOptions::default().hidden_size)]
    hidden: usize,
    /// Dropout probability on every LSTM layer's output.
    #[arg(long, default_value_t = TrainOptions::default().dropout)]
    dropout: f32,
    /// AdamW learning rate.
    #[arg(long, default_value_t = TrainOptions::default().learning_rate)]
    lr: f64,
    /// AdamW weight decay.
    #[arg(long, default_value_t = TrainOptions::default().weight_decay)]
    weight_decay: f64,
    /// Seed for initial weights, shuffling and dropout.
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    seed: u64,
    /// A note to keep in the model card (repeatable), e.g. why this architecture.
    #[arg(long)]
    note: Vec<String>,
}

/// Runs `antiphon train`.
pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    antiphon_engine::train::allocator::keep_large_buffers();
    let command = std::env::args()
        .map(|arg| shell_quoted(&arg))
        .collect::<Vec<_>>()
        .join(" ");
    let dataset = load_reported(&args.data)?;
    let train_sequences = dataset.train();
    let valid_sequences = dataset.validation();
    let train_steps = step_windows(&train_sequences, args.steps_per_seq);
    let valid_steps = step_windows(&valid_sequences, args.steps_per_seq);
    eprintln!(
        "windows of up to {} steps: {} train ({} scored steps), {} validation ({} scored steps)",
        args.steps_per_seq,
        train_steps.len(),
        scored_steps(&train_steps),
        valid_steps.len(),
        scored_steps(&valid_steps)
    );

    let options = TrainOptions {
        num_layers: args.layers,
        hidden_size: args.hidden,
        dropout: args.dropout,
        steps_per_seq: args.steps_per_seq,
        batch_size: args.batch_size,
        epochs: args.epochs,
        learning_rate: args.lr,
        weight_decay: args.weight_decay,
        max_train_secs: args.max_minutes.map(|minutes| minutes * 60.0),
        seed: args.seed,
        ..TrainOptions::default()
    };
    if let Some(init) = &args.init {
        eprintln!(
            "continuing from {} (its layer count and size are kept)",
            init.display()
        );
    }
    let mut progress = TrainProgress::new();
    let summary = train(
        &event_windows(&train_steps),
        &event_windows(&valid_steps),
        &options,
        args.init.as_deref(),
        &args.out,
        &mut |event| progress.show(event),
    )
    .with_context(|| format!("training into {} failed", args.out.display()))?;
    progress.finish();

    let baseline_started = Instant::now();
    let baseline = (!valid_steps.is_empty()).then(|| {
        NgramModel::fit(4, &train_steps)
            .nll_per_step(&valid_steps)
            .nats
    });
    eprintln!(
        "4-gram baseline scored in {:.1} s",
        baseline_started.elapsed().as_secs_f64()
    );

    let best = summary.best();
    let card = ModelCard {
        model: summary.config.clone(),
        data_path: args.data.display().to_string(),
        split_source: split_source_name(&dataset.split_source).to_owned(),
        attribution: (dataset.split_source == SplitSource::InfoCsv)
            .then(|| GMD_ATTRIBUTION.to_owned()),
        files_used: dataset.files.len(),
        files_skipped: dataset
            .skipped
            .iter()
            .map(|skipped| SkippedFile {
                path: skipped.path.display().to_string(),
                reason: skipped.reason.to_string(),
            })
            .collect(),
        train_windows: train_steps.len(),
        train_steps: scored_steps(&train_steps),
        valid_windows: valid_steps.len(),
        valid_steps: scored_steps(&valid_steps),
        init_model: args.init.as_ref().map(|p| p.display().to_string()),
        options,
        history: summary.history.clone(),
        best_epoch: summary.best_epoch,
        best_valid_nll_per_step: best.valid_nll_per_step,
        best_valid_accuracy: best.valid_accuracy,
        baseline_ngram4_valid_nll_per_step: baseline,
        train_secs: summary.train_secs,
        command,
        notes: args.note,
    };
    card.write(&args.out)
        .with_context(|| format!("cannot write the model card into {}", args.out.display()))?;

    println!("model: {}", args.out.display());
    println!(
        "epochs: {} (kept epoch {})",
        summary.history.len(),
        summary.best_epoch
    );
    if let Some(nll) = best.valid_nll_per_step {
        println!("valid_nll_per_step: {nll:.4}");
    }
    if let Some(nll) = baseline {
        println!("baseline_ngram4_nll_per_step: {nll:.4}");
    }
    println!("train_minutes: {:.1}", summary.train_secs / 60.0);
    Ok(())
}

/// `arg` as a POSIX shell word, so the card's command line can be pasted back into a shell.
fn shell_quoted(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./=:,+-@%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_words_are_quoted_only_when_needed() {
        assert_eq!(shell_quoted("--lr"), "--lr");
        assert_eq!(
            shell_quoted("../shared/data/groove"),
            "../shared/data/groove"
        );
        assert_eq!(shell_quoted("two words"), "'two words'");
        assert_eq!(shell_quoted("it's"), r"'it'\''s'");
        assert_eq!(shell_quoted(""), "''");
    }
}
