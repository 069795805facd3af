//! The editor as nice-plug sees it: nice-plug-egui's editor, plus the one thing it does not do
//! for us — tell the performer the window exists, so the feed runs exactly while it does.
//! (nice-plug-egui 0.6 never calls `NiceEguiApp::editor_closed`, so the app cannot tell.)

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use nice_plug::editor::dpi::NativeSize;
use nice_plug::editor::{
    Editor, EditorHandle, HostMethods, Modifiers, ParentWindowHandle, ResizeHint, SpawnedEditor,
    VirtualKeyCode,
};
use nice_plug::prelude::TrackInfo;
use nice_plug_egui::{EguiEditor, EguiEditorHandle};

use super::app::EditorApp;
use nice_plug::context::gui::GuiContext;

/// Antiphon's editor: an egui window that sets `open` while it exists.
pub struct AntiphonEditor {
    pub(super) egui: EguiEditor<EditorApp>,
    /// The performer reports to the editor only while this is set.
    pub(super) open: Arc<AtomicBool>,
}

/// A spawned editor window; closing it (dropping the handle) stops the feed.
pub struct OpenEditor {
    egui: EguiEditorHandle,
    open: Arc<AtomicBool>,
}

impl Drop for OpenEditor {
    fn drop(&mut self) {
        self.open.store(false, Ordering::Relaxed);
    }
}

impl Editor for AntiphonEditor {
    type Handle = OpenEditor;

    fn spawn(
        &self,
        parent: Option<ParentWindowHandle>,
        wait_for_parent: bool,
        fallback_scale_factor: Option<f64>,
        gui_context: GuiContext,
        host: Option<HostMethods>,
    ) -> Result<SpawnedEditor<OpenEditor>, Box<dyn Error>> {
        let spawned = self.egui.spawn(
            parent,
            wait_for_parent,
            fallback_scale_factor,
            gui_context,
            host,
        )?;
        self.open.store(true, Ordering::Relaxed);
        Ok(SpawnedEditor {
            handle: OpenEditor {
                egui: spawned.handle,
                open: self.open.clone(),
            },
            window: spawned.window,
        })
    }

    fn size(&self) -> NativeSize<u32> {
        self.egui.size()
    }

    fn resize_hint(&self) -> ResizeHint {
        self.egui.resize_hint()
    }

    fn track_info_updated(&self, info: TrackInfo) {
        self.egui.track_info_updated(info);
    }

    unsafe fn assume_standalone_in_process(&self) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { self.egui.assume_standalone_in_process() }
    }
}

type Window = <EguiEditorHandle as EditorHandle>::Window;
type WindowError = <EguiEditorHandle as EditorHandle>::Error;

impl EditorHandle for OpenEditor {
    type Window = Window;
    type Error = WindowError;

    fn run_until_closed(window: Window) -> Result<(), WindowError> {
        EguiEditorHandle::run_until_closed(window)
    }

    fn set_parent(&self, parent: ParentWindowHandle, window: &Window) -> Result<(), WindowError> {
        self.egui.set_parent(parent, window)
    }

    fn show(&self, window: &Window) -> Result<(), WindowError> {
        self.egui.show(window)
    }

    fn hide(&self, window: &Window) -> Result<(), WindowError> {
        self.egui.hide(window)
    }

    fn set_size(&self, new_size: NativeSize<u32>, window: &Window) -> Result<(), WindowError> {
        self.egui.set_size(new_size, window)
    }

    fn host_main_thread_callback(&self, window: &Window) {
        self.egui.host_main_thread_callback(window);
    }

    fn adjust_size(&self, new_size: NativeSize<u32>, window: &Window) -> Option<NativeSize<u32>> {
        self.egui.adjust_size(new_size, window)
    }

    fn set_fallback_scale_factor(
        &self,
        scale_factor: f64,
        window: &Window,
    ) -> Result<(), WindowError> {
        self.egui.set_fallback_scale_factor(scale_factor, window)
    }

    fn on_virtual_key_from_host(
        &self,
        key_code: VirtualKeyCode,
        is_down: bool,
        modifiers: Modifiers,
    ) -> bool {
        self.egui
            .on_virtual_key_from_host(key_code, is_down, modifiers)
    }

    fn state_changed(&self) {
        self.egui.state_changed();
    }

    fn param_value_changed(&self, id: &str, normalized_value: f32) {
        self.egui.param_value_changed(id, normalized_value);
    }

    fn param_modulation_changed(&self, id: &str, modulation_offset: f32) {
        self.egui.param_modulation_changed(id, modulation_offset);
    }
}
