//! The editor's shell: the state it keeps between frames, the frame loop (drain the performer's
//! report, read the clock, redraw soon enough) and the layout: the header across the top, the
//! parameter column on the right, the piano roll with the answer, model and export columns below
//! it. Each region draws itself from its own file. Runs on the editor's window thread, only while
//! the window is open.

use std::sync::Arc;
use std::time::Duration;

use antiphon_engine::live::monitor::Monitor;
use egui::{Align, Layout, Margin, Rect, Ui, UiBuilder, pos2, vec2};
use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::ParamSetter;
use nice_plug_egui::{NiceEguiApp, baseview};

use super::EditorLink;
use super::answer_panel;
use super::clock::Clock;
use super::export_panel::ExportPanel;
use super::header;
use super::learning_panel;
use super::model_panel::ModelPanel;
use super::parameter_panel;
use super::piano_roll;
use super::preset_menu::PresetMenu;
use super::session::Session;
use super::theme;

/// How often the editor redraws while the transport plays (the roll scrolls), and while it rests
/// (answers may still arrive).
const FRAME_PLAYING: Duration = Duration::from_millis(16);
const FRAME_RESTING: Duration = Duration::from_millis(100);
/// Width of the parameter column.
const PARAMS_WIDTH: f32 = 310.0;
/// Height of the header strip.
const HEADER_HEIGHT: f32 = 46.0;

/// The editor's state between frames.
pub struct EditorApp {
    link: EditorLink,
    gui: Option<GuiContext>,
    pub(super) session: Session,
    /// The monitor of the activation being shown; a new one means the plugin was re-activated.
    monitor: Option<Arc<Monitor>>,
    pub(super) presets: PresetMenu,
    pub(super) model: ModelPanel,
    pub(super) export: ExportPanel,
}

impl EditorApp {
    /// The editor for the plugin behind `link`. Cheap (hosts create instances while scanning):
    /// nothing is read until the window opens.
    pub fn new(link: EditorLink) -> EditorApp {
        EditorApp {
            link,
            gui: None,
            session: Session::new(),
            monitor: None,
            presets: PresetMenu::new(),
            model: ModelPanel::new(),
            export: ExportPanel::new(),
        }
    }

    /// The window opened: reads the built-in presets and picks the export folder.
    pub fn opened(&mut self) {
        self.presets.opened();
        self.export.opened();
    }

    /// One frame: takes what the performer reported, then draws.
    pub fn frame(&mut self, ui: &mut Ui, setter: &ParamSetter) {
        let clock = self.update();
        ui.ctx().request_repaint_after(if clock.playing {
            FRAME_PLAYING
        } else {
            FRAME_RESTING
        });

        // Fixed regions rather than egui panels: the layout stays put whatever the content.
        let window = ui.max_rect();
        ui.painter().rect_filled(window, 0, theme::BACKGROUND);
        let header = Rect::from_min_size(window.min, vec2(window.width(), HEADER_HEIGHT));
        let side = Rect::from_min_max(
            pos2(window.right() - PARAMS_WIDTH, header.bottom()),
            window.max,
        );
        let main = Rect::from_min_max(pos2(window.left(), header.bottom()), side.left_bottom());
        ui.painter().rect_filled(side, 0, theme::PANEL);

        region(ui, header, Margin::symmetric(12, 8), |ui| {
            header::draw(
                ui,
                &self.link,
                &self.session,
                &clock,
                &mut self.presets,
                setter,
            )
        });
        region(ui, side, Margin::same(12), |ui| {
            parameter_panel::draw(ui, &self.link, setter)
        });
        region(ui, main, Margin::symmetric(12, 4), |ui| {
            piano_roll::draw(ui, &self.session, &clock);
            ui.add_space(10.0);
            ui.columns(3, |columns| {
                answer_panel::draw(&mut columns[0], &self.session);
                self.model.draw(&mut columns[1], &self.link);
                let params = &self.link.params;
                learning_panel::draw(&mut columns[1], &params.learned.0, &params.learn, setter);
                self.export
                    .draw(&mut columns[2], &self.link.params, &self.session, &clock);
            });
        });
        self.model.picker(ui, &self.link, setter);
    }

