//! `antiphon jam`: two models answer each other phrase by phrase, from a call or from a phrase
//! the first one opens with, written as one MIDI track per model.

use std::path::PathBuf;

use antiphon_engine::answer::whole_bars;
use antiphon_engine::families::Family;
use antiphon_engine::hit::STEPS_PER_QUARTER;
use antiphon_engine::jam::{JamPhrase, JamPlan, Voice, jam};
use antiphon_engine::midi_file::{NoteTrack, write_tracks};
use antiphon_engine::model::Beams;
use antiphon_engine::performance::Performance;
use antiphon_engine::shipped::DRUMS;
use anyhow::Context;
use clap::Args;
use midly::num::u4;

use crate::cli::call_file::read_call;
use crate::cli::model_choice::ModelChoice;
use crate::cli::numbers;

/// A bar of 4/4, for a jam without a call.
const STEPS_PER_BAR_WITHOUT_CALL: u32 = 4 * STEPS_PER_QUARTER;

/// Arguments of `antiphon jam`.
#[derive(Debug, Args)]
pub struct JamArgs {
    /// Model A, which answers the call (or opens): `drums`, `melody`, `chorales` or a model
    /// folder.
    #[arg(long, default_value = DRUMS.word, value_parser = ModelChoice::parse)]
    a: ModelChoice,
    /// Model B, which answers A: a model of A's family.
    #[arg(long, default_value = DRUMS.word, value_parser = ModelChoice::parse)]
    b: ModelChoice,
    /// A call to start from, a MIDI file read as the models' family plays; without one A opens
    /// with a phrase of its own, in 4/4 at --tempo.
    #[arg(long)]
    call: Option<PathBuf>,
    /// Bars of the jam after the call: 1 to 512.
    #[arg(long, value_parser = numbers::jam_bars)]
    bars: usize,
    /// Bars of one phrase (each model's turn): 1 to 64.
    #[arg(long, default_value_t = 2, value_parser = numbers::response_bars)]
    phrase_bars: usize,
    /// Tempo of a jam without a call, 20 to 400 quarter notes per minute (a call keeps its own).
    #[arg(long, default_value_t = 120.0, value_parser = numbers::tempo)]
    tempo: f64,
    /// Sampling temperature of both models, 0.05 to 5.
    #[arg(long, default_value_t = 1.0, value_parser = numbers::temperature)]
    temperature: f32,
    /// Beam search for every phrase: takes sampled side by side, 1 to 8.
    #[arg(long, default_value = "1", value_parser = numbers::beams)]
    beams: Beams,
    /// Seed of the whole jam: the same seed plays the same jam.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the jam (a format-1 MIDI file: the call, then a track per model).
    #[arg(long)]
    out: PathBuf,
}

/// Runs `antiphon jam`.
pub fn run(args: JamArgs) -> anyhow::Result<()> {
    let a = args.a.load()?;
    let b = args.b.load()?;
    let family = a.family();
    let call = args
        .call
        .as_deref()
        .map(|path| read_call(family, path))
        .transpose()?;
    // Answers take the call's tempo, meter, velocity and register.
    let template = call
        .clone()
        .unwrap_or_else(|| Performance::empty(family, STEPS_PER_BAR_WITHOUT_CALL, args.tempo));
    let steps_per_bar = template.steps_per_bar() as usize;
    let per_step = family.events_per_step();
    let call_events = call
        .as_ref()
        .map(|call| whole_bars(call.ids(), steps_per_bar * per_step));
    let call_steps = call_events.as_ref().map_or(0, Vec::len) / per_step;
    let plan = JamPlan {
        steps_per_bar,
        phrase_bars: args.phrase_bars,
        bars: args.bars,
        temperature: args.temperature,
        beams: args.beams,
        seed: args.seed,
    };
    let first_bar = call_steps / steps_per_bar + 1;
    let phrases = jam(&a, &b, call_events.as_deref(), &plan, |phrase| {
        print_phrase(phrase, steps_per_bar, per_step, first_bar, &args)
    })
    .context("the jam failed")?;

    let mut tracks = Vec::new();
    let channels = Channels::of(family);
    if let Some(call) = &call {
        tracks.push(NoteTrack {
            name: "call".to_owned(),
            channel: channels.call,
            notes: call.notes(),
        });
    }
    for (voice, model, channel) in [
        (Voice::A, &args.a, channels.a),
        (Voice::B, &args.b, channels.b),
    ] {
        let notes = phrases
            .iter()
            .filter(|phrase| phrase.voice == voice)
            .flat_map(|phrase| {
                let at = call_steps + phrase.start_step;
                template
                    .answer(&phrase.events, None)
                    .notes()
                    .into_iter()
                    .map(move |note| note.later_by(at))
            })
            .collect();
        tracks.push(NoteTrack {
            name: format!("{voice}: {model}"),
            channel,
            notes,
        });
    }
    let len_steps = call_steps + args.bars * steps_per_bar;
    let written = write_tracks(
        template.tempo_bpm(),
        steps_per_bar as u32,
        len_steps,
        &tracks,
    );
    std::fs::write(&args.out, written)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("out: {}", args.out.display());
    Ok(())
}

/// One line per phrase, as it is played: who, where, and how likely the model found it (per
/// 16th step, of `per_step` events).
fn print_phrase(
    phrase: &JamPhrase,
    steps_per_bar: usize,
    per_step: usize,
    first_bar: usize,
    args: &JamArgs,
) {
    let model = match phrase.voice {
        Voice::A => &args.a,
        Voice::B => &args.b,
    };
    let start_bar = first_bar + phrase.start_step / steps_per_bar;
    let steps = phrase.events.len() / per_step;
    let end_bar = start_bar + steps.div_ceil(steps_per_bar) - 1;
    println!(
        "phrase: {} voice: {} model: {model} bars: {start_bar}-{end_bar} log_likelihood: {:.3} \
         per_step: {:.4}",
        phrase.start_step / (args.phrase_bars * steps_per_bar) + 1,
        phrase.voice,
        phrase.log_likelihood,
        phrase.log_likelihood / steps.max(1) as f32
    );
}

/// The MIDI channels of a jam's tracks: drums all on the General MIDI drum channel, melodies
/// each on its own so that one synth can tell them apart.
struct Channels {
    call: u4,
    a: u4,
    b: u4,
}

impl Channels {
    fn of(family: Family) -> Channels {
        match family.fixed_channel() {
            Some(channel) => Channels {
                call: channel,
                a: channel,
                b: channel,
            },
            None => Channels {
                call: u4::new(0),
                a: u4::new(1),
                b: u4::new(2),
            },
        }
    }
}
