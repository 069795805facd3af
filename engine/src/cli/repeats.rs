//! `antiphon repeats`: fits how a model's next-event probability is shared with the events of
//! the bars before (a repeat gate, or the fixed weights of format 3), on a split of a folder,
//! and writes the model with it.

use std::path::{Path, PathBuf};

use antiphon_engine::model::Model;
use antiphon_engine::model::loaded::{CONFIG_FILE, WEIGHTS_FILE};
use antiphon_engine::model::repeat_samples::{RepeatScore, repeat_samples};
use antiphon_engine::model::repeats::{
    BarRepeats, CaseSample, LOOKBACK_BARS, RepeatGate, Repeats, cross_fitted_nll,
};
use antiphon_engine::performance::Performance;
use antiphon_engine::train::card::CARD_FILE;
use antiphon_engine::window_cuts::WindowStarts;
use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::cli::data::{bar_lengths, event_windows, files, groove_windows, heard, load_reported};
use crate::cli::model_choice::ModelChoice;
use crate::cli::numbers;
use crate::cli::split_arg::SplitArg;
use crate::cli::train::command_line;

/// Folds of files a gate's cross-fitted score is measured over.
const FOLDS: usize = 5;

/// The model card files carried over to the new folder when there are any.
const CARD_FILES: [&str; 2] = [CARD_FILE, "README.md"];

/// Arguments of `antiphon repeats`.
#[derive(Debug, Args)]
pub struct RepeatsArgs {
    /// The model: `drums`, `melody` or `chorales` (the models built into the tool) or a model
    /// folder. Bar repeats it has are fitted again.
    #[arg(long, value_parser = ModelChoice::parse)]
    model: ModelChoice,
    /// Folder of MIDI files the repeats are fitted on: a GMD info.csv gives its splits, else
    /// 1 file in 10 is validation and the rest train.
    #[arg(long)]
    data: PathBuf,
    /// The files fitted on. Fit on the split the LSTM trained on (or GMD's test split) to
    /// keep the validation split for measuring the model.
    #[arg(long, value_enum, default_value = "train")]
    split: SplitArg,
    /// What is fitted: `gate`, a repeat gate over 1, 2, 4 and 8 bars before (format 4), or
    /// `bars`, fixed weights on the two bars before (as format 3).
    #[arg(long, value_enum, default_value = "gate")]
    kind: RepeatsKind,
    /// Output model folder (the same as the model's folder updates it in place).
    #[arg(long)]
    out: PathBuf,
    /// Window length in 16th-note steps, each window heard from a cold state (as `eval`
    /// scores), 2 to 1024.
    #[arg(long, default_value_t = 64, value_parser = numbers::steps_per_seq)]
    steps_per_seq: usize,
}

/// What `antiphon repeats` fits.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
enum RepeatsKind {
    /// A repeat gate over 1, 2, 4 and 8 bars before.
    Gate,
    /// Fixed weights on the two bars before.
    Bars,
}

/// Runs `antiphon repeats`.
pub fn run(args: RepeatsArgs) -> anyhow::Result<()> {
    let model = args.model.load()?;
    let weights = weights_of(&args.model)?;
    let dataset = load_reported(&args.data, model.family())?;
    let fitted_on = match args.split.split() {
        Some(split) => dataset.in_split(split),
        None => dataset.all(),
    };
    anyhow::ensure!(
        !fitted_on.is_empty(),
        "{} has no files in {} to fit the repeats on",
        args.data.display(),
        args.split.describe()
    );
    let score = score(&model, &fitted_on, args.steps_per_seq)?;
    let samples = &score.samples;
    anyhow::ensure!(
        !samples.is_empty(),
        "{} has no steps to score",
        args.split.describe()
    );
    let (repeats, cross_fitted) = match args.kind {
        RepeatsKind::Gate => {
            let folds = file_folds(&fitted_on, args.steps_per_seq);
            let cross_fitted = cross_fitted_nll(samples, &score.rows, &folds, FOLDS);
            let gate = RepeatGate::fit(samples, &score.rows);
            (Repeats::Gate(gate), Some(cross_fitted))
        }
        RepeatsKind::Bars => {
            let cases: Vec<CaseSample> = samples.iter().map(|sample| sample.case()).collect();
            (Repeats::Bars(BarRepeats::fit(&cases)), None)
        }
    };
    eprintln!(
        "fitted on {} steps of {} of {}",
        samples.len(),
        files(fitted_on.len()),
        args.split.describe()
    );
    print_shares(&score, &repeats);
    let fit = Fit {
        split: args.split.describe(),
        lstm_nll_per_step: score.nll_per_step(None),
        nll_per_step: score.nll_per_step(Some(&repeats)),
        cross_fitted_nll_per_step: cross_fitted,
        steps: samples.len(),
        command: command_line(),
    };
    println!("lstm_nll_per_step: {:.4}", fit.lstm_nll_per_step);
    println!("nll_per_step: {:.4}", fit.nll_per_step);
    if let Some(nll) = cross_fitted {
        println!("cross_fitted_nll_per_step: {nll:.4}");
    }
    write_folder(&args, &model.with_repeats(Some(repeats)), &weights, &fit)
}

