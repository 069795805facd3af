//! The session's log-likelihood history: every answer's total and per-step mean, so a performer
//! sees the model's drift (the "courage" of an answer that strays from what it knows).

use egui::Ui;
use egui_plot::{Line, MarkerShape, Plot, PlotPoints, Points};

use super::session::Session;
use super::theme;

/// Height of each of the two small plots.
const PLOT_HEIGHT: f32 = 62.0;
/// Answers the x axis spans at least, so the first few do not fill the plot.
const MIN_ANSWERS_SHOWN: usize = 8;

/// Draws both plots, one under the other, across the available width.
pub fn draw(ui: &mut Ui, session: &Session) {
    let totals: Vec<[f64; 2]> = session
        .answers()
        .map(|a| [f64::from(a.number), f64::from(a.log_likelihood)])
        .collect();
    let means: Vec<[f64; 2]> = session
        .answers()
        .map(|a| [f64::from(a.number), f64::from(a.per_step())])
        .collect();
    series(ui, "total log-likelihood (nats)", "ll_total", totals);
    series(ui, "per-step mean (nats/step)", "ll_mean", means);
}

/// A small plot that stays put (no dragging or zooming) over items 1 to `items`, one per x.
pub fn history_plot(id: &str, height: f32, items: f64) -> Plot<'_> {
    Plot::new(id)
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        .show_y(false)
        .y_axis_min_width(36.0)
        .include_x(0.5)
        .include_x(items + 0.5)
}

fn series(ui: &mut Ui, title: &str, id: &str, points: Vec<[f64; 2]>) {
    ui.label(egui::RichText::new(title).color(theme::MUTED).small());
    let last = points.last().copied();
    let answers = points.len().max(MIN_ANSWERS_SHOWN) as f64;
    history_plot(id, PLOT_HEIGHT, answers)
        .include_y(0.0)
        .show(ui, |plot| {
            plot.line(
                Line::new(title, PlotPoints::new(points))
                    .color(theme::RESPONSE)
                    .width(1.5),
            );
            if let Some(last) = last {
                plot.points(
                    Points::new("latest", PlotPoints::new(vec![last]))
                        .shape(MarkerShape::Circle)
                        .filled(true)
                        .radius(3.5)
                        .color(theme::TEXT),
                );
            }
        });
}
