//! The parameter column: how calls end and answers follow ("Phrase"), and how answers are made
//! and played ("Answer"). Every parameter the host automates has its control here.

use egui::{RichText, Ui};
use nice_plug::prelude::{Param, ParamSetter};

use super::EditorLink;
use super::model_panel;
use super::theme;
use super::widgets::{enum_row, param_grid, slider_row, toggle_row};
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
        enum_row(ui, setter, &params.end_call_trigger);
        slider_row(ui, setter, &params.end_call_number);
    });
    param_grid(ui, "Answer", "answer_params", |ui| {
        slider_row(ui, setter, &params.temperature);
        slider_row(ui, setter, &params.seed);
        model_panel::slot_menu_row(ui, link, setter);
        slider_row(ui, setter, &params.key);
        slider_row(ui, setter, &params.scale);
        slider_row(ui, setter, &params.velocity);
        slider_row(ui, setter, &params.out_channel);
        toggle_row(ui, setter, &params.passthrough);
        toggle_row(ui, setter, &params.bypass);
    });
}

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
    use crate::editor::test_support::{TestEditor, running_plugin, texts};

    #[test]
    fn every_parameter_has_a_control() {
        let (link, _performer) = running_plugin();
        let params = link.params.clone();
        let drawn = TestEditor::open(link).settled_texts();
        let params = nice_plug::prelude::Params::param_map(params.as_ref());
        assert_eq!(params.len(), 17);
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
}
