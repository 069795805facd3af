//! Live timing of the performer with a model of either family: how early each answer's first step
//! is ready before it must sound, and how long the audio thread's work takes per block.
//!
//! `cargo bench -p antiphon-engine --bench deadline -- DATA [--model DIR] [--phrases N] [--bpm T]
//! [--beams B] [--answer-bars A]`
//!
//! The model is `models/drums` unless `--model` names another model folder; DATA is a folder of
//! MIDI files it reads (a Groove MIDI Dataset folder for drums, a folder of tunes for a melody
//! model). Calls are the first two bars of the validation files in 4/4, played as recorded (a
//! drummer's micro-timing; a melody's notes as long as they are written). Blocks are processed
//! as fast as possible, except around each answer's first bar line, where they are paced to the
//! wall clock as a live host would — so the model thread races real time exactly where it
//! matters. Prints numbers; asserts nothing about time.

use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use antiphon_engine::dataset::Dataset;
use antiphon_engine::encoding::groove::GrooveAmount;
use antiphon_engine::encoding::key::KeyChoice;
use antiphon_engine::encoding::scale::Scale;
use antiphon_engine::families::Family;
use antiphon_engine::hit::STEPS_PER_QUARTER;
use antiphon_engine::learn::session::SessionLearning;
use antiphon_engine::live::io::{Input, InputKind};
use antiphon_engine::live::messages::Generation;
use antiphon_engine::live::performer::{Performer, Settings};
use antiphon_engine::live::shelf::{ModelShelf, ShippedModel, UserModels};
use antiphon_engine::midi_file::TICKS_PER_QUARTER;
use antiphon_engine::midly::num::{u4, u7};
use antiphon_engine::model::{Beams, Model};
use antiphon_engine::performance::Performance;
use antiphon_engine::phrase::{AfterResponse, PhraseRules};
use antiphon_engine::transport::{Position, TimeSignature, Transport};

const RATE: f64 = 48_000.0;
const BLOCK: u32 = 256;
/// Bars of a phrase besides its answer: one empty, two of call, one empty after the answer.
const PHRASE_BARS_BESIDES_ANSWER: u64 = 4;

struct Args {
    data: PathBuf,
    model: PathBuf,
    phrases: usize,
    tempo_bpm: f64,
    beams: Beams,
    /// Bars each answer lasts: a beam search covers all of them.
    answer_bars: u32,
    /// Learn On: a learner adapts to every call throughout.
    learn: bool,
}

const USAGE: &str = "usage: cargo bench -p antiphon-engine --bench deadline -- DATA [--model DIR] \
                     [--phrases N] [--bpm T] [--beams B] [--answer-bars A] [--learn]";

fn args(workspace: &Path) -> Result<Args, String> {
    let mut data = None;
    let mut model = workspace.join("models/drums");
    let mut phrases = 200;
    let mut tempo_bpm = 120.0;
    let mut beams = Beams::ONE;
    let mut answer_bars = 1;
    let mut learn = false;
    let mut raw = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(arg) = raw.next() {
        match arg.as_str() {
            "--phrases" => phrases = parse(raw.next(), "--phrases")?,
            "--bpm" => tempo_bpm = parse(raw.next(), "--bpm")?,
            "--answer-bars" => answer_bars = parse(raw.next(), "--answer-bars")?,
            "--learn" => learn = true,
            "--beams" => {
                beams = Beams::new(parse(raw.next(), "--beams")?).ok_or("--beams: 1 to 8")?
            }
            "--model" => {
                model = raw
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--model needs a folder")?
            }
            path => data = Some(PathBuf::from(path)),
        }
    }
    let data = data.ok_or_else(|| format!("{USAGE}\nDATA: a folder of MIDI files"))?;
    Ok(Args {
        data,
        model,
        phrases,
        tempo_bpm,
        beams,
        answer_bars,
        learn,
    })
}

fn parse<T: std::str::FromStr>(value: Option<String>, flag: &str) -> Result<T, String> {
    value
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("{flag} needs a number"))
}

