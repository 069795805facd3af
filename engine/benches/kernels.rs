//! The fused LSTM kernels against the candle reference, side by side in one process.
//!
//! `cargo bench -p antiphon-engine --bench kernels`
//!
//! Live step: the shipped model `models/drums`, one performance through the fused step and
//! through candle ops (the `LstmStepWeights` step, output projection and log-softmax that the
//! model used before the fused kernels), and eight beams through one fused pass. Errors are
//! normwise relative errors (largest absolute difference over the reference's largest
//! magnitude) of the log-probabilities, over windows of the GMD fixtures. Times are medians
//! over interleaved rounds; only their ratios say anything beyond this machine. Asserts
//! nothing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use antiphon_engine::encoding::{EventId, Family};
use antiphon_engine::model::lstm::{LstmState, LstmStepWeights};
use antiphon_engine::model::{Model, StepWeights};
use antiphon_engine::performance::Performance;
use candle_core::{D, Device, Tensor};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Interleaved timing rounds; each kind's time is the median over them.
const ROUNDS: usize = 15;
/// Live steps timed per round.
const STEPS_PER_ROUND: usize = 256;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn main() -> BenchResult<()> {
    print_machine();
    live_step()?;
    Ok(())
}

/// The CPU, its cores and how busy it was, so the raw times can be read.
fn print_machine() {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "machine: {cpu}, {cores} cores, load average {}",
        load.join(" ")
    );
}

/// candle's live step as the model ran it before the fused kernels.
struct CandleStep {
    weights: LstmStepWeights,
    output_weight_t: Tensor,
    output_bias: Tensor,
}

impl CandleStep {
    fn new(model: &Model) -> BenchResult<CandleStep> {
        let net = model.net();
        let bias = net.output().bias().ok_or("the model has no output bias")?;
        Ok(CandleStep {
            weights: net.lstm().step_weights()?,
            output_weight_t: net.output().weight().t()?.contiguous()?,
            output_bias: bias.unsqueeze(0)?,
        })
    }

    fn step(&self, state: &mut LstmState, prev: EventId, position: usize) -> BenchResult<Vec<f32>> {
        let hidden = self.weights.step(state, prev.index(), position)?;
        let logits = hidden
            .matmul(&self.output_weight_t)?
            .add(&self.output_bias)?;
        let log_probs = candle_nn::ops::log_softmax(&logits, D::Minus1)?;
        Ok(log_probs.squeeze(0)?.to_vec1()?)
    }
}

/// Windows of the GMD fixtures, `steps` long.
fn groove_windows(steps: usize) -> BenchResult<Vec<Vec<EventId>>> {
    let dir = workspace().join("tests/fixtures/groove");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    paths.retain(|path| path.extension().is_some_and(|e| e == "mid"));
    paths.sort();
    let mut windows = Vec::new();
    for path in paths {
        let (performance, _) = Performance::read(Family::Drums, &std::fs::read(&path)?)?;
        windows.extend(
            performance
                .windows(steps)
                .into_iter()
                .filter(|w| w.len() == steps),
        );
    }
    Ok(windows)
}

/// Largest absolute difference over the reference's largest magnitude.
fn relative_error(actual: &[f32], reference: &[f32]) -> f64 {
    let scale = reference
        .iter()
        .map(|&x| f64::from(x).abs())
        .fold(0.0, f64::max);
    let difference = actual
        .iter()
        .zip(reference)
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).abs())
        .fold(0.0, f64::max);
    difference / scale.max(f64::MIN_POSITIVE)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Time of one call of each of `kinds`, in µs: the median over interleaved rounds of
/// `per_round` calls.
fn interleaved(
    per_round: usize,
    kinds: &mut [&mut dyn FnMut(usize) -> BenchResult<()>],
) -> BenchResult<Vec<f64>> {
    let mut times = vec![Vec::with_capacity(ROUNDS); kinds.len()];
    for _ in 0..ROUNDS {
        for (kind, times) in kinds.iter_mut().zip(&mut times) {
            let started = Instant::now();
            for i in 0..per_round {
                kind(i)?;
            }
            times.push(started.elapsed().as_secs_f64() * 1e6 / per_round as f64);
        }
    }
    Ok(times.into_iter().map(median).collect())
}

fn live_step() -> BenchResult<()> {
    let model = Model::load(&workspace().join("models/drums"))?;
    let config = model.config();
    println!(
        "live step: models/drums, {}×{} LSTM, {} events",
        config.num_layers, config.hidden_size, config.vocab_size
    );
    let fused = StepWeights::from_net(model.net())?;
    let candle = CandleStep::new(&model)?;

    let windows = groove_windows(64)?;
    let mut worst = 0.0f64;
    for window in &windows {
        let mut fused_state = fused.initial_state();
        let mut candle_state = model.net().lstm().initial_state(&Device::Cpu)?;
        for (position, &prev) in window.iter().enumerate() {
            let reference = candle.step(&mut candle_state, prev, position + 1)?;
            let log_probs = fused.step(&mut fused_state, prev, position + 1)?;
            worst = worst.max(relative_error(log_probs, &reference));
        }
    }
    println!(
        "step error over {} GMD windows of 64 steps: max relative {worst:.2e}",
        windows.len()
    );

    let events: Vec<EventId> = windows.iter().flatten().copied().collect();
    let prev = |i: usize| events[i % events.len()];
    const BEAMS: usize = 8;
    let mut fused_state = fused.initial_state();
    let mut candle_state = model.net().lstm().initial_state(&Device::Cpu)?;
    let mut beams = model.beams(&fused_state, BEAMS);
    let mut fused_step = |i: usize| -> BenchResult<()> {
        std::hint::black_box(fused.step(&mut fused_state, prev(i), i)?);
        Ok(())
    };
    let mut candle_step = |i: usize| -> BenchResult<()> {
        std::hint::black_box(candle.step(&mut candle_state, prev(i), i)?);
        Ok(())
    };
    let mut beam_step = |i: usize| -> BenchResult<()> {
        let prev: [EventId; BEAMS] = std::array::from_fn(|b| prev(i + 97 * b));
        std::hint::black_box(fused.step_beams(&mut beams, &prev, i)?);
        Ok(())
    };
    let times = interleaved(
        STEPS_PER_ROUND,
        &mut [&mut fused_step, &mut candle_step, &mut beam_step],
    )?;
    let (fused_micros, candle_micros, beams_micros) = (times[0], times[1], times[2]);
    println!("step_fused_us: {fused_micros:.1}");
    println!("step_candle_us: {candle_micros:.1}");
    println!("step_beam8_us: {beams_micros:.1}");
    println!(
        "step_speedup_vs_candle: {:.2}",
        candle_micros / fused_micros
    );
    println!("beam8_over_beam1: {:.2}", beams_micros / fused_micros);
    println!("step_max_rel_err: {worst:.2e}");
    Ok(())
}