    /// Drains the feed and reads the clock. The feed's lock is shared with the main thread only
    /// (which replaces the receiver on activation); the audio thread never takes it.
    fn update(&mut self) -> Clock {
        let monitor = self.link.monitor.lock().clone();
        let reactivated = match (&monitor, &self.monitor) {
            (Some(new), Some(old)) => !Arc::ptr_eq(new, old),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if reactivated {
            self.session
                .play_event(antiphon_engine::live::feed::PlayEvent::Reset);
            self.monitor = monitor;
        }
        if let Some(feed) = self.link.feed.lock().as_mut() {
            self.session.drain(feed);
        }
        // After the drain: the family of everything drained since the model last changed.
        self.session.set_family(self.link.shelf.status().family);
        self.monitor
            .as_deref()
            .map_or_else(Clock::at_rest, Clock::read)
    }
}

impl NiceEguiApp for EditorApp {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), baseview::HandlerError> {
        theme::apply(&egui_ctx);
        self.gui = Some(nice_gui_ctx);
        self.opened();
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        let Some(gui) = self.gui.clone() else {
            return;
        };
        self.frame(ui, &gui.param_setter());
    }
}

/// Lays out `contents` inside `rect` (less `margin`), clipped to it.
fn region(ui: &mut Ui, rect: Rect, margin: Margin, contents: impl FnOnce(&mut Ui)) {
    let inner = rect - margin;
    let mut child = ui.new_child(
        UiBuilder::new()
            .max_rect(inner)
            .layout(Layout::top_down(Align::Min)),
    );
    child.shrink_clip_rect(rect);
    contents(&mut child);
}

#[cfg(test)]
mod tests {

    use antiphon_engine::phrase::TurnState;
    use egui::Color32;

    use super::*;
    use crate::editor::session::Lane;
    use crate::editor::test_support::{TestEditor, play, running_plugin};

    /// Vertices of the tessellated frame with exactly `color`.
    fn vertices_of(ctx: &egui::Context, output: egui::FullOutput, color: Color32) -> usize {
        ctx.tessellate(output.shapes, output.pixels_per_point)
            .into_iter()
            .filter_map(|primitive| match primitive.primitive {
                egui::epaint::Primitive::Mesh(mesh) => Some(mesh),
                egui::epaint::Primitive::Callback(_) => None,
            })
            .flat_map(|mesh| mesh.vertices)
            .filter(|vertex| vertex.color == color)
            .count()
    }

    #[test]
    fn the_performers_report_reaches_the_frame_without_a_window() {
        let (link, mut performer) = running_plugin();
        play(&link, &mut performer, 44);
        let mut editor = TestEditor::open(link);
        editor.frames_until_answered();
        let mut output = editor.frame();
        for _ in 0..2 {
            // Settle the layout (grids size themselves on the first frame).
            output = editor.frame();
        }

        let app = &editor.app;
        let heard: Vec<_> = app.session.steps(Lane::Call, 0..64).collect();
        assert_eq!(heard.len(), 8, "every beat of the call: {heard:?}");
        let answer = app.session.last_answer().expect("the model answered");
        assert_eq!(answer.response.start, 32);
        assert!(answer.log_likelihood < 0.0 && answer.per_step().is_finite());
        assert!(
            app.session.steps(Lane::Response, 32..64).count() > 0,
            "the answer's first bar played"
        );
        assert!(matches!(app.session.turn(), TurnState::Responding { .. }));
        assert_eq!(app.presets.presets.as_ref().map(Vec::len), Ok(7));

        let call_vertices = vertices_of(&editor.ctx, output.clone(), theme::CALL);
        let response_vertices = vertices_of(&editor.ctx, output, theme::RESPONSE);
        assert!(
            call_vertices >= 8 * 4,
            "call hits drawn: {call_vertices} vertices"
        );
        assert!(
            response_vertices >= 4,
            "response hits drawn: {response_vertices} vertices"
        );
    }
}
