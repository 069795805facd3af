//! A trained model of any family, ready to play: loaded from a model folder or from embedded
//! bytes, and stepped one 16th note at a time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::families::Family;
use crate::model::config::ModelConfig;
use crate::model::error::ModelError;
use crate::model::fused::{
    BeamStates, FusedState, GrooveWeights, ParamLayout, StateRows, StepWeights,
};
use crate::model::mixed::MixedRows;
use crate::model::net::Net;
use crate::model::repeats::Repeats;

/// File name of the config inside a model folder.
pub const CONFIG_FILE: &str = "config.json";
/// File name of the weights inside a model folder.
pub const WEIGHTS_FILE: &str = "model.safetensors";

/// A model for inference. Its weights never change after loading.
#[derive(Debug, Clone)]
pub struct Model {
    config: ModelConfig,
    net: Net,
    step_weights: StepWeights,
    /// Every weight, laid out by `ParamLayout::new(&config)`: where a learner starts from.
    params: Arc<[f32]>,
    /// For a model adapted to the player: the model as loaded, which it plays mixed with.
    mixed_with: Option<Arc<Model>>,
}

impl Model {
    /// Loads `dir/config.json` and `dir/model.safetensors`. A missing, corrupt or mismatched
    /// file is an error naming it.
    pub fn load(dir: &Path) -> Result<Model, ModelError> {
        let config_path = dir.join(CONFIG_FILE);
        let weights_path = dir.join(WEIGHTS_FILE);
        let read = |path: &PathBuf| {
            std::fs::read(path).map_err(|source| ModelError::Io {
                path: path.clone(),
                source,
            })
        };
        let config_json = read(&config_path)?;
        let weights = read(&weights_path)?;
        Model::build(&config_json, &config_path, &weights, &weights_path)
    }

    /// Builds a model from the bytes of `config.json` and `model.safetensors` (the plugin embeds
    /// its default model with `include_bytes!`). Errors name the embedded files.
    pub fn from_bytes(config_json: &[u8], weights: &[u8]) -> Result<Model, ModelError> {
        Model::build(
            config_json,
            Path::new("embedded config.json"),
            weights,
            Path::new("embedded model.safetensors"),
        )
    }

    fn build(
        config_json: &[u8],
        config_path: &Path,
        weights: &[u8],
        weights_path: &Path,
    ) -> Result<Model, ModelError> {
        let config: ModelConfig =
            serde_json::from_slice(config_json).map_err(|source| ModelError::Config {
                path: config_path.to_owned(),
                source,
            })?;
        if let Some(reason) = config.unsupported() {
            return Err(ModelError::Unsupported {
                path: config_path.to_owned(),
                reason,
            });
        }
        let device = Device::Cpu;
        let vb =
            VarBuilder::from_slice_safetensors(weights, DType::F32, &device).map_err(|error| {
                ModelError::CorruptWeights {
                    path: weights_path.to_owned(),
                    detail: error.to_string(),
                }
            })?;
        let params = ParamLayout::new(&config)
            .gather(|name| vb.get_unchecked(name))
            .map_err(|error| ModelError::Weights {
                path: weights_path.to_owned(),
                detail: error.to_string(),
            })?;
        Model::from_vars(config, &vb, weights_path, params.into())
    }

    /// A model of `config` (checked) whose every weight is in `params`, laid out by `layout`:
    /// a model being fine-tuned, as it stands.
    pub fn from_params(
        config: ModelConfig,
        layout: &ParamLayout,
        params: &[f32],
    ) -> Result<Model, ModelError> {
        let path = Path::new("adapted weights");
        let weights_error = |error: candle_core::Error| ModelError::Weights {
            path: path.to_owned(),
            detail: error.to_string(),
        };
        let tensors: HashMap<String, Tensor> = layout
            .tensors(params)
            .map_err(weights_error)?
            .into_iter()
            .collect();
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        Model::from_vars(config, &vb, path, params.into())
    }

    /// The model of `config` whose weights `vb` holds (read from `weights_path`), and `params`
    /// the same weights in one flat buffer.
    fn from_vars(
        config: ModelConfig,
        vb: &VarBuilder,
        weights_path: &Path,
        params: Arc<[f32]>,
    ) -> Result<Model, ModelError> {
        let weights_error = |error: candle_core::Error| ModelError::Weights {
            path: weights_path.to_owned(),
            detail: error.to_string(),
        };
        let groove = config
            .groove_units
            .map(|units| GrooveWeights::load(vb, config.hidden_size, units))
            .transpose()
            .map_err(weights_error)?;
        let net = Net::load(vb.clone(), &config).map_err(weights_error)?;
        let mut step_weights = StepWeights::from_net(&net)?;
        if let Some(groove) = groove {
            step_weights = step_weights.with_groove(groove);
        }
        Ok(Model {
            config,
            net,
            step_weights,
            params,
            mixed_with: None,
        })
    }

