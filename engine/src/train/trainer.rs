//! The training loop: shuffled batches of windows, AdamW, gradient clipping, dropout, and a
//! validation pass per epoch that keeps the best checkpoint. The passes are the fused kernels of
//! [`crate::model::fused`] over one flat buffer of weights; candle reads the starting weights
//! and writes the checkpoints.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use candle_core::{DType, Device};
use candle_nn::{VarBuilder, VarMap};

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::model::fused::{ParamLayout, TrainPass};
use crate::model::loaded::{CONFIG_FILE, Model, WEIGHTS_FILE};
use crate::model::net::Net;
use crate::model::{ModelConfig, ModelError};
use crate::rng::SplitMix64;
use crate::train::adamw::AdamW;
use crate::train::clip::clip_grad_norm;
use crate::train::continued::Start;
use crate::train::error::TrainError;
use crate::train::init::{init_groove, init_weights};
use crate::train::options::TrainOptions;
use crate::train::plateau::Plateau;
use crate::train::progress::{EpochRecord, GrooveMae, TrainEvent};
use crate::train::windows::TrainWindows;

/// What a finished run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainSummary {
    /// The shape of the trained model.
    pub config: ModelConfig,
    /// Every epoch's numbers.
    pub history: Vec<EpochRecord>,
    /// The epoch whose weights were kept.
    pub best_epoch: usize,
    /// Wall time of the whole run, in seconds.
    pub train_secs: f64,
}

impl TrainSummary {
    /// The record of the kept epoch.
    pub fn best(&self) -> &EpochRecord {
        &self.history[self.best_epoch - 1]
    }
}

/// Trains on `train_windows`, scores `valid_windows` after each epoch, and writes the best
/// epoch's `config.json` and `model.safetensors` into `out_dir` (the last epoch's when there is
/// no validation data). `start` says whether the model is new (and of which family) or
/// continues an existing one, with its weights and shape.
///
/// Training stops with [`TrainError::Diverged`] as soon as the loss or a weight is not a finite
/// number; such weights are never written. A failed run removes `out_dir` if it created it and
/// nothing was saved there.
pub fn train(
    train_windows: &TrainWindows,
    valid_windows: &TrainWindows,
    options: &TrainOptions,
    start: Start<'_>,
    out_dir: &Path,
    on_event: &mut dyn FnMut(&TrainEvent),
) -> Result<TrainSummary, TrainError> {
    if let Some(problem) = options.problem() {
        return Err(TrainError::Options(problem));
    }
    let train_windows = train_windows.usable();
    let valid_windows = valid_windows.usable();
    if train_windows.0.is_empty() {
        return Err(TrainError::NoTrainingData);
    }
    // Made before training so an unwritable folder fails now, not after the first epoch.
    let created = !out_dir.exists();
    std::fs::create_dir_all(out_dir).map_err(|source| TrainError::Io {
        path: out_dir.to_owned(),
        source,
    })?;
    let result = run(
        &train_windows,
        &valid_windows,
        options,
        start,
        out_dir,
        on_event,
    );
    if result.is_err() && created {
        // Removes the folder only when empty: a checkpoint saved before the failure stays.
        let _ = std::fs::remove_dir(out_dir);
    }
    result
}

/// Windows as slices, grooves alongside.
type Usable<'a> = (Vec<&'a [EventId]>, Option<Vec<&'a [GrooveValues]>>);

