//! The model: the name, size and card of the one answering, whether another is loading or was
//! refused, the Model parameter's slot menu, and loading a model folder into a slot.

use std::path::PathBuf;

use antiphon_engine::live::shelf::{MAX_USER_MODELS, ModelShelf, ModelStatus};
use egui::{ComboBox, RichText, Ui};
use nice_plug::prelude::{IntParam, Param, ParamSetter};

use super::EditorLink;
use super::export;
use super::folder_browser::FolderBrowser;
use super::folder_picker::{self, Picked};
use super::model_info::ModelInfo;
use super::notice::Notice;
use super::theme;
use super::widgets::{section, set};

/// The model column's state between frames.
pub struct ModelPanel {
    /// The model status `info` describes.
    shown: Option<ModelStatus>,
    info: Option<ModelInfo>,
    /// The "Load model" window's browser, while the window is open.
    pub(super) browser: Option<FolderBrowser>,
    /// What the last pick did.
    notice: Option<Notice>,
}

impl ModelPanel {
    /// A panel with nothing read yet.
    pub fn new() -> ModelPanel {
        ModelPanel {
            shown: None,
            info: None,
            browser: None,
            notice: None,
        }
    }

    /// The model column: what answers, and the "Load model…" button.
    pub fn draw(&mut self, ui: &mut Ui, link: &EditorLink) {
        section(ui, "Model");
        let status = link.shelf.status();
        if self.shown.as_ref() != Some(&status) {
            self.info = Some(describe(&link.shelf, &status));
            self.shown = Some(status.clone());
        }
        ui.label(RichText::new(&status.name).strong().size(15.0));
        if let Some(info) = &self.info {
            ui.label(RichText::new(&info.size).color(theme::MUTED));
            if let Some(card) = &info.card {
                ui.label(RichText::new(card).color(theme::MUTED).small());
            }
        }
        let requested = link.params.model.value() as u32;
        if requested != status.slot && status.error.is_none() {
            ui.label(
                RichText::new(format!(
                    "loading {} (when the plugin is active)…",
                    link.shelf.slot_name(requested)
                ))
                .color(theme::MUTED)
                .small(),
            );
        }
        if let Some(error) = &status.error {
            ui.label(RichText::new(error).color(theme::ALERT).small());
        }
        if ui.button("Load model…").clicked() {
            let start = link
                .shelf
                .latest_folder()
                .and_then(|folder| folder.parent().map(PathBuf::from))
                .unwrap_or_else(export::default_folder);
            self.browser = Some(FolderBrowser::at(&start));
        }
        if let Some(notice) = &self.notice {
            notice.show(ui);
        }
    }

    /// The "Load model" window, while open. A picked folder goes on the shelf and the Model
    /// parameter moves to its slot, like the player choosing it from the menu.
    pub fn picker(&mut self, ui: &mut Ui, link: &EditorLink, setter: &ParamSetter) {
        let Some(browser) = &mut self.browser else {
            return;
        };
        let open = match folder_picker::show(ui.ctx(), browser) {
            Picked::Nothing => true,
            Picked::Closed => false,
            Picked::Folder(folder) => match link.shelf.add_user_model(&folder) {
                Some(slot) => {
                    set(setter, &link.params.model, slot as i32);
                    self.notice = Some(Notice::ok(format!("slot {slot}: {}", folder.display())));
                    false
                }
                None => {
                    self.notice = Some(Notice::error(format!(
                        "all {MAX_USER_MODELS} model slots are taken; {} was not added",
                        folder.display()
                    )));
                    true
                }
            },
        };
        if !open {
            self.browser = None;
        }
    }
}

