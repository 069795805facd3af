//! The editor as its window drives it, for unit tests: a running plugin (performer, model thread
//! and feed) with the shipped drum model or a melody model, a call played into it, and an open
//! editor whose frames are drawn and clicked without a window or a GPU.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use antiphon_engine::families::Family;
use antiphon_engine::shipped::SHIPPED_MODELS;

use antiphon_engine::live::io::{Input, InputKind};
use antiphon_engine::live::performer::Performer;
use antiphon_engine::midly::num::{u4, u7};
use antiphon_engine::transport::{Position, TimeSignature, Transport};
use egui::{FullOutput, Pos2, RawInput, Rect, vec2};
use nice_plug::context::PluginApi;
use nice_plug::context::gui::{GuiContext, GuiContextInner};
use nice_plug::prelude::{Param, ParamPtr, PluginState};
use parking_lot::Mutex;

use super::{EditorApp, EditorLink, theme};
use crate::AntiphonParams;
use crate::test_model::melody_model_folder;
use crate::test_support::shelf_with_folders;

const RATE: f64 = 48_000.0;
/// Samples per 16th step at 120 BPM.
const STEP: u64 = 6_000;

/// A host that sets the parameters the editor changes, as a plugin wrapper does, and records no
/// automation.
struct SettingHost;

impl GuiContextInner for SettingHost {
    fn plugin_api(&self) -> PluginApi {
        PluginApi::Clap
    }
    unsafe fn raw_begin_set_parameter(&self, _param: ParamPtr) {}
    unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
        // SAFETY: the editor sets its own plugin's parameters, alive while it draws.
        unsafe { param._internal_set_normalized_value(normalized) };
    }
    unsafe fn raw_end_set_parameter(&self, _param: ParamPtr) {}
    fn get_state(&self) -> PluginState {
        unreachable!("the editor does not read the plugin state")
    }
    fn set_state(&self, _state: PluginState) {}
    fn request_restart(&self) {}
}

/// A plugin's worth of shared state, with the performer running the shipped drum model and the
/// editor open.
pub fn running_plugin() -> (EditorLink, Performer) {
    start_plugin(&[], 0)
}

/// A plugin's worth of shared state, with the performer running a tiny melody model (in the
/// first user slot, the Model parameter on it; its folder, to remove, is returned) and the
/// editor open.
pub fn running_melody_plugin(name: &str) -> (EditorLink, Performer, PathBuf) {
    const FIRST_USER_SLOT: u32 = SHIPPED_MODELS.len() as u32;
    let folder = melody_model_folder(name);
    let (link, performer) = start_plugin(&[folder.to_str().unwrap()], FIRST_USER_SLOT);
    set_param(&link.params.model, FIRST_USER_SLOT as i32);
    let started = Instant::now();
    while link.shelf.status().family != Family::MELODY
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        link.shelf.status().family,
        Family::MELODY,
        "the model loaded"
    );
    (link, performer, folder)
}

fn start_plugin(folders: &[&str], slot: u32) -> (EditorLink, Performer) {
    let (shelf, user_models) = shelf_with_folders(folders);
    let params = Arc::new(AntiphonParams::new(shelf.clone(), user_models));
    let editor_open = Arc::new(AtomicBool::new(true));
    let (performer, feed) = Performer::start(
        shelf.clone(),
        params.learned.0.clone(),
        slot,
        RATE,
        true,
        editor_open.clone(),
    )
    .unwrap();
    let link = EditorLink {
        params,
        shelf,
        feed: Arc::new(Mutex::new(Some(feed))),
        monitor: Arc::new(Mutex::new(Some(performer.monitor()))),
        editor_open,
    };
    (link, performer)
}

/// Sets `param` to `value` as the plugin wrapper does when the host automates it.
pub fn set_param<P: Param>(param: &P, value: P::Plain) {
    let normalized = param.preview_normalized(value);
    // SAFETY: the parameter is alive; the wrapper sets values this way on any thread.
    unsafe { param.as_ptr()._internal_set_normalized_value(normalized) };
}

/// A note the player plays: channel, key, velocity (0–1), and the steps (fractional) where it is
/// struck and released.
#[derive(Debug, Clone, Copy)]
pub struct PlayedNote {
    pub channel: u8,
    pub key: u8,
    pub velocity: f32,
    pub on_steps: f64,
    pub off_steps: f64,
}

/// Plays a two-bar call of kicks and snares (bars 1–2) at 120 BPM, offline, until step
/// `until_step`; the call ends at bar 3 ("Max Call Bars" 2), where the two-bar answer starts
/// (step 32).
pub fn play(link: &EditorLink, performer: &mut Performer, until_step: u64) {
    let beats: Vec<PlayedNote> = (0..8)
        .map(|beat| PlayedNote {
            channel: 9,
            key: if beat % 2 == 0 { 36 } else { 38 },
            velocity: 1.0,
            on_steps: f64::from(beat * 4),
            off_steps: f64::from(beat * 4) + 100.0 / STEP as f64,
        })
        .collect();
    play_notes(link, performer, until_step, &beats);
}

/// The melodic call of [`play_melody`], on channel 1 at velocity 0.5 (64): (key, struck on
/// step, released on step) — C4 a quarter, E4 an eighth, G4 six 16ths, C5 a half, B4 a quarter.
pub const MELODY: [(u8, u32, u32); 5] = [
    (60, 0, 4),
    (64, 4, 6),
    (67, 8, 14),
    (72, 16, 24),
    (71, 24, 28),
];

