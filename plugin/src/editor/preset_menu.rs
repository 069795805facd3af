//! The "Presets…" menu: the factory presets, applied as if the player turned the knobs, and what
//! the last one chosen did.

use egui::{RichText, Ui};
use nice_plug::prelude::ParamSetter;

use super::notice::Notice;
use super::presets::{self, Preset};
use super::theme;
use crate::AntiphonParams;

/// The menu's presets and what the last one chosen did.
pub struct PresetMenu {
    /// The factory presets, or why they could not be read.
    pub(super) presets: Result<Vec<Preset>, String>,
    notice: Option<Notice>,
}

impl PresetMenu {
    /// An empty menu: nothing is read until the window opens.
    pub fn new() -> PresetMenu {
        PresetMenu {
            presets: Ok(Vec::new()),
            notice: None,
        }
    }

    /// Reads the factory presets (the window opened).
    pub fn opened(&mut self) {
        self.presets = presets::factory();
    }

    /// The menu button; a chosen preset sets `params` through `setter`. Where the presets could
    /// not be read, says why instead.
    pub fn button(&mut self, ui: &mut Ui, params: &AntiphonParams, setter: &ParamSetter) {
        let presets = match &self.presets {
            Ok(presets) => presets,
            Err(error) => {
                ui.label(RichText::new(error).color(theme::ALERT).small());
                return;
            }
        };
        let mut chosen = None;
        ui.menu_button("Presets…", |ui| {
            for preset in presets {
                if ui
                    .button(&preset.name)
                    .on_hover_text(&preset.description)
                    .clicked()
                {
                    chosen = Some(preset.clone());
                    ui.close();
                }
            }
        });
        if let Some(preset) = chosen {
            self.notice = Some(match preset.resolve(params) {
                Ok(settings) => {
                    presets::apply(setter, &settings);
                    Notice::ok(format!("preset “{}”: {}", preset.name, preset.description))
                }
                Err(error) => Notice::error(error),
            });
        }
    }

    /// What the last preset chosen did, if one was.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }
}
