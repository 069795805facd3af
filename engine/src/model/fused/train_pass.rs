//! Loss and gradients of a batch of windows over flat weights, with the batch split into shards
//! that run on their own threads; and scoring without gradients the same way.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::model::dropout::MaskDraws;
use crate::model::fused::activations::{FirstLayerTables, Workspace};
use crate::model::fused::backward::backward;
use crate::model::fused::forward::forward;
use crate::model::fused::params::{ParamLayout, Weights};
use crate::model::fused::softmax::cross_entropy_in_place;
use crate::model::fused::windows::WindowArrays;
use crate::model::score::Score;
use crate::rng::SplitMix64;

/// Windows per shard at most. Shards depend on the batch only, never on the machine, and their
/// gradients are summed in shard order: a run replays exactly on any number of cores.
pub const SHARD_WINDOWS: usize = 32;

/// The fused training passes of one network shape, with their buffers kept from batch to batch.
#[derive(Debug)]
pub struct TrainPass {
    layout: ParamLayout,
    shard_windows: usize,
    threads: usize,
    tables: FirstLayerTables,
    shards: Vec<Shard>,
}

/// One shard's windows, buffers, gradient and score.
#[derive(Debug, Default)]
struct Shard {
    windows: Option<WindowArrays>,
    work: Workspace,
    grads: Vec<f32>,
    score: Score,
}

impl TrainPass {
    /// Passes for networks of `layout`, on as many threads as the machine has cores.
    pub fn new(layout: ParamLayout) -> TrainPass {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        TrainPass::with_shards(layout, SHARD_WINDOWS, threads)
    }

    /// Passes with at most `shard_windows` windows per shard, on at most `threads` threads.
    pub fn with_shards(layout: ParamLayout, shard_windows: usize, threads: usize) -> TrainPass {
        TrainPass {
            layout,
            shard_windows: shard_windows.max(1),
            threads: threads.max(1),
            tables: FirstLayerTables::default(),
            shards: Vec::new(),
        }
    }

    /// The layout of the weights and gradients.
    pub fn layout(&self) -> &ParamLayout {
        &self.layout
    }

    /// The summed negative log-likelihood of `windows`' scored steps under `params` and the
    /// gradient of its mean per scored step, which [`TrainPass::gradients`] returns until the
    /// next pass. With `dropout`, every layer's output is dropped with the network's probability,
    /// masks drawn from it in the order candle's `Dropout` draws them. A network with a groove
    /// head takes each window's `grooves` too, and adds its groove loss to what it minimises.
    pub fn loss_and_gradients(
        &mut self,
        params: &[f32],
        windows: &[&[EventId]],
        grooves: Option<&[&[GrooveValues]]>,
        dropout: Option<&mut SplitMix64>,
    ) -> Score {
        let steps = self.split(windows, grooves);
        let p = self.layout.config().dropout;
        let dropout = dropout.filter(|_| p > 0.0);
        for shard in &mut self.shards {
            let batch = shard.windows.as_ref().map_or(0, |w| w.batch);
            shard
                .work
                .fit(self.layout.config(), steps, batch, dropout.is_some());
        }
        if let Some(rng) = dropout {
            self.draw_masks(p, rng, steps);
        }
        let total_scored = self
            .shards
            .iter()
            .filter_map(|s| s.windows.as_ref())
            .map(|w| w.scored_steps)
            .sum::<usize>();
        let weights = Weights {
            layout: &self.layout,
            values: params,
        };
        self.tables.rebuild(weights, steps);
        let tables = &self.tables;
        let scale = 1.0 / total_scored.max(1) as f32;
        run(&mut self.shards, self.threads, |shard| {
            let Some(windows) = &shard.windows else {
                return;
            };
            forward(weights, tables, windows, &mut shard.work);
            shard.score = cross_entropy(windows, &mut shard.work.logits, weights, scale);
            shard.grads.clear();
            shard.grads.resize(weights.layout.len(), 0.0);
            shard.score.groove =
                backward(weights, windows, &mut shard.work, &mut shard.grads, scale);
        });
        let (first, rest) = self.shards.split_first_mut().expect("at least one shard");
        for shard in rest.iter().filter(|s| s.windows.is_some()) {
            for (sum, &g) in first.grads.iter_mut().zip(&shard.grads) {
                *sum += g;
            }
        }
        self.total_score()
    }

