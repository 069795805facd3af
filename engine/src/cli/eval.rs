//! `antiphon eval`: NLL per step and accuracy of a model, or of the n-gram baseline, on a folder.

use std::path::PathBuf;

use antiphon_engine::baseline::groove::GrooveMeans;
use antiphon_engine::baseline::ngram::{NgramModel, max_order};
use antiphon_engine::dataset::SplitSource;
use antiphon_engine::encoding::EventId;
use antiphon_engine::encoding::groove::GrooveValues;
use antiphon_engine::families::Family;
use antiphon_engine::families::drums::sequence::DrumSequence;
use antiphon_engine::model::Beams;
use antiphon_engine::model::fused::{ParamLayout, TrainPass};
use antiphon_engine::model::repeat_samples::repeat_samples;
use antiphon_engine::model::repeats::Repeats;
use antiphon_engine::model::score::score_windows;
use antiphon_engine::performance::Performance;
use antiphon_engine::shipped::DRUMS;
use antiphon_engine::window_cuts::WindowStarts;
use anyhow::Context;
use clap::Args;

use crate::cli::split_arg::SplitArg;
use crate::cli::{answers, family_arg};

use crate::cli::data::{
    bar_lengths, event_windows, files, groove_windows, heard, load_reported, scored_steps, slices,
};
use crate::cli::model_choice::ModelChoice;
use crate::cli::numbers;
use crate::cli::repeats::print_shares;

/// Windows per forward pass when scoring.
const EVAL_BATCH_SIZE: usize = 64;

/// Arguments of `antiphon eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Model to score: `drums`, `melody` or `chorales` (the models built into the tool) or a
    /// model folder.
    #[arg(long, default_value = DRUMS.word, value_parser = ModelChoice::parse, conflicts_with = "baseline")]
    model: ModelChoice,
    /// Folder of MIDI files, searched recursively (a Groove MIDI Dataset folder's info.csv gives
    /// the splits), read as the model's family plays.
    #[arg(long)]
    data: PathBuf,
    /// Score a baseline instead of a model, fitted on the folder's training split: `ngramN`,
    /// an N-gram over step events with Witten–Bell back-off, N from 1 to 8 for drums and to 11
    /// for melodies (`ngram4`); or `groove`, drum hits' velocity and timing predicted by each
    /// class's mean and each class's mean on each 16th of the bar (prints `velocity_mae_*` in
    /// MIDI velocity units and `timing_mae_*` in fractions of a 16th, per hit).
    #[arg(long, value_parser = parse_baseline)]
    baseline: Option<Baseline>,
    /// The family a baseline is for: `drums` (the default), `melody` or `chords`. A model says
    /// its own.
    #[arg(long, value_parser = family_arg::family, requires = "baseline")]
    encoding: Option<Family>,
    /// Files to score. Default: validation when the folder has a GMD info.csv, else all.
    #[arg(long, value_enum)]
    split: Option<SplitArg>,
    /// Instead of scoring the files, measure the model's answers: two-bar calls cut from every
    /// 4/4 beat, closing on the next downbeat, answered with two bars; prints
    /// `answer_density_median:` (answer hits per bar ÷ call hits per bar), `answers_opening_empty:`
    /// (the fraction whose first bar has at most two hits), `answers_copying_call:` (the
    /// fraction that play the call's last bar again in every bar) and the answers'
    /// log-likelihood.
    #[arg(long, conflicts_with = "baseline")]
    answers: bool,
    /// With --answers: the sampling temperature (0.05 to 5).
    #[arg(long, default_value_t = 1.0, value_parser = numbers::temperature, requires = "answers")]
    temperature: f32,
    /// With --answers: the seed the answers' seeds are drawn from.
    #[arg(long, default_value_t = 1, requires = "answers")]
    seed: u64,
    /// With --answers: takes searched side by side per answer, 1 to 8 (as `respond --beams`).
    #[arg(long, default_value = "1", value_parser = numbers::beams, requires = "answers")]
    beams: Beams,
    /// With --answers: answers per call, each with its own seed (1 or more).
    #[arg(long, default_value_t = 8, value_parser = numbers::at_least_one, requires = "answers")]
    takes: usize,
    /// Melodies: score the files moved by this many semitones, -11 to 11 (notes leaving the
    /// range fold in by octaves): how well the model answers in keys the tunes were not written
    /// in. The n-gram baseline is still fitted on the tunes as written.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true, value_parser = clap::value_parser!(i8).range(-11..=11), conflicts_with = "answers")]
    transpose: i8,
    /// Window length in 16th-note steps (as in training), 2 to 1024.
    #[arg(long, default_value_t = 64, value_parser = numbers::steps_per_seq)]
    steps_per_seq: usize,
}

/// Baselines `eval` can score.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Baseline {
    /// An n-gram of this order over step events, with Witten–Bell back-off.
    Ngram(usize),
    /// Drum hits' velocity and offset predicted by class means.
    Groove,
}

