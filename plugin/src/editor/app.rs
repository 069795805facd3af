//! The editor's frame: header with the turn state, the piano roll, the answer's numbers and their
//! history, the model, export, and every parameter. Runs on the editor's window thread, only while
//! the window is open.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use antiphon_engine::live::monitor::Monitor;
use egui::{Align, Grid, Layout, Margin, Rect, RichText, Ui, UiBuilder, pos2, vec2};
use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::{Param, ParamSetter};
use nice_plug_egui::{NiceEguiApp, baseview};

use super::EditorLink;
use super::clock::Clock;
use super::export;
use super::header;
use super::likelihood_plot;
use super::model_panel::{self, ModelPanel};
use super::notice::Notice;
use super::piano_roll;
use super::preset_menu::PresetMenu;
use super::session::Session;
use super::theme;
use super::widgets::{enum_row, section, slider_row, toggle_row};

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
    export_folder: PathBuf,
    export_notice: Option<Notice>,
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
            export_folder: PathBuf::new(),
            export_notice: None,
        }
    }

    /// The window opened: reads what the editor needs from disk and the built-in presets.
    pub fn opened(&mut self) {
        self.presets.load();
        self.export_folder = export::default_folder();
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
        region(ui, side, Margin::same(12), |ui| self.parameters(ui, setter));
        region(ui, main, Margin::symmetric(12, 4), |ui| {
            piano_roll::draw(ui, &self.session, &clock);
            ui.add_space(10.0);
            ui.columns(3, |columns| {
                self.answer_column(&mut columns[0]);
                self.model.draw(&mut columns[1], &self.link);
                self.export_column(&mut columns[2], &clock);
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
        self.monitor
            .as_deref()
            .map_or_else(Clock::at_rest, Clock::read)
    }

    fn parameters(&mut self, ui: &mut Ui, setter: &ParamSetter) {
        let params = self.link.params.clone();
        section(ui, "Phrase");
        Grid::new("phrase_params")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                slider_row(ui, setter, &params.max_call_bars);
                slider_row(ui, setter, &params.min_call_bars);
                // The performer never waits for more bars than the maximum: say so.
                let shortest = *params.settings().rules.call_bars().start();
                if shortest != params.min_call_bars.value() as u32 {
                    ui.label("");
                    ui.label(
                        RichText::new(format!(
                            "held to Max Call Bars: {}",
                            params.min_call_bars.normalized_value_to_string(
                                params.min_call_bars.preview_normalized(shortest as i32),
                                true
                            )
                        ))
                        .color(theme::ALERT)
                        .small(),
                    );
                    ui.end_row();
                }
                slider_row(ui, setter, &params.phrase_bars);
                toggle_row(ui, setter, &params.overlap);
                toggle_row(ui, setter, &params.loop_answer);
                toggle_row(ui, setter, &params.mutate);
                enum_row(ui, setter, &params.end_call_trigger);
                slider_row(ui, setter, &params.end_call_number);
            });
        section(ui, "Answer");
        Grid::new("answer_params")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                slider_row(ui, setter, &params.temperature);
                slider_row(ui, setter, &params.seed);
                model_panel::slot_menu_row(ui, &self.link, setter);
                slider_row(ui, setter, &params.velocity);
                slider_row(ui, setter, &params.out_channel);
                toggle_row(ui, setter, &params.passthrough);
                toggle_row(ui, setter, &params.bypass);
            });
    }

    fn answer_column(&mut self, ui: &mut Ui) {
        section(ui, "Answer log-likelihood");
        match self.session.last_answer() {
            Some(last) => {
                Grid::new("answer_stats")
                    .num_columns(2)
                    .spacing([10.0, 2.0])
                    .show(ui, |ui| {
                        ui.label(RichText::new("answer").color(theme::MUTED));
                        ui.label(format!(
                            "#{} · {} steps",
                            last.number,
                            last.response.len_steps()
                        ));
                        ui.end_row();
                        ui.label(RichText::new("total").color(theme::MUTED));
                        ui.label(
                            RichText::new(format!("{:.1} nats", last.log_likelihood))
                                .size(18.0)
                                .color(theme::RESPONSE),
                        );
                        ui.end_row();
                        ui.label(RichText::new("per step").color(theme::MUTED));
                        ui.label(
                            RichText::new(format!("{:.2} nats", last.per_step()))
                                .size(18.0)
                                .color(theme::RESPONSE),
                        );
                        ui.end_row();
                        ui.label(RichText::new("call").color(theme::MUTED));
                        ui.label(
                            RichText::new(format!("{:.1} nats", last.call_log_likelihood))
                                .color(theme::CALL),
                        );
                        ui.end_row();
                    });
            }
            None => {
                ui.label(RichText::new("no answer yet").color(theme::MUTED));
            }
        }
        likelihood_plot::draw(ui, &self.session);
    }

    fn export_column(&mut self, ui: &mut Ui, clock: &Clock) {
        section(ui, "Export as MIDI");
        ui.label(RichText::new("to").color(theme::MUTED).small());
        ui.label(
            RichText::new(self.export_folder.display().to_string())
                .monospace()
                .small(),
        );
        let params = &self.link.params;
        let response = self.session.last_response();
        if ui
            .add_enabled(
                response.is_some(),
                egui::Button::new(RichText::new("Export last response").color(theme::RESPONSE)),
            )
            .clicked()
            && let Some(take) = response
        {
            // Written as the plugin plays it: the answer's channel and velocity.
            let settings = params.settings();
            let sequence = export::sequence(
                &take,
                clock.steps_per_bar(),
                clock.tempo_bpm,
                settings.velocity,
            );
            self.export_notice = Some(notice_of(export::write(
                &self.export_folder,
                "response",
                &sequence,
                settings.out_channel,
            )));
        }
        let call = self.session.last_call();
        if ui
            .add_enabled(
                call.is_some(),
                egui::Button::new(RichText::new("Export last call").color(theme::CALL)),
            )
            .clicked()
            && let Some(take) = call
        {
            let sequence = export::sequence(
                &take,
                clock.steps_per_bar(),
                clock.tempo_bpm,
                export::CALL_VELOCITY,
            );
            self.export_notice = Some(notice_of(export::write(
                &self.export_folder,
                "call",
                &sequence,
                export::DRUM_CHANNEL,
            )));
        }
        if let Some(notice) = &self.export_notice {
            notice.show(ui);
        }
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

fn notice_of(written: std::io::Result<PathBuf>) -> Notice {
    match written {
        Ok(path) => Notice::ok(format!("wrote {}", path.display())),
        Err(error) => Notice::error(error.to_string()),
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
    use std::time::Instant;

    use antiphon_engine::phrase::TurnState;
    use egui::Color32;

    use super::*;
    use crate::editor::session::Lane;
    use crate::editor::test_support::{TestEditor, play, running_plugin, screen, texts};

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
        let heard: Vec<_> = app.session.hits(Lane::Call, 0..64).collect();
        assert_eq!(heard.len(), 8, "every beat of the call: {heard:?}");
        let answer = app.session.last_answer().expect("the model answered");
        assert_eq!(answer.response.start, 32);
        assert!(answer.log_likelihood < 0.0 && answer.per_step().is_finite());
        assert!(
            app.session.hits(Lane::Response, 32..64).count() > 0,
            "the answer's first bar played"
        );
        assert!(matches!(app.session.turn(), TurnState::Responding { .. }));
        assert_eq!(app.presets.presets.as_ref().map(Vec::len), Ok(4));

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

    #[test]
    fn every_parameter_has_a_control() {
        let (link, _performer) = running_plugin();
        let params = link.params.clone();
        let drawn = TestEditor::open(link).settled_texts();
        let params = nice_plug::prelude::Params::param_map(params.as_ref());
        assert_eq!(params.len(), 15);
        for (id, param, _) in params {
            // SAFETY: `params` is alive.
            let name = unsafe { param.name() };
            assert!(
                drawn.iter().any(|text| text == name),
                "no control for {id} ({name:?})"
            );
        }
    }

    /// egui's bundled fonts have no emoji or arrows (those come with a feature this crate leaves
    /// off to keep the plugin small): the editor writes only what they have.
    #[test]
    fn the_fonts_have_every_symbol_the_editor_writes() {
        let ctx = egui::Context::default();
        theme::apply(&ctx);
        // Fonts load with the first frame.
        ctx.run_ui(screen(), |_| {}).textures_delta.clear();
        // The transport readout is monospace; everything else proportional.
        let monospace = egui::FontId::monospace(13.0);
        let proportional = theme::font(14.0);
        let used = [('▶', &monospace), ('■', &monospace), ('·', &monospace)]
            .into_iter()
            .chain(
                ['…', '“', '”', '·', '×', '≤']
                    .into_iter()
                    .map(|symbol| (symbol, &proportional)),
            );
        let missing: Vec<_> = used
            .filter(|(symbol, font)| !ctx.fonts_mut(|fonts| fonts.has_glyph(font, *symbol)))
            .collect();
        assert!(missing.is_empty(), "missing glyphs: {missing:?}");
    }

    #[test]
    fn host_automation_shows_in_the_next_frame() {
        let (link, _performer) = running_plugin();
        let params = link.params.clone();
        let mut editor = TestEditor::open(link);
        assert!(editor.settled_texts().contains(&"4 bars".to_owned()));
        // What the plugin wrapper does when the host automates "Max Call Bars" to 7.
        let normalized = params.max_call_bars.preview_normalized(7);
        // SAFETY: the parameter is alive; the wrapper sets values this way on any thread.
        unsafe {
            params
                .max_call_bars
                .as_ptr()
                ._internal_set_normalized_value(normalized);
        }
        let drawn = texts(&editor.frame());
        assert!(drawn.contains(&"7 bars".to_owned()), "{drawn:?}");
    }

    #[test]
    fn a_minimum_above_the_maximum_is_shown_held_to_it() {
        let (link, _performer) = running_plugin();
        let params = link.params.clone();
        let mut editor = TestEditor::open(link);
        for (param, bars) in [(&params.min_call_bars, 6), (&params.max_call_bars, 3)] {
            let normalized = param.preview_normalized(bars);
            // SAFETY: as in `host_automation_shows_in_the_next_frame`.
            unsafe { param.as_ptr()._internal_set_normalized_value(normalized) };
        }
        let drawn = editor.settled_texts();
        assert!(
            drawn.contains(&"held to Max Call Bars: 3 bars".to_owned()),
            "{drawn:?}"
        );
    }

    #[test]
    fn the_export_buttons_write_the_last_call_and_response_at_the_host_tempo() {
        let (link, mut performer) = running_plugin();
        play(&link, &mut performer, 70);
        let mut editor = TestEditor::open(link);
        let folder = std::env::temp_dir().join(format!("antiphon-exports-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        editor.app.export_folder = folder.clone();
        editor.frames_until_answered();
        editor.frame();
        let output = editor.frame();
        let output = editor.click(&output, "Export last response");
        editor.click(&output, "Export last call");

        let read = |name: &str| {
            let bytes = std::fs::read(folder.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            antiphon_engine::midi_file::read_drums(&bytes)
                .unwrap()
                .sequence
        };
        let call = read("antiphon-call-001.mid");
        assert_eq!(call.tempo_bpm.round(), 120.0);
        assert_eq!(call.steps.len(), 32, "the two-bar call");
        assert_eq!(call.events().filter(|e| !e.is_rest()).count(), 8);
        let response = read("antiphon-response-001.mid");
        assert_eq!(response.steps.len(), 32, "the two-bar answer");
        let played: Vec<_> = editor.app.session.hits(Lane::Response, 32..64).collect();
        let written: Vec<_> = response
            .events()
            .enumerate()
            .filter(|(_, e)| !e.is_rest())
            .map(|(step, e)| (32 + step as i64, e))
            .collect();
        assert_eq!(written, played, "what the performer played, step for step");
        let notice = editor.app.export_notice.as_ref().unwrap();
        assert!(
            notice.ok && notice.text.contains("antiphon-call-001.mid"),
            "{}",
            notice.text
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn a_frame_takes_a_few_milliseconds() {
        let (link, mut performer) = running_plugin();
        play(&link, &mut performer, 44);
        let mut editor = TestEditor::open(link);
        let frames = 60;
        let started = Instant::now();
        for _ in 0..frames {
            let output = editor.frame();
            std::hint::black_box(
                editor
                    .ctx
                    .tessellate(output.shapes, output.pixels_per_point),
            );
        }
        let per_frame = started.elapsed() / frames;
        eprintln!("editor frame (layout + tessellation, no GPU): {per_frame:?}");
        // Generous: a debug build on a busy CI machine; a frame must still fit a 30 Hz redraw.
        assert!(
            per_frame < Duration::from_millis(33),
            "{per_frame:?} per frame"
        );
    }
}
