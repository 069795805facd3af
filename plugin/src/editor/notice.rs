//! A message shown after an action: what happened, or what went wrong.

use egui::{RichText, Ui};

use super::theme;

/// What an action did, shown under the control that did it until the next one.
#[derive(Debug, Clone)]
pub struct Notice {
    /// The message.
    pub text: String,
    /// Whether it reports success (or else an error).
    pub ok: bool,
}

impl Notice {
    /// A success.
    pub fn ok(text: String) -> Notice {
        Notice { text, ok: true }
    }

    /// A failure, and why.
    pub fn error(text: String) -> Notice {
        Notice { text, ok: false }
    }

    /// One small line, green for success and red for an error.
    pub fn show(&self, ui: &mut Ui) {
        let color = if self.ok { theme::OK } else { theme::ALERT };
        ui.label(RichText::new(&self.text).color(color).small());
    }
}
