//! The models an instance can answer with: the shipped models in the first slots, then model
//! folders the user loaded. The audio thread asks for a slot (the Model parameter) in its messages to the
//! model thread, which loads it and publishes what it has here for the editor.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use crate::families::Family;
use crate::live::families::SlotFamilies;
use crate::model::loaded::CONFIG_FILE;
use crate::model::{Model, ModelConfig, ModelError};

/// How many user model folders an instance keeps.
pub const MAX_USER_MODELS: usize = 8;

/// A shipped model's files, embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct ShippedModel {
    /// Display name.
    pub name: &'static str,
    /// The word that names it on the command line (`--model drums`).
    pub word: &'static str,
    /// `config.json`.
    pub config_json: &'static [u8],
    /// `model.safetensors`.
    pub weights: &'static [u8],
    /// `card.json`: how it was trained and what it scored.
    pub card_json: &'static [u8],
}

impl ShippedModel {
    /// The family its config names (drums when the config cannot be read: loading it will say
    /// why).
    pub fn family(&self) -> Family {
        serde_json::from_slice::<ModelConfig>(self.config_json)
            .map_or(Family::DRUMS, |config| config.family())
    }

    /// The model, ready to play or score.
    pub fn load(&self) -> Result<Model, ModelError> {
        Model::from_bytes(self.config_json, self.weights)
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
    /// Never empty: the first is the fallback.
    shipped: Vec<ShippedModel>,
    user_models: UserModels,
    status: Mutex<ModelStatus>,
    log: Log,
    /// What each slot plays, for the audio thread.
    families: Arc<SlotFamilies>,
}

impl std::fmt::Debug for ModelShelf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelShelf")
            .field(
                "shipped",
                &self.shipped.iter().map(|m| m.name).collect::<Vec<_>>(),
            )
            .field("user_models", &self.user_models)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl ModelShelf {
    /// A shelf with the `shipped` models (slots 0, 1, …) and the user folders in `user_models`
    /// after them; problems go to `log` as well as to [`ModelShelf::status`].
    ///
    /// # Panics
    /// When `shipped` is empty: a shelf always has a model to fall back to.
    pub fn new(shipped: Vec<ShippedModel>, user_models: UserModels, log: Log) -> ModelShelf {
        let first = *shipped.first().expect("a shelf has a shipped model");
        let shelf = ModelShelf {
            shipped,
            user_models,
            log,
            status: Mutex::new(ModelStatus {
                slot: 0,
                name: first.name.to_owned(),
                family: first.family(),
                error: None,
                fault: None,
            }),
            families: Arc::default(),
        };
        for (slot, model) in shelf.shipped.iter().enumerate() {
            shelf.families.set(slot as u32, Some(model.family()));
        }
        shelf.refresh_families();
        shelf
    }

    /// What each slot plays, as far as the shelf knows: shared with the audio thread.
    pub fn families(&self) -> Arc<SlotFamilies> {
        self.families.clone()
    }

    /// Reads again what the model folder of every user slot plays (its `config.json`; an
    /// empty slot, or a folder that cannot be read, plays what the first shipped model plays,
    /// as [`ModelShelf::load`] falls back to it). Call off the audio thread when the folders may
    /// have changed: on activation, after a song's state was loaded.
    pub fn refresh_families(&self) {
        for slot in self.shipped.len() as u32..=*self.slots().end() {
            self.families.set(slot, Some(self.folder_family(slot)));
        }
    }

    /// The family of `slot`'s folder as its config says, or the fallback's.
    fn folder_family(&self, slot: u32) -> Family {
        let read = |folder: PathBuf| {
            let json = std::fs::read(folder.join(CONFIG_FILE)).ok()?;
            let config: ModelConfig = serde_json::from_slice(&json).ok()?;
            config.unsupported().is_none().then(|| config.family())
        };
        self.folder(slot)
            .and_then(read)
            .unwrap_or_else(|| self.shipped[0].family())
    }

    /// Every model slot: the shipped models', then one per user folder.
    pub fn slots(&self) -> RangeInclusive<u32> {
        0..=self.last_slot(MAX_USER_MODELS)
    }

    /// The slots that hold a model: the shipped models', then one per user folder.
    pub fn filled_slots(&self) -> RangeInclusive<u32> {
        0..=self.last_slot(self.user_models.read().len().min(MAX_USER_MODELS))
    }

    fn last_slot(&self, folders: usize) -> u32 {
        (self.shipped.len() + folders) as u32 - 1
    }

    /// The shipped model in `slot`, if it is one.
    pub fn shipped(&self, slot: u32) -> Option<&ShippedModel> {
        self.shipped.get(slot as usize)
    }

    /// The slot of the first shipped model of `family`, if one is.
    pub fn shipped_slot_of(&self, family: Family) -> Option<u32> {
        let index = self.shipped.iter().position(|m| m.family() == family)?;
        Some(index as u32)
    }

    /// The folder of `slot` (`None` for a shipped model or an empty slot).
    pub fn folder(&self, slot: u32) -> Option<PathBuf> {
        let index = (slot as usize).checked_sub(self.shipped.len())?;
        self.user_models.read().get(index).cloned()
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
        drop(folders);
        let slot = (self.shipped.len() + index) as u32;
        self.families.set(slot, Some(self.folder_family(slot)));
        Some(slot)
    }

    /// Name of the model in `slot`: a shipped model's, or its folder's.
    pub fn slot_name(&self, slot: u32) -> String {
        if let Some(shipped) = self.shipped(slot) {
            return shipped.name.to_owned();
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
        let shared = self
            .slots()
            .any(|other| other != slot && self.slot_name(other) == name);
        if shared {
            format!("{name} (slot {slot})")
        } else {
            name
        }
    }

    /// The slot `text` names: the slot whose [`ModelShelf::slot_text`] it is, or else a slot
    /// number typed in. Hosts parse the texts they show for typed values and automation lanes.
    pub fn slot_of_text(&self, text: &str) -> Option<u32> {
        self.slots()
            .find(|&slot| self.slot_text(slot) == text)
            .or_else(|| text.parse().ok().filter(|slot| self.slots().contains(slot)))
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

    /// Loads `slot`. A user model that cannot be loaded falls back to the first shipped model,
    /// and the status says why.
    pub fn load(&self, slot: u32) -> Result<Model, ModelError> {
        if let Some(shipped) = self.shipped(slot) {
            let model = shipped.load()?;
            self.set_status(slot, model.family(), None);
            return Ok(model);
        }
        let fallback = &self.shipped[0];
        let error = match self.folder(slot) {
            None => format!(
                "model slot {slot} is empty; answering with {}",
                fallback.name
            ),
            Some(folder) => match Model::load(&folder) {
                Ok(model) => {
                    self.set_status(slot, model.family(), None);
                    return Ok(model);
                }
                Err(error) => format!("{error} — answering with {}", fallback.name),
            },
        };
        (self.log)(&format!("Antiphon: {error}"));
        let model = fallback.load()?;
        // The slot answers with the fallback until its folder loads.
        self.families.set(slot, Some(model.family()));
        self.set_status(0, model.family(), Some(error));
        Ok(model)
    }

    fn set_status(&self, slot: u32, family: Family, error: Option<String>) {
        self.families.set(slot, Some(family));
        *self.status.lock() = ModelStatus {
            slot,
            name: self.slot_name(slot),
            family,
            error,
            fault: None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shipped::{CHORALES, DRUMS, MELODY, SHIPPED_MODELS};

    fn shelf_with_folders(folders: &[&str]) -> ModelShelf {
        let user_models = UserModels::default();
        user_models
            .write()
            .extend(folders.iter().map(PathBuf::from));
        ModelShelf::new(SHIPPED_MODELS.to_vec(), user_models, Arc::new(|_: &str| {}))
    }

    #[test]
    fn slots_map_to_their_folders_after_the_shipped_models() {
        let shelf = shelf_with_folders(&["/songs/groove", "/songs/fills"]);
        assert_eq!(shelf.folder(0), None);
        assert_eq!(shelf.folder(2), None);
        assert_eq!(shelf.folder(3), Some(PathBuf::from("/songs/groove")));
        assert_eq!(shelf.folder(4), Some(PathBuf::from("/songs/fills")));
        assert_eq!(shelf.folder(5), None);
        assert_eq!(shelf.filled_slots(), 0..=4);
        assert_eq!(shelf.slots(), 0..=10);
        assert_eq!(shelf.latest_folder(), Some(PathBuf::from("/songs/fills")));
        assert_eq!(shelf.slot_text(0), DRUMS.name);
        assert_eq!(shelf.slot_text(1), MELODY.name);
        assert_eq!(shelf.slot_text(2), CHORALES.name);
        assert_eq!(shelf.slot_text(5), "(empty slot 5)");
        assert_eq!(shelf.shipped_slot_of(Family::DRUMS), Some(0));
        assert_eq!(shelf.shipped_slot_of(Family::MELODY), Some(1));
        assert_eq!(shelf.shipped_slot_of(Family::CHORDS), Some(2));
    }

    #[test]
    fn the_shipped_models_load_in_their_families() {
        let shelf = shelf_with_folders(&[]);
        for slot in 0..3 {
            let model = shelf.load(slot).unwrap();
            assert_eq!(model.family(), SHIPPED_MODELS[slot as usize].family());
            let status = shelf.status();
            assert_eq!((status.slot, status.family), (slot, model.family()));
            assert_eq!(status.error, None);
        }
        assert_eq!(shelf.status().family, Family::CHORDS);
    }

    #[test]
    fn a_folder_added_twice_keeps_its_slot_and_a_full_shelf_refuses_more() {
        let shelf = shelf_with_folders(&[]);
        assert_eq!(shelf.add_user_model(Path::new("/a")), Some(3));
        assert_eq!(shelf.add_user_model(Path::new("/b")), Some(4));
        assert_eq!(shelf.add_user_model(Path::new("/a")), Some(3));
        for n in 3..=MAX_USER_MODELS {
            let slot = shelf.add_user_model(Path::new(&format!("/{n}")));
            assert_eq!(slot, Some(n as u32 + 2));
        }
        assert_eq!(shelf.add_user_model(Path::new("/one-too-many")), None);
        assert_eq!(shelf.filled_slots(), shelf.slots());
    }

    #[test]
    fn model_names_shared_by_two_slots_show_the_slot() {
        let shelf = shelf_with_folders(&["/songs/groove", "/backup/groove", "/songs/fills"]);
        assert_eq!(shelf.slot_text(3), "groove (slot 3)");
        assert_eq!(shelf.slot_text(4), "groove (slot 4)");
        assert_eq!(shelf.slot_text(5), "fills");
    }

    #[test]
    fn every_slot_text_names_its_slot() {
        // Two folders share a name, "/" has none; the slots after them are empty.
        let shelf = shelf_with_folders(&["/songs/groove", "/backup/groove", "/"]);
        for slot in shelf.slots() {
            let text = shelf.slot_text(slot);
            assert_eq!(shelf.slot_of_text(&text), Some(slot), "{text:?}");
        }
    }

    #[test]
    fn a_typed_slot_number_selects_its_slot_unless_a_model_has_that_name() {
        let shelf = shelf_with_folders(&["/models/5"]);
        assert_eq!(shelf.slot_of_text("4"), Some(4));
        assert_eq!(shelf.slot_of_text("5"), Some(3));
        assert_eq!(shelf.slot_of_text("11"), None);
        assert_eq!(shelf.slot_of_text("-1"), None);
        assert_eq!(shelf.slot_of_text("drums"), None);
    }
}
