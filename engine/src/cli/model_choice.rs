//! `--model` and `--init`: a shipped model, built into the tool so it works from any folder, or
//! a model folder.

use std::fmt;
use std::path::{Path, PathBuf};

use antiphon_engine::live::shelf::ShippedModel;
use antiphon_engine::model::Model;
use antiphon_engine::shipped::{DRUMS, SHIPPED_MODELS};
use antiphon_engine::train::InitModel;
use anyhow::Context;

/// The word that named the shipped drum model before there were two (`./shipped` is a folder).
pub const SHIPPED: &str = "shipped";

/// A model named on the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelChoice {
    /// A model built into the tool, by its word (`drums`, `melody`).
    Shipped(&'static str),
    /// A model folder (`config.json`, `model.safetensors`).
    Folder(PathBuf),
}

impl ModelChoice {
    /// Reads a `--model` or `--init` value: a shipped model's word, `shipped` (the drums), or
    /// else a folder (`./drums` is a folder).
    pub fn parse(text: &str) -> Result<ModelChoice, std::convert::Infallible> {
        let word = if text == SHIPPED { DRUMS.word } else { text };
        Ok(match SHIPPED_MODELS.iter().find(|m| m.word == word) {
            Some(shipped) => ModelChoice::Shipped(shipped.word),
            None => ModelChoice::Folder(PathBuf::from(text)),
        })
    }

    /// The built-in model named by a parsed `word`.
    pub fn shipped(word: &str) -> &'static ShippedModel {
        SHIPPED_MODELS
            .iter()
            .find(|m| m.word == word)
            .expect("parsed from a shipped model's word")
    }

    /// The model, ready to play or score.
    pub fn load(&self) -> anyhow::Result<Model> {
        match self {
            ModelChoice::Shipped(word) => Self::shipped(word).load(),
            ModelChoice::Folder(dir) => Model::load(dir),
        }
        .with_context(|| format!("cannot load {self}"))
    }

    /// The model, to continue training.
    pub fn init_model(&self) -> anyhow::Result<InitModel> {
        match self {
            ModelChoice::Shipped(word) => {
                let shipped = Self::shipped(word);
                InitModel::from_bytes(shipped.config_json, shipped.weights)
            }
            ModelChoice::Folder(dir) => InitModel::from_folder(dir),
        }
        .with_context(|| format!("cannot load {self} to continue it"))
    }

    /// How a model card records it: the shipped model's word, or the folder as
    /// [`recorded_path`] gives it.
    pub fn recorded(&self) -> String {
        match self {
            ModelChoice::Shipped(word) => (*word).to_owned(),
            ModelChoice::Folder(dir) => recorded_path(dir),
        }
    }
}

impl fmt::Display for ModelChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelChoice::Shipped(word) => {
                write!(f, "the shipped model \"{}\"", Self::shipped(word).name)
            }
            ModelChoice::Folder(dir) => write!(f, "the model {}", dir.display()),
        }
    }
}

/// A path as a model card records it: as typed when relative (a place in a checkout), only the
/// last name when absolute (the rest names someone's machine).
pub fn recorded_path(path: &Path) -> String {
    if path.is_absolute() {
        path.file_name().map_or_else(
            || path.display().to_string(),
            |name| name.display().to_string(),
        )
    } else {
        path.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_words_name_the_built_in_models_and_anything_else_a_folder() {
        assert_eq!(
            ModelChoice::parse("shipped"),
            Ok(ModelChoice::Shipped("drums"))
        );
        assert_eq!(
            ModelChoice::parse("drums"),
            Ok(ModelChoice::Shipped("drums"))
        );
        assert_eq!(
            ModelChoice::parse("melody"),
            Ok(ModelChoice::Shipped("melody"))
        );
        assert_eq!(
            ModelChoice::parse("./shipped"),
            Ok(ModelChoice::Folder("./shipped".into()))
        );
        let families = ["drums", "melody"].map(|word| {
            let model = ModelChoice::Shipped(word).load().unwrap();
            model.family().to_string()
        });
        assert_eq!(families, ["drums", "melody"]);
        let missing = ModelChoice::Folder("no/such/model".into())
            .load()
            .unwrap_err();
        assert!(
            format!("{missing:#}").contains("no/such/model/config.json"),
            "{missing:#}"
        );
    }

    #[test]
    fn cards_record_relative_paths_as_typed_and_absolute_ones_by_name() {
        assert_eq!(recorded_path(Path::new("data/groove")), "data/groove");
        assert_eq!(
            recorded_path(Path::new("../shared/data/groove")),
            "../shared/data/groove"
        );
        assert_eq!(recorded_path(Path::new("/home/ana/midi/breaks")), "breaks");
        assert_eq!(recorded_path(Path::new("/")), "/");
        assert_eq!(
            ModelChoice::Folder("/home/ana/models/mine".into()).recorded(),
            "mine"
        );
        assert_eq!(ModelChoice::Shipped("melody").recorded(), "melody");
    }
}
