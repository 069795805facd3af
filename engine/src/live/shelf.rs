//! The models an instance can answer with: the shipped model in slot 0, then model folders the
//! user loaded. The audio thread asks for a slot (the Model parameter) in its messages to the
//! model thread, which loads it and publishes what it has here for the editor.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use crate::encoding::Family;
use crate::model::{Model, ModelConfig, ModelError};

/// Slot of the shipped model.
pub const SHIPPED_SLOT: u32 = 0;
/// How many user model folders an instance keeps.
pub const MAX_USER_MODELS: usize = 8;

/// Every model slot: the shipped model's, then one per user folder.
pub fn slots() -> RangeInclusive<u32> {
    SHIPPED_SLOT..=MAX_USER_MODELS as u32
}

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

    /// The slots that hold a model: the shipped model's, then one per user folder.
    pub fn filled_slots(&self) -> RangeInclusive<u32> {
        let folders = self.user_models.read().len().min(MAX_USER_MODELS);
        SHIPPED_SLOT..=folders as u32
    }

    /// The user folder added last, if any.
    pub fn latest_folder(&self) -> Option<PathBuf> {
        self.user_models.read().last().cloned()
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

    /// Name of the model in `slot`: the shipped model's, or its folder's.
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

    /// The text that shows `slot` in menus and as the Model parameter's value: its name, with
    /// the slot number added when another slot shows the same name (two folders called
    /// `drums`), so that each slot's text is its own.
    pub fn slot_text(&self, slot: u32) -> String {
        let name = self.slot_name(slot);
        let shared = slots().any(|other| other != slot && self.slot_name(other) == name);
        if shared {
            format!("{name} (slot {slot})")
        } else {
            name
        }
    }

    /// The slot `text` names: the slot whose [`ModelShelf::slot_text`] it is, or else a slot
    /// number typed in. Hosts parse the texts they show for typed values and automation lanes.
    pub fn slot_of_text(&self, text: &str) -> Option<u32> {
        slots()
            .find(|&slot| self.slot_text(slot) == text)
            .or_else(|| text.parse().ok().filter(|slot| slots().contains(slot)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shipped::SHIPPED_MODEL;

    fn shelf_with_folders(folders: &[&str]) -> ModelShelf {
        let user_models = UserModels::default();
        user_models
            .write()
            .extend(folders.iter().map(PathBuf::from));
        ModelShelf::new(SHIPPED_MODEL, user_models, Arc::new(|_: &str| {}))
    }

    #[test]
    fn slots_map_to_their_folders_after_the_shipped_model() {
        let shelf = shelf_with_folders(&["/songs/groove", "/songs/fills"]);
        assert_eq!(shelf.folder(SHIPPED_SLOT), None);
        assert_eq!(shelf.folder(2), Some(PathBuf::from("/songs/fills")));
        assert_eq!(shelf.folder(3), None);
        assert_eq!(shelf.filled_slots(), 0..=2);
        assert_eq!(shelf.latest_folder(), Some(PathBuf::from("/songs/fills")));
        assert_eq!(shelf.slot_text(SHIPPED_SLOT), SHIPPED_MODEL.name);
        assert_eq!(shelf.slot_text(3), "(empty slot 3)");
    }

    #[test]
    fn a_folder_added_twice_keeps_its_slot_and_a_full_shelf_refuses_more() {
        let shelf = shelf_with_folders(&[]);
        assert_eq!(shelf.add_user_model(Path::new("/a")), Some(1));
        assert_eq!(shelf.add_user_model(Path::new("/b")), Some(2));
        assert_eq!(shelf.add_user_model(Path::new("/a")), Some(1));
        for n in 3..=MAX_USER_MODELS {
            let slot = shelf.add_user_model(Path::new(&format!("/{n}")));
            assert_eq!(slot, Some(n as u32));
        }
        assert_eq!(shelf.add_user_model(Path::new("/one-too-many")), None);
        assert_eq!(shelf.filled_slots(), slots());
    }

    #[test]
    fn model_names_shared_by_two_slots_show_the_slot() {
        let shelf = shelf_with_folders(&["/songs/groove", "/backup/groove", "/songs/fills"]);
        assert_eq!(shelf.slot_text(1), "groove (slot 1)");
        assert_eq!(shelf.slot_text(2), "groove (slot 2)");
        assert_eq!(shelf.slot_text(3), "fills");
    }

    #[test]
    fn every_slot_text_names_its_slot() {
        // Two folders share a name, "/" has none; the slots after them are empty.
        let shelf = shelf_with_folders(&["/songs/groove", "/backup/groove", "/"]);
        for slot in slots() {
            let text = shelf.slot_text(slot);
            assert_eq!(shelf.slot_of_text(&text), Some(slot), "{text:?}");
        }
    }

    #[test]
    fn a_typed_slot_number_selects_its_slot_unless_a_model_has_that_name() {
        let shelf = shelf_with_folders(&["/models/3"]);
        assert_eq!(shelf.slot_of_text("2"), Some(2));
        assert_eq!(shelf.slot_of_text("3"), Some(1));
        assert_eq!(shelf.slot_of_text("9"), None);
        assert_eq!(shelf.slot_of_text("-1"), None);
        assert_eq!(shelf.slot_of_text("drums"), None);
    }
}
