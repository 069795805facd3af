//! The header strip: the turn badge and what it means, the presets menu, the transport readout,
//! and what needs the player's attention (a call the model loaded does not hear as played, a
//! model-thread fault, what the last preset did).

use antiphon_engine::phrase::TurnState;
use egui::{Align, CornerRadius, Frame, Layout, Margin, RichText, Ui};
use nice_plug::prelude::ParamSetter;

use super::EditorLink;
use super::clock::Clock;
use super::preset_menu::PresetMenu;
use super::session::Session;
use super::status::TurnSummary;
use super::theme;

/// Draws the header of `session` at `clock`, with the presets menu.
pub fn draw(
    ui: &mut Ui,
    link: &EditorLink,
    session: &Session,
    clock: &Clock,
    presets: &mut PresetMenu,
    setter: &ParamSetter,
) {
    let summary = TurnSummary::of(session, clock, link.params.max_call_bars.value() as u32);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new("ANTIPHON")
                .strong()
                .size(20.0)
                .color(theme::TEXT),
        );
        ui.add_space(12.0);
        let badge = match summary.state {
            TurnState::Idle => theme::MUTED,
            TurnState::Listening { .. } => theme::CALL,
            TurnState::Responding { .. } => theme::RESPONSE,
        };
        Frame::NONE
            .fill(badge)
            .corner_radius(CornerRadius::same(4))
            .inner_margin(Margin::symmetric(10, 3))
            .show(ui, |ui| {
                ui.label(
                    RichText::new(summary.label())
                        .strong()
                        .size(16.0)
                        .color(theme::BACKGROUND),
                );
            });
        ui.label(RichText::new(summary.details()).size(15.0));
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            presets.button(ui, &link.params, setter);
            ui.add_space(12.0);
            ui.label(
                RichText::new(transport(clock))
                    .color(theme::MUTED)
                    .monospace(),
            );
        });
    });
    // The shipped model of another family, pointed to when the call suits it.
    let model_for = |family| {
        link.shelf
            .shipped_slot_of(family)
            .map(|slot| link.shelf.slot_text(slot))
    };
    let keys = session.call_keys();
    if let Some(notice) = session.family().call_notice(&keys, &model_for) {
        ui.label(RichText::new(notice).color(theme::ALERT).small());
    }
    if let Some(fault) = link.shelf.status().fault {
        ui.label(RichText::new(format!("model thread: {fault}")).color(theme::ALERT));
    }
    if let Some(notice) = presets.notice() {
        notice.show(ui);
    }
}

/// The transport readout: playing or stopped, bar and beat, tempo.
fn transport(clock: &Clock) -> String {
    if clock.tempo_bpm > 0.0 {
        let (bar, beat) = clock.bar_and_beat();
        format!(
            "{} {bar}.{beat} · {:.1} BPM",
            if clock.playing { "▶" } else { "■" },
            clock.tempo_bpm
        )
    } else {
        "■ waiting for the host transport".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use crate::editor::test_support::{
        TestEditor, play, play_melody, running_melody_plugin, running_plugin,
    };

    #[test]
    fn a_model_thread_fault_is_shown() {
        let (link, performer) = running_plugin();
        // Stops the model thread: a model it loaded after the fault would clear it.
        drop(performer);
        let shelf = link.shelf.clone();
        let mut editor = TestEditor::open(link);
        shelf.report_fault("model computation failed: out of memory".to_owned());
        let drawn = editor.settled_texts();
        assert!(
            drawn.contains(&"model thread: model computation failed: out of memory".to_owned()),
            "{drawn:?}"
        );
    }

    #[test]
    fn a_melody_played_to_the_drum_model_is_told() {
        let (link, mut performer) = running_plugin();
        play_melody(&link, &mut performer, 30);
        let drawn = TestEditor::open(link).settled_texts();
        let notice = drawn
            .iter()
            .find(|text| text.starts_with("the call looks like a melody: "))
            .unwrap_or_else(|| panic!("{drawn:?}"));
        assert!(
            notice.contains("5 of 5 notes are not drum-kit notes"),
            "{notice}"
        );
        assert!(
            notice.ends_with(&format!(
                "choose {} in Model",
                antiphon_engine::shipped::MELODY.name
            )),
            "{notice}"
        );
    }

    #[test]
    fn drums_played_to_the_melody_model_are_told_and_the_drum_model_named() {
        let (link, mut performer, folder) = running_melody_plugin("header-drums");
        play(&link, &mut performer, 30);
        let drawn = TestEditor::open(link).settled_texts();
        let notice = drawn
            .iter()
            .find(|text| text.starts_with("the call looks like drums: "))
            .unwrap_or_else(|| panic!("{drawn:?}"));
        assert!(
            notice.contains("8 of 8 notes are on channel 10"),
            "{notice}"
        );
        assert!(
            notice.ends_with(&format!(
                "choose {} in Model",
                antiphon_engine::shipped::DRUMS.name
            )),
            "{notice}"
        );
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
