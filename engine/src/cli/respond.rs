//! `antiphon respond`: prime the model with a call and write the sampled response as MIDI.

use std::path::PathBuf;

use antiphon_engine::encoding::EventId;
use antiphon_engine::encoding::drums::{DrumClass, DrumEvent};
use antiphon_engine::midi_file::{read_drums_file, write_drums};
use antiphon_engine::model::generate;
use antiphon_engine::sequence::{DrumSequence, DrumStep};
use anyhow::Context;
use clap::Args;
use midly::num::{u4, u7};

use crate::cli::model_choice::{ModelChoice, SHIPPED};
use crate::cli::numbers;

/// General MIDI drums: channel 10, numbered 9 from zero.
const DRUM_CHANNEL: u8 = 9;
/// Bars of the call shown above the response, for comparison.
const CALL_BARS_SHOWN: usize = 2;
/// Velocity of generated hits (the model does not predict velocity yet).
const RESPONSE_VELOCITY: u8 = 100;

/// Arguments of `antiphon respond`.
#[derive(Debug, Args)]
pub struct RespondArgs {
    /// Model: `shipped` (the drum model built into the tool) or a model folder.
    #[arg(long, default_value = SHIPPED, value_parser = ModelChoice::parse)]
    model: ModelChoice,
    /// The call: a drum MIDI file (quantized to 16th notes; drum notes on any channel).
    #[arg(long)]
    call: PathBuf,
    /// Length of the response, in bars of the call's time signature: 1 to 64.
    #[arg(long, default_value_t = 2, value_parser = numbers::response_bars)]
    bars: usize,
    /// Sampling temperature, 0.05 to 5: below 1 plays safer, above 1 wilder.
    #[arg(long, default_value_t = 1.0, value_parser = numbers::temperature)]
    temperature: f32,
    /// Seed for sampling: the same seed gives the same response.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the response (a format-0 MIDI file on channel 10).
    #[arg(long)]
    out: PathBuf,
}

/// Runs `antiphon respond`.
pub fn run(args: RespondArgs) -> anyhow::Result<()> {
    let model = args.model.load()?;
    let read = read_drums_file(&args.call)?;
    if let Some(summary) = read.kit.summary() {
        eprintln!("warning: {}: {summary}", args.call.display());
    }
    let call = read.sequence;
    let steps_per_bar = call.steps_per_bar as usize;
    // The response starts on the bar line after the call.
    let mut primer: Vec<EventId> = call.events().map(DrumEvent::id).collect();
    primer.resize(
        primer.len().div_ceil(steps_per_bar) * steps_per_bar,
        EventId::QUIET,
    );
    let steps = args.bars * steps_per_bar;
    let generated = generate(&model, &primer, steps, args.temperature, None, args.seed)
        .context("generating the response failed")?;
    // Only weights that are not numbers give a NaN likelihood; their "answer" is noise.
    anyhow::ensure!(
        !generated.log_likelihood.is_nan(),
        "{} gives no probabilities (its weights are not finite numbers, as a diverged training \
         run leaves them); retrain it with a lower learning rate",
        args.model
    );

    let drums = |ids: &[EventId]| -> Vec<DrumEvent> {
        ids.iter()
            .map(|&id| DrumEvent::from_id(id).unwrap_or_default())
            .collect()
    };
    let (call_events, answer_events) = (drums(&primer), drums(&generated.events));
    let response = DrumSequence {
        steps: answer_events
            .iter()
            .map(|&event| DrumStep::from_event(event, u7::new(RESPONSE_VELOCITY)))
            .collect(),
        steps_per_bar: call.steps_per_bar,
        tempo_bpm: call.tempo_bpm,
    };
    std::fs::write(&args.out, write_drums(&response, u4::new(DRUM_CHANNEL)))
        .with_context(|| format!("cannot write {}", args.out.display()))?;

    eprintln!(
        "call: {} at {:.1} bpm; response: {} by {}",
        bars(primer.len() / steps_per_bar),
        call.tempo_bpm,
        bars(args.bars),
        args.model
    );
    let shown_call_steps = primer.len().min(CALL_BARS_SHOWN * steps_per_bar);
    eprintln!("end of the call:");
    eprint!(
        "{}",
        grid(
            &call_events[call_events.len() - shown_call_steps..],
            steps_per_bar
        )
    );
    eprintln!("response:");
    eprint!("{}", grid(&answer_events, steps_per_bar));
    println!("log_likelihood: {:.4}", generated.log_likelihood);
    println!(
        "log_likelihood_per_step: {:.4}",
        generated.log_likelihood / steps.max(1) as f32
    );
    println!("out: {}", args.out.display());
    Ok(())
}

/// "1 bar", "2 bars".
fn bars(count: usize) -> String {
    if count == 1 {
        "1 bar".to_owned()
    } else {
        format!("{count} bars")
    }
}

/// A drum-machine view of the events: one row per class struck, `x` on a hit, `|` at bar lines.
fn grid(events: &[DrumEvent], steps_per_bar: usize) -> String {
    let mut text = String::new();
    for class in DrumClass::ALL.into_iter().rev() {
        if !events.iter().any(|e| e.contains(class)) {
            continue;
        }
        text.push_str(&format!("{:>10} ", class.name()));
        for (step, event) in events.iter().enumerate() {
            if step.is_multiple_of(steps_per_bar) {
                text.push('|');
            }
            text.push(if event.contains(class) { 'x' } else { '.' });
        }
        text.push_str("|\n");
    }
    text
}