/// What `eval` scores.
enum Scorer {
    /// A model.
    Model(Box<antiphon_engine::model::Model>),
    /// A baseline fitted on the folder.
    Baseline(Baseline),
}

/// Reads a `--baseline` value (its order is checked against the vocabulary once it is known).
fn parse_baseline(text: &str) -> Result<Baseline, String> {
    if text == "groove" {
        return Ok(Baseline::Groove);
    }
    text.strip_prefix("ngram")
        .and_then(|order| order.parse().ok())
        .filter(|&order| order >= 1)
        .map(Baseline::Ngram)
        .ok_or_else(|| "expected groove, or ngram followed by an order: ngram4".to_owned())
}

/// Runs `antiphon eval`.
pub fn run(args: EvalArgs) -> anyhow::Result<()> {
    // A bad model folder is reported before the data is read.
    let scorer = match args.baseline {
        None => Scorer::Model(Box::new(args.model.load()?)),
        Some(baseline) => Scorer::Baseline(baseline),
    };
    let family = match &scorer {
        Scorer::Model(model) => model.family(),
        Scorer::Baseline(_) => args.encoding.unwrap_or(Family::DRUMS),
    };
    anyhow::ensure!(
        !matches!(scorer, Scorer::Baseline(Baseline::Groove)) || family.plays_feel(),
        "--baseline groove predicts drum hits, and {family} has none"
    );
    if let Scorer::Baseline(Baseline::Ngram(order)) = scorer {
        let max = max_order(family.vocab_size());
        anyhow::ensure!(
            order <= max,
            "--baseline ngram{order}: the longest n-gram for {family} is ngram{max}"
        );
    }
    let dataset = load_reported(&args.data, family)?;
    let split = args.split.unwrap_or(match dataset.split_source {
        SplitSource::InfoCsv => SplitArg::Validation,
        SplitSource::PathHash => SplitArg::All,
    });
    if let (true, Scorer::Model(model)) = (args.answers, &scorer) {
        let files: Vec<_> = dataset
            .files
            .iter()
            .filter(|file| split.split().is_none_or(|split| file.split == split))
            .collect();
        let fullness = answers::measure(
            model,
            &files,
            args.temperature,
            args.beams,
            args.seed,
            args.takes,
        )?;
        eprintln!(
            "{} calls from {} ({} closing on a struck downbeat), answered {} times each with two \
             bars by {}",
            fullness.calls,
            split.describe(),
            fullness.closed_on_the_downbeat,
            args.takes,
            args.model
        );
        println!("answer_density_median: {:.3}", fullness.density_median);
        println!("answers_opening_empty: {:.3}", fullness.opening_empty);
        println!("answers_copying_call: {:.3}", fullness.copying_call);
        println!(
            "answer_log_likelihood_per_step: {:.4}",
            fullness.log_likelihood_per_step
        );
        println!("answers: {}", fullness.answers);
        return Ok(());
    }
    let sequences = match split.split() {
        Some(split) => dataset.in_split(split),
        None => dataset.all(),
    };
    let mut windows = event_windows(&sequences, args.steps_per_seq, WindowStarts::Tiled);
    anyhow::ensure!(
        args.transpose == 0 || family.pitched(),
        "--transpose moves pitches; {family} have none"
    );
    for window in &mut windows {
        family.transpose(window, args.transpose);
    }
    if scored_steps(&windows) == 0 {
        let why = match (split, &dataset.split_source) {
            (SplitArg::Test, SplitSource::PathHash) => {
                "it has no info.csv to mark files as test".to_owned()
            }
            _ => format!("{} is empty", split.describe()),
        };
        anyhow::bail!(
            "nothing to score in {}: {why}; choose another --split (all scores every file)",
            args.data.display()
        );
    }
    eprintln!(
        "scoring {} of {}: {} windows of up to {} steps",
        files(sequences.len()),
        split.describe(),
        windows.len(),
        args.steps_per_seq
    );

    let (nll_per_step, steps, accuracy) = match &scorer {
        Scorer::Baseline(Baseline::Groove) => {
            return print_groove_baseline(&dataset.train(), &sequences, split);
        }
        Scorer::Baseline(Baseline::Ngram(order)) => {
            if matches!(split, SplitArg::Train | SplitArg::All) {
                eprintln!(
                    "note: the baseline is fitted on the train split, which {} includes",
                    split.describe()
                );
            }
            let train = event_windows(&dataset.train(), args.steps_per_seq, WindowStarts::Tiled);
            let ngram = NgramModel::fit(*order, family.vocab_size(), &slices(&train));
            let nll = ngram.nll_per_step(&slices(&windows));
            (nll.nats, nll.steps, ngram_accuracy(&ngram, &windows))
        }
        Scorer::Model(model) if model.config().groove_units.is_some() => {
            eprintln!(
                "model: {} (with a groove head){}",
                args.model,
                with_repeats(model)
            );
            // The groove it hears feeds its first layer: scored by the fused passes, teacher-forced
            // on the true events and grooves.
            let init = args.model.init_model()?;
            let layout = ParamLayout::new(init.config());
            let params = init.params(&layout)?;
            let grooves = groove_windows(&sequences, args.steps_per_seq, WindowStarts::Tiled);
            let grooves: Vec<&[GrooveValues]> = grooves.iter().map(Vec::as_slice).collect();
            let mut pass = TrainPass::new(layout);
            let score = pass.score(&params, &slices(&windows), Some(&grooves), EVAL_BATCH_SIZE);
            let groove = score.groove.context("a groove model scores grooves")?;
            println!("velocity_mae: {:.3}", groove.velocity_mae());
            println!("timing_mae: {:.4}", groove.timing_mae());
            if dataset.train().is_empty() {
                eprintln!("note: no train split to fit the simple groove predictors on");
            } else {
                print_groove_baseline(&dataset.train(), &sequences, split)?;
            }
            (score.nll_per_step(), score.steps, score.accuracy())
        }
        Scorer::Model(model) => {
            eprintln!("model: {}{}", args.model, with_repeats(model));
            let score = score_windows(model.net(), &slices(&windows), EVAL_BATCH_SIZE)
                .context("scoring failed")?;
            (score.nll_per_step(), score.steps, score.accuracy())
        }
    };
    let (nll_per_step, accuracy) = match &scorer {
        Scorer::Model(model) if model.config().repeats().is_some() => {
            // The LSTM's score above, then the model's as it plays: mixed with the bars before.
            println!("lstm_nll_per_step: {nll_per_step:.4}");
            println!("lstm_accuracy: {accuracy:.4}");
            let repeats = model.config().repeats().context("checked above")?;
            let grooves = groove_windows(&sequences, args.steps_per_seq, WindowStarts::Tiled);
            let bars = bar_lengths(&sequences, args.steps_per_seq, WindowStarts::Tiled);
            let score = repeat_samples(model, &heard(&windows, &grooves, &bars))?;
            // What the model copies: each lookback's mean share of a step's probability.
            print_shares(&score, &repeats);
            (
                score.nll_per_step(Some(&repeats)),
                score.correct as f64 / steps as f64,
            )
        }
        _ => (nll_per_step, accuracy),
    };
    // Only weights that are not numbers score NaN.
    anyhow::ensure!(
        !nll_per_step.is_nan(),
        "{} gives no probabilities (its weights are not finite numbers, as a diverged training \
         run leaves them); retrain it with a lower learning rate",
        args.model
    );
    println!("nll_per_step: {nll_per_step:.4}");
    let per_step = family.events_per_step();
    if per_step > 1 {
        // The model reads several events per 16th step: what a step costs is their sum.
        println!("nll_per_16th_step: {:.4}", nll_per_step * per_step as f64);
    }
    println!("steps: {steps}");
    println!("accuracy: {accuracy:.4}");
    Ok(())
}

