//! The "Export as MIDI" column: the folder exports go to, a button for the last response and
//! one for the last call, and what the last export wrote.

use std::path::PathBuf;

use antiphon_engine::midly::num::{u4, u7};
use egui::{Color32, RichText, Ui};

use super::clock::Clock;
use super::export;
use super::notice::Notice;
use super::session::{Session, Take};
use super::theme;
use super::widgets::section;
use crate::AntiphonParams;

/// The export column's state between frames.
pub struct ExportPanel {
    /// Where exports go; chosen when the window opens.
    pub(super) folder: PathBuf,
    /// What the last export wrote, or why it could not.
    pub(super) notice: Option<Notice>,
}

impl ExportPanel {
    /// A panel with no folder chosen yet.
    pub fn new() -> ExportPanel {
        ExportPanel {
            folder: PathBuf::new(),
            notice: None,
        }
    }

    /// Chooses the export folder (the window opened).
    pub fn opened(&mut self) {
        self.folder = export::default_folder();
    }

    /// The column; phrases are written at the tempo and meter of `clock`.
    pub fn draw(&mut self, ui: &mut Ui, params: &AntiphonParams, session: &Session, clock: &Clock) {
        section(ui, "Export as MIDI");
        ui.label(RichText::new("to").color(theme::MUTED).small());
        ui.label(
            RichText::new(self.folder.display().to_string())
                .monospace()
                .small(),
        );
        let response = session.last_response();
        if let Some(take) = button(ui, "Export last response", theme::RESPONSE, response) {
            // Written as the plugin plays it: on the answer's channel, at the Velocity parameter's
            // velocity or, "as played", at the call's.
            let settings = params.settings();
            let velocity = settings.velocity.unwrap_or(take.voicing().velocity);
            self.write(&take, clock, "response", velocity, settings.out_channel);
        }
        let call = session.last_call();
        if let Some(take) = button(ui, "Export last call", theme::CALL, call) {
            // As it was played (each hit's velocity, and a drum's timing), drums on the drum
            // channel.
            let velocity = take.voicing().velocity;
            let channel = export::call_channel(take.family);
            self.write(&take, clock, "call", velocity, channel);
        }
        if let Some(notice) = &self.notice {
            notice.show(ui);
        }
    }

    /// Writes `take` as a `kind` file and notes what became of it.
    fn write(&mut self, take: &Take, clock: &Clock, kind: &str, velocity: u7, channel: u4) {
        let bytes = export::midi_bytes(
            take,
            clock.steps_per_bar(),
            clock.tempo_bpm,
            velocity,
            channel,
        );
        self.notice = Some(match export::write(&self.folder, kind, &bytes) {
            Ok(path) => Notice::ok(format!("wrote {}", path.display())),
            Err(error) => Notice::error(error.to_string()),
        });
    }
}

/// A button labelled `label`, greyed out without a `take`; the take when clicked.
fn button(ui: &mut Ui, label: &str, color: Color32, take: Option<Take>) -> Option<Take> {
    let clicked = ui
        .add_enabled(
            take.is_some(),
            egui::Button::new(RichText::new(label).color(color)),
        )
        .clicked();
    take.filter(|_| clicked)
}

#[cfg(test)]
mod tests {
    use antiphon_engine::families::drums::encoding::DrumEvent;

    use antiphon_engine::families::melody::read::read_melody;

    use crate::editor::session::Lane;
    use crate::editor::test_support::{
        MELODY, TestEditor, play, play_melody, running_melody_plugin, running_plugin, set_param,
    };