/// The training loop of [`train`], on checked settings and non-empty windows.
fn run(
    (train_windows, train_grooves): &Usable<'_>,
    (valid_windows, valid_grooves): &Usable<'_>,
    options: &TrainOptions,
    start: Start<'_>,
    out_dir: &Path,
    on_event: &mut dyn FnMut(&TrainEvent),
) -> Result<TrainSummary, TrainError> {
    let mut rng = SplitMix64::new(options.seed);
    let mut init_rng = rng.fork();
    let mut shuffle_rng = rng.fork();
    let mut dropout_rng = rng.fork();
    // Forked last, so the other streams (and every drum run) stay as they were.
    let mut augment_rng = rng.fork();

    let (config, mut params) = build_params(options, start, &mut init_rng)?;
    if config.groove_units.is_some() != train_grooves.is_some() {
        return Err(TrainError::Options(
            "a model with a groove head trains on drum windows with their grooves, and only it \
             does"
                .to_owned(),
        ));
    }
    let layout = ParamLayout::new(&config);
    let mut pass = TrainPass::new(layout.clone());
    let mut optimizer = AdamW::new(layout.len(), options.learning_rate, options.weight_decay);
    let mut plateau = Plateau::new(options.plateau_epochs);

    let batch_size = options.batch_size;
    let batches_per_epoch = train_windows.len().div_ceil(batch_size);
    on_event(&TrainEvent::Started {
        batches_per_epoch,
        total_batches: batches_per_epoch * options.epochs,
    });

    let started = Instant::now();
    let mut history = Vec::new();
    let mut best: Option<(usize, f64)> = None;
    let mut steps_done = 0usize;
    let mut batches_done = 0usize;
    let mut order: Vec<usize> = (0..train_windows.len()).collect();
    for epoch in 1..=options.epochs {
        shuffle_rng.shuffle(&mut order);
        let mut epoch_nll = 0.0;
        let mut epoch_steps = 0usize;
        for chunk in order.chunks(batch_size) {
            let family = config.family();
            let windows: Vec<Vec<EventId>> = chunk
                .iter()
                .map(|&i| {
                    let mut window = train_windows[i].to_vec();
                    family.augment(&mut window, &mut augment_rng);
                    window
                })
                .collect();
            let windows: Vec<&[EventId]> = windows.iter().map(Vec::as_slice).collect();
            let grooves: Option<Vec<&[GrooveValues]>> = train_grooves
                .as_ref()
                .map(|grooves| chunk.iter().map(|&i| grooves[i]).collect());
            let score = pass.loss_and_gradients(
                &params,
                &windows,
                grooves.as_deref(),
                Some(&mut dropout_rng),
            );
            let loss_per_step = score.loss_per_step();
            if !loss_per_step.is_finite() {
                return Err(diverged(
                    epoch,
                    batches_done + 1,
                    "the loss",
                    &optimizer,
                    best,
                    out_dir,
                ));
            }
            let grads = pass.gradients();
            clip_grad_norm(grads, &layout, options.clip_norm);
            optimizer.step(&mut params, grads);

            epoch_nll += score.nll_sum + score.groove.map_or(0.0, |g| g.loss_sum());
            epoch_steps += score.steps;
            steps_done += score.steps;
            batches_done += 1;
            on_event(&TrainEvent::Batch {
                epoch,
                batches_done,
                loss_per_step,
                steps_per_sec: steps_done as f64 / started.elapsed().as_secs_f64(),
            });
            if out_of_time(options, &started) {
                break;
            }
        }

        // The last step of the epoch may have overflowed a weight after its loss was checked.
        if !params.iter().all(|x| x.is_finite()) {
            return Err(diverged(
                epoch,
                batches_done,
                "a weight",
                &optimizer,
                best,
                out_dir,
            ));
        }
        let valid = if valid_windows.is_empty() {
            None
        } else {
            Some(pass.score(&params, valid_windows, valid_grooves.as_deref(), batch_size))
        };
        let valid_nll = valid.map(|s| s.nll_per_step());
        // What training minimises: the event NLL, plus a groove head's loss.
        let valid_loss = valid.map(|s| s.loss_per_step());
        let improved = match (valid_loss, best) {
            (None, _) | (Some(_), None) => true,
            (Some(loss), Some((_, best_loss))) => loss < best_loss,
        };
        if improved {
            save_checkpoint(&layout, &params, out_dir)?;
            best = Some((epoch, valid_loss.unwrap_or(f64::NAN)));
        }
        let record = EpochRecord {
            epoch,
            train_nll_per_step: epoch_nll / epoch_steps.max(1) as f64,
            valid_nll_per_step: valid_nll,
            valid_accuracy: valid.map(|s| s.accuracy()),
            learning_rate: optimizer.learning_rate(),
            saved: improved,
            elapsed_secs: started.elapsed().as_secs_f64(),
            valid_groove_mae: valid.and_then(|s| s.groove).map(|g| GrooveMae {
                velocity: g.velocity_mae(),
                timing: g.timing_mae(),
            }),
        };
        on_event(&TrainEvent::Epoch(record.clone()));
        history.push(record);
        if plateau.halves_after(improved) && options.halve_lr_on_plateau {
            optimizer.set_learning_rate(optimizer.learning_rate() / 2.0);
        }
        if out_of_time(options, &started) {
            break;
        }
    }
    // Loading the kept files back proves they are a usable model folder.
    Model::load(out_dir)?;
    Ok(TrainSummary {
        config,
        best_epoch: best.map_or(history.len(), |(epoch, _)| epoch),
        history,
        train_secs: started.elapsed().as_secs_f64(),
    })
}