/// How the model's description ends when it repeats bars.
fn with_repeats(model: &antiphon_engine::model::Model) -> &'static str {
    match model.config().repeats() {
        Some(Repeats::Gate(_)) => " (with a repeat gate)",
        Some(Repeats::Bars(_)) => " (with bar repeats)",
        None => "",
    }
}

/// The drum performances among `performances`.
fn drum_sequences<'a>(performances: &[&'a Performance]) -> Vec<&'a DrumSequence> {
    performances
        .iter()
        .filter_map(|performance| performance.sequence::<DrumSequence>())
        .collect()
}

/// Prints how the groove baseline, fitted on `train`, predicts the hits of `scored`.
fn print_groove_baseline(
    train: &[&Performance],
    scored: &[&Performance],
    split: SplitArg,
) -> anyhow::Result<()> {
    let (train, scored) = (drum_sequences(train), drum_sequences(scored));
    anyhow::ensure!(
        !train.is_empty(),
        "the train split has no drum files to fit the simple groove predictors on"
    );
    let errors = GrooveMeans::fit(&train).errors(&scored);
    anyhow::ensure!(errors.hits > 0, "{} has no drum hits", split.describe());
    eprintln!(
        "groove baseline fitted on {} of the train split, scored on {} hits of {}",
        files(train.len()),
        errors.hits,
        split.describe()
    );
    println!("hits: {}", errors.hits);
    println!(
        "velocity_mae_class_mean: {:.3}",
        errors.class_mean.velocity_mae
    );
    println!("timing_mae_class_mean: {:.4}", errors.class_mean.timing_mae);
    println!(
        "velocity_mae_class_position_mean: {:.3}",
        errors.class_position_mean.velocity_mae
    );
    println!(
        "timing_mae_class_position_mean: {:.4}",
        errors.class_position_mean.timing_mae
    );
    Ok(())
}

/// Fraction of scored steps whose most probable event under the n-gram was the one played.
fn ngram_accuracy(ngram: &NgramModel, windows: &[Vec<EventId>]) -> f64 {
    let mut correct = 0usize;
    let mut steps = 0usize;
    for events in windows {
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