    /// Once the answer is in, clicks both export buttons with the export folder set to a new
    /// temporary folder named after `name`, and returns that folder.
    fn export_both(editor: &mut TestEditor, name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!("antiphon-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap();
        editor.app.export.folder = folder.clone();
        editor.frames_until_answered();
        editor.frame();
        let output = editor.frame();
        let output = editor.click(&output, "Export last response");
        editor.click(&output, "Export last call");
        folder
    }

    #[test]
    fn the_export_buttons_write_the_last_call_and_response_at_the_host_tempo() {
        let (link, mut performer) = running_plugin();
        play(&link, &mut performer, 70);
        let mut editor = TestEditor::open(link);
        let folder = export_both(&mut editor, "exports");

        let read = |name: &str| {
            let bytes = std::fs::read(folder.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            antiphon_engine::families::drums::read::read_drums(&bytes)
                .unwrap()
                .sequence
        };
        let call = read("antiphon-call-001.mid");
        assert_eq!(call.tempo_bpm.round(), 120.0);
        assert_eq!(call.steps.len(), 32, "the two-bar call");
        assert_eq!(call.events().filter(|e| !e.is_rest()).count(), 8);
        let response = read("antiphon-response-001.mid");
        assert_eq!(response.steps.len(), 32, "the two-bar answer");
        let played: Vec<_> = editor
            .app
            .session
            .steps(Lane::Response, 32..64)
            .map(|(step, played)| (step, DrumEvent::from_id(played.events.ids()[0]).unwrap()))
            .collect();
        let written: Vec<_> = response
            .events()
            .enumerate()
            .filter(|(_, e)| !e.is_rest())
            .map(|(step, e)| (32 + step as i64, e))
            .collect();
        assert_eq!(written, played, "what the performer played, step for step");
        let notice = editor.app.export.notice.as_ref().unwrap();
        assert!(
            notice.ok && notice.text.contains("antiphon-call-001.mid"),
            "{}",
            notice.text
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }

    /// The notes of the melody file `name` in `folder`: (start step, length in steps, key as
    /// sounded, velocity).
    fn melody_file_notes(folder: &std::path::Path, name: &str) -> Vec<(i64, i64, u8, u8)> {
        let bytes = std::fs::read(folder.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let read = read_melody(&bytes).unwrap();
        assert_eq!(read.sequence.tempo_bpm.round(), 120.0);
        let shift = i16::from(read.sequence.octave_shift_semitones);
        read.sequence
            .notes()
            .map(|note| {
                let span = note.span;
                let key = (i16::from(span.pitch.midi()) - shift) as u8;
                let start = span.start_step as i64;
                (start, span.len_steps as i64, key, note.velocity.as_int())
            })
            .collect()
    }

    #[test]
    fn a_melodic_call_and_answer_are_exported_with_their_notes_lengths() {
        let (link, mut performer, models) = running_melody_plugin("export-melody");
        let params = link.params.clone();
        set_param(&params.seed, 7);
        // Channel 10 would make the answer a drum part.
        set_param(&params.out_channel, 1);
        play_melody(&link, &mut performer, 70);
        let mut editor = TestEditor::open(link);
        let folder = export_both(&mut editor, "melody-exports");

        // The call as it was played, every note at its mean velocity (64, as played).
        let call: Vec<_> = MELODY
            .iter()
            .map(|&(key, on, off)| (i64::from(on), i64::from(off - on), key, 64))
            .collect();
        assert_eq!(melody_file_notes(&folder, "antiphon-call-001.mid"), call);
        // The answer note for note as the performer played it, at the Velocity parameter's
        // "as played": the call's.
        let played: Vec<_> = editor
            .app
            .session
            .notes(Lane::Response, 32..64)
            .into_iter()
            .map(|note| {
                let key = note.key;
                let length = note.end_step - note.start_step;
                (note.start_step - 32, length, key.as_int(), 64)
            })
            .collect();
        assert!(
            played.len() > 1 && played.iter().any(|&(_, length, _, _)| length > 1),
            "notes of several lengths: {played:?}"
        );
        assert_eq!(
            melody_file_notes(&folder, "antiphon-response-001.mid"),
            played
        );
        std::fs::remove_dir_all(&folder).unwrap();
        std::fs::remove_dir_all(&models).unwrap();
    }
}
