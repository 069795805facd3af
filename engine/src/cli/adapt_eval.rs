//! `antiphon adapt-eval`: how much a model learning the player gains on the rest of a
//! performance, after hearing its first bars as successive two-bar calls.

use std::path::PathBuf;
use std::time::Duration;

use antiphon_engine::encoding::groove::GrooveValues;
use antiphon_engine::learn::{BayesMix, HeardCall, LearnSettings, Learner};
use antiphon_engine::model::Model;
use antiphon_engine::model::repeat_samples::{HeardWindow, repeat_samples};
use antiphon_engine::shipped::DRUMS;
use anyhow::Context;
use clap::Args;

use crate::cli::data::load_reported;
use crate::cli::model_choice::ModelChoice;
use crate::cli::numbers;
use crate::cli::split_arg::SplitArg;

/// Bars of each call heard.
const CALL_BARS: usize = 2;
/// Bars a performance must have beyond those heard to be scored.
const SCORED_BARS: usize = 8;

/// Arguments of `antiphon adapt-eval`.
#[derive(Debug, Args)]
pub struct AdaptEvalArgs {
    /// The model: `drums`, `melody` or `chorales` (the models built into the tool) or a model
    /// folder.
    #[arg(long, default_value = DRUMS.word, value_parser = ModelChoice::parse)]
    model: ModelChoice,
    /// Folder of MIDI files (a GMD info.csv gives the splits, else 1 file in 10 is validation).
    #[arg(long)]
    data: PathBuf,
    /// Bars heard, as successive two-bar calls, before the rest is scored (an even number).
    #[arg(long, default_value_t = 16, value_parser = heard_bars)]
    heard_bars: usize,
    /// Milliseconds of learning after each call, as the plugin gives it between phrases.
    #[arg(long, default_value_t = 500, value_parser = numbers::at_least_one)]
    budget_ms: usize,
    /// Files whose performances are heard and scored.
    #[arg(long, value_enum, default_value = "validation")]
    split: SplitArg,
    /// Window length in 16th-note steps of the scored rest, each window heard from a cold
    /// state (as `eval` scores), 2 to 1024.
    #[arg(long, default_value_t = 64, value_parser = numbers::steps_per_seq)]
    steps_per_seq: usize,
    /// AdamW's step size while learning.
    #[arg(long, default_value_t = LearnSettings::default().learning_rate)]
    learning_rate: f64,
    /// Pull toward the loaded weights while learning.
    #[arg(long, default_value_t = LearnSettings::default().pull)]
    pull: f32,
}

fn heard_bars(text: &str) -> Result<usize, String> {
    let bars: usize = text
        .parse()
        .map_err(|_| format!("{text} is not a number of bars"))?;
    if bars == 0 || !bars.is_multiple_of(CALL_BARS) {
        return Err(format!(
            "{bars}: heard bars are whole two-bar calls (2, 4, … 16)"
        ));
    }
    Ok(bars)
}

/// The adapted model's weight in its mixture with the loaded one at each window's start.
const ADAPTED_PRIOR: f64 = 0.5;

/// One performance's scores, nats per step.
struct Scored {
    name: String,
    steps: usize,
    /// The loaded model.
    static_nll: f64,
    /// The fine-tuned weights alone.
    tuned_nll: f64,
    /// The fine-tuned weights mixed with the loaded ones: the adapted model as it plays.
    adapted_nll: f64,
    learner_steps: u64,
}

