//! The "Answer log-likelihood" column: the last answer's numbers (total, per step, and the
//! call's), and their history as a plot.

use egui::{Grid, RichText, Ui, WidgetText};

use super::likelihood_plot;
use super::session::Session;
use super::theme;
use super::widgets::section;

/// Draws the column for `session`.
pub fn draw(ui: &mut Ui, session: &Session) {
    section(ui, "Answer log-likelihood");
    match session.last_answer() {
        Some(last) => {
            Grid::new("answer_stats")
                .num_columns(2)
                .spacing([10.0, 2.0])
                .show(ui, |ui| {
                    row(
                        ui,
                        "answer",
                        format!("#{} · {} steps", last.number, last.response.len_steps()),
                    );
                    row(
                        ui,
                        "total",
                        headline(format!("{:.1} nats", last.log_likelihood)),
                    );
                    row(
                        ui,
                        "per step",
                        headline(format!("{:.2} nats", last.per_step())),
                    );
                    row(
                        ui,
                        "call",
                        RichText::new(format!("{:.1} nats", last.call_log_likelihood))
                            .color(theme::CALL),
                    );
                });
        }
        None => {
            ui.label(RichText::new("no answer yet").color(theme::MUTED));
        }
    }
    likelihood_plot::draw(ui, session);
}

/// A grid row: a muted name and its value.
fn row(ui: &mut Ui, name: &str, value: impl Into<WidgetText>) {
    ui.label(RichText::new(name).color(theme::MUTED));
    ui.label(value);
    ui.end_row();
}

/// The answer's own numbers: large, in the response's colour.
fn headline(text: String) -> RichText {
    RichText::new(text).size(18.0).color(theme::RESPONSE)
}
