//! The look: dark, high-contrast, legible from behind a kit. Sizes are in logical points, so the
//! host's DPI scale enlarges everything together.

use egui::{Color32, FontFamily, FontId, Stroke, TextStyle, Theme, Visuals};

/// Window background.
pub const BACKGROUND: Color32 = Color32::from_rgb(0x14, 0x16, 0x1b);
/// Panels and the roll's lanes.
pub const PANEL: Color32 = Color32::from_rgb(0x1c, 0x1f, 0x26);
/// Shaded rows of the roll: every other drum row, the black keys' pitch rows.
pub const ROW_STRIPE: Color32 = Color32::from_rgb(0x22, 0x26, 0x2e);
/// Beat lines.
pub const BEAT_LINE: Color32 = Color32::from_rgb(0x2e, 0x33, 0x3d);
/// Bar lines.
pub const BAR_LINE: Color32 = Color32::from_rgb(0x5a, 0x62, 0x72);
/// Ordinary text.
pub const TEXT: Color32 = Color32::from_rgb(0xe6, 0xe9, 0xef);
/// Labels and secondary text.
pub const MUTED: Color32 = Color32::from_rgb(0x8d, 0x95, 0xa5);
/// The player's call: warm amber.
pub const CALL: Color32 = Color32::from_rgb(0xff, 0xb0, 0x3b);
/// The model's response: cool cyan.
pub const RESPONSE: Color32 = Color32::from_rgb(0x3b, 0xd4, 0xf0);
/// Response steps that came too late to play, and errors.
pub const ALERT: Color32 = Color32::from_rgb(0xff, 0x55, 0x5e);
/// The play position.
pub const PLAYHEAD: Color32 = Color32::from_rgb(0xf5, 0xf5, 0xf5);
/// Confirmations (file written, model loaded).
pub const OK: Color32 = Color32::from_rgb(0x7c, 0xd9, 0x7a);

/// Height of one drum row in the roll (the pitch rows share the same lane height).
pub const ROW_HEIGHT: f32 = 12.0;
/// Width of the row-name column of the roll.
pub const ROW_LABEL_WIDTH: f32 = 74.0;

/// The editor's logical size (the host scales it by its DPI).
pub const WINDOW_WIDTH: u32 = 1060;
/// See [`WINDOW_WIDTH`].
pub const WINDOW_HEIGHT: u32 = 810;

/// `color` at `alpha` (0–255) over whatever lies below.
pub fn faded(color: Color32, alpha: u8) -> Color32 {
    Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), alpha)
}

/// `text` (a parameter's value as the host shows it) in glyphs the editor's fonts have: egui's
/// bundled fonts have no music sharp, so a key such as "F♯" reads "F#".
pub fn in_font(text: &str) -> String {
    text.replace('♯', "#")
}

/// The proportional font at `size` points.
pub fn font(size: f32) -> FontId {
    FontId::new(size, FontFamily::Proportional)
}

/// Applies the theme to `ctx`.
pub fn apply(ctx: &egui::Context) {
    let mut style = (*ctx.style_of(Theme::Dark)).clone();
    style.text_styles = [
        (TextStyle::Heading, font(20.0)),
        (TextStyle::Body, font(14.0)),
        (TextStyle::Button, font(14.0)),
        (TextStyle::Small, font(11.0)),
        (
            TextStyle::Monospace,
            FontId::new(13.0, FontFamily::Monospace),
        ),
    ]
    .into();
    let mut visuals = Visuals::dark();
    visuals.panel_fill = BACKGROUND;
    visuals.window_fill = PANEL;
    visuals.extreme_bg_color = Color32::from_rgb(0x0e, 0x10, 0x14);
    visuals.override_text_color = Some(TEXT);
    // Neutral: cyan and amber mean the response and the call, nothing else.
    visuals.selection.bg_fill = Color32::from_rgb(0x4a, 0x55, 0x6b);
    visuals.selection.stroke = Stroke::new(1.0, TEXT);
    visuals.widgets.noninteractive.bg_stroke = Stroke::new(1.0, BEAT_LINE);
    style.visuals = visuals;
    style.spacing.item_spacing = egui::vec2(8.0, 6.0);
    style.spacing.interact_size.y = 22.0;
    ctx.set_style_of(Theme::Dark, style);
    ctx.set_theme(Theme::Dark);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::test_support::screen;

    /// egui's bundled fonts have no emoji or arrows (those come with a feature this crate leaves
    /// off to keep the plugin small): the editor writes only what they have.
    #[test]
    fn the_fonts_have_every_symbol_the_editor_writes() {
        let ctx = egui::Context::default();
        apply(&ctx);
        // Fonts load with the first frame.
        ctx.run_ui(screen(), |_| {}).textures_delta.clear();
        // The transport readout is monospace; everything else proportional.
        let monospace = egui::FontId::monospace(13.0);
        let proportional = font(14.0);
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
        // Every key's name, as the Key menu shows it.
        for key in antiphon_engine::encoding::scale::Tonic::ALL {
            for symbol in in_font(key.name()).chars() {
                assert!(
                    ctx.fonts_mut(|fonts| fonts.has_glyph(&proportional, symbol)),
                    "{symbol:?} of {} is missing",
                    key.name()
                );
            }
        }
    }
}