/// The error for a run that stopped at a non-finite `what`, saying what `out_dir` still holds.
fn diverged(
    epoch: usize,
    batch: usize,
    what: &'static str,
    optimizer: &AdamW,
    best: Option<(usize, f64)>,
    out_dir: &Path,
) -> TrainError {
    let kept = match best {
        Some((best_epoch, _)) => format!(
            "these weights were not saved, and {} keeps those of epoch {best_epoch}",
            out_dir.display()
        ),
        None => "nothing was saved".to_owned(),
    };
    TrainError::Diverged {
        epoch,
        batch,
        what,
        learning_rate: optimizer.learning_rate(),
        kept,
    }
}

fn out_of_time(options: &TrainOptions, started: &Instant) -> bool {
    options
        .max_train_secs
        .is_some_and(|limit| started.elapsed().as_secs_f64() >= limit)
}

/// The weights of a fresh network of the options' shape, or those of the continued model with
/// its own shape, as one flat buffer of [`ParamLayout`].
fn build_params(
    options: &TrainOptions,
    start: Start<'_>,
    rng: &mut SplitMix64,
) -> Result<(ModelConfig, Vec<f32>), TrainError> {
    let mut config = match start {
        Start::Continue(init) => init.config().clone(),
        Start::Fresh(family) => ModelConfig::new(
            family,
            options.num_layers,
            options.hidden_size,
            options.dropout,
        ),
    };
    config.dropout = options.dropout;
    if let Some(conflict) = options.groove_conflict(&config) {
        return Err(TrainError::Options(conflict));
    }
    if let (Some(units), None) = (options.groove_units, config.groove_units) {
        config = config.with_groove(units);
    }
    if let Some(reason) = config.unsupported() {
        return Err(ModelError::Unsupported {
            path: "training options".into(),
            reason,
        }
        .into());
    }
    // candle creates, initialises or reads the named weights; training goes on without it.
    let mut varmap = VarMap::new();
    Net::load(
        VarBuilder::from_varmap(&varmap, DType::F32, &Device::Cpu),
        &config,
    )?;
    match start {
        Start::Continue(init) => init.load_into(&varmap)?,
        Start::Fresh(_) => init_weights(&mut varmap, &config, rng)?,
    }
    let vars = varmap
        .data()
        .lock()
        .map_err(|_| candle_core::Error::Msg("variable map lock poisoned".into()))?
        .clone();
    let layout = ParamLayout::new(&config);
    // A continued model keeps its groove head; a new head (of a new or a continued model)
    // starts fresh, drawn after the LSTM's weights so those stay as they were.
    let mut grooves = match start {
        Start::Continue(init) => init.groove_tensors()?,
        Start::Fresh(_) => HashMap::new(),
    };
    if grooves.is_empty() && config.groove_units.is_some() {
        grooves = init_groove(&layout, rng)?;
    }
    let params = layout.gather(|name| {
        vars.get(name)
            .map(|var| var.as_tensor().clone())
            .or_else(|| grooves.get(name).cloned())
            .ok_or_else(|| candle_core::Error::Msg(format!("no weight {name}")))
    })?;
    Ok((config, params))
}

