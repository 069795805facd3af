//! `antiphon repeats`: fits how much of a model's next-event probability goes to repeating the
//! bars before, on held-out files, and writes the model with it.

use std::path::{Path, PathBuf};

use antiphon_engine::model::Model;
use antiphon_engine::model::loaded::{CONFIG_FILE, WEIGHTS_FILE};
use antiphon_engine::model::repeat_samples::{RepeatScore, repeat_samples};
use antiphon_engine::model::repeats::BarRepeats;
use antiphon_engine::performance::Performance;
use antiphon_engine::train::card::CARD_FILE;
use antiphon_engine::window_cuts::WindowStarts;
use anyhow::Context;
use clap::Args;
use serde::Serialize;

use crate::cli::data::{bar_lengths, event_windows, files, groove_windows, heard, load_reported};
use crate::cli::model_choice::ModelChoice;
use crate::cli::numbers;
use crate::cli::train::command_line;

/// The model card files carried over to the new folder when there are any.
const CARD_FILES: [&str; 2] = [CARD_FILE, "README.md"];

/// Arguments of `antiphon repeats`.
#[derive(Debug, Args)]
pub struct RepeatsArgs {
    /// The model: `drums`, `melody` or `chorales` (the models built into the tool) or a model
    /// folder. Bar repeats it has are fitted again.
    #[arg(long, value_parser = ModelChoice::parse)]
    model: ModelChoice,
    /// Folder of MIDI files whose validation split (held out from training) the repeats are
    /// fitted on: a GMD info.csv gives the split, else 1 file in 10.
    #[arg(long)]
    data: PathBuf,
    /// Output model folder (the same as the model's folder updates it in place).
    #[arg(long)]
    out: PathBuf,
    /// Window length in 16th-note steps, each window heard from a cold state (as `eval`
    /// scores), 2 to 1024.
    #[arg(long, default_value_t = 64, value_parser = numbers::steps_per_seq)]
    steps_per_seq: usize,
}

/// Runs `antiphon repeats`.
pub fn run(args: RepeatsArgs) -> anyhow::Result<()> {
    let model = args.model.load()?;
    let weights = weights_of(&args.model)?;
    let dataset = load_reported(&args.data, model.family())?;
    let held_out = dataset.validation();
    anyhow::ensure!(
        !held_out.is_empty(),
        "{} has no validation files to fit the repeats on",
        args.data.display()
    );
    let score = score(&model, &held_out, args.steps_per_seq)?;
    let samples = &score.samples;
    anyhow::ensure!(
        !samples.is_empty(),
        "the validation files have no steps to score"
    );
    let repeats = BarRepeats::fit(samples);
    let command = command_line();
    let nll = |repeats: Option<&BarRepeats>| score.nll_per_step(repeats);
    eprintln!(
        "fitted on {} steps of {} of the validation split",
        samples.len(),
        files(held_out.len())
    );
    println!("one_bar: {:.4}", repeats.one_bar);
    println!("bars_agree: {:.4}", repeats.bars_agree);
    println!(
        "bars_differ: {:.4} {:.4}",
        repeats.bars_differ[0], repeats.bars_differ[1]
    );
    let fit = Fit {
        lstm_valid_nll_per_step: nll(None),
        valid_nll_per_step: nll(Some(&repeats)),
        steps: samples.len(),
        command,
    };
    println!("lstm_nll_per_step: {:.4}", fit.lstm_valid_nll_per_step);
    println!("nll_per_step: {:.4}", fit.valid_nll_per_step);
    write_folder(&args, &model.with_repeats(Some(repeats)), &weights, &fit)
}

/// What a fit found, as the model card records it under `bar_repeats`.
#[derive(Debug, Serialize)]
struct Fit {
    /// The LSTM alone on the held-out steps, nats per step.
    lstm_valid_nll_per_step: f64,
    /// The model with its repeats on the same steps (what it was fitted to make likeliest).
    valid_nll_per_step: f64,
    /// Held-out steps fitted on.
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
/// shipped model's too) with the fit recorded under `bar_repeats`.
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
            card["bar_repeats"] = serde_json::to_value(fit).context("fit to JSON")?;
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
    eprintln!("wrote {} with its bar repeats", out.display());
    Ok(())
}