fn shelf(folder: &Path) -> Result<Arc<ModelShelf>, String> {
    let read = |name: &str| -> Result<&'static [u8], String> {
        let path = folder.join(name);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Box::leak(bytes.into_boxed_slice()))
    };
    Ok(Arc::new(ModelShelf::new(
        vec![ShippedModel {
            name: "the model under test",
            word: "test",
            config_json: read("config.json")?,
            weights: read("model.safetensors")?,
            card_json: b"{}",
        }],
        UserModels::default(),
        Arc::new(|message: &str| eprintln!("{message}")),
    )))
}

/// Two-bar 4/4 calls from the validation split, read as `family` plays.
fn calls(data: &Path, family: Family) -> Result<Vec<Performance>, String> {
    let dataset = Dataset::load(data, family).map_err(|e| e.to_string())?;
    let calls: Vec<Performance> = dataset
        .validation()
        .into_iter()
        .filter(|call| call.steps_per_bar() == 16)
        .filter(|call| call.len_steps() >= 32)
        .map(|call| call.truncated(32))
        .filter(|call| call.ids().iter().any(|id| !id.is_quiet()))
        .collect();
    if calls.is_empty() {
        return Err(format!(
            "no two-bar 4/4 validation calls in {}",
            data.display()
        ));
    }
    Ok(calls)
}

