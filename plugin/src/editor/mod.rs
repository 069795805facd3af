//! The editor: what the model hears and answers, with its log-likelihood, and every control.
//!
//! Threads: the editor runs on its window's thread, only while the window is open. It reads the
//! performer's feed (two lock-free rings the audio and model threads write) and monitor (atomics
//! the audio thread writes); the mutexes here are shared with the main thread only, never with
//! the audio thread.
//!
//! Drawing: [`app`] owns the frame loop and lays out the regions, each drawn by its own file:
//! [`header`] (with [`preset_menu`]), [`parameter_panel`], [`piano_roll`], [`answer_panel`] (with
//! [`likelihood_plot`]), [`model_panel`] (with [`folder_picker`]), [`learning_panel`] and
//! [`export_panel`], out of [`widgets`], [`notice`] and [`theme`]. Everything else ([`session`],
//! [`clock`], [`status`], [`export`], [`presets`], [`model_info`], [`folder_browser`], and the
//! roll's [`lane_notes`], [`roll_rows`] and [`roll_layout`]) is plain logic, tested without a
//! window.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use antiphon_engine::live::feed::FeedReceiver;
use antiphon_engine::live::monitor::Monitor;
use antiphon_engine::live::shelf::ModelShelf;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug_egui::{EguiEditorState, EguiNiceSettings, RepaintNotifier, create_egui_editor};
use parking_lot::Mutex;

use crate::AntiphonParams;

pub mod answer_panel;
pub mod app;
pub mod clock;
pub mod export;
pub mod export_panel;
pub mod folder_browser;
pub mod folder_picker;
pub mod header;
pub mod lane_notes;
pub mod learning_panel;
pub mod likelihood_plot;
pub mod model_info;
pub mod model_panel;
pub mod notice;
pub mod parameter_panel;
pub mod piano_roll;
pub mod preset_menu;
pub mod presets;
pub mod roll_layout;
pub mod roll_rows;
pub mod session;
pub mod status;
#[cfg(test)]
mod test_feed;
#[cfg(test)]
mod test_support;
pub mod theme;
pub mod widgets;
pub mod window;

pub use app::EditorApp;
pub use window::AntiphonEditor;

/// What the plugin shares with its editor.
#[derive(Clone)]
pub struct EditorLink {
    /// The parameters, read every frame (host automation shows live).
    pub params: Arc<AntiphonParams>,
    /// The model shelf: status, slot names, adding user models.
    pub shelf: Arc<ModelShelf>,
    /// The performer's feed, replaced on each activation by the main thread.
    pub feed: Arc<Mutex<Option<FeedReceiver>>>,
    /// The performer's monitor, replaced on each activation by the main thread.
    pub monitor: Arc<Mutex<Option<Arc<Monitor>>>>,
    /// Set while the window exists; the performer reports only then.
    pub editor_open: Arc<AtomicBool>,
}

/// The editor's size and scale, kept across openings.
pub fn default_state() -> Arc<EguiEditorState> {
    EguiEditorState::from_size(
        LogicalSize::new(
            f64::from(theme::WINDOW_WIDTH),
            f64::from(theme::WINDOW_HEIGHT),
        ),
        1.0,
    )
}

/// The editor for the plugin behind `link`.
pub fn create(link: EditorLink, state: Arc<EguiEditorState>) -> Option<AntiphonEditor> {
    let open = link.editor_open.clone();
    let egui = create_egui_editor(
        state,
        RepaintNotifier::new(),
        EguiNiceSettings::new().with_tile("Antiphon"),
        EditorApp::new(link),
    )?;
    Some(AntiphonEditor { egui, open })
}