    /// This model (adapted to the player) played mixed with `loaded`, step by step, by how
    /// well each has foretold what its state was fed (see [`crate::model::mixed`]).
    pub fn mixed_with(self, loaded: Arc<Model>) -> Model {
        Model {
            mixed_with: Some(loaded),
            ..self
        }
    }

    /// Every weight, laid out by `ParamLayout::new(self.config())`: where a learner starts.
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    /// The same network with `repeats` (`None`: the LSTM's distribution as it is).
    pub fn with_repeats(&self, repeats: Option<Repeats>) -> Model {
        Model {
            config: self.config.clone().with_repeats(repeats),
            ..self.clone()
        }
    }

    /// The model's config.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// The family the model belongs to: what its event ids mean.
    pub fn family(&self) -> Family {
        self.config.family()
    }

    /// How many events the model knows: every event id it hears or plays is below this.
    pub fn vocab_size(&self) -> usize {
        self.config.vocab_size
    }

    /// The network, for scoring whole windows at once.
    pub fn net(&self) -> &Net {
        &self.net
    }

    /// The state before the first step of a performance in bars of `steps_per_bar` (the bar
    /// repeats look whole bars back).
    pub fn initial_state(&self, steps_per_bar: u32) -> FusedState {
        let mut state = self.step_weights.initial_state(steps_per_bar);
        if let Some(loaded) = &self.mixed_with {
            let loaded = loaded.initial_state(steps_per_bar).rows;
            state.rows.mixed = Some(Box::new(MixedRows::new(loaded)));
        }
        state
    }

    /// Feeds `prev[r]` to state row `r` at `position_steps`: the LSTM, the repeats, and for a
    /// mixed model the loaded model beside it, mixed in.
    fn step_rows(
        &self,
        rows: &mut StateRows,
        prev: &[EventId],
        grooves: Option<&[GrooveValues]>,
        position_steps: usize,
    ) -> Result<(), ModelError> {
        let mut mixed = self.mixed_with.as_ref().and_then(|_| rows.mixed.take());
        if let Some(mixed) = &mut mixed {
            mixed.learn(prev);
        }
        let stepped = self
            .step_weights
            .step_rows(rows, prev, grooves, position_steps)
            .map_err(ModelError::from)
            .map(|()| self.repeat_bars(rows, position_steps));
        let stepped = match (&self.mixed_with, &mut mixed) {
            (Some(loaded), Some(mixed)) => stepped.and_then(|()| {
                loaded.step_rows(&mut mixed.loaded, prev, grooves, position_steps)?;
                mixed.mix(&mut rows.log_probs);
                Ok(())
            }),
            _ => stepped,
        };
        if mixed.is_some() {
            rows.mixed = mixed;
        }
        stepped
    }

    /// Mixes each state's new log-probabilities with the bars before it, for a model with bar
    /// repeats.
    fn repeat_bars(&self, rows: &mut StateRows, position_steps: usize) {
        let Some(repeats) = self.config.repeats() else {
            return;
        };
        let vocab = self.config.vocab_size;
        for (row, log_probs) in rows.log_probs.chunks_exact_mut(vocab).enumerate() {
            repeats.mix(log_probs, &rows.memory.lookbacks(row, position_steps));
        }
    }