/// A grid row: a model-slot parameter (Model, Jam Model) and a menu of the slots that hold a
/// model.
pub fn slot_menu_row(ui: &mut Ui, link: &EditorLink, setter: &ParamSetter, param: &IntParam) {
    ui.label(param.name());
    let current = param.value();
    ComboBox::from_id_salt(param.name())
        .selected_text(param.to_string())
        .width(140.0)
        .truncate()
        .show_ui(ui, |ui| {
            for slot in link.shelf.filled_slots() {
                // The parameter's text too: it tells apart two folders of the same name.
                let text = link.shelf.slot_text(slot);
                if ui.selectable_label(slot as i32 == current, text).clicked() {
                    set(setter, param, slot as i32);
                }
            }
        });
    ui.end_row();
}

/// Size and card of the model `status` says is loaded.
fn describe(shelf: &ModelShelf, status: &ModelStatus) -> ModelInfo {
    if let Some(shipped) = shelf.shipped(status.slot) {
        return ModelInfo::from_bytes(shipped.config_json, Some(shipped.card_json));
    }
    match shelf.folder(status.slot) {
        Some(folder) => ModelInfo::from_folder(&folder),
        None => ModelInfo {
            size: "unknown size".to_owned(),
            card: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use antiphon_engine::live::performer::Settings;
    use antiphon_engine::transport::Transport;

    use super::*;
    use crate::editor::test_support::{TestEditor, running_plugin, texts};
    use antiphon_engine::shipped::DRUMS as SHIPPED_MODEL;

    #[test]
    fn a_model_is_picked_in_the_folder_browser_and_its_load_error_is_shown() {
        let (link, mut performer) = running_plugin();
        let shelf = link.shelf.clone();
        let params = link.params.clone();
        let user_models = params.user_models.clone();
        let mut editor = TestEditor::open(link);
        // A folder holding a model folder whose weights are not a safetensors file.
        let root = std::env::temp_dir().join(format!("antiphon-pick-{}", std::process::id()));
        let model = root.join("broken-model");
        std::fs::create_dir_all(&model).unwrap();
        std::fs::write(model.join("config.json"), SHIPPED_MODEL.config_json).unwrap();
        std::fs::write(model.join("model.safetensors"), b"not weights").unwrap();

        editor.frame();
        let output = editor.frame();
        editor.click(&output, "Load model…");
        assert!(editor.app.model.browser.is_some(), "the picker opened");
        editor.app.model.browser = Some(FolderBrowser::at(&root));
        let output = editor.frame();
        let output = editor.click(&output, "broken-model/  (model)");
        assert_eq!(editor.app.model.browser.as_ref().unwrap().current(), model);
        editor.click(&output, "Use this model");
        assert!(
            editor.app.model.browser.is_none(),
            "the picker closes once a model is picked"
        );
        assert_eq!(*user_models.read(), std::slice::from_ref(&model));

        // The host moves the model parameter to slot 3, the first user slot; the audio thread
        // asks the model thread for it, which fails to load it and falls back, and the editor
        // says why.
        let settings = Settings {
            model_slot: 3,
            ..params.settings()
        };
        performer.process(Transport::Stopped, 64, &[], &settings, |_| {});
        let started = Instant::now();
        while shelf.status().error.is_none() && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(10));
        }
        let error = shelf.status().error.expect("the broken model is refused");
        let drawn = texts(&editor.frame());
        assert!(drawn.contains(&error), "{error:?} not in {drawn:?}");
        assert!(
            drawn.iter().any(|t| t.starts_with("slot 3: ")),
            "the pick is confirmed: {drawn:?}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn the_model_picker_draws_its_folder_listing() {
        let (link, _performer) = running_plugin();
        let mut editor = TestEditor::open(link);
        let folder = std::env::temp_dir().join(format!("antiphon-picker-{}", std::process::id()));
        std::fs::create_dir_all(folder.join("my-model")).unwrap();
        editor.app.model.browser = Some(FolderBrowser::at(&folder));
        for _ in 0..2 {
            editor.frame();
        }
        assert!(
            editor.app.model.browser.is_some(),
            "the picker stays open until a model is picked"
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
