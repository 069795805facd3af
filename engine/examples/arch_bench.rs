//! Which LSTM shape fits this CPU: training throughput and live step time for the candidate
//! architectures (Magenta's 3×256, and the smaller 2×256 and 2×128).
//!
//! `cargo run --release -p antiphon-engine --example arch_bench [batches]`
//!
//! Prints measurements and ratios, asserts nothing about time: numbers depend on the machine and
//! on what else it is running.

use std::time::Instant;

use antiphon_engine::encoding::EventId;
use antiphon_engine::families::Family;
use antiphon_engine::model::Model;
use antiphon_engine::rng::SplitMix64;
use antiphon_engine::train::{Start, TrainEvent, TrainOptions, TrainWindows, train};

const ARCHITECTURES: [(usize, usize); 3] = [(3, 256), (2, 256), (2, 128)];
const STEPS_PER_SEQ: usize = 64;
const BATCH_SIZE: usize = 64;
const LIVE_STEPS: usize = 2000;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // As `antiphon train` does: measure what the tool gets.
    antiphon_engine::train::allocator::keep_large_buffers();
    let batches: usize = std::env::args()
        .nth(1)
        .map(|arg| arg.parse())
        .transpose()?
        .unwrap_or(8);
    // Random windows: throughput does not depend on what the events are.
    let mut rng = SplitMix64::new(1);
    let vocab_size = Family::DRUMS.vocab_size();
    let windows: Vec<Vec<EventId>> = (0..batches * BATCH_SIZE)
        .map(|_| {
            (0..STEPS_PER_SEQ)
                .map(|_| EventId::new(rng.below(vocab_size)))
                .collect()
        })
        .collect();
    let windows = TrainWindows::events(windows);
    let scratch = std::env::temp_dir().join(format!("antiphon-arch-bench-{}", std::process::id()));

    println!(
        "batch {BATCH_SIZE} × {STEPS_PER_SEQ} steps, {batches} batches per architecture, \
         {LIVE_STEPS} live steps"
    );
    let mut results = Vec::new();
    for (num_layers, hidden_size) in ARCHITECTURES {
        let options = TrainOptions {
            num_layers,
            hidden_size,
            epochs: 1,
            batch_size: BATCH_SIZE,
            ..TrainOptions::default()
        };
        let mut first_batch_done: Option<(Instant, usize)> = None;
        let mut steps_per_sec = 0.0;
        let dir = scratch.join(format!("{num_layers}x{hidden_size}"));
        let start = Start::Fresh(Family::DRUMS);
        train(
            &windows,
            &TrainWindows::default(),
            &options,
            start,
            &dir,
            &mut |event| {
                if let TrainEvent::Batch { batches_done, .. } = event {
                    // The first batch warms caches and allocators; time the rest.
                    match first_batch_done {
                        None => first_batch_done = Some((Instant::now(), *batches_done)),
                        Some((since, first)) => {
                            let steps = (batches_done - first) * BATCH_SIZE * (STEPS_PER_SEQ - 1);
                            steps_per_sec = steps as f64 / since.elapsed().as_secs_f64();
                        }
                    }
                }
            },
        )?;

        let model = Model::load(&dir)?;
        let mut state = model.initial_state(16);
        let mut prev = EventId::QUIET;
        let started = Instant::now();
        for position in 0..LIVE_STEPS {
            let log_probs = model.step(&mut state, prev, position)?;
            prev = EventId::new(position % 7);
            std::hint::black_box(log_probs);
        }
        let step_micros = started.elapsed().as_secs_f64() * 1e6 / LIVE_STEPS as f64;
        println!(
            "{num_layers}×{hidden_size}: training {steps_per_sec:8.0} steps/s, live step \
             {step_micros:6.1} µs"
        );
        results.push((num_layers, hidden_size, steps_per_sec, step_micros));
    }
    std::fs::remove_dir_all(&scratch)?;

    let (_, _, base_rate, base_step) = results[0];
    println!("relative to 3×256:");
    for (num_layers, hidden_size, rate, step) in &results {
        println!(
            "  {num_layers}×{hidden_size}: {:.2}× training throughput, {:.2}× live step time",
            rate / base_rate,
            step / base_step
        );
    }
    Ok(())
}
