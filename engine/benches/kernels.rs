//! The fused LSTM kernels against the candle reference, side by side in one process.
//!
//! `cargo bench -p antiphon-engine --bench kernels`
//!
//! Training: one optimiser step of the shipped drum shape (2×256, its event LSTM's weights; its
//! groove head is left out, as candle's trainer never had one) on a batch of 64 windows of 64
//! steps of the GMD fixtures, with dropout, gradient clipping and AdamW: candle
//! autograd as the trainer ran it before the fused kernels, against the fused passes. Both sides
//! use the same number of threads: every core, or `RAYON_NUM_THREADS` when set (candle's matrix
//! products run on its rayon pool of that size, the fused passes deal their shards of 32 windows
//! to that many threads). Gradients are compared with dropout off.
//!
//! Live step: the shipped model `models/drums`, one performance through the fused step and
//! through candle ops (the `LstmStepWeights` step, output projection and log-softmax that the
//! model used before the fused kernels), and eight beams through one fused pass.
//!
//! Errors are normwise relative errors (largest absolute difference over the reference's
//! largest magnitude): per weight tensor for gradients, per step for log-probabilities. Times
//! are medians over interleaved rounds; only their ratios say anything beyond this machine.
//! Asserts nothing.

use std::path::{Path, PathBuf};
use std::time::Instant;

use antiphon_engine::encoding::EventId;
use antiphon_engine::families::Family;
use antiphon_engine::model::batch::WindowBatch;
use antiphon_engine::model::config::ModelConfig;
use antiphon_engine::model::dropout::Dropout;
use antiphon_engine::model::fused::agreement::relative_error;
use antiphon_engine::model::fused::{ParamLayout, SHARD_WINDOWS, TrainPass, live_step_path};
use antiphon_engine::model::lstm::{LstmState, LstmStepWeights};
use antiphon_engine::model::net::Net;
use antiphon_engine::model::{Model, StepWeights};
use antiphon_engine::performance::Performance;
use antiphon_engine::rng::SplitMix64;
use antiphon_engine::train::adamw::AdamW;
use antiphon_engine::train::clip::clip_grad_norm;
use antiphon_engine::window_cuts::WindowStarts;
use candle_core::backprop::GradStore;
use candle_core::{D, DType, Device, Tensor, Var};
use candle_nn::{Optimizer, ParamsAdamW, VarBuilder, VarMap};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Interleaved timing rounds; each kind's time is the median over them.
const ROUNDS: usize = 15;
/// Live steps timed per round.
const STEPS_PER_ROUND: usize = 256;
/// Interleaved rounds of one optimiser step each.
const TRAIN_ROUNDS: usize = 7;
const BATCH_WINDOWS: usize = 64;
const WINDOW_STEPS: usize = 64;
const LEARNING_RATE: f64 = 1e-3;
const WEIGHT_DECAY: f64 = 1e-4;
const CLIP_NORM: f64 = 3.0;

/// Threads for training, on both sides: `RAYON_NUM_THREADS` (which candle reads) or every core.
fn threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn main() -> BenchResult<()> {
    // As `antiphon train` does before candle trained: large freed buffers stay in the heap.
    antiphon_engine::train::allocator::keep_large_buffers();
    print_machine();
    let training = training()?;
    let live = live_step()?;
    println!("train_speedup_vs_candle: {:.2}", training.speedup);
    println!("step_speedup_vs_candle: {:.2}", live.speedup);
    println!("beam8_over_beam1: {:.2}", live.beam8_over_beam1);
    println!("grad_max_rel_err: {:.2e}", training.grad_error);
    println!("step_max_rel_err: {:.2e}", live.error);
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
    // The live step's loops this CPU takes (on Windows too: the same runtime check).
    println!("live_step_path: {}", live_step_path());
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
        let (performance, _) = Performance::read(Family::DRUMS, &std::fs::read(&path)?)?;
        windows.extend(
            performance
                .windows(steps, WindowStarts::Tiled)
                .into_iter()
                .filter(|w| w.len() == steps),
        );
    }
    Ok(windows)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Time of one call of each of `kinds`, in µs: the median over `rounds` interleaved rounds of
/// `per_round` calls each.
fn interleaved(
    rounds: usize,
    per_round: usize,
    kinds: &mut [&mut dyn FnMut(usize) -> BenchResult<()>],
) -> BenchResult<Vec<f64>> {
    let mut times = vec![Vec::with_capacity(rounds); kinds.len()];
    for _ in 0..rounds {
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

struct Training {
    speedup: f64,
    grad_error: f64,
}

struct Live {
    speedup: f64,
    beam8_over_beam1: f64,
    error: f64,
}

/// The optimiser step candle's trainer took: dropout, autograd, clipping, AdamW.
struct CandleTrainer {
    net: Net,
    vars: Vec<(String, Var)>,
    optimizer: candle_nn::AdamW,
    dropout: f32,
}

impl CandleTrainer {
    fn new(
        config: &ModelConfig,
        weights: &std::collections::HashMap<String, Tensor>,
    ) -> BenchResult<CandleTrainer> {
        let varmap = VarMap::new();
        let net = Net::load(
            VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu),
            config,
        )?;
        let mut vars: Vec<(String, Var)> = varmap
            .data()
            .lock()
            .map_err(|_| "poisoned")?
            .clone()
            .into_iter()
            .collect();
        vars.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, var) in &vars {
            var.set(&weights[name])?;
        }
        let optimizer = candle_nn::AdamW::new(
            vars.iter().map(|(_, var)| var.clone()).collect(),
            ParamsAdamW {
                lr: LEARNING_RATE,
                weight_decay: WEIGHT_DECAY,
                ..ParamsAdamW::default()
            },
        )?;
        Ok(CandleTrainer {
            net,
            vars,
            optimizer,
            dropout: config.dropout,
        })
    }

    /// The loss and gradients of `windows`, with dropout when `rng` is given.
    fn gradients(
        &self,
        windows: &[&[EventId]],
        rng: Option<&mut SplitMix64>,
    ) -> BenchResult<(f64, GradStore)> {
        let batch = WindowBatch::new(windows, &Device::Cpu)?;
        let mut dropout = rng.map(|rng| Dropout::new(self.dropout, rng));
        let logits = self
            .net
            .forward(&batch.prev_events, &batch.counters, dropout.as_mut())?;
        let loss = (batch.nll_sum(&logits)? / batch.scored_steps as f64)?;
        let grads = loss.backward()?;
        Ok((f64::from(loss.to_scalar::<f32>()?), grads))
    }

    fn step(&mut self, windows: &[&[EventId]], rng: &mut SplitMix64) -> BenchResult<()> {
        let (_, mut grads) = self.gradients(windows, Some(rng))?;
        // The clipping the candle trainer did, over its gradient store.
        let mut sum_sq = 0.0f64;
        for (_, var) in &self.vars {
            if let Some(grad) = grads.get(var) {
                sum_sq += f64::from(grad.sqr()?.sum_all()?.to_scalar::<f32>()?);
            }
        }
        let norm = sum_sq.sqrt();
        if norm > CLIP_NORM {
            for (_, var) in &self.vars {
                if let Some(grad) = grads.remove(var) {
                    grads.insert(var, (grad * (CLIP_NORM / norm))?);
                }
            }
        }
        self.optimizer.step(&grads)?;
        Ok(())
    }
}

