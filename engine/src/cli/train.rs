//! `antiphon train`: fit a model on a data folder and write a model folder with its card.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Instant;

use antiphon_engine::baseline::ngram::NgramModel;
use antiphon_engine::dataset::SplitSource;
use antiphon_engine::encoding::EventId;
use antiphon_engine::families::Family;
use antiphon_engine::performance::Performance;
use antiphon_engine::train::card::{GMD_ATTRIBUTION, SkippedFile};
use antiphon_engine::train::{ModelCard, Start, TrainOptions, TrainWindows, train};
use antiphon_engine::window_cuts::WindowStarts;
use anyhow::Context;
use clap::Args;

use crate::cli::data::{
    event_windows, groove_windows, load_reported, scored_steps, slices, split_source_name,
};
use crate::cli::family_arg;
use crate::cli::model_choice::{ModelChoice, recorded_path};
use crate::cli::numbers;
use crate::cli::progress_bar::TrainProgress;

/// Arguments of `antiphon train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Folder of MIDI files, searched recursively (GMD's info.csv split is used if present).
    #[arg(long)]
    data: PathBuf,
    /// The family of a new model: `drums` (the default), `melody` or `chords` (or its
    /// `config.json` encoding name). A continued model keeps its own.
    #[arg(long, value_parser = family_arg::family)]
    encoding: Option<Family>,
    /// Continue training this model: `drums`, `melody` or `chorales` (the models built into the
    /// tool) or a model folder. Its layer count, size and dropout are kept (--dropout changes the
    /// dropout).
    #[arg(long, value_parser = ModelChoice::parse)]
    init: Option<ModelChoice>,
    /// Output model folder (config.json, model.safetensors, card.json, README.md).
    #[arg(long)]
    out: PathBuf,
    /// Passes over the training windows (1 or more).
    #[arg(long, default_value_t = TrainOptions::default().epochs, value_parser = numbers::at_least_one)]
    epochs: usize,
    /// Stop after the epoch in which this many minutes of training have passed.
    #[arg(long, value_parser = numbers::minutes)]
    max_minutes: Option<f64>,
    /// Window length in 16th-note steps (windows start on bar lines), 2 to 1024.
    #[arg(long, default_value_t = TrainOptions::default().steps_per_seq, value_parser = numbers::steps_per_seq)]
    steps_per_seq: usize,
    /// Start a training window on every this many bars (1 or more), so that windows overlap
    /// when that is shorter than a window and each step is learned after more than one length
    /// of context; validation windows never overlap [default: each window where the last ended]
    #[arg(long, value_parser = numbers::hop_bars)]
    hop_bars: Option<NonZeroUsize>,
    /// Windows per optimiser step (1 or more).
    #[arg(long, default_value_t = TrainOptions::default().batch_size, value_parser = numbers::at_least_one)]
    batch_size: usize,
    /// Stacked LSTM layers, 1 to 16.
    #[arg(long, default_value_t = TrainOptions::default().num_layers, value_parser = numbers::layers)]
    layers: usize,
    /// Units per LSTM layer, 1 to 4096.
    #[arg(long, default_value_t = TrainOptions::default().hidden_size, value_parser = numbers::hidden)]
    hidden: usize,
    /// Dropout probability on every LSTM layer's output, from 0 up to 1 [default: 0.3, or the
    /// continued model's own]
    #[arg(long, value_parser = numbers::dropout)]
    dropout: Option<f32>,
    /// AdamW learning rate (above 0).
    #[arg(long, default_value_t = TrainOptions::default().learning_rate, value_parser = numbers::learning_rate)]
    lr: f64,
    /// AdamW weight decay (0 or more).
    #[arg(long, default_value_t = TrainOptions::default().weight_decay, value_parser = numbers::weight_decay)]
    weight_decay: f64,
    /// Epochs in a row without validation gain that halve the learning rate (1 or more; a deep
    /// model stalling on its first plateau wants 2 or 3).
    #[arg(long, default_value_t = TrainOptions::default().plateau_epochs, value_parser = numbers::at_least_one)]
    plateau_epochs: usize,
    /// Seed for initial weights, shuffling and dropout.
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    seed: u64,
    /// Drums: give the model a groove head of this many hidden units, trained with it to
    /// predict each hit's velocity and timing (a continued model that has one keeps its own).
    #[arg(long, value_parser = numbers::hidden)]
    groove_units: Option<usize>,
    /// A note to keep in the model card (repeatable), e.g. why this architecture.
    #[arg(long)]
    note: Vec<String>,
}

