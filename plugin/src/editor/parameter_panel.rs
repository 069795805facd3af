//! The parameter column: how calls end and answers follow ("Phrase"), and how answers are made
//! and played ("Answer"). Every parameter the host automates has its control here; Key and Scale,
//! which shape melodic answers only, are greyed out and say so while a drum model answers.

use egui::{RichText, Ui};
use nice_plug::prelude::{Param, ParamSetter};

use super::EditorLink;
use super::model_panel;
use super::theme;
use super::widgets::{enum_row, int_menu_row, param_grid, slider_row, toggle_row};
use crate::AntiphonParams;

/// Draws the column, each control setting its parameter through `setter`.
pub fn draw(ui: &mut Ui, link: &EditorLink, setter: &ParamSetter) {
    let params = &link.params;
    param_grid(ui, "Phrase", "phrase_params", |ui| {
        slider_row(ui, setter, &params.max_call_bars);
        slider_row(ui, setter, &params.min_call_bars);
        held_to_max_row(ui, params);
        slider_row(ui, setter, &params.phrase_bars);
        toggle_row(ui, setter, &params.overlap);
        toggle_row(ui, setter, &params.loop_answer);
        toggle_row(ui, setter, &params.mutate);
        toggle_row(ui, setter, &params.jam);
        model_panel::slot_menu_row(ui, link, setter, &params.jam_model);
        enum_row(ui, setter, &params.end_call_trigger);
        slider_row(ui, setter, &params.end_call_number);
    });
    param_grid(ui, "Answer", "answer_params", |ui| {
        slider_row(ui, setter, &params.temperature);
        slider_row(ui, setter, &params.seed);
        slider_row(ui, setter, &params.beams);
        model_panel::slot_menu_row(ui, link, setter, &params.model);
        let unpitched = !link.shelf.status().family.pitched();
        int_menu_row(ui, setter, &params.key, unpitched);
        int_menu_row(ui, setter, &params.scale, unpitched);
        if unpitched {
            ui.label("");
            ui.label(RichText::new(PITCHES_ONLY).color(theme::MUTED).small());
            ui.end_row();
        }
        slider_row(ui, setter, &params.velocity);
        slider_row(ui, setter, &params.groove);
        slider_row(ui, setter, &params.out_channel);
        toggle_row(ui, setter, &params.passthrough);
        toggle_row(ui, setter, &params.bypass);
    });
}

/// What the greyed-out Key and Scale say while a model without pitches (drums) answers.
const PITCHES_ONLY: &str = "Key and Scale: pitched models only";

/// The performer never waits for more bars than the maximum: a grid row that says so when Min
/// Call Bars is above it.
fn held_to_max_row(ui: &mut Ui, params: &AntiphonParams) {
    let shortest = *params.settings().rules.call_bars().start();
    if shortest == params.min_call_bars.value() as u32 {
        return;
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::test_support::{
        TestEditor, running_melody_plugin, running_plugin, set_param, texts,
    };

    #[test]
    fn every_parameter_has_a_control() {
        let (link, _performer) = running_plugin();
        let params = link.params.clone();
        let drawn = TestEditor::open(link).settled_texts();
        let params = nice_plug::prelude::Params::param_map(params.as_ref());
        assert_eq!(params.len(), 22);
        for (id, param, _) in params {
            // SAFETY: `params` is alive.
            let name = unsafe { param.name() };
            assert!(
                drawn.iter().any(|text| text == name),
                "no control for {id} ({name:?})"
            );
        }
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
    fn key_and_scale_are_menus_of_their_values_for_a_melody_model() {
        let (link, _performer, folder) = running_melody_plugin("key-scale-menus");
        let params = link.params.clone();
        let mut editor = TestEditor::open(link);
        editor.frame();
        let output = editor.frame();
        assert!(!texts(&output).contains(&PITCHES_ONLY.to_owned()));
        // The Key menu lists Auto and the twelve tonics as the host shows them, a sharp as #
        // (the editor's font has none); G is chosen.
        let output = editor.click(&output, "Auto");
        let drawn = texts(&output);
        let tonics = [
            "C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B",
        ];
        for tonic in tonics.map(theme::in_font) {
            assert!(drawn.contains(&tonic), "{tonic} not in {drawn:?}");
        }
        editor.click(&output, "G");
        assert_eq!(params.key.to_string(), "G");

        // The Scale menu, from Major to Blues.
        set_param(&params.scale, 1);
        editor.frame();
        let output = editor.frame();
        let output = editor.click(&output, "Major");
        assert!(texts(&output).contains(&"Minor pentatonic".to_owned()));
        editor.click(&output, "Blues");
        assert_eq!(params.scale.to_string(), "Blues");
        std::fs::remove_dir_all(&folder).unwrap();
    }

    #[test]
    fn key_and_scale_say_they_are_for_melodies_while_drums_answer() {
        let (link, _performer) = running_plugin();
        let drawn = TestEditor::open(link).settled_texts();
        assert!(drawn.contains(&PITCHES_ONLY.to_owned()), "{drawn:?}");
        for name in ["Key", "Scale", "Auto", "Off"] {
            assert!(drawn.contains(&name.to_owned()), "{name} not in {drawn:?}");
        }
    }
}
