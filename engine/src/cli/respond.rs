//! `antiphon respond`: prime a model with a call and write the sampled response as MIDI. The
//! model's family decides how the call is heard and the answer written: drums on channel 10, a
//! melody on channel 1 where the call was played, held to a key and scale if asked.

use std::path::PathBuf;
use std::sync::Arc;

use antiphon_engine::answer::{answer_call, whole_bars};
use antiphon_engine::encoding::EventId;
use antiphon_engine::encoding::groove::{GrooveAmount, GrooveValues};
use antiphon_engine::encoding::key::KeyChoice;
use antiphon_engine::encoding::scale::{Scale, Tonic};
use antiphon_engine::model::{Beams, Sampling};
use antiphon_engine::performance::Performance;
use antiphon_engine::shipped::DRUMS;
use anyhow::Context;
use clap::Args;
use midly::num::u4;

use crate::cli::call_file::read_call;
use crate::cli::learn_from::learned;
use crate::cli::model_choice::ModelChoice;
use crate::cli::numbers;
use antiphon_engine::families::text_roll::text_roll;

/// A melody's answer: channel 1.
const MELODY_CHANNEL: u8 = 0;
/// Bars of the call shown above the response, for comparison.
const CALL_BARS_SHOWN: usize = 2;

/// Arguments of `antiphon respond`.
#[derive(Debug, Args)]
pub struct RespondArgs {
    /// Model: `drums`, `melody` or `chorales` (the models built into the tool) or a model folder.
    #[arg(long, default_value = DRUMS.word, value_parser = ModelChoice::parse)]
    model: ModelChoice,
    /// The call: a MIDI file, read as the model's family plays (drum notes on any channel; a
    /// melody's top line on any channel but 10), quantized to 16th notes.
    #[arg(long)]
    call: PathBuf,
    /// Length of the response, in bars of the call's time signature: 1 to 64.
    #[arg(long, default_value_t = 2, value_parser = numbers::response_bars)]
    bars: usize,
    /// Sampling temperature, 0.05 to 5: below 1 plays safer, above 1 wilder.
    #[arg(long, default_value_t = 1.0, value_parser = numbers::temperature)]
    temperature: f32,
    /// Beam search: takes sampled side by side, 1 to 8; the likeliest plays (1: a single take).
    #[arg(long, default_value = "1", value_parser = numbers::beams)]
    beams: Beams,
    /// Seed for sampling: the same seed gives the same response.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Melodies: the key the scale is built on, `auto` (found from the call) or a tonic (C, C#,
    /// Db … B).
    #[arg(long, default_value = "auto", value_parser = parse_key)]
    key: KeyChoice,
    /// Melodies: the scale the answer's notes keep to: off, major, natural minor, dorian,
    /// mixolydian, harmonic minor, major pentatonic, minor pentatonic, blues.
    #[arg(long, default_value = "off", value_parser = parse_scale)]
    scale: Scale,
    /// Drums from a groove model: how much of its feel the answer plays, 0 to 1 (0: on the grid
    /// at the call's mean velocity; 1: the model's velocities and timing).
    #[arg(long, default_value = "1", value_parser = numbers::groove)]
    groove: GrooveAmount,
    /// Calls to learn the player from before answering (MIDI files, each a call from its first
    /// bar line, in the order played), as the plugin learns with Learn On.
    #[arg(long, num_args = 1..)]
    learn_from: Vec<PathBuf>,
    /// Where to write the response (a format-0 MIDI file).
    #[arg(long)]
    out: PathBuf,
}

fn parse_key(text: &str) -> Result<KeyChoice, String> {
    if text.trim().eq_ignore_ascii_case("auto") {
        return Ok(KeyChoice::Auto);
    }
    Tonic::parse(text)
        .map(KeyChoice::Tonic)
        .ok_or_else(|| "expected auto or a tonic: C, C#, Db, D … B".to_owned())
}

