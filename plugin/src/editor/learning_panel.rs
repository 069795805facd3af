//! What the model learned of the player this session: calls and bars heard, each call's
//! log-likelihood under the loaded model and the adapted one (the drift, going the player's
//! way), a line where each adaptation landed, and Forget.

use antiphon_engine::learn::session::{CallScore, LearnView, SessionLearning};
use egui::{RichText, Ui};
use egui_plot::{Line, PlotPoints, VLine};
use nice_plug::prelude::{BoolParam, Param, ParamSetter};

use super::likelihood_plot::history_plot;
use super::theme;
use super::widgets::{section, toggle};

/// Height of the history plot.
const PLOT_HEIGHT: f32 = 70.0;
/// Calls the x axis spans at least.
const MIN_CALLS_SHOWN: usize = 8;

/// Draws the view under the Learn switch; Forget clears what was learned.
pub fn draw(ui: &mut Ui, learning: &SessionLearning, learn: &BoolParam, setter: &ParamSetter) {
    let view = learning.view();
    section(ui, "Learning");
    ui.horizontal(|ui| {
        ui.label(learn.name());
        toggle(ui, setter, learn);
        if ui
            .add_enabled(view.calls > 0, egui::Button::new("Forget"))
            .on_hover_text("Back to the model as it was loaded")
            .clicked()
        {
            learning.forget();
        }
    });
    ui.label(RichText::new(summary(&view)).small());
    ui.label(
        RichText::new(who_answers(&view))
            .color(theme::MUTED)
            .small(),
    );
    if let Some(fault) = &view.fault {
        ui.label(RichText::new(fault).color(theme::ALERT).small());
    }
    let calls = |score: fn(&CallScore) -> f32| {
        let points: Vec<[f64; 2]> = view
            .history
            .iter()
            .enumerate()
            .map(|(i, s)| [(i + 1) as f64, f64::from(score(s))])
            .collect();
        PlotPoints::new(points)
    };
    let calls_shown = view.history.len().max(MIN_CALLS_SHOWN) as f64;
    history_plot("learning_history", PLOT_HEIGHT, calls_shown).show(ui, |plot| {
        for &landed in &view.landed {
            plot.vline(
                VLine::new("adaptation", landed as f64 + 0.5)
                    .color(theme::BEAT_LINE)
                    .width(1.0),
            );
        }
        plot.line(
            Line::new("loaded", calls(|s| s.loaded))
                .color(theme::MUTED)
                .width(1.5),
        );
        plot.line(
            Line::new("adapted", calls(|s| s.adapted))
                .color(theme::RESPONSE)
                .width(1.5),
        );
    });
    ui.label(
        RichText::new("ln p per event of each call: loaded (grey), adapted (blue)")
            .color(theme::MUTED)
            .small(),
    );
}

/// "12 calls heard (24 bars), 11 adaptations".
pub fn summary(view: &LearnView) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} heard ({:.0} bars), {}",
        plural(view.calls, "call", "calls"),
        view.bars,
        plural(view.landed.len(), "adaptation", "adaptations")
    )
}

/// Which model answers, and why.
pub fn who_answers(view: &LearnView) -> &'static str {
    if view.replaying {
        "Replaying the song's learning; the loaded model answers meanwhile"
    } else if view.full {
        "Memory full: Learn hears no more calls until Forget"
    } else if !view.landed.is_empty() {
        "The adapted model answers, mixed step by step with the loaded one by how well each \
         foretells you"
    } else if view.calls == 0 {
        "Turn Learn on to learn from the calls you play"
    } else {
        "The loaded model answers until the first adaptation lands"
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::editor::test_support::{TestEditor, play, running_plugin, set_param, texts};

    #[test]
    fn a_call_heard_with_learn_on_shows_and_forget_lets_it_go() {
        let (link, mut performer) = running_plugin();
        set_param(&link.params.learn, true);
        let learning = link.params.learned.0.clone();
        play(&link, &mut performer, 44);
        let mut editor = TestEditor::open(link);
        editor.frames_until_answered();
        assert!(
            learning.wait_until_caught_up(Duration::from_secs(60), || true),
            "the learner learned from the call"
        );
        editor.frame();
        let output = editor.frame();
        let shown = texts(&output);
        assert!(
            shown
                .iter()
                .any(|t| t == "1 call heard (2 bars), 1 adaptation"),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|t| t.starts_with("The adapted model answers"))
        );
        let output = editor.click(&output, "Forget");
        assert_eq!(learning.view().calls, 0);
        let shown = texts(&output);
        assert!(
            shown
                .iter()
                .any(|t| t == "0 calls heard (0 bars), 0 adaptations"),
            "{shown:?}"
        );
    }

    #[test]
    fn the_summary_counts_calls_bars_and_adaptations_and_says_who_answers() {
        let mut view = LearnView::default();
        assert_eq!(summary(&view), "0 calls heard (0 bars), 0 adaptations");
        assert!(who_answers(&view).contains("Turn Learn on"));
        view.calls = 1;
        view.bars = 2.0;
        view.landed = vec![1];
        assert_eq!(summary(&view), "1 call heard (2 bars), 1 adaptation");
        assert!(who_answers(&view).contains("adapted model answers"));
        view.landed.clear();
        assert!(who_answers(&view).contains("loaded model answers until"));
        view.replaying = true;
        assert!(who_answers(&view).starts_with("Replaying"));
    }
}
