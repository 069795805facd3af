//! `--model` and `--init`: the shipped model, built into the tool so it works from any folder, or
//! a model folder.

use std::fmt;
use std::path::{Path, PathBuf};

use antiphon_engine::model::Model;
use antiphon_engine::shipped::SHIPPED_MODEL;
use antiphon_engine::train::InitModel;
use anyhow::Context;

/// The word that names the shipped model on the command line (`./shipped` is a folder).
pub const SHIPPED: &str = "shipped";

/// A model named on the command line.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelChoice {
    /// The drum model built into the tool.
    Shipped,
    /// A model folder (`config.json`, `model.safetensors`).
    Folder(PathBuf),
}

impl ModelChoice {
    /// Reads a `--model` or `--init` value.
    pub fn parse(text: &str) -> Result<ModelChoice, std::convert::Infallible> {
        Ok(if text == SHIPPED {
            ModelChoice::Shipped
        } else {
            ModelChoice::Folder(PathBuf::from(text))
        })
    }

    /// The model, ready to play or score.
    pub fn load(&self) -> anyhow::Result<Model> {
        match self {
            ModelChoice::Shipped => {
                Model::from_bytes(SHIPPED_MODEL.config_json, SHIPPED_MODEL.weights)
            }
            ModelChoice::Folder(dir) => Model::load(dir),
        }
        .with_context(|| format!("cannot load {self}"))
    }

    /// The model, to continue training.
    pub fn init_model(&self) -> anyhow::Result<InitModel> {
        match self {
            ModelChoice::Shipped => {
                InitModel::from_bytes(SHIPPED_MODEL.config_json, SHIPPED_MODEL.weights)
            }
            ModelChoice::Folder(dir) => InitModel::from_folder(dir),
        }
        .with_context(|| format!("cannot load {self} to continue it"))
    }

    /// How a model card records it: `shipped`, or the folder as [`recorded_path`] gives it.
    pub fn recorded(&self) -> String {
        match self {
            ModelChoice::Shipped => SHIPPED.to_owned(),
            ModelChoice::Folder(dir) => recorded_path(dir),
        }
    }
}

impl fmt::Display for ModelChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelChoice::Shipped => write!(f, "the shipped model \"{}\"", SHIPPED_MODEL.name),
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
    fn the_word_shipped_names_the_built_in_model_and_anything_else_a_folder() {
        assert_eq!(ModelChoice::parse("shipped"), Ok(ModelChoice::Shipped));
        assert_eq!(
            ModelChoice::parse("./shipped"),
            Ok(ModelChoice::Folder("./shipped".into()))
        );
        assert!(ModelChoice::Shipped.load().is_ok());
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
        assert_eq!(ModelChoice::Shipped.recorded(), "shipped");
    }
}