/// Prints the LSTM's and each lookback's mean share of the steps' probability under
/// `repeats`: what the model copies.
pub fn print_shares(score: &RepeatScore, repeats: &Repeats) {
    let shares = score.mean_shares(repeats);
    println!("share_lstm: {:.4}", shares[0]);
    for (bars, share) in LOOKBACK_BARS.iter().zip(&shares[1..]) {
        println!("share_{bars}_bars: {share:.4}");
    }
}

/// What a fit found, as the model card records it under `repeats`.
#[derive(Debug, Serialize)]
struct Fit {
    /// The files fitted on.
    split: &'static str,
    /// The LSTM alone on the steps fitted on, nats per step.
    lstm_nll_per_step: f64,
    /// The model with its repeats on the same steps (what it was fitted to make likeliest).
    nll_per_step: f64,
    /// Each file's steps scored by a gate fitted on the other folds' files: what the gate
    /// scores on files it never saw.
    #[serde(skip_serializing_if = "Option::is_none")]
    cross_fitted_nll_per_step: Option<f64>,
    /// Steps fitted on.
    steps: usize,
    /// The command that fitted them.
    command: String,
}

/// The scored steps of `performances`, cut into tiled windows.
fn score(
    model: &Model,
    performances: &[&Performance],
    steps_per_seq: usize,
) -> anyhow::Result<RepeatScore> {
    let windows = event_windows(performances, steps_per_seq, WindowStarts::Tiled);
    let grooves = groove_windows(performances, steps_per_seq, WindowStarts::Tiled);
    let bars = bar_lengths(performances, steps_per_seq, WindowStarts::Tiled);
    Ok(repeat_samples(model, &heard(&windows, &grooves, &bars))?)
}

/// Each scored step's fold, by its file: file `i` is in fold `i % FOLDS`.
fn file_folds(performances: &[&Performance], steps_per_seq: usize) -> Vec<usize> {
    let mut folds = Vec::new();
    for (index, performance) in performances.iter().enumerate() {
        for window in performance.windows(steps_per_seq, WindowStarts::Tiled) {
            folds.extend(std::iter::repeat_n(
                index % FOLDS,
                window.len().saturating_sub(1),
            ));
        }
    }
    folds
}

/// The bytes of the model's weights, to write beside its new config.
fn weights_of(choice: &ModelChoice) -> anyhow::Result<Vec<u8>> {
    match choice {
        ModelChoice::Shipped(word) => Ok(ModelChoice::shipped(word).weights.to_vec()),
        ModelChoice::Folder(dir) => read(&dir.join(WEIGHTS_FILE)),
    }
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes the model with its repeats to `--out`: config, weights, and the model's card (a
/// shipped model's too) with the fit recorded under `repeats` (replacing a format-3 fit's
/// `bar_repeats`).
fn write_folder(
    args: &RepeatsArgs,
    model: &Model,
    weights: &[u8],
    fit: &Fit,
) -> anyhow::Result<()> {
    let mut cards = match &args.model {
        ModelChoice::Folder(dir) => CARD_FILES
            .iter()
            .filter(|name| dir.join(name).is_file())
            .map(|name| Ok((*name, read(&dir.join(name))?)))
            .collect::<anyhow::Result<Vec<_>>>()?,
        ModelChoice::Shipped(word) => {
            vec![(CARD_FILE, ModelChoice::shipped(word).card_json.to_vec())]
        }
    };
    for (name, bytes) in &mut cards {
        if *name == CARD_FILE {
            let mut card: serde_json::Value = serde_json::from_slice(bytes)
                .with_context(|| format!("{} of {} is not readable JSON", CARD_FILE, args.model))?;
            if let Some(fields) = card.as_object_mut() {
                fields.remove("bar_repeats");
            }
            card["repeats"] = serde_json::to_value(fit).context("fit to JSON")?;
            *bytes = format!(
                "{}\n",
                serde_json::to_string_pretty(&card).context("card to JSON")?
            )
            .into_bytes();
        }
    }
    let out = &args.out;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let config = serde_json::to_string_pretty(model.config()).context("config to JSON")?;
    let write = |name: &str, bytes: &[u8]| {
        let path = out.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    };
    write(WEIGHTS_FILE, weights)?;
    for (name, bytes) in &cards {
        write(name, bytes)?;
    }
    write(CONFIG_FILE, format!("{config}\n").as_bytes())?;
    eprintln!("wrote {} with its repeats", out.display());
    Ok(())
}