/// Runs `antiphon train`.
pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    antiphon_engine::train::allocator::keep_large_buffers();
    let command = command_line();
    // A bad model to continue is reported before the data is read.
    let init = match &args.init {
        Some(choice) => Some(choice.init_model()?),
        None => None,
    };
    let dropout = match (args.dropout, &init) {
        (Some(dropout), _) => dropout,
        (None, Some(init)) => init.config().dropout,
        (None, None) => TrainOptions::default().dropout,
    };
    if let (Some(choice), Some(init)) = (&args.init, &init) {
        let config = init.config();
        eprintln!(
            "continuing {choice}: {} of {} units, kept; dropout {dropout} ({})",
            match config.num_layers {
                1 => "1 layer".to_owned(),
                layers => format!("{layers} layers"),
            },
            config.hidden_size,
            if args.dropout.is_some() {
                format!(
                    "from --dropout; the model was trained with {}",
                    config.dropout
                )
            } else {
                "the model's own; --dropout changes it".to_owned()
            }
        );
    }
    let family = match (&init, args.encoding) {
        (Some(init), Some(encoding)) if init.config().family() != encoding => anyhow::bail!(
            "--encoding {} does not match the model to continue, which plays {}; leave \
             --encoding out to continue it",
            encoding.encoding(),
            init.config().family().encoding()
        ),
        (Some(init), _) => init.config().family(),
        (None, encoding) => encoding.unwrap_or(Family::DRUMS),
    };
    let grooved = args.groove_units.is_some()
        || init
            .as_ref()
            .is_some_and(|init| init.config().groove_units.is_some());
    if grooved && !family.plays_feel() {
        anyhow::bail!("--groove-units is for drum models: {family} has no groove head");
    }
    let options = TrainOptions {
        num_layers: args.layers,
        hidden_size: args.hidden,
        dropout,
        steps_per_seq: args.steps_per_seq,
        batch_size: args.batch_size,
        epochs: args.epochs,
        learning_rate: args.lr,
        weight_decay: args.weight_decay,
        plateau_epochs: args.plateau_epochs,
        max_train_secs: args.max_minutes.map(|minutes| minutes * 60.0),
        seed: args.seed,
        groove_units: args.groove_units,
        hop_bars: args.hop_bars,
        ..TrainOptions::default()
    };
    if let Some(conflict) = init
        .as_ref()
        .and_then(|init| options.groove_conflict(init.config()))
    {
        anyhow::bail!("--groove-units: {conflict}; leave --groove-units out to continue it");
    }
    let dataset = load_reported(&args.data, family)?;
    let train_sequences = dataset.train();
    let valid_sequences = dataset.validation();
    let train_starts = options
        .hop_bars
        .map_or(WindowStarts::Tiled, WindowStarts::EveryBars);
    let train_steps = event_windows(&train_sequences, args.steps_per_seq, train_starts);
    let valid_steps = event_windows(&valid_sequences, args.steps_per_seq, WindowStarts::Tiled);
    eprintln!(
        "windows of up to {} steps: {} train ({} scored steps), {} validation ({} scored steps)",
        args.steps_per_seq,
        train_steps.len(),
        scored_steps(&train_steps),
        valid_steps.len(),
        scored_steps(&valid_steps)
    );

    let with_grooves =
        |windows: Vec<Vec<EventId>>, performances: &[&Performance], starts: WindowStarts| {
            if grooved {
                let grooves = groove_windows(performances, args.steps_per_seq, starts);
                TrainWindows::with_grooves(windows, grooves)
            } else {
                TrainWindows::events(windows)
            }
        };
    let train_windows = with_grooves(train_steps.clone(), &train_sequences, train_starts);
    let valid_windows = with_grooves(valid_steps.clone(), &valid_sequences, WindowStarts::Tiled);
    let mut progress = TrainProgress::new();
    let start = match &init {
        Some(init) => Start::Continue(init),
        None => Start::Fresh(family),
    };
    let summary = train(
        &train_windows,
        &valid_windows,
        &options,
        start,
        &args.out,
        &mut |event| progress.show(event),
    );
    progress.finish();
    let summary =
        summary.with_context(|| format!("training into {} failed", args.out.display()))?;

    let baseline_started = Instant::now();
    let baseline = (!valid_steps.is_empty()).then(|| {
        // Fitted on every step once: overlapping windows would count steps again and again.
        let tiled = event_windows(&train_sequences, args.steps_per_seq, WindowStarts::Tiled);
        NgramModel::fit(4, start.family().vocab_size(), &slices(&tiled))
            .nll_per_step(&slices(&valid_steps))
            .nats
    });
    eprintln!(
        "4-gram baseline scored in {:.1} s",
        baseline_started.elapsed().as_secs_f64()
    );

    let best = summary.best();
    let card = ModelCard {
        model: summary.config.clone(),
        data_path: recorded_path(&args.data),
        split_source: split_source_name(&dataset.split_source).to_owned(),
        attribution: (dataset.split_source == SplitSource::InfoCsv)
            .then(|| GMD_ATTRIBUTION.to_owned()),
        files_used: dataset.files.len(),
        files_skipped: dataset
            .skipped
            .iter()
            .map(|skipped| SkippedFile {
                path: skipped
                    .path
                    .strip_prefix(&dataset.root)
                    .unwrap_or(&skipped.path)
                    .display()
                    .to_string(),
                reason: skipped.reason.to_string(),
            })
            .collect(),
        train_windows: train_steps.len(),
        train_steps: scored_steps(&train_steps),
        valid_windows: valid_steps.len(),
        valid_steps: scored_steps(&valid_steps),
        init_model: args.init.as_ref().map(ModelChoice::recorded),
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

/// This run's command line, as a card records it.
pub fn command_line() -> String {
    std::env::args()
        .map(|arg| shell_quoted(&arg))
        .collect::<Vec<_>>()
        .join(" ")
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