    /// The gradient of the last [`TrainPass::loss_and_gradients`], laid out as the weights.
    pub fn gradients(&mut self) -> &mut [f32] {
        &mut self.shards[0].grads
    }

    /// Scores `windows` (with their `grooves` for a network with a groove head) under `params`
    /// (no dropout), `batch_size` windows at a time.
    pub fn score(
        &mut self,
        params: &[f32],
        windows: &[&[EventId]],
        grooves: Option<&[&[GrooveValues]]>,
        batch_size: usize,
    ) -> Score {
        let mut total = Score::default();
        let batch_size = batch_size.max(1);
        for (index, chunk) in windows.chunks(batch_size).enumerate() {
            let chunk_grooves = grooves.map(|g| &g[index * batch_size..][..chunk.len()]);
            let steps = self.split(chunk, chunk_grooves);
            for shard in &mut self.shards {
                let batch = shard.windows.as_ref().map_or(0, |w| w.batch);
                shard.work.fit(self.layout.config(), steps, batch, false);
            }
            let weights = Weights {
                layout: &self.layout,
                values: params,
            };
            self.tables.rebuild(weights, steps);
            let tables = &self.tables;
            run(&mut self.shards, self.threads, |shard| {
                let Some(windows) = &shard.windows else {
                    return;
                };
                forward(weights, tables, windows, &mut shard.work);
                shard.score = cross_entropy(windows, &mut shard.work.logits, weights, 0.0);
                shard.score.groove = windows
                    .groove
                    .as_ref()
                    .map(|groove| shard.work.groove.score(groove));
            });
            total.add(&self.total_score());
        }
        total
    }

    /// Deals `windows` (and their `grooves`) to shards (balanced, in order), all padded to the
    /// batch's longest window. Returns the padded steps.
    ///
    /// # Panics
    /// If `grooves` are given to a network without a groove head, or not given to one with.
    fn split(&mut self, windows: &[&[EventId]], grooves: Option<&[&[GrooveValues]]>) -> usize {
        assert_eq!(
            grooves.is_some(),
            self.layout.config().groove_units.is_some(),
            "a groove head reads grooves, and only it does"
        );
        let steps = WindowArrays::steps_of(windows);
        let count = windows.len().div_ceil(self.shard_windows).max(1);
        self.shards
            .resize_with(count.max(self.shards.len()), Shard::default);
        let base = windows.len() / count;
        let extra = windows.len() % count;
        let mut start = 0;
        for (index, shard) in self.shards.iter_mut().enumerate() {
            shard.score = Score::default();
            if index >= count {
                shard.windows = None;
                continue;
            }
            let len = base + usize::from(index < extra);
            let shard_grooves = grooves.map(|g| &g[start..start + len]);
            shard.windows = Some(WindowArrays::padded(
                &windows[start..start + len],
                shard_grooves,
                steps,
            ));
            start += len;
        }
        steps
    }

    /// Fills every layer's dropout mask of every shard, drawing the batch's `[steps, batch, H]`
    /// mask of each layer in order.
    fn draw_masks(&mut self, p: f32, rng: &mut SplitMix64, steps: usize) {
        let h = self.layout.config().hidden_size;
        for layer in 0..self.layout.config().num_layers {
            let mut draws = MaskDraws::new(p, rng);
            for t in 0..steps {
                for shard in &mut self.shards {
                    let Some(windows) = &shard.windows else {
                        continue;
                    };
                    let rows = t * windows.batch..(t + 1) * windows.batch;
                    let mask = &mut shard.work.layers[layer].mask[rows.start * h..rows.end * h];
                    for value in mask {
                        *value = draws.next_value();
                    }
                }
            }
        }
    }

    fn total_score(&self) -> Score {
        let mut total = Score::default();
        for shard in &self.shards {
            total.add(&shard.score);
        }
        total
    }
}

/// Runs `pass` on every busy shard, the shards dealt to at most `threads` threads in contiguous
/// groups.
fn run(shards: &mut [Shard], threads: usize, pass: impl Fn(&mut Shard) + Sync) {
    let busy = shards.iter().filter(|s| s.windows.is_some()).count();
    let threads = threads.min(busy).max(1);
    let per_thread = busy.div_ceil(threads).max(1);
    let mut groups = shards[..busy].chunks_mut(per_thread);
    let own = groups.next();
    std::thread::scope(|scope| {
        for group in groups {
            let pass = &pass;
            scope.spawn(move || group.iter_mut().for_each(pass));
        }
        if let Some(group) = own {
            group.iter_mut().for_each(&pass);
        }
    });
}

