//! The models an instance can answer with: the shipped model in slot 0, then model folders the
//! user loaded. The audio thread asks for a slot (the Model parameter) in its messages to the
//! model thread, which loads it and publishes what it has here for the editor.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use crate::encoding::Family;
use crate::model::{Model, ModelConfig, ModelError};

/// Slot of the shipped model.
pub const SHIPPED_SLOT: u32 = 0;
/// How many user model folders an instance keeps.
pub const MAX_USER_MODELS: usize = 8;

/// The shipped model's files, embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct ShippedModel {
    /// Display name.
    pub name: &'static str,
    /// `config.json`.
    pub config_json: &'static [u8],
    /// `model.safetensors`.
    pub weights: &'static [u8],
}

impl ShippedModel {
    /// The family its config names (drums when the config cannot be read: loading it will say
    /// why).
    pub fn family(&self) -> Family {
        serde_json::from_slice::<ModelConfig>(self.config_json)
            .map_or(Family::Drums, |config| config.family())
    }
}

/// What the model thread has loaded, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelStatus {
    /// Slot in use.
    pub slot: u32,
    /// Its name.
    pub name: String,
    /// Its family: what it plays.
    pub family: Family,
    /// Why the requested model is not the one in use, if it is not.
    pub error: Option<String>,
    /// The model thread's last failure while answering (the phrase it was answering was lost).
    pub fault: Option<String>,
}

/// The folder list the host saves with the song (the plugin persists this very list).
pub type UserModels = Arc<RwLock<Vec<PathBuf>>>;

/// Where the model thread's problems are written for whoever runs the plugin (the plugin passes
/// its host log). Called on the model thread, never on the audio thread.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// The shelf of models, shared by the main thread and the model thread (never the audio thread).
pub struct ModelShelf {
    shipped: ShippedModel,
    user_models: UserModels,
    status: Mutex<ModelStatus>,
    log: Log,
}

impl std::fmt::Debug for ModelShelf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelShelf")
            .field("shipped", &self.shipped.name)
            .field("user_models", &self.user_models)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl ModelShelf {
    /// A shelf with the shipped model and the user folders in `user_models`; problems go to
    /// `log` as well as to [`ModelShelf::status`].
    pub fn new(shipped: ShippedModel, user_models: UserModels, log: Log) -> ModelShelf {
        ModelShelf {
            shipped,
            user_models,
            log,
            status: Mutex::new(ModelStatus {
                slot: SHIPPED_SLOT,
                name: shipped.name.to_owned(),
                family: shipped.family(),
                error: None,
                fault: None,
            }),
        }
    }

    /// The folder of `slot` (`None` for the shipped model or an empty slot).
    pub fn folder(&self, slot: u32) -> Option<PathBuf> {
        let index = (slot as usize).checked_sub(1)?;
        self.user_models.read().get(index).cloned()
    }

    /// Adds a user model folder (or finds it already there) and returns its slot; `None` when
    /// every slot is taken.
    pub fn add_user_model(&self, folder: &Path) -> Option<u32> {
        let mut folders = self.user_models.write();
        let index = match folders.iter().position(|f| f == folder) {
            Some(index) => index,
            None if folders.len() < MAX_USER_MODELS => {
                folders.push(folder.to_owned());
                folders.len() - 1
            }
            None => return None,
        };
        Some(index as u32 + 1)
    }

    /// Display name of `slot`.
    pub fn slot_name(&self, slot: u32) -> String {
        if slot == SHIPPED_SLOT {
            return self.shipped.name.to_owned();
        }
        match self.folder(slot) {
            Some(folder) => folder.file_name().map_or_else(
                || folder.display().to_string(),
                |n| n.to_string_lossy().into(),
            ),
            None => format!("(empty slot {slot})"),
        }
    }

    /// What is loaded now.
    pub fn status(&self) -> ModelStatus {
        self.status.lock().clone()
    }

    /// Records the model thread's failure to answer, for the editor and the log.
    pub fn report_fault(&self, fault: String) {
        (self.log)(&format!("Antiphon's model thread: {fault}"));
        self.status.lock().fault = Some(fault);
    }

    /// Loads `slot`. A user model that cannot be loaded falls back to the shipped model, and the
    /// status says why.
    pub fn load(&self, slot: u32) -> Result<Model, ModelError> {
        let (model, status) = match (slot, self.folder(slot)) {
            (SHIPPED_SLOT, _) => (self.load_shipped()?, None),
            (_, None) => (
                self.load_shipped()?,
                Some(format!(
                    "model slot {slot} is empty; answering with the shipped model"
                )),
            ),
            (_, Some(folder)) => match Model::load(&folder) {
                Ok(model) => {
                    *self.status.lock() = ModelStatus {
                        slot,
                        name: self.slot_name(slot),
                        family: model.family(),
                        error: None,
                        fault: None,
                    };
                    return Ok(model);
                }
                Err(error) => (
                    self.load_shipped()?,
                    Some(format!("{error} — answering with the shipped model")),
                ),
            },
        };
        if let Some(error) = &status {
            (self.log)(&format!("Antiphon: {error}"));
        }
        *self.status.lock() = ModelStatus {
            slot: SHIPPED_SLOT,
            name: self.shipped.name.to_owned(),
            family: model.family(),
            error: status,
            fault: None,
        };
        Ok(model)
    }

    fn load_shipped(&self) -> Result<Model, ModelError> {
        Model::from_bytes(self.shipped.config_json, self.shipped.weights)
    }
}
