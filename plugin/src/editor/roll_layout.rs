//! What the roll's lanes show and where: the notes of each lane over the view, the rows they sit
//! on, and each row's and note's rectangle (steps across the grid's width, rows down the lane).
//! No drawing here.

use egui::{Rect, pos2};

use super::clock::View;
use super::lane_notes::LaneNote;
use super::roll_rows::RollRows;
use super::session::{Lane, Session};

/// The thinnest row whose notes are inset from its edges.
const MIN_INSET_ROW_HEIGHT: f32 = 6.0;

/// The notes of both lanes over a view, and the rows they share.
#[derive(Debug, Clone, PartialEq)]
pub struct RollContent {
    /// The rows of both lanes: the drum classes, or the pitches of both lanes' notes.
    pub rows: RollRows,
    /// The call lane's notes.
    pub call: Vec<LaneNote>,
    /// The response lane's notes.
    pub response: Vec<LaneNote>,
}

impl RollContent {
    /// What `session` shows over `view`.
    pub fn of(session: &Session, view: &View) -> RollContent {
        let call = session.notes(Lane::Call, view.steps());
        let response = session.notes(Lane::Response, view.steps());
        let rows = RollRows::of(session.family().roll_rows(), call.iter().chain(&response));
        RollContent {
            rows,
            call,
            response,
        }
    }

    /// The notes of `lane`.
    pub fn notes(&self, lane: Lane) -> &[LaneNote] {
        match lane {
            Lane::Call => &self.call,
            Lane::Response => &self.response,
        }
    }
}

/// Where one lane's rows and notes lie.
#[derive(Debug, Clone, Copy)]
pub struct LaneLayout<'a> {
    /// The lane below its title strip, from the grid's left edge to its right: the rows fill
    /// its height.
    rows_rect: Rect,
    rows: &'a RollRows,
    view: View,
}

impl<'a> LaneLayout<'a> {
    /// `rows` stacked down `rows_rect`, `view` across it.
    pub fn new(rows_rect: Rect, rows: &'a RollRows, view: View) -> LaneLayout<'a> {
        LaneLayout {
            rows_rect,
            rows,
            view,
        }
    }

    /// The rows.
    pub fn rows(&self) -> &'a RollRows {
        self.rows
    }

    /// Height of one row: the drum rows' fixed height, or the lane's height shared by the pitch
    /// rows (the roll keeps its size whatever the span).
    pub fn row_height(&self) -> f32 {
        self.rows_rect.height() / self.rows.count() as f32
    }

    /// Where `step` lies across the grid.
    pub fn x_of(&self, step: f64) -> f32 {
        self.rows_rect.left() + self.view.fraction(step) as f32 * self.rows_rect.width()
    }

    /// Row `row` (0 on top) across the grid's width.
    pub fn row_rect(&self, row: usize) -> Rect {
        let top = self.rows_rect.top() + row as f32 * self.row_height();
        Rect::from_x_y_ranges(self.rows_rect.x_range(), top..=top + self.row_height())
    }

    /// Where `note` is drawn: from its start to its end step on its row, inset a little so
    /// repeated notes and neighbouring rows stay apart, cut at the grid's left edge; `None` when it is out of view or
    /// has no row.
    pub fn note_rect(&self, note: &LaneNote) -> Option<Rect> {
        let row = self.rows.row_of(note.key)?;
        let row = self.row_rect(row);
        let left = self.x_of(note.start_step as f64) + 1.0;
        let right = self.x_of(note.end_step as f64) - 1.0;
        let right = right.max(left + 2.0).min(self.rows_rect.right());
        let left = left.max(self.rows_rect.left());
        if right <= left {
            return None;
        }
        // Rows too thin to spare a gap (a wide melody's) give the note their whole height.
        let inset = if row.height() >= MIN_INSET_ROW_HEIGHT {
            1.0
        } else {
            0.0
        };
        Some(Rect::from_min_max(
            pos2(left, row.top() + inset),
            pos2(right, row.bottom() - inset),
        ))
    }
}

#[cfg(test)]
mod tests {
    use antiphon_engine::families::Family;
    use antiphon_engine::families::drums::encoding::{DrumClass, DrumEvent};
    use antiphon_engine::midly::num::u7;

    use super::*;
    use crate::editor::test_feed::{heard_drums, melodic_call_and_answer};

