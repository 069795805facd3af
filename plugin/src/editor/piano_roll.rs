//! The two-lane piano roll: the player's call above, the model's response below, each on the
//! nine named drum rows or, for a melody model, on pitch rows spanning both lanes' notes (as long
//! as they sounded); the bar grid and the play position, scrolling with the host transport.

use antiphon_engine::families::drums::encoding::NUM_CLASSES;
use antiphon_engine::hit::STEPS_PER_QUARTER;
use antiphon_engine::phrase::{StepSpan, TurnState};
use egui::{Align2, CornerRadius, Pos2, Rect, Sense, Stroke, StrokeKind, Ui, pos2, vec2};

use super::clock::{Clock, View};
use super::roll_layout::{LaneLayout, RollContent};
use super::session::{Lane, Session};
use super::theme;

/// Height of a lane's title strip.
const LANE_TITLE_HEIGHT: f32 = 18.0;
/// Height of the bar-number ruler.
const RULER_HEIGHT: f32 = 16.0;
/// Space between the lanes.
const LANE_GAP: f32 = 6.0;
/// Bars shown, and how many of them lie ahead of the play position.
pub const BARS_SHOWN: u32 = 8;
/// See [`BARS_SHOWN`].
pub const BARS_AHEAD: u32 = 2;

/// Height the roll takes.
pub fn height() -> f32 {
    RULER_HEIGHT + 2.0 * lane_height() + LANE_GAP
}

/// The same for drums and melodies: the pitch rows share the drum rows' height.
fn lane_height() -> f32 {
    LANE_TITLE_HEIGHT + NUM_CLASSES as f32 * theme::ROW_HEIGHT
}

/// Draws the roll across the available width.
pub fn draw(ui: &mut Ui, session: &Session, clock: &Clock) {
    let width = ui.available_width();
    let (rect, _) = ui.allocate_exact_size(vec2(width, height()), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, CornerRadius::same(4), theme::BACKGROUND);

    let view = View::following(clock, BARS_SHOWN, BARS_AHEAD);
    let grid = Rect::from_min_max(
        pos2(rect.left() + theme::ROW_LABEL_WIDTH, rect.top()),
        rect.right_bottom(),
    );
    let x_of = |step: f64| grid.left() + view.fraction(step) as f32 * grid.width();
    let ruler = Rect::from_min_size(grid.left_top(), vec2(grid.width(), RULER_HEIGHT));
    let call_lane = Rect::from_min_size(
        pos2(rect.left(), ruler.bottom()),
        vec2(rect.width(), lane_height()),
    );
    let response_lane = call_lane.translate(vec2(0.0, lane_height() + LANE_GAP));
    let content = RollContent::of(session, &view);
    let layout = |lane_rect: Rect| {
        let rows = Rect::from_min_max(
            pos2(grid.left(), lane_rect.top() + LANE_TITLE_HEIGHT),
            lane_rect.right_bottom(),
        );
        LaneLayout::new(rows, &content.rows, view)
    };

    for (lane, lane_rect) in [(Lane::Call, call_lane), (Lane::Response, response_lane)] {
        draw_lane_background(&painter, lane, lane_rect, &layout(lane_rect));
    }

    // Phrase spans, under the grid and the hits.
    let span_rect = |span: StepSpan, lane_rect: Rect| {
        Rect::from_x_y_ranges(
            x_of(span.start as f64).max(grid.left())..=x_of(span.end as f64).min(grid.right()),
            lane_rect.top()..=lane_rect.bottom(),
        )
    };
    for call in session.calls() {
        painter.rect_filled(span_rect(call, call_lane), 0, theme::faded(theme::CALL, 22));
    }
    if let TurnState::Listening { start } = session.turn() {
        let listening = Rect::from_x_y_ranges(
            x_of(start as f64).max(grid.left())..=x_of(clock.position_steps),
            call_lane.top()..=call_lane.bottom(),
        );
        painter.rect_filled(listening, 0, theme::faded(theme::CALL, 34));
    }
    for window in session.responses() {
        let area = span_rect(window.span, response_lane);
        if area.width() <= 0.0 {
            continue;
        }
        painter.rect_filled(area, 0, theme::faded(theme::RESPONSE, 22));
        if window.span.start as f64 > clock.position_steps {
            // Scheduled, not yet playing: outlined.
            painter.rect_stroke(
                area,
                0,
                Stroke::new(1.0, theme::faded(theme::RESPONSE, 160)),
                StrokeKind::Inside,
            );
        }
        if let Some(stats) = window.stats {
            painter.with_clip_rect(area).text(
                pos2(area.left() + 6.0, area.top() + LANE_TITLE_HEIGHT / 2.0),
                Align2::LEFT_CENTER,
                format!(
                    "#{}  LL {:.1}  ({:.2}/step)",
                    stats.number,
                    stats.log_likelihood,
                    stats.per_step()
                ),
                theme::font(11.0),
                theme::RESPONSE,
            );
        }
    }

    // Beat and bar lines.
    let lanes_y = call_lane.top()..=response_lane.bottom();
    let beat = i64::from(STEPS_PER_QUARTER);
    for step in view.steps().filter(|step| step.rem_euclid(beat) == 0) {
        let x = x_of(step as f64);
        if x >= grid.left() {
            painter.vline(x, lanes_y.clone(), Stroke::new(1.0, theme::BEAT_LINE));
        }
    }
    for (step, bar) in view.bar_lines(&clock.meter) {
        let x = x_of(step as f64);
        painter.vline(x, lanes_y.clone(), Stroke::new(1.5, theme::BAR_LINE));
        if bar < 1 {
            // Before the song starts: a line, no number.
            continue;
        }
        painter.text(
            pos2(x + 4.0, ruler.center().y),
            Align2::LEFT_CENTER,
            bar.to_string(),
            theme::font(11.0),
            theme::MUTED,
        );
    }

    // The notes.
    let step_width = grid.width() / view.len_steps() as f32;
    for (lane, lane_rect, color) in [
        (Lane::Call, call_lane, theme::CALL),
        (Lane::Response, response_lane, theme::RESPONSE),
    ] {
        let layout = layout(lane_rect);
        for note in content.notes(lane) {
            if let Some(rect) = layout.note_rect(note) {
                painter.rect_filled(rect, CornerRadius::same(2), color);
            }
        }
    }
    for step in session.late_steps(view.steps()) {
        let left = x_of(step as f64);
        if left >= grid.left() {
            let mark = Rect::from_min_size(
                pos2(left + 1.0, response_lane.top() + LANE_TITLE_HEIGHT - 4.0),
                vec2((step_width - 2.0).max(2.0), 3.0),
            );
            painter.rect_filled(mark, 0, theme::ALERT);
        }
    }

    // The play position.
    let x = x_of(clock.position_steps);
    painter.vline(
        x,
        ruler.bottom()..=response_lane.bottom(),
        Stroke::new(2.0, theme::PLAYHEAD),
    );
    painter.add(egui::Shape::convex_polygon(
        vec![
            pos2(x - 5.0, ruler.top() + 4.0),
            pos2(x + 5.0, ruler.top() + 4.0),
            pos2(x, ruler.bottom()),
        ],
        theme::PLAYHEAD,
        Stroke::NONE,
    ));
}