    /// Feeds the event of step `position_steps - 1` (`prev`; [`EventId::QUIET`] before the first
    /// step) and returns the log-probabilities of the vocabulary's events at `position_steps`,
    /// counted from a bar line at 0. They live in `state` until its next step; stepping never
    /// allocates.
    pub fn step<'s>(
        &self,
        state: &'s mut FusedState,
        prev: EventId,
        position_steps: usize,
    ) -> Result<&'s [f32], ModelError> {
        self.step_rows(&mut state.rows, &[prev], None, position_steps)?;
        Ok(&state.rows.log_probs)
    }

    /// [`Model::step`] with `prev` played as `groove` says, which a groove model hears (others
    /// ignore it).
    pub fn step_played<'s>(
        &self,
        state: &'s mut FusedState,
        prev: EventId,
        groove: &GrooveValues,
        position_steps: usize,
    ) -> Result<&'s [f32], ModelError> {
        let grooves = std::slice::from_ref(groove);
        self.step_rows(&mut state.rows, &[prev], Some(grooves), position_steps)?;
        Ok(&state.rows.log_probs)
    }

    /// How a groove model plays `event`, sampled from the probabilities of the state's last
    /// step; `None` for a model without a groove head.
    pub fn predict_groove(&self, state: &mut FusedState, event: EventId) -> Option<GrooveValues> {
        self.step_weights.predict_groove(&mut state.rows, 0, event)
    }

    /// `beams` copies of `state`, to be stepped together by [`Model::step_beams`].
    pub fn beams(&self, state: &FusedState, beams: usize) -> BeamStates {
        BeamStates::new(state, beams)
    }

    /// [`Model::step`] for every beam at once, beam `b` fed `prev[b]`: the weights are read once
    /// for up to eight beams. Returns the beams' log-probabilities one after the other, beam
    /// `b`'s at `b · vocab_size ..`.
    pub fn step_beams<'s>(
        &self,
        beams: &'s mut BeamStates,
        prev: &[EventId],
        position_steps: usize,
    ) -> Result<&'s [f32], ModelError> {
        self.step_rows(&mut beams.rows, prev, None, position_steps)?;
        Ok(&beams.rows.log_probs)
    }

    /// [`Model::step_beams`] with beam `b`'s event played as `grooves[b]` says.
    pub fn step_beams_played<'s>(
        &self,
        beams: &'s mut BeamStates,
        prev: &[EventId],
        grooves: &[GrooveValues],
        position_steps: usize,
    ) -> Result<&'s [f32], ModelError> {
        self.step_rows(&mut beams.rows, prev, Some(grooves), position_steps)?;
        Ok(&beams.rows.log_probs)
    }

    /// [`Model::predict_groove`] for beam `beam`.
    pub fn predict_beam_groove(
        &self,
        beams: &mut BeamStates,
        beam: usize,
        event: EventId,
    ) -> Option<GrooveValues> {
        self.step_weights
            .predict_groove(&mut beams.rows, beam, event)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::HashMap;

    use candle_core::Tensor;

    use super::*;
    use crate::families::drums::encoding::NUM_EVENTS;

    /// A small drum model's files, with deterministic weights.
    pub(crate) fn tiny_model_files() -> (Vec<u8>, Vec<u8>) {
        tiny_model_files_of(Family::DRUMS)
    }

    /// A small model's files of `family`, with deterministic weights.
    pub(crate) fn tiny_model_files_of(family: Family) -> (Vec<u8>, Vec<u8>) {
        let config = ModelConfig::new(family, 2, 8, 0.0);
        let h = config.hidden_size;
        let mut tensors = HashMap::new();
        let mut value = 0.0f32;
        let mut add = |name: &str, shape: Vec<usize>| {
            let n: usize = shape.iter().product();
            let values: Vec<f32> = (0..n)
                .map(|_| {
                    value = (value + 0.37) % 1.0;
                    value - 0.5
                })
                .collect();
            tensors.insert(
                name.to_owned(),
                Tensor::from_vec(values, shape, &Device::Cpu).unwrap(),
            );
        };
        add("lstm.layers.0.weight_ih", vec![4 * h, config.input_size()]);
        add("lstm.layers.0.weight_hh", vec![4 * h, h]);
        add("lstm.layers.0.bias", vec![4 * h]);
        add("lstm.layers.1.weight_ih", vec![4 * h, h]);
        add("lstm.layers.1.weight_hh", vec![4 * h, h]);
        add("lstm.layers.1.bias", vec![4 * h]);
        add("output.weight", vec![config.vocab_size, h]);
        add("output.bias", vec![config.vocab_size]);
        // candle writes safetensors to files only; a process-unique scratch file stands in.
        let scratch = std::env::temp_dir().join(format!(
            "antiphon-tiny-{}-{}-{:?}.safetensors",
            family.encoding(),
            std::process::id(),
            std::thread::current().id()
        ));
        candle_core::safetensors::save(&tensors, &scratch).unwrap();
        let weights = std::fs::read(&scratch).unwrap();
        std::fs::remove_file(&scratch).unwrap();
        (serde_json::to_vec(&config).unwrap(), weights)
    }

    #[test]
    fn steps_give_normalised_log_probs_and_depend_on_state() {
        let (config, weights) = tiny_model_files();
        let model = Model::from_bytes(&config, &weights).unwrap();
        let mut state = model.initial_state(16);
        let first = model.step(&mut state, EventId::QUIET, 0).unwrap().to_vec();
        assert_eq!(first.len(), NUM_EVENTS);
        let total: f32 = first.iter().map(|lp| lp.exp()).sum();
        assert!((total - 1.0).abs() < 1e-4);
        let snapshot = state.clone();
        let second = model.step(&mut state, EventId::QUIET, 1).unwrap().to_vec();
        let mut replayed = snapshot.clone();
        let replay = model.step(&mut replayed, EventId::QUIET, 1).unwrap();
        assert_eq!(second, replay);
        assert_ne!(first, second);
    }

    #[test]
    fn repeats_mix_each_step_with_the_bars_the_state_heard() {
        use crate::model::repeats::{
            BarRepeats, GATE_INPUTS, LOOKBACK_BARS, LOOKBACKS, RepeatGate,
        };

        let (config, weights) = tiny_model_files();
        let plain = Model::from_bytes(&config, &weights).unwrap();
        let mut gate = [[0.0; GATE_INPUTS]; LOOKBACKS];
        for (k, row) in gate.iter_mut().enumerate() {
            *row = [
                0.2 * k as f32 - 0.5,
                0.4,
                1.0,
                2.0,
                1.0,
                0.5,
                -0.5,
                0.1,
                0.3,
                -0.2,
            ];
        }
        let fixed = BarRepeats {
            one_bar: 0.3,
            bars_agree: 0.6,
            bars_differ: [0.2, 0.1],
        };
        for (repeats, format) in [
            (Repeats::Bars(fixed), 4),
            (Repeats::Gate(RepeatGate::new(1.3, gate)), 4),
        ] {
            let repeating = plain.with_repeats(Some(repeats));
            // Bars of 2 steps: 8 bars back is 16 steps.
            let (mut a, mut b) = (plain.initial_state(2), repeating.initial_state(2));
            // Three beams fed the same events, stepped in one pass, mix as the single state.
            let mut beams = repeating.beams(&b, 3);
            let fed: Vec<EventId> = [7, 0, 7, 2, 9, 0, 7, 2, 9, 0, 7, 5, 7, 0, 7, 2, 9, 0, 7, 2]
                .map(EventId::new)
                .to_vec();
            for (position, &event) in fed.iter().enumerate() {
                let lstm = plain.step(&mut a, event, position + 1).unwrap().to_vec();
                let mixed = repeating
                    .step(&mut b, event, position + 1)
                    .unwrap()
                    .to_vec();
                let total: f32 = mixed.iter().map(|lp| lp.exp()).sum();
                assert!((total - 1.0).abs() < 1e-4, "step {position}: {total}");
                let batched = repeating
                    .step_beams(&mut beams, &[event; 3], position + 1)
                    .unwrap();
                for row in batched.chunks_exact(mixed.len()) {
                    let gap = row
                        .iter()
                        .zip(&mixed)
                        .map(|(x, y)| (x - y).abs())
                        .fold(0.0, f32::max);
                    assert!(gap < 1e-5, "step {position}: beams differ by {gap}");
                }
                // The step predicted is position + 1; the events fed are those of 0..=position.
                let before = |bars: usize| (position + 1).checked_sub(2 * bars).map(|at| fed[at]);
                let lookbacks = b.lookbacks(position + 1);
                assert_eq!(
                    lookbacks.events,
                    LOOKBACK_BARS.map(before),
                    "step {position}"
                );
                let mut expected = lstm.clone();
                repeats.mix(&mut expected, &lookbacks);
                assert_eq!(mixed, expected, "step {position}");
                if position + 1 < 2 && matches!(repeats, Repeats::Bars(_)) {
                    assert_eq!(mixed, lstm, "nothing to repeat yet");
                }
            }
            // Its config says so, in the format that holds it.
            let config = repeating.config();
            assert_eq!(
                (config.repeats(), config.format_version),
                (Some(repeats), format)
            );
            assert_eq!(repeating.with_repeats(None).config().repeats(), None);
        }
    }

    #[test]
    fn bad_folders_name_the_file_at_fault() {
        let dir = std::env::temp_dir().join(format!("antiphon-model-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let err = Model::load(&dir).unwrap_err().to_string();
        assert!(err.contains(CONFIG_FILE), "{err}");

        let (config, weights) = tiny_model_files();
        std::fs::write(dir.join(CONFIG_FILE), &config).unwrap();
        std::fs::write(dir.join(WEIGHTS_FILE), b"not safetensors at all").unwrap();
        let err = Model::load(&dir).unwrap_err().to_string();
        assert!(
            err.contains(WEIGHTS_FILE) && err.contains("not a readable"),
            "{err}"
        );

        std::fs::write(dir.join(WEIGHTS_FILE), &weights).unwrap();
        std::fs::write(dir.join(CONFIG_FILE), b"{\"hidden_size\": 8").unwrap();
        let err = Model::load(&dir).unwrap_err().to_string();
        assert!(err.contains(CONFIG_FILE), "{err}");

        let mut wider = ModelConfig::new(Family::DRUMS, 2, 16, 0.0);
        std::fs::write(dir.join(CONFIG_FILE), serde_json::to_vec(&wider).unwrap()).unwrap();
        let err = Model::load(&dir).unwrap_err().to_string();
        assert!(err.contains(WEIGHTS_FILE) && err.contains("shape"), "{err}");

        wider.format_version += 1;
        std::fs::write(dir.join(CONFIG_FILE), serde_json::to_vec(&wider).unwrap()).unwrap();
        let err = Model::load(&dir).unwrap_err().to_string();
        assert!(err.contains("format_version"), "{err}");

        std::fs::write(dir.join(CONFIG_FILE), &config).unwrap();
        assert!(Model::load(&dir).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
