//! `antiphon eval`: NLL per step and accuracy of a model, or of the n-gram baseline, on a folder.

use std::path::PathBuf;

use antiphon_engine::baseline::ngram::NgramModel;
use antiphon_engine::dataset::SplitSource;
use antiphon_engine::encoding::drums::DrumEvent;
use antiphon_engine::model::DrumModel;
use antiphon_engine::model::score::score_windows;
use antiphon_engine::sequence::DrumStep;
use anyhow::Context;
use clap::{Args, ValueEnum};

use crate::cli::data::{event_windows, load_reported, scored_steps, step_windows};

/// Windows per forward pass when scoring.
const EVAL_BATCH_SIZE: usize = 64;

/// Arguments of `antiphon eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Model folder to score (not needed with --baseline).
    #[arg(long, required_unless_present = "baseline")]
    model: Option<PathBuf>,
    /// Folder of drum MIDI files, searched recursively.
    #[arg(long, default_value_os_t = crate::cli::default_data())]
    data: PathBuf,
    /// Score a baseline instead of a model, fitted on the folder's training split.
    #[arg(long, value_enum)]
    baseline: Option<Baseline>,
    /// Files to score: the validation split, or every file. Default: validation when the folder
    /// has a GMD info.csv, else all.
    #[arg(long, value_enum)]
    split: Option<EvalSplit>,
    /// Window length in 16th-note steps (as in training).
    #[arg(long, default_value_t = 64)]
    steps_per_seq: usize,
}

/// Baselines `eval` can score.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Baseline {
    /// 4-gram over step events with Witten–Bell back-off.
    Ngram4,
}

/// Which files `eval` scores.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
enum EvalSplit {
    /// The validation split.
    Validation,
    /// Every file in the folder.
    All,
}

/// Runs `antiphon eval`.
pub fn run(args: EvalArgs) -> anyhow::Result<()> {
    // A bad model folder is reported before the data is read.
    let model = match (args.baseline, &args.model) {
        (None, Some(model_dir)) => Some(
            DrumModel::load(model_dir)
                .with_context(|| format!("cannot load the model {}", model_dir.display()))?,
        ),
        _ => None,
    };
    let dataset = load_reported(&args.data)?;
    let split = args.split.unwrap_or(match dataset.split_source {
        SplitSource::InfoCsv => EvalSplit::Validation,
        SplitSource::PathHash => EvalSplit::All,
    });
    let sequences = match split {
        EvalSplit::Validation => dataset.validation(),
        EvalSplit::All => dataset.all(),
    };
    let windows = step_windows(&sequences, args.steps_per_seq);
    anyhow::ensure!(
        scored_steps(&windows) > 0,
        "{}: nothing to score in the {split:?} split; try --split all",
        args.data.display()
    );
    eprintln!(
        "scoring {} files of the {split:?} split: {} windows of up to {} steps",
        sequences.len(),
        windows.len(),
        args.steps_per_seq
    );

    let (nll_per_step, steps, accuracy) = match (args.baseline, model) {
        (Some(Baseline::Ngram4), _) => {
            if split == EvalSplit::All {
                eprintln!(
                    "note: the baseline is fitted on the training split, which --split all also \
                     scores"
                );
            }
            let train = step_windows(&dataset.train(), args.steps_per_seq);
            let ngram = NgramModel::fit(4, &train);
            let nll = ngram.nll_per_step(&windows);
            (nll.nats, nll.steps, ngram_accuracy(&ngram, &windows))
        }
        (None, Some(model)) => {
            let events = event_windows(&windows);
            let slices: Vec<&[DrumEvent]> = events.iter().map(Vec::as_slice).collect();
            let score =
                score_windows(model.net(), &slices, EVAL_BATCH_SIZE).context("scoring failed")?;
            (score.nll_per_step(), score.steps, score.accuracy())
        }
        (None, None) => anyhow::bail!("give --model MODEL or --baseline ngram4"),
    };
    println!("nll_per_step: {nll_per_step:.4}");
    println!("steps: {steps}");
    println!("accuracy: {accuracy:.4}");
    Ok(())
}

/// Fraction of scored steps whose most probable event under the n-gram was the one played.
fn ngram_accuracy(ngram: &NgramModel, windows: &[&[DrumStep]]) -> f64 {
    let mut correct = 0usize;
    let mut steps = 0usize;
    for window in windows {
        let events: Vec<DrumEvent> = window.iter().map(DrumStep::event).collect();
        for t in 1..events.len() {
            let distribution = ngram.distribution(&events[..t]);
            let best = distribution
                .iter()
                .enumerate()
                .fold((0, f64::NEG_INFINITY), |best, (i, &p)| {
                    if p > best.1 { (i, p) } else { best }
                })
                .0;
            correct += usize::from(best == events[t].index());
            steps += 1;
        }
    }
    correct as f64 / steps.max(1) as f64
}
