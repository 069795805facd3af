//! The models an instance can answer with: the shipped model in slot 0, then model folders the
//! user loaded. The main thread (parameters, editor) asks for a slot; the model thread loads it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use parking_lot::{Mutex, RwLock};

use crate::model::{DrumModel, ModelError};

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

/// What the model thread has loaded, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelStatus {
    /// Slot in use.
    pub slot: u32,
    /// Its name.
    pub name: String,
    /// Why the requested model is not the one in use, if it is not.
    pub error: Option<String>,
}

/// The folder list the host saves with the song (the plugin persists this very list).
pub type UserModels = Arc<RwLock<Vec<PathBuf>>>;

/// The shelf of models, shared by the main thread and the model thread (never the audio thread).
#[derive(Debug)]
pub struct ModelShelf {
    shipped: ShippedModel,
    requested_slot: AtomicU32,
    user_models: UserModels,
    status: Mutex<ModelStatus>,
}

impl ModelShelf {
    /// A shelf with the shipped model and the user folders in `user_models`, slot 0 selected.
    pub fn new(shipped: ShippedModel, user_models: UserModels) -> ModelShelf {
        ModelShelf {
            shipped,
            requested_slot: AtomicU32::new(SHIPPED_SLOT),
            user_models,
            status: Mutex::new(ModelStatus {
                slot: SHIPPED_SLOT,
                name: shipped.name.to_owned(),
                error: None,
            }),
        }
    }

    /// Asks for the model in `slot`; the model thread picks it up within a millisecond or so.
    pub fn request(&self, slot: u32) {
        self.requested_slot.store(slot, Ordering::Release);
    }

    /// The slot asked for, with its folder (`None` for the shipped model or an empty slot).
    pub fn requested(&self) -> (u32, Option<PathBuf>) {
        let slot = self.requested_slot.load(Ordering::Acquire);
        (slot, self.folder(slot))
    }

    fn folder(&self, slot: u32) -> Option<PathBuf> {
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

    /// Loads `slot`. A user model that cannot be loaded falls back to the shipped model, and the
    /// status says why.
    pub fn load(&self, slot: u32) -> Result<DrumModel, ModelError> {
        let (model, status) = match (slot, self.folder(slot)) {
            (SHIPPED_SLOT, _) => (self.load_shipped()?, None),
            (_, None) => (
                self.load_shipped()?,
                Some(format!(
                    "model slot {slot} is empty; answering with the shipped model"
                )),
            ),
            (_, Some(folder)) => match DrumModel::load(&folder) {
                Ok(model) => {
                    *self.status.lock() = ModelStatus {
                        slot,
                        name: self.slot_name(slot),
                        error: None,
                    };
                    return Ok(model);
                }
                Err(error) => (
                    self.load_shipped()?,
                    Some(format!("{error} — answering with the shipped model")),
                ),
            },
        };
        *self.status.lock() = ModelStatus {
            slot: SHIPPED_SLOT,
            name: self.shipped.name.to_owned(),
            error: status,
        };
        Ok(model)
    }

    fn load_shipped(&self) -> Result<DrumModel, ModelError> {
        DrumModel::from_bytes(self.shipped.config_json, self.shipped.weights)
    }
}
