//! Loads a folder of drum MIDI files and prints the n-gram baselines' validation NLL per step:
//! trained on the train split, scored on the validation split, in 64-step windows (as the LSTM
//! is). The 4-gram's figure is the one the drum model must beat.
//!
//! ```text
//! cargo run --release -p antiphon-engine --example ngram_baseline -- ../shared/data/groove
//! ```

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use antiphon_engine::baseline::ngram::NgramModel;
use antiphon_engine::dataset::{Dataset, Split, windows};
use antiphon_engine::encoding::EventId;
use antiphon_engine::encoding::drums::NUM_EVENTS;
use antiphon_engine::sequence::DrumSequence;

const WINDOW_STEPS: usize = 64;
const BASELINE_ORDER: usize = 4;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: ngram_baseline DATA_DIR")?;

    let started = Instant::now();
    let dataset = Dataset::load(&dir)?;
    let load_secs = started.elapsed().as_secs_f64();
    println!(
        "loaded {} files in {load_secs:.2} s ({:?} split: {} train, {} validation, {} test, {} \
         unassigned)",
        dataset.files.len(),
        dataset.split_source,
        dataset.count(Split::Train),
        dataset.count(Split::Validation),
        dataset.count(Split::Test),
        dataset.count(Split::Unassigned),
    );
    println!("skipped {} files", dataset.skipped.len());
    for skipped in &dataset.skipped {
        println!("  {skipped}");
    }
    if let Some(summary) = dataset.kit.summary() {
        println!("{summary}");
    }

    let train = cut(dataset.train());
    let validation = cut(dataset.validation());
    let (train, validation) = (slices(&train), slices(&validation));
    println!(
        "windows of {WINDOW_STEPS} steps: {} train, {} validation",
        train.len(),
        validation.len()
    );
    println!("uniform: {:.4} nats per step", (NUM_EVENTS as f64).ln());
    for order in 1..=6 {
        let started = Instant::now();
        let nll = NgramModel::fit(order, NUM_EVENTS, &train).nll_per_step(&validation);
        println!(
            "{order}-gram: {:.4} nats per step over {} steps ({:.2} s)",
            nll.nats,
            nll.steps,
            started.elapsed().as_secs_f64()
        );
    }

    let baseline = NgramModel::fit(BASELINE_ORDER, NUM_EVENTS, &train).nll_per_step(&validation);
    println!("nll_per_step: {:.4}", baseline.nats);
    println!("steps: {}", baseline.steps);
    Ok(())
}

/// The bar-aligned windows of every sequence, in order, as event ids.
fn cut(sequences: Vec<&DrumSequence>) -> Vec<Vec<EventId>> {
    sequences
        .into_iter()
        .flat_map(|sequence| windows(sequence, WINDOW_STEPS))
        .map(|window| window.iter().map(|step| step.event().id()).collect())
        .collect()
}

fn slices(windows: &[Vec<EventId>]) -> Vec<&[EventId]> {
    windows.iter().map(Vec::as_slice).collect()
}