/// Writes the model folder's two files, each through a temporary name so an interrupted run
/// never leaves a half-written checkpoint. The weights are serialised here rather than by
/// candle, whose writer creates them private to their owner (mode 0600) unlike their siblings.
fn save_checkpoint(layout: &ParamLayout, params: &[f32], out_dir: &Path) -> Result<(), TrainError> {
    let io_error = |path: &Path| {
        let path = path.to_owned();
        move |source| TrainError::Io { path, source }
    };
    let weights_path = out_dir.join(WEIGHTS_FILE);
    let weights_tmp = out_dir.join(format!("{WEIGHTS_FILE}.partial"));
    let tensors = layout.tensors(params)?;
    let weights = safetensors::serialize(tensors, None).map_err(candle_core::Error::from)?;
    std::fs::write(&weights_tmp, weights).map_err(io_error(&weights_tmp))?;
    std::fs::rename(&weights_tmp, &weights_path).map_err(io_error(&weights_path))?;
    let config_path = out_dir.join(CONFIG_FILE);
    let config_tmp = out_dir.join(format!("{CONFIG_FILE}.partial"));
    let json = serde_json::to_string_pretty(layout.config())
        .map_err(|e| candle_core::Error::Msg(format!("cannot serialise the model config: {e}")))?;
    std::fs::write(&config_tmp, json + "\n").map_err(io_error(&config_tmp))?;
    std::fs::rename(&config_tmp, &config_path).map_err(io_error(&config_path))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::Family;
    use crate::train::continued::InitModel;

    /// A two-bar groove repeated with small variations: kick/hat, hat, snare/hat, hat…
    fn synthetic_windows(count: usize, seed: u64) -> TrainWindows {
        TrainWindows::events(synthetic_events(count, seed))
    }

    fn synthetic_events(count: usize, seed: u64) -> Vec<Vec<EventId>> {
        let kick_hat = EventId::new(0b101);
        let hat = EventId::new(0b100);
        let snare_hat = EventId::new(0b110);
        let mut rng = SplitMix64::new(seed);
        (0..count)
            .map(|_| {
                (0..32)
                    .map(|step| match step % 8 {
                        0 => kick_hat,
                        4 => snare_hat,
                        2 | 6 => hat,
                        // An occasional ghost note keeps the data from being fully predictable.
                        _ if rng.below(8) == 0 => hat,
                        _ => EventId::QUIET,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_tiny_model_learns_a_repetitive_groove() {
        let out_dir =
            std::env::temp_dir().join(format!("antiphon-train-test-{}", std::process::id()));
        let options = TrainOptions {
            num_layers: 1,
            hidden_size: 32,
            dropout: 0.0,
            batch_size: 8,
            epochs: 10,
            learning_rate: 1e-2,
            ..TrainOptions::default()
        };
        let train_windows = synthetic_windows(64, 1);
        let valid_windows = synthetic_windows(8, 2);
        let mut losses = Vec::new();
        let summary = train(
            &train_windows,
            &valid_windows,
            &options,
            Start::Fresh(Family::DRUMS),
            &out_dir,
            &mut |event| {
                if let TrainEvent::Batch { loss_per_step, .. } = event {
                    losses.push(*loss_per_step);
                }
            },
        )
        .unwrap();
        // 80 optimiser steps: from ~ln 512 ≈ 6.2 nats to well below the 1.25 nats of the
        // events' own frequencies, so the model has learned where in the bar it is.
        assert_eq!(losses.len(), 80);
        assert!(losses[0] > 5.5, "first loss {}", losses[0]);
        let last = losses[losses.len() - 1];
        assert!(last < 0.8, "losses {losses:?}");
        let valid = summary.best().valid_nll_per_step.unwrap();
        assert!(valid < 0.8, "validation NLL {valid}");

        // The folder is a loadable model, and continuing from it starts where it left off.
        let model = Model::load(&out_dir).unwrap();
        assert_eq!(model.config().hidden_size, 32);
        let mut first_loss = None;
        let continued_dir = out_dir.join("continued");
        train(
            &train_windows,
            &valid_windows,
            &TrainOptions {
                epochs: 1,
                hidden_size: 99,
                ..options
            },
            Start::Continue(&InitModel::from_folder(&out_dir).unwrap()),
            &continued_dir,
            &mut |event| {
                if let TrainEvent::Batch { loss_per_step, .. } = event {
                    first_loss.get_or_insert(*loss_per_step);
                }
            },
        )
        .unwrap();
        assert!(first_loss.unwrap() < 0.8, "continued from {first_loss:?}");
        assert_eq!(
            Model::load(&continued_dir).unwrap().config().hidden_size,
            32
        );
        std::fs::remove_dir_all(&out_dir).unwrap();
    }

    #[test]
    fn the_same_seed_trains_the_same_weights_on_any_number_of_threads() {
        let root = std::env::temp_dir().join(format!("antiphon-replay-{}", std::process::id()));
        // 40 windows a batch: two shards, on two threads when the machine has them.
        let options = TrainOptions {
            num_layers: 2,
            hidden_size: 8,
            dropout: 0.3,
            batch_size: 40,
            epochs: 1,
            ..TrainOptions::default()
        };
        let windows = synthetic_windows(80, 3);
        let weights = |seed: u64, name: &str| {
            let dir = root.join(name);
            let options = TrainOptions {
                seed,
                ..options.clone()
            };
            let start = Start::Fresh(Family::DRUMS);
            train(
                &windows,
                &TrainWindows::default(),
                &options,
                start,
                &dir,
                &mut |_| {},
            )
            .unwrap();
            std::fs::read(dir.join(WEIGHTS_FILE)).unwrap()
        };
        let first = weights(4, "first");
        assert_eq!(first, weights(4, "again"));
        assert_ne!(first, weights(5, "other"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_diverging_run_stops_and_writes_no_weights() {
        let out_dir =
            std::env::temp_dir().join(format!("antiphon-diverge-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out_dir);
        let options = TrainOptions {
            num_layers: 1,
            hidden_size: 8,
            batch_size: 8,
            epochs: 2,
            // Finite, but beyond f32: the first AdamW step makes every weight infinite.
            learning_rate: 1e300,
            ..TrainOptions::default()
        };
        let error = train(
            &synthetic_windows(64, 1),
            &synthetic_windows(8, 2),
            &options,
            Start::Fresh(Family::DRUMS),
            &out_dir,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            matches!(
                error,
                TrainError::Diverged {
                    epoch: 1,
                    batch: 2,
                    what: "the loss",
                    ..
                }
            ),
            "{error}"
        );
        assert!(error.to_string().contains("nothing was saved"), "{error}");
        // The folder this run made is gone again: no model to mistake for a trained one.
        assert!(!out_dir.exists());
    }

    #[test]
    fn unusable_settings_are_refused_before_anything_is_written() {
        let out_dir =
            std::env::temp_dir().join(format!("antiphon-options-test-{}", std::process::id()));
        let error = train(
            &synthetic_windows(8, 1),
            &TrainWindows::default(),
            &TrainOptions {
                epochs: 0,
                ..TrainOptions::default()
            },
            Start::Fresh(Family::DRUMS),
            &out_dir,
            &mut |_| {},
        )
        .unwrap_err();
        assert!(matches!(error, TrainError::Options(_)), "{error}");
        assert!(!out_dir.exists());
    }

    #[cfg(unix)]
    #[test]
    fn the_weights_file_has_the_same_mode_as_its_siblings() {
        use std::os::unix::fs::PermissionsExt;
        let out_dir =
            std::env::temp_dir().join(format!("antiphon-mode-test-{}", std::process::id()));
        let options = TrainOptions {
            num_layers: 1,
            hidden_size: 4,
            epochs: 1,
            ..TrainOptions::default()
        };
        train(
            &synthetic_windows(8, 1),
            &TrainWindows::default(),
            &options,
            Start::Fresh(Family::DRUMS),
            &out_dir,
            &mut |_| {},
        )
        .unwrap();
        let mode = |name: &str| {
            std::fs::metadata(out_dir.join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(WEIGHTS_FILE), mode(CONFIG_FILE));
        std::fs::remove_dir_all(&out_dir).unwrap();
    }
}