    /// Two bars of 16 steps across 640 points (20 points a step), 104 points of rows.
    fn rows_rect() -> Rect {
        Rect::from_min_max(pos2(100.0, 50.0), pos2(740.0, 154.0))
    }

    fn view() -> View {
        View {
            start_steps: 0.0,
            end_steps: 32.0,
        }
    }

    #[test]
    fn a_melodic_call_and_answer_lie_on_their_pitch_rows_as_long_as_they_sounded() {
        let mut session = Session::new();
        melodic_call_and_answer(&mut session);
        let content = RollContent::of(&session, &view());
        // As played: C5 (72) to A5 (81), widened to an octave (B4 to B5) and shared by both
        // lanes.
        assert_eq!(content.rows, RollRows::Pitches { low: 71, high: 83 });
        assert_eq!(content.call.len(), 3);
        assert_eq!(content.response.len(), 3);

        let layout = LaneLayout::new(rows_rect(), &content.rows, view());
        assert_eq!(layout.row_height(), 8.0, "13 rows in 104 points");
        // The call's first note, C5 for four steps, eleven rows under the top (B5).
        let c5 = layout.note_rect(&content.call[0]).unwrap();
        assert_eq!((c5.left(), c5.right()), (101.0, 179.0));
        assert_eq!(
            (c5.top(), c5.bottom()),
            (50.0 + 88.0 + 1.0, 50.0 + 96.0 - 1.0)
        );
        assert_eq!(content.rows.label(11).as_deref(), Some("C5"));
        // The answer's F5 (77), two steps from step 20, six rows under the top.
        let f5 = layout.note_rect(&content.response[1]).unwrap();
        assert_eq!((f5.left(), f5.right()), (501.0, 539.0));
        assert_eq!(f5.top(), 50.0 + 48.0 + 1.0);
        // Every note is as wide as it sounded, less the gap that keeps repeats apart.
        for note in content.call.iter().chain(&content.response) {
            let rect = layout.note_rect(note).unwrap();
            let steps = (note.end_step - note.start_step) as f32;
            assert_eq!(rect.width(), steps * 20.0 - 2.0, "{note:?}");
        }
    }

    #[test]
    fn notes_are_cut_at_the_left_edge_and_left_out_beyond_the_rows() {
        let rows = RollRows::Pitches { low: 60, high: 72 };
        let later = View {
            start_steps: 4.0,
            end_steps: 36.0,
        };
        let layout = LaneLayout::new(rows_rect(), &rows, later);
        let note = |start_step, end_step, midi| LaneNote {
            start_step,
            end_step,
            key: u7::new(midi),
        };
        let cut = layout.note_rect(&note(0, 8, 60)).unwrap();
        assert_eq!((cut.left(), cut.right()), (100.0, 179.0));
        assert_eq!(
            layout.note_rect(&note(0, 4, 60)),
            None,
            "ended before the view"
        );
        assert_eq!(layout.note_rect(&note(8, 9, 73)), None, "above the rows");
    }

    #[test]
    fn notes_on_thin_rows_take_the_rows_whole_height() {
        // Three octaves in 104 points: under 3 points a row.
        let rows = RollRows::Pitches { low: 48, high: 84 };
        let layout = LaneLayout::new(rows_rect(), &rows, view());
        let note = LaneNote {
            start_step: 0,
            end_step: 2,
            key: u7::new(84),
        };
        let rect = layout.note_rect(&note).unwrap();
        assert_eq!((rect.top(), rect.bottom()), (50.0, 50.0 + 104.0 / 37.0));
    }

    #[test]
    fn drum_hits_keep_their_named_rows() {
        let mut session = Session::new();
        heard_drums(&mut session, 4, DrumEvent::REST.with(DrumClass::Snare));
        let content = RollContent::of(&session, &view());
        assert_eq!(content.rows, RollRows::of(Family::DRUMS.roll_rows(), &[]));
        let rect = Rect::from_min_max(pos2(100.0, 50.0), pos2(740.0, 158.0));
        let layout = LaneLayout::new(rect, &content.rows, view());
        assert_eq!(layout.row_height(), 12.0, "nine rows of 12 points");
        let snare = layout.note_rect(&content.call[0]).unwrap();
        let row = DrumClass::Snare.index() as f32;
        assert_eq!(snare.top(), 50.0 + row * 12.0 + 1.0);
        assert_eq!((snare.left(), snare.right()), (181.0, 199.0));
    }
}