/// Runs `antiphon adapt-eval`.
pub fn run(args: AdaptEvalArgs) -> anyhow::Result<()> {
    let model = args.model.load()?;
    let family = model.family();
    let per_step = family.events_per_step();
    let dataset = load_reported(&args.data, family)?;
    let files: Vec<_> = dataset
        .files
        .iter()
        .filter(|file| args.split.split().is_none_or(|split| file.split == split))
        .collect();
    let settings = LearnSettings {
        learning_rate: args.learning_rate,
        pull: args.pull,
        ..LearnSettings::default()
    };
    let budget = Duration::from_millis(args.budget_ms as u64);
    let mut scored = Vec::new();
    for file in files {
        let performance = &file.performance;
        let bar_events = performance.events_per_bar() as usize;
        let ids = performance.ids();
        if ids.len() < (args.heard_bars + SCORED_BARS) * bar_events {
            continue;
        }
        let grooves = performance.grooves();
        let mut learner = Learner::new(&model, settings, 1);
        let mut calls: Vec<HeardCall> = Vec::new();
        for call in 0..args.heard_bars / CALL_BARS {
            let span = call * CALL_BARS * bar_events..(call + 1) * CALL_BARS * bar_events;
            calls.push(HeardCall {
                events: ids[span.clone()].to_vec(),
                grooves: grooves.as_ref().map(|g| g[span].to_vec()),
                steps_per_bar: performance.events_per_bar(),
            });
            learner.step_for(&calls, budget, || true);
        }
        let adapted = learner.model()?;
        let rest = args.heard_bars * bar_events;
        let windows = rest_windows(&ids[rest..], args.steps_per_seq * per_step);
        let groove_windows: Option<Vec<&[GrooveValues]>> = grooves
            .as_ref()
            .map(|g| rest_windows(&g[rest..], args.steps_per_seq * per_step));
        let heard: Vec<HeardWindow> = windows
            .iter()
            .enumerate()
            .map(|(i, events)| HeardWindow {
                events,
                grooves: groove_windows.as_ref().map(|g| g[i]),
                steps_per_bar: performance.events_per_bar(),
            })
            .collect();
        let loaded = step_log_probs(&model, &heard)?;
        let tuned = step_log_probs(&adapted, &heard)?;
        // The adapted model plays mixed with the loaded one, from an even prior in each
        // window (each heard from a cold state).
        let mut adapted_sum = 0.0;
        let mut at = 0;
        for window in &heard {
            let mut mix = BayesMix::new(ADAPTED_PRIOR);
            for _ in 1..window.events.len() {
                adapted_sum -= mix.step(loaded[at], tuned[at]);
                at += 1;
            }
        }
        let steps = loaded.len();
        scored.push(Scored {
            name: file.path.display().to_string(),
            steps,
            static_nll: -loaded.iter().sum::<f64>() / steps as f64,
            tuned_nll: -tuned.iter().sum::<f64>() / steps as f64,
            adapted_nll: adapted_sum / steps as f64,
            learner_steps: learner.steps(),
        });
    }
    anyhow::ensure!(
        !scored.is_empty(),
        "no performance in {} has {} bars ({} heard and {SCORED_BARS} scored)",
        args.split.describe(),
        args.heard_bars + SCORED_BARS,
        args.heard_bars
    );
    report(&scored, args.budget_ms)
}

/// ln p of every scored step of `heard` under `model`, its repeats included, in order.
fn step_log_probs(model: &Model, heard: &[HeardWindow<'_>]) -> anyhow::Result<Vec<f64>> {
    let score = repeat_samples(model, heard)?;
    let repeats = model.config().repeats();
    Ok(score.log_probs(repeats.as_ref()).collect())
}

/// Windows of `events`, tiled from its start; a last window too short to score is dropped.
fn rest_windows<T>(events: &[T], window: usize) -> Vec<&[T]> {
    events.chunks(window).filter(|w| w.len() >= 2).collect()
}

fn report(scored: &[Scored], budget_ms: usize) -> anyhow::Result<()> {
    let steps: usize = scored.iter().map(|s| s.steps).sum();
    let mean = |nll: fn(&Scored) -> f64| {
        scored.iter().map(|s| nll(s) * s.steps as f64).sum::<f64>() / steps as f64
    };
    let (static_nll, adapted_nll) = (mean(|s| s.static_nll), mean(|s| s.adapted_nll));
    let tuned_nll = mean(|s| s.tuned_nll);
    let worst = scored
        .iter()
        .max_by(|a, b| (a.adapted_nll / a.static_nll).total_cmp(&(b.adapted_nll / b.static_nll)))
        .context("at least one performance")?;
    let learner_steps: u64 = scored.iter().map(|s| s.learner_steps).sum();
    eprintln!(
        "{} learner steps in all ({:.0} per performance)",
        learner_steps,
        learner_steps as f64 / scored.len() as f64
    );
    println!("performances: {}", scored.len());
    println!("steps: {steps}");
    println!("static_nll_per_step: {static_nll:.4}");
    println!("fine_tuned_nll_per_step: {tuned_nll:.4}");
    println!("adapted_nll_per_step: {adapted_nll:.4}");
    println!("gain: {:.4}", 1.0 - adapted_nll / static_nll);
    println!("budget_ms: {budget_ms}");
    println!(
        "worst_gain: {:.4} ({})",
        1.0 - worst.adapted_nll / worst.static_nll,
        worst.name
    );

    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use antiphon_engine::encoding::EventId;

    #[test]
    fn the_rest_is_cut_in_whole_windows_and_a_last_step_alone_is_dropped() {
        let ids: Vec<EventId> = (0..9).map(EventId::new).collect();
        let windows = rest_windows(&ids, 4);
        assert_eq!(windows.len(), 2);
        assert_eq!(windows[1], &ids[4..8]);
        assert_eq!(rest_windows(&ids[..6], 4).len(), 2);
    }
}
