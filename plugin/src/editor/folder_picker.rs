//! The "Load model" window: a [`FolderBrowser`] the player walks to a model folder and picks.
//! What becomes of the pick is the model panel's business.

use std::path::PathBuf;

use egui::RichText;

use super::folder_browser::FolderBrowser;
use super::theme;

/// What the player did in the window this frame.
pub enum Picked {
    /// Nothing that ends the browsing.
    Nothing,
    /// Closed the window.
    Closed,
    /// Chose this model folder.
    Folder(PathBuf),
}

/// Shows the window over everything, browsing with `browser`.
pub fn show(ctx: &egui::Context, browser: &mut FolderBrowser) -> Picked {
    let mut open = true;
    let mut picked = None;
    egui::Window::new("Load model")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(520.0)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.label(
                RichText::new("Pick a folder that holds config.json and model.safetensors.")
                    .color(theme::MUTED),
            );
            ui.horizontal(|ui| {
                if ui.button("Up one folder").clicked() {
                    browser.up();
                }
                ui.label(RichText::new(browser.current().display().to_string()).monospace());
            });
            if let Some(error) = browser.error() {
                ui.label(RichText::new(error).color(theme::ALERT));
            }
            let mut enter = None;
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    for entry in browser.entries() {
                        let label = if entry.is_model {
                            RichText::new(format!("{}/  (model)", entry.name))
                                .color(theme::RESPONSE)
                        } else {
                            RichText::new(format!("{}/", entry.name))
                        };
                        if ui.selectable_label(false, label).clicked() {
                            enter = Some(entry.path.clone());
                        }
                    }
                    if browser.entries().is_empty() && browser.error().is_none() {
                        ui.label(RichText::new("(no folders here)").color(theme::MUTED));
                    }
                });
            if let Some(folder) = enter {
                browser.enter(&folder);
            }
            ui.separator();
            let is_model = browser.current_is_model();
            if ui
                .add_enabled(is_model, egui::Button::new("Use this model"))
                .clicked()
            {
                picked = Some(browser.current().to_owned());
            }
            if !is_model {
                ui.label(
                    RichText::new(
                        "This folder holds no model; folders with one are marked (model).",
                    )
                    .color(theme::MUTED)
                    .small(),
                );
            }
        });
    match (picked, open) {
        (Some(folder), _) => Picked::Folder(folder),
        (None, false) => Picked::Closed,
        (None, true) => Picked::Nothing,
    }
}
