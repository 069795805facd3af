//! The model a training run continues from: its shape and weights, read from a model folder or
//! from the bytes of one built into the binary.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use candle_nn::VarMap;

use crate::families::Family;
use crate::model::fused::{GROOVE_NAMES, ParamLayout};
use crate::model::loaded::WEIGHTS_FILE;
use crate::model::{Model, ModelConfig, ModelError};

/// What a training run starts from.
#[derive(Debug, Clone, Copy)]
pub enum Start<'a> {
    /// Fresh weights for a new model of this family, shaped by the training options.
    Fresh(Family),
    /// An existing model, its shape and weights.
    Continue(&'a InitModel),
}

impl Start<'_> {
    /// The family the trained model will belong to.
    pub fn family(&self) -> Family {
        match self {
            Start::Fresh(family) => *family,
            Start::Continue(init) => init.config().family(),
        }
    }
}

/// A checked model to continue training: its config and weights load together.
#[derive(Debug, Clone)]
pub struct InitModel {
    config: ModelConfig,
    weights: Cow<'static, [u8]>,
    /// Named in errors.
    weights_path: PathBuf,
}

impl InitModel {
    /// Reads the model folder `dir`, checking it loads as [`Model::load`] does.
    pub fn from_folder(dir: &Path) -> Result<InitModel, ModelError> {
        let config = Model::load(dir)?.config().clone();
        let weights_path = dir.join(WEIGHTS_FILE);
        let weights = std::fs::read(&weights_path).map_err(|source| ModelError::Io {
            path: weights_path.clone(),
            source,
        })?;
        Ok(InitModel {
            config,
            weights: Cow::Owned(weights),
            weights_path,
        })
    }

    /// Checks the bytes of a model folder's two files, as [`Model::from_bytes`] does.
    pub fn from_bytes(
        config_json: &'static [u8],
        weights: &'static [u8],
    ) -> Result<InitModel, ModelError> {
        let config = Model::from_bytes(config_json, weights)?.config().clone();
        Ok(InitModel {
            config,
            weights: Cow::Borrowed(weights),
            weights_path: PathBuf::from("embedded model.safetensors"),
        })
    }

    /// The continued model's shape (and the dropout it was trained with).
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// Every weight of the model in one flat buffer laid out by `layout` (of this model's
    /// config), for the fused passes: how a groove model is scored with the grooves it hears.
    pub fn params(&self, layout: &ParamLayout) -> Result<Vec<f32>, ModelError> {
        let weights_error = |detail: String| ModelError::Weights {
            path: self.weights_path.clone(),
            detail,
        };
        let tensors = candle_core::safetensors::load_buffer(&self.weights, &Device::Cpu)
            .map_err(|error| weights_error(error.to_string()))?;
        layout
            .gather(|name| {
                tensors
                    .get(name)
                    .cloned()
                    .ok_or_else(|| candle_core::Error::Msg(format!("no tensor {name}")))
            })
            .map_err(|error| weights_error(error.to_string()))
    }

    /// The groove weights of a continued model that has a groove head, by name (none without).
    pub(crate) fn groove_tensors(&self) -> Result<HashMap<String, Tensor>, ModelError> {
        if self.config.groove_units.is_none() {
            return Ok(HashMap::new());
        }
        let mut tensors = candle_core::safetensors::load_buffer(&self.weights, &Device::Cpu)
            .map_err(|error| ModelError::Weights {
                path: self.weights_path.clone(),
                detail: error.to_string(),
            })?;
        tensors.retain(|name, _| GROOVE_NAMES.contains(&name.as_str()));
        Ok(tensors)
    }

    /// Sets every variable of `varmap`, built for [`config`](InitModel::config), to this model's
    /// weights.
    pub(crate) fn load_into(&self, varmap: &VarMap) -> Result<(), ModelError> {
        let weights_error = |detail: String| ModelError::Weights {
            path: self.weights_path.clone(),
            detail,
        };
        let tensors = candle_core::safetensors::load_buffer(&self.weights, &Device::Cpu)
            .map_err(|error| weights_error(error.to_string()))?;
        let data = varmap
            .data()
            .lock()
            .map_err(|_| weights_error("variable map lock poisoned".to_owned()))?;
        for (name, var) in data.iter() {
            let tensor = tensors
                .get(name)
                .ok_or_else(|| weights_error(format!("no tensor {name}")))?;
            var.set(tensor)
                .map_err(|error| weights_error(format!("{name}: {error}")))?;
        }
        Ok(())
    }
}