fn parse_scale(text: &str) -> Result<Scale, String> {
    Scale::parse(text).ok_or_else(|| {
        let names: Vec<&str> = Scale::ALL.iter().map(|scale| scale.name()).collect();
        format!("expected one of: {}", names.join(", "))
    })
}

/// Runs `antiphon respond`.
pub fn run(args: RespondArgs) -> anyhow::Result<()> {
    let model = args.model.load()?;
    let model = if args.learn_from.is_empty() {
        Arc::new(model)
    } else {
        learned(model, &args.learn_from)?
    };
    let family = model.family();
    if !family.pitched() && (args.scale != Scale::Off || args.key != KeyChoice::Auto) {
        eprintln!(
            "note: --key and --scale hold pitches; {} plays {family}, which have none",
            args.model
        );
    }
    let call = read_call(family, &args.call)?;
    let steps_per_bar = call.steps_per_bar() as usize;
    let per_step = family.events_per_step();
    // The response starts on the bar line after the call.
    let primer = whole_bars(call.ids(), steps_per_bar * per_step);
    // A groove model hears how the call was played.
    let call_grooves = call.grooves();
    let steps = args.bars * steps_per_bar;
    let allowed = family.answer_mask(args.key, args.scale, &primer);
    let sampling = Sampling {
        temperature: args.temperature,
        allowed: allowed.as_deref(),
        seed: args.seed,
        beams: args.beams,
    };
    let generated = answer_call(
        &model,
        &primer,
        call_grooves.as_deref(),
        steps_per_bar,
        steps,
        sampling,
    )
    .context("generating the response failed")?;
    if generated.ending.skip_steps > 0 {
        eprintln!(
            "the call closes on a downbeat: the model hears it, and plays on unheard through the \
             rest of that bar"
        );
    }
    // Only weights that are not numbers give a NaN likelihood; their "answer" is noise.
    anyhow::ensure!(
        !generated.log_likelihood.is_nan(),
        "{} gives no probabilities (its weights are not finite numbers, as a diverged training \
         run leaves them); retrain it with a lower learning rate",
        args.model
    );

    let grooves = generated
        .grooves
        .as_deref()
        .map(|grooves| (grooves, args.groove));
    let (written, transpose) = write_answer(&call, &generated.events, grooves);
    std::fs::write(&args.out, written)
        .with_context(|| format!("cannot write {}", args.out.display()))?;

    eprintln!(
        "call: {} at {:.1} bpm; response: {} by {} ({family})",
        bars(generated.ending.call_bars as usize),
        call.tempo_bpm(),
        bars(args.bars),
        args.model
    );
    let shown_call_events = primer.len().min(CALL_BARS_SHOWN * steps_per_bar * per_step);
    eprintln!("end of the call:");
    eprint!(
        "{}",
        text_roll(
            family,
            &primer[primer.len() - shown_call_events..],
            steps_per_bar,
            transpose
        )
    );
    eprintln!("response:");
    eprint!(
        "{}",
        text_roll(family, &generated.events, steps_per_bar, transpose)
    );
    println!("log_likelihood: {:.4}", generated.log_likelihood);
    println!(
        "log_likelihood_per_step: {:.4}",
        generated.log_likelihood / steps.max(1) as f32
    );
    println!("out: {}", args.out.display());
    Ok(())
}

/// The answer as a MIDI file, in the call's tempo and meter and at its mean velocity (drums as
/// `grooves` say, if the model plays them); a melody where the call was played. Also returns the
/// semitones from the model's pitches to the written ones.
fn write_answer(
    call: &Performance,
    answer: &[EventId],
    grooves: Option<(&[GrooveValues], GrooveAmount)>,
) -> (Vec<u8>, i8) {
    let answer = call.answer(answer, grooves);
    let channel = call
        .family()
        .fixed_channel()
        .unwrap_or(u4::new(MELODY_CHANNEL));
    (answer.midi(channel), answer.transpose_semitones())
}

/// "1 bar", "2 bars".
fn bars(count: usize) -> String {
    if count == 1 {
        "1 bar".to_owned()
    } else {
        format!("{count} bars")
    }
}