fn draw_lane_background(painter: &egui::Painter, lane: Lane, lane_rect: Rect, layout: &LaneLayout) {
    let rows = layout.rows();
    let (title, color) = match lane {
        Lane::Call => ("CALL · you", theme::CALL),
        Lane::Response => ("RESPONSE · model", theme::RESPONSE),
    };
    painter.rect_filled(lane_rect, 0, theme::PANEL);
    for row in 0..rows.count() {
        let rect = layout.row_rect(row);
        if rows.shaded(row) {
            painter.rect_filled(rect, 0, theme::ROW_STRIPE);
        }
        if let Some(label) = rows.label(row) {
            painter.text(
                pos2(rect.left() - 6.0, rect.center().y),
                Align2::RIGHT_CENTER,
                label,
                theme::font(10.5),
                theme::MUTED,
            );
        }
    }
    // The lane's colour runs down its left edge and names it.
    painter.rect_filled(
        Rect::from_min_size(lane_rect.left_top(), vec2(4.0, lane_rect.height())),
        0,
        color,
    );
    painter.text(
        Pos2::new(
            lane_rect.left() + 10.0,
            lane_rect.top() + LANE_TITLE_HEIGHT / 2.0,
        ),
        Align2::LEFT_CENTER,
        title,
        theme::font(12.0),
        color,
    );
}

#[cfg(test)]
mod tests {
    use antiphon_engine::families::drums::encoding::DrumClass;

    use super::*;
    use crate::editor::lane_notes::LaneNote;
    use crate::editor::test_support::{
        MELODY, TestEditor, play_melody, running_melody_plugin, set_param,
    };
    use antiphon_engine::midly::num::u7;

    #[test]
    fn a_melody_models_call_and_answer_are_drawn_on_labelled_pitch_rows() {
        let (link, mut performer, folder) = running_melody_plugin("roll-melody");
        set_param(&link.params.seed, 7);
        play_melody(&link, &mut performer, 48);
        let mut editor = TestEditor::open(link);
        editor.frames_until_answered();
        let drawn = editor.settled_texts();

        // The call, note for note as it was played.
        let session = &editor.app.session;
        let played: Vec<LaneNote> = MELODY
            .iter()
            .map(|&(key, on, off)| LaneNote {
                start_step: i64::from(on),
                end_step: i64::from(off),
                key: u7::new(key),
            })
            .collect();
        assert_eq!(session.notes(Lane::Call, 0..32), played);
        // The answer's first bar, inside its window.
        let answer = session.notes(Lane::Response, 0..64);
        assert!(!answer.is_empty(), "the answer played notes");
        assert!(
            answer
                .iter()
                .all(|note| note.start_step >= 32 && note.end_step <= 49),
            "{answer:?}"
        );
        // Both lanes' pitches have a row, C rows named; no drum row is drawn.
        let view = View {
            start_steps: 0.0,
            end_steps: 64.0,
        };
        let content = RollContent::of(session, &view);
        for note in played.iter().chain(&answer) {
            assert!(content.rows.row_of(note.key).is_some(), "{note:?}");
        }
        assert!(drawn.contains(&"C4".to_owned()), "{drawn:?}");
        assert!(drawn.contains(&"C5".to_owned()), "{drawn:?}");
        for class in DrumClass::ALL {
            assert!(!drawn.contains(&class.name().to_owned()), "{drawn:?}");
        }
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