/// The score of the logits in `logits`, replaced by the gradient of `scale ·` the summed
/// negative log-likelihood with respect to them (zero in padding).
fn cross_entropy(
    windows: &WindowArrays,
    logits: &mut [f32],
    weights: Weights<'_>,
    scale: f32,
) -> Score {
    let vocab = weights.layout.config().vocab_size;
    let mut score = Score::default();
    for ((row, &target), &scored) in logits
        .chunks_exact_mut(vocab)
        .zip(&windows.targets)
        .zip(&windows.scored)
    {
        if scored {
            let (nll, correct) = cross_entropy_in_place(row, target as usize, scale);
            score.nll_sum += f64::from(nll);
            score.steps += 1;
            score.correct += usize::from(correct);
        } else {
            row.fill(0.0);
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use candle_core::{DType, Device, Tensor};
    use candle_nn::{VarBuilder, VarMap};

    use super::*;
    use crate::families::Family;
    use crate::model::batch::WindowBatch;
    use crate::model::config::ModelConfig;
    use crate::model::dropout::Dropout;
    use crate::model::fused::GROOVE_NAMES;
    use crate::model::fused::agreement::relative_error;
    use crate::model::fused::testing::{fixture_groove_windows, fixture_windows, random_tensors};
    use crate::model::net::Net;

    /// candle autograd's loss per scored step and gradients, by weight name.
    fn candle_gradients(
        config: &ModelConfig,
        tensors: &HashMap<String, Tensor>,
        windows: &[&[EventId]],
        dropout_seed: Option<u64>,
    ) -> (f64, HashMap<String, Vec<f32>>) {
        let varmap = VarMap::new();
        let net = Net::load(
            VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu),
            config,
        )
        .unwrap();
        let vars = varmap.data().lock().unwrap().clone();
        for (name, var) in &vars {
            var.set(&tensors[name]).unwrap();
        }
        let batch = WindowBatch::new(windows, &Device::Cpu).unwrap();
        let mut rng = SplitMix64::new(dropout_seed.unwrap_or(0));
        let mut dropout = Dropout::new(config.dropout, &mut rng);
        let logits = net
            .forward(
                &batch.prev_events,
                &batch.counters,
                dropout_seed.map(|_| &mut dropout),
            )
            .unwrap();
        let loss = (batch.nll_sum(&logits).unwrap() / batch.scored_steps as f64).unwrap();
        let grads = loss.backward().unwrap();
        let by_name = vars
            .iter()
            .map(|(name, var)| {
                let grad = grads.get(var).unwrap().flatten_all().unwrap();
                (name.clone(), grad.to_vec1().unwrap())
            })
            .collect();
        (f64::from(loss.to_scalar::<f32>().unwrap()), by_name)
    }

    /// The largest relative error of the fused gradients (one weight tensor at a time) against
    /// candle's, after checking the losses agree.
    fn gradient_error(
        config: &ModelConfig,
        windows: &[Vec<EventId>],
        shard_windows: usize,
        dropout_seed: Option<u64>,
    ) -> f64 {
        let windows: Vec<&[EventId]> = windows.iter().map(Vec::as_slice).collect();
        let tensors = random_tensors(config, 0.3, 5);
        let (loss, expected) = candle_gradients(config, &tensors, &windows, dropout_seed);
        let layout = ParamLayout::new(config);
        let params = layout.gather(|name| Ok(tensors[name].clone())).unwrap();
        let mut pass = TrainPass::with_shards(layout.clone(), shard_windows, 2);
        let mut rng = dropout_seed.map(SplitMix64::new);
        let score = pass.loss_and_gradients(&params, &windows, None, rng.as_mut());
        let fused_loss = score.nll_sum / score.steps as f64;
        assert!(
            (fused_loss - loss).abs() < 1e-4 * loss,
            "{fused_loss} vs {loss}"
        );
        let grads = pass.gradients();
        layout
            .entries()
            .iter()
            .map(|entry| relative_error(&grads[entry.range.clone()], &expected[&entry.name]))
            .fold(0.0, f64::max)
    }

    #[test]
    fn gradients_match_candle_autograd_for_drum_and_melody_networks() {
        let drums = fixture_windows(Family::DRUMS, 32, 1);
        let melody = fixture_windows(Family::MELODY, 40, 2);
        for (family, layers, hidden, windows) in [
            (Family::DRUMS, 1, 16, &drums),
            (Family::DRUMS, 2, 24, &drums),
            (Family::MELODY, 1, 20, &melody),
            (Family::MELODY, 3, 12, &melody),
        ] {
            let config = ModelConfig::new(family, layers, hidden, 0.0);
            // Shards of three windows: the gradients of several shards are summed.
            let error = gradient_error(&config, windows, 3, None);
            assert!(error <= 1e-3, "{family:?} {layers}×{hidden}: {error}");
        }
    }

    #[test]
    fn groove_gradients_agree_with_finite_differences() {
        let (events, grooves) = fixture_groove_windows(12, 1);
        let events: Vec<&[EventId]> = events.iter().map(Vec::as_slice).collect();
        let grooves: Vec<&[GrooveValues]> = grooves.iter().map(Vec::as_slice).collect();
        let config = ModelConfig::new(Family::DRUMS, 2, 6, 0.0).with_groove(4);
        let tensors = random_tensors(&config, 0.3, 5);
        let layout = ParamLayout::new(&config);
        let params = layout.gather(|name| Ok(tensors[name].clone())).unwrap();
        let mut pass = TrainPass::with_shards(layout.clone(), 3, 2);
        let score = pass.loss_and_gradients(&params, &events, Some(&grooves), None);
        let hits = score.groove.unwrap().hits;
        assert!(hits > 50, "{hits}");
        let grads = pass.gradients().to_vec();
        let loss = |params: &[f32]| {
            let mut pass = TrainPass::with_shards(layout.clone(), 64, 1);
            pass.score(params, &events, Some(&grooves), 64)
                .loss_per_step()
        };
        // Small: the absolute errors have kinks where a prediction crosses its target.
        let eps = 2e-3;
        let mut checked = Vec::new();
        for entry in layout.entries() {
            // Every groove weight, and a few of each other tensor.
            let stride = if GROOVE_NAMES.contains(&entry.name.as_str()) {
                1
            } else {
                37
            };
            for i in entry.range.clone().step_by(stride) {
                let mut plus = params.clone();
                let mut minus = params.clone();
                plus[i] += eps;
                minus[i] -= eps;
                let numeric = (loss(&plus) - loss(&minus)) / (2.0 * f64::from(eps));
                let error = (f64::from(grads[i]) - numeric).abs();
                assert!(
                    error < 1e-3 + 2e-2 * numeric.abs(),
                    "{} [{}]: {} vs {numeric}",
                    entry.name,
                    i - entry.range.start,
                    grads[i]
                );
                checked.push(&entry.name);
            }
        }
        checked.dedup();
        assert_eq!(
            checked.len(),
            layout.entries().len(),
            "every tensor checked"
        );
    }

    #[test]
    fn dropout_drops_what_candle_drops_with_the_same_generator() {
        let windows = fixture_windows(Family::DRUMS, 24, 1);
        let config = ModelConfig::new(Family::DRUMS, 2, 16, 0.4);
        let error = gradient_error(&config, &windows, 4, Some(9));
        assert!(error <= 1e-3, "{error}");
    }

    #[test]
    fn scores_do_not_depend_on_shards_or_threads() {
        let windows = fixture_windows(Family::MELODY, 40, 3);
        let windows: Vec<&[EventId]> = windows.iter().map(Vec::as_slice).collect();
        let config = ModelConfig::new(Family::MELODY, 2, 8, 0.0);
        let tensors = random_tensors(&config, 0.5, 2);
        let layout = ParamLayout::new(&config);
        let params = layout.gather(|name| Ok(tensors[name].clone())).unwrap();
        let net = crate::model::fused::testing::random_net(&config, 0.5, 2);
        let expected = crate::model::score::score_windows(&net, &windows, 4).unwrap();
        for (shard_windows, threads) in [(1, 1), (2, 2), (64, 1), (3, 4)] {
            let mut pass = TrainPass::with_shards(layout.clone(), shard_windows, threads);
            let score = pass.score(&params, &windows, None, 4);
            assert_eq!(
                (score.steps, score.correct),
                (expected.steps, expected.correct)
            );
            assert!((score.nll_sum - expected.nll_sum).abs() < 1e-4 * expected.nll_sum);
        }
    }
}
