//! The small pieces the panels are drawn with: section titles, and one-line parameter controls
//! for two-column grids, each change sent to the host as one gesture.

use egui::{ComboBox, Grid, RichText, Ui};
use nice_plug::prelude::{BoolParam, Enum, EnumParam, IntParam, Param, ParamSetter};
use nice_plug_egui::widgets::ParamSlider;

use super::theme;

/// A panel's title.
pub fn section(ui: &mut Ui, title: &str) {
    ui.add_space(4.0);
    ui.label(
        RichText::new(title.to_uppercase())
            .strong()
            .color(theme::MUTED),
    );
    ui.add_space(2.0);
}

/// A titled two-column grid (its egui id `grid_id`) of parameter rows.
pub fn param_grid(ui: &mut Ui, title: &str, grid_id: &str, rows: impl FnOnce(&mut Ui)) {
    section(ui, title);
    Grid::new(grid_id)
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, rows);
}

/// Sets `param` to `value` as one host gesture (begin, set, end), so hosts record it as
/// automation.
pub fn set<P: Param>(setter: &ParamSetter, param: &P, value: P::Plain) {
    setter.begin_set_parameter(param);
    setter.set_parameter(param, value);
    setter.end_set_parameter(param);
}

/// A grid row: `param`'s name and a slider.
pub fn slider_row<P: Param>(ui: &mut Ui, setter: &ParamSetter, param: &P) {
    ui.label(param.name());
    ui.add(ParamSlider::for_param(param, setter).with_width(100.0));
    ui.end_row();
}

/// A grid row: `param`'s name and an On/Off switch.
pub fn toggle_row(ui: &mut Ui, setter: &ParamSetter, param: &BoolParam) {
    ui.label(param.name());
    toggle(ui, setter, param);
    ui.end_row();
}

/// `param`'s On/Off switch.
pub fn toggle(ui: &mut Ui, setter: &ParamSetter, param: &BoolParam) {
    let on = param.value();
    let (text, color) = if on {
        ("On", theme::TEXT)
    } else {
        ("Off", theme::MUTED)
    };
    if ui
        .selectable_label(on, RichText::new(text).color(color))
        .clicked()
    {
        set(setter, param, !on);
    }
}

/// A grid row: `param`'s name and a menu of its variants.
pub fn enum_row<T: Enum + PartialEq + 'static>(
    ui: &mut Ui,
    setter: &ParamSetter,
    param: &EnumParam<T>,
) {
    ui.label(param.name());
    let current = param.value().to_index();
    ComboBox::from_id_salt(param.name())
        .selected_text(param.to_string())
        .width(120.0)
        .show_ui(ui, |ui| {
            for (index, name) in T::variants().iter().enumerate() {
                if ui.selectable_label(index == current, *name).clicked() {
                    set(setter, param, T::from_index(index));
                }
            }
        });
    ui.end_row();
}

/// A grid row: `param`'s name and a menu of every value it takes, each by the text the parameter
/// shows for it (as hosts show it). `dimmed` greys the row out for a parameter that does nothing
/// now but can still be set.
pub fn int_menu_row(ui: &mut Ui, setter: &ParamSetter, param: &IntParam, dimmed: bool) {
    let color = if dimmed { theme::MUTED } else { theme::TEXT };
    ui.label(RichText::new(param.name()).color(color));
    let range = param.range();
    let current = param.value();
    ComboBox::from_id_salt(param.name())
        .selected_text(RichText::new(theme::in_font(&param.to_string())).color(color))
        .width(120.0)
        // Every value in view at once (egui's default shows eight or so, then scrolls).
        .height(f32::INFINITY)
        .show_ui(ui, |ui| {
            for value in range.unnormalize(0.0)..=range.unnormalize(1.0) {
                let text = param.normalized_value_to_string(param.preview_normalized(value), true);
                if ui
                    .selectable_label(value == current, theme::in_font(&text))
                    .clicked()
                {
                    set(setter, param, value);
                }
            }
        });
    ui.end_row();
}