/// Plays the two-bar melodic call [`MELODY`] at 120 BPM, offline, until step `until_step`; the
/// call ends at bar 3 ("Max Call Bars" 2), where the two-bar answer starts (step 32).
pub fn play_melody(link: &EditorLink, performer: &mut Performer, until_step: u64) {
    let notes: Vec<PlayedNote> = MELODY
        .iter()
        .map(|&(key, on, off)| PlayedNote {
            channel: 0,
            key,
            velocity: 0.5,
            on_steps: f64::from(on),
            // Released just before the step line: the release is heard on that step.
            off_steps: f64::from(off) - 0.05,
        })
        .collect();
    play_notes(link, performer, until_step, &notes);
}

/// Plays `notes` at 120 BPM, offline, until step `until_step`, with "Max Call Bars" and
/// "Phrase Bars" 2.
pub fn play_notes(
    link: &EditorLink,
    performer: &mut Performer,
    until_step: u64,
    notes: &[PlayedNote],
) {
    let mut settings = link.params.settings();
    settings.rules.max_call_bars = 2;
    settings.rules.response_bars = Some(2);
    let at = |steps: f64| (steps * STEP as f64).round() as u64;
    let mut start = 0;
    let block = 512;
    let mut inputs = Vec::new();
    while start < until_step * STEP {
        inputs.clear();
        for note in notes {
            let channel = u4::new(note.channel);
            let key = u7::new(note.key);
            for (at, kind) in [
                (
                    at(note.on_steps),
                    InputKind::NoteOn {
                        channel,
                        key,
                        velocity: note.velocity,
                    },
                ),
                (at(note.off_steps), InputKind::NoteOff { channel, key }),
            ] {
                if (start..start + block).contains(&at) {
                    inputs.push(Input {
                        offset: (at - start) as u32,
                        kind,
                    });
                }
            }
        }
        inputs.sort_by_key(|input| input.offset);
        let pos_ppq = start as f64 / (RATE / 2.0);
        let transport = Transport::Playing(Position {
            tempo_bpm: 120.0,
            pos_ppq,
            bar_start_ppq: (pos_ppq / 4.0).floor() * 4.0,
            time_signature: TimeSignature::FOUR_FOUR,
        });
        performer.process(transport, block as u32, &inputs, &settings, |_| {});
        start += block;
    }
}

/// The editor as its window opens it: the app, a themed egui context, and a host to set
/// parameters through.
pub struct TestEditor {
    /// The editor's state, for tests to look into.
    pub app: EditorApp,
    /// The egui context its frames are drawn in.
    pub ctx: egui::Context,
    gui: GuiContext,
}

impl TestEditor {
    /// The editor of the plugin behind `link`, its window just opened.
    pub fn open(link: EditorLink) -> TestEditor {
        let mut app = EditorApp::new(link);
        app.opened();
        let ctx = egui::Context::default();
        theme::apply(&ctx);
        TestEditor {
            app,
            ctx,
            gui: GuiContext::new(Arc::new(SettingHost)),
        }
    }

    /// One frame, as the window would draw it (its texture updates dropped: there is no GPU).
    pub fn frame(&mut self) -> FullOutput {
        self.frame_with(screen())
    }

    fn frame_with(&mut self, input: RawInput) -> FullOutput {
        let setter = self.gui.param_setter();
        let mut output = self.ctx.run_ui(input, |ui| self.app.frame(ui, &setter));
        output.textures_delta.clear();
        output
    }

    /// The texts of the second frame from now: grids size themselves on the first.
    pub fn settled_texts(&mut self) -> Vec<String> {
        self.frame();
        texts(&self.frame())
    }

    /// Redraws as the window would until the model's answer arrives: the model thread reports it
    /// once it has generated all of it, which may be after the blocks played so far.
    pub fn frames_until_answered(&mut self) {
        let started = Instant::now();
        while self.app.session.last_answer().is_none()
            && started.elapsed() < Duration::from_secs(20)
        {
            self.frame();
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Clicks the text `label` of the last frame `output` as a user would (move, press,
    /// release), and returns the frame after.
    pub fn click(&mut self, output: &FullOutput, label: &str) -> FullOutput {
        let at = text_rect(output, label)
            .unwrap_or_else(|| panic!("no {label:?} on screen: {:?}", texts(output)))
            .center();
        let button = |pressed| egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        };
        for event in [egui::Event::PointerMoved(at), button(true), button(false)] {
            self.frame_with(RawInput {
                events: vec![event],
                ..screen()
            });
        }
        self.frame()
    }
}

/// The input of a frame at the editor's size, with no events.
pub fn screen() -> RawInput {
    RawInput {
        screen_rect: Some(Rect::from_min_size(
            Pos2::ZERO,
            vec2(theme::WINDOW_WIDTH as f32, theme::WINDOW_HEIGHT as f32),
        )),
        ..RawInput::default()
    }
}

/// Every text the frame draws.
pub fn texts(output: &FullOutput) -> Vec<String> {
    fn collect(shape: &egui::Shape, texts: &mut Vec<String>) {
        match shape {
            egui::Shape::Text(text) => texts.push(text.galley.text().to_owned()),
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| collect(s, texts)),
            _ => {}
        }
    }
    let mut texts = Vec::new();
    for clipped in &output.shapes {
        collect(&clipped.shape, &mut texts);
    }
    texts
}

/// Where the frame draws the text `label`.
fn text_rect(output: &FullOutput, label: &str) -> Option<Rect> {
    fn find(shape: &egui::Shape, label: &str) -> Option<Rect> {
        match shape {
            egui::Shape::Text(text) if text.galley.text() == label => {
                Some(text.visual_bounding_rect())
            }
            egui::Shape::Vec(shapes) => shapes.iter().find_map(|s| find(s, label)),
            _ => None,
        }
    }
    output
        .shapes
        .iter()
        .rev()
        .find_map(|clipped| find(&clipped.shape, label))
}
