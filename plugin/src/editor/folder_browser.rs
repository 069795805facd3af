//! The "Load model…" picker's state: an in-editor folder browser (no native dialog, so no GTK or
//! portal dependency) that lists folders and tells which hold a model. No drawing here.

use std::path::{Path, PathBuf};

/// The files a model folder holds.
pub const MODEL_FILES: [&str; 2] = ["config.json", "model.safetensors"];

/// Whether `folder` holds a model (both [`MODEL_FILES`]).
pub fn is_model_folder(folder: &Path) -> bool {
    MODEL_FILES.iter().all(|file| folder.join(file).is_file())
}

/// One sub-folder of the folder being browsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name.
    pub name: String,
    /// Its path.
    pub path: PathBuf,
    /// Whether it holds a model.
    pub is_model: bool,
}

/// A folder being browsed, listed once when entered (not every frame).
#[derive(Debug, Clone)]
pub struct FolderBrowser {
    current: PathBuf,
    entries: Vec<Entry>,
    error: Option<String>,
}

impl FolderBrowser {
    /// Browses `folder`.
    pub fn at(folder: &Path) -> FolderBrowser {
        let mut browser = FolderBrowser {
            current: folder.to_owned(),
            entries: Vec::new(),
            error: None,
        };
        browser.list();
        browser
    }

    /// The folder being browsed.
    pub fn current(&self) -> &Path {
        &self.current
    }

    /// Its sub-folders, hidden ones left out, sorted by name ignoring case.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Why the folder could not be listed, if it could not.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether the folder being browsed holds a model.
    pub fn current_is_model(&self) -> bool {
        is_model_folder(&self.current)
    }

    /// Moves into `folder`.
    pub fn enter(&mut self, folder: &Path) {
        folder.clone_into(&mut self.current);
        self.list();
    }

    /// Moves to the parent folder (stays at the root).
    pub fn up(&mut self) {
        if let Some(parent) = self.current.parent().map(Path::to_owned) {
            self.enter(&parent);
        }
    }

    fn list(&mut self) {
        self.entries.clear();
        self.error = None;
        let read = match std::fs::read_dir(&self.current) {
            Ok(read) => read,
            Err(error) => {
                self.error = Some(format!("cannot list {}: {error}", self.current.display()));
                return;
            }
        };
        for entry in read.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !path.is_dir() {
                continue;
            }
            let is_model = is_model_folder(&path);
            self.entries.push(Entry {
                name,
                path,
                is_model,
            });
        }
        self.entries.sort_by_key(|entry| entry.name.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("antiphon-browser-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn lists_folders_sorted_marks_models_and_hides_dotfolders() {
        let root = scratch("list");
        for folder in ["beta", "Alpha", ".hidden", "model"] {
            std::fs::create_dir(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("file.txt"), "not a folder").unwrap();
        for file in MODEL_FILES {
            std::fs::write(root.join("model").join(file), "{}").unwrap();
        }
        let browser = FolderBrowser::at(&root);
        let names: Vec<_> = browser.entries().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Alpha", "beta", "model"]);
        let models: Vec<_> = browser.entries().iter().map(|e| e.is_model).collect();
        assert_eq!(models, [false, false, true]);
        assert!(!browser.current_is_model());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn navigates_in_and_up() {
        let root = scratch("navigate");
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        let mut browser = FolderBrowser::at(&root);
        let a = browser.entries()[0].path.clone();
        browser.enter(&a);
        assert_eq!(browser.current(), root.join("a"));
        assert_eq!(browser.entries()[0].name, "b");
        browser.up();
        assert_eq!(browser.current(), root);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_missing_folder_is_an_error_not_a_panic() {
        let browser = FolderBrowser::at(Path::new("/no/such/folder"));
        assert!(browser.entries().is_empty());
        assert!(browser.error().unwrap().contains("/no/such/folder"));
    }

    #[test]
    fn a_model_folder_needs_both_files() {
        let root = scratch("model");
        std::fs::write(root.join("config.json"), "{}").unwrap();
        assert!(!is_model_folder(&root));
        std::fs::write(root.join("model.safetensors"), "").unwrap();
        assert!(is_model_folder(&root));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