/// The call's notes at absolute samples, starting at bar `first_bar`.
fn call_inputs(call: &Performance, first_bar: u64, samples_per_step: f64) -> Vec<(u64, InputKind)> {
    let channel = u4::new(0);
    let first_step = (first_bar * 16) as f64;
    // (start in steps, length in steps, key, velocity), as a MIDI file of the call plays them.
    let ticks_per_step = f64::from(TICKS_PER_QUARTER) / f64::from(STEPS_PER_QUARTER);
    let notes: Vec<(f64, f64, u7, u7)> = call
        .notes()
        .into_iter()
        .map(|note| {
            let start = note.on_tick as f64 / ticks_per_step;
            let length = (note.off_tick - note.on_tick) as f64 / ticks_per_step;
            (start, length, note.key, note.velocity)
        })
        .collect();
    let mut inputs = Vec::new();
    for (start, length, key, velocity) in notes {
        let on = ((first_step + start) * samples_per_step).round() as u64;
        let off = ((first_step + start + length) * samples_per_step).round() as u64 - 1;
        let velocity = f32::from(velocity.as_int()) / 127.0;
        inputs.push((
            on,
            InputKind::NoteOn {
                channel,
                key,
                velocity,
            },
        ));
        inputs.push((off, InputKind::NoteOff { channel, key }));
    }
    inputs.sort_by_key(|(at, _)| *at);
    inputs
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() -> Result<(), String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let args = args(&workspace)?;
    let family = Model::load(&args.model)
        .map_err(|e| e.to_string())?
        .family();
    let calls = calls(&args.data, family)?;
    let learning = Arc::new(SessionLearning::default());
    let (mut performer, _feed) = Performer::start(
        shelf(&args.model)?,
        learning.clone(),
        0,
        RATE,
        false,
        Arc::new(AtomicBool::new(false)),
    )
    .map_err(|e| e.to_string())?;
    let stats = performer.worker_stats();
    let monitor = performer.monitor();
    let settings = Settings {
        rules: PhraseRules {
            min_call_bars: 1,
            max_call_bars: 2,
            response_bars: Some(args.answer_bars),
            overlap: false,
            after_response: AfterResponse::Listen,
        },
        generation: Generation {
            temperature: 1.0,
            seed: NonZeroU32::new(1),
            key: KeyChoice::Auto,
            scale: Scale::Off,
            beams: args.beams,
            learn: args.learn,
        },
        out_channel: u4::new(9),
        velocity: Some(u7::new(100)),
        groove: GrooveAmount::FULL,
        passthrough: false,
        trigger: None,
        model_slot: 0,
        jam_slot: None,
    };
    let samples_per_quarter = RATE * 60.0 / args.tempo_bpm;
    let samples_per_step = samples_per_quarter / 4.0;
    let bar = (samples_per_quarter * 4.0) as u64;
    // Let the model load before the first call.
    std::thread::sleep(Duration::from_millis(500));

    let mut process_micros = Vec::new();
    let mut margins_ms = Vec::new();
    let mut inputs = Vec::with_capacity(256);
    let mut sample = 0u64;
    let phrase_bars = PHRASE_BARS_BESIDES_ANSWER + u64::from(args.answer_bars);
    for phrase in 0..args.phrases {
        let first_bar = phrase as u64 * phrase_bars;
        let notes = call_inputs(
            &calls[phrase % calls.len()],
            first_bar + 1,
            samples_per_step,
        );
        let answer_at = (first_bar + 3) * bar;
        let paced = answer_at - bar / 4..answer_at + bar / 4;
        let end = (first_bar + phrase_bars) * bar;
        let answers_before = stats.responses.load(Ordering::Relaxed);
        let mut pace_anchor: Option<(Instant, u64)> = None;
        while sample < end {
            if paced.contains(&sample) {
                let (t0, s0) = *pace_anchor.get_or_insert((Instant::now(), sample));
                let due = t0 + Duration::from_secs_f64((sample - s0) as f64 / RATE);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
            inputs.clear();
            inputs.extend(
                notes
                    .iter()
                    .filter(|(at, _)| (sample..sample + u64::from(BLOCK)).contains(at))
                    .map(|&(at, kind)| Input {
                        offset: (at - sample) as u32,
                        kind,
                    }),
            );
            let pos_ppq = sample as f64 / samples_per_quarter;
            let transport = Transport::Playing(Position {
                tempo_bpm: args.tempo_bpm,
                pos_ppq,
                bar_start_ppq: (pos_ppq / 4.0).floor() * 4.0,
                time_signature: TimeSignature::FOUR_FOUR,
            });
            let started = Instant::now();
            performer.process(transport, BLOCK, &inputs, &settings, |_| {});
            process_micros.push(started.elapsed().as_secs_f64() * 1e6);
            sample += u64::from(BLOCK);
        }
        if stats.responses.load(Ordering::Relaxed) > answers_before {
            margins_ms.push(stats.last_margin_micros.load(Ordering::Relaxed) as f64 / 1e3);
        }
    }

    process_micros.sort_by(f64::total_cmp);
    margins_ms.sort_by(f64::total_cmp);
    let block_ms = f64::from(BLOCK) / RATE * 1e3;
    let step_ms = samples_per_step / RATE * 1e3;
    println!(
        "phrases: {} at {} BPM, {BLOCK}-sample blocks at {RATE} Hz; {} ({family}), {} beam{}, \
         answers of {} bar{}",
        args.phrases,
        args.tempo_bpm,
        args.model.display(),
        args.beams.get(),
        if args.beams.get() == 1 { "" } else { "s" },
        args.answer_bars,
        if args.answer_bars == 1 { "" } else { "s" }
    );
    println!(
        "answers: {} ({} late)",
        margins_ms.len(),
        stats.late_answers.load(Ordering::Relaxed)
    );
    if !margins_ms.is_empty() {
        println!(
            "deadline margin (first step ready before it must be): p50 {:.2} ms, min {:.2} ms \
             (available: half a 16th, {:.1} ms, less up to one block, {:.2} ms)",
            percentile(&margins_ms, 0.5),
            margins_ms[0],
            step_ms / 2.0,
            block_ms
        );
    }
    println!(
        "late response steps (silenced): {}; dropped: {} outgoing events, {} messages to the model",
        monitor.late_steps.load(Ordering::Relaxed),
        monitor.dropped_outputs.load(Ordering::Relaxed),
        monitor.dropped_messages.load(Ordering::Relaxed)
    );
    println!(
        "model step time (moving average): {} µs; last answer's first step ready after {} µs",
        stats.step_micros.load(Ordering::Relaxed),
        stats.first_step_micros.load(Ordering::Relaxed)
    );
    println!(
        "process() per block: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs over {} blocks \
         (block lasts {:.0} µs: p99 uses {:.2}% of it)",
        percentile(&process_micros, 0.5),
        percentile(&process_micros, 0.99),
        process_micros[process_micros.len() - 1],
        process_micros.len(),
        block_ms * 1e3,
        percentile(&process_micros, 0.99) / (block_ms * 1e3) * 100.0
    );
    if args.learn {
        let view = learning.view();
        println!(
            "learning: {} calls heard, {} adaptations landed, {} learner steps",
            view.calls,
            view.landed.len(),
            view.steps
        );
    }
    Ok(())
}