fn training() -> BenchResult<Training> {
    let folder = workspace().join("models/drums");
    let model = Model::load(&folder)?;
    let mut config = model.config().clone();
    config.groove_units = None;
    let weights = candle_core::safetensors::load(folder.join("model.safetensors"), &Device::Cpu)?;
    let windows: Vec<Vec<EventId>> = groove_windows(WINDOW_STEPS)?
        .into_iter()
        .cycle()
        .take(BATCH_WINDOWS)
        .collect();
    let windows: Vec<&[EventId]> = windows.iter().map(Vec::as_slice).collect();
    println!(
        "training: {}×{} drums, batch {BATCH_WINDOWS} × {WINDOW_STEPS} steps, dropout {}, {} \
         threads on each side",
        config.num_layers,
        config.hidden_size,
        config.dropout,
        threads()
    );

    let mut candle = CandleTrainer::new(&config, &weights)?;
    let layout = ParamLayout::new(&config);
    let mut params = layout.gather(|name| Ok(weights[name].clone()))?;
    let mut pass = TrainPass::with_shards(layout.clone(), SHARD_WINDOWS, threads());
    let mut optimizer = AdamW::new(layout.len(), LEARNING_RATE, WEIGHT_DECAY);

    let (candle_loss, candle_grads) = candle.gradients(&windows, None)?;
    let score = pass.loss_and_gradients(&params, &windows, None, None);
    let grads = pass.gradients();
    let mut grad_error = 0.0f64;
    for (name, var) in &candle.vars {
        let expected: Vec<f32> = candle_grads
            .get(var)
            .ok_or("no candle gradient")?
            .flatten_all()?
            .to_vec1()?;
        let range = layout.range(name).ok_or("a weight the layout lacks")?;
        grad_error = grad_error.max(relative_error(&grads[range], &expected));
    }
    println!(
        "loss without dropout: candle {candle_loss:.6}, fused {:.6} nats/step; gradients: max relative error {grad_error:.2e}",
        score.nll_per_step()
    );

    let mut candle_rng = SplitMix64::new(1);
    let mut fused_rng = SplitMix64::new(1);
    let mut candle_step = |_: usize| candle.step(&windows, &mut candle_rng);
    let mut fused_step = |_: usize| -> BenchResult<()> {
        pass.loss_and_gradients(&params, &windows, None, Some(&mut fused_rng));
        let grads = pass.gradients();
        clip_grad_norm(grads, &layout, CLIP_NORM);
        optimizer.step(&mut params, grads);
        Ok(())
    };
    let times = interleaved(TRAIN_ROUNDS, 1, &mut [&mut candle_step, &mut fused_step])?;
    let (candle_ms, fused_ms) = (times[0] / 1e3, times[1] / 1e3);
    let scored = (BATCH_WINDOWS * (WINDOW_STEPS - 1)) as f64;
    println!(
        "train_candle_ms: {candle_ms:.1} ({:.0} steps/s)",
        scored / candle_ms * 1e3
    );
    println!(
        "train_fused_ms: {fused_ms:.1} ({:.0} steps/s)",
        scored / fused_ms * 1e3
    );
    Ok(Training {
        speedup: candle_ms / fused_ms,
        grad_error,
    })
}

fn live_step() -> BenchResult<Live> {
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
        let mut fused_state = fused.initial_state(16);
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
    let mut fused_state = fused.initial_state(16);
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
        ROUNDS,
        STEPS_PER_ROUND,
        &mut [&mut fused_step, &mut candle_step, &mut beam_step],
    )?;
    let (fused_micros, candle_micros, beams_micros) = (times[0], times[1], times[2]);
    println!("step_candle_us: {candle_micros:.1}");
    println!("step_fused_us: {fused_micros:.1}");
    println!("step_beam8_us: {beams_micros:.1}");
    // What batching buys: eight beams in one pass against eight single steps.
    println!(
        "beam8_over_8_steps: {:.2}",
        beams_micros / (BEAMS as f64 * fused_micros)
    );
    Ok(Live {
        speedup: candle_micros / fused_micros,
        beam8_over_beam1: beams_micros / fused_micros,
        error: worst,
    })
}
