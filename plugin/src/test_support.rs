//! Plugin state for unit tests: a model shelf with chosen user folders, and parameters that name
//! its slots.

use std::path::PathBuf;
use std::sync::Arc;

use antiphon_engine::live::shelf::{ModelShelf, UserModels};

use crate::{AntiphonParams, SHIPPED_MODELS};

/// A shelf with the shipped model and `folders` (not read) in the user slots, and the folder
/// list it reads.
pub fn shelf_with_folders(folders: &[&str]) -> (Arc<ModelShelf>, UserModels) {
    let user_models = UserModels::default();
    user_models
        .write()
        .extend(folders.iter().map(PathBuf::from));
    let shelf = ModelShelf::new(
        SHIPPED_MODELS.to_vec(),
        user_models.clone(),
        Arc::new(|_: &str| {}),
    );
    (Arc::new(shelf), user_models)
}

/// Parameters whose Model slots are those of [`shelf_with_folders`].
pub fn params_with_folders(folders: &[&str]) -> AntiphonParams {
    let (shelf, user_models) = shelf_with_folders(folders);
    AntiphonParams::new(shelf, user_models)
}
