//! The turn-taking line of the editor's header: idle / listening / responding, bars listened and
//! bars until the answer. No drawing here.

use antiphon_engine::phrase::TurnState;

use super::clock::Clock;
use super::session::Session;

/// When the next answer starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerDue {
    /// In exactly this many bars (its window is scheduled).
    InBars(u32),
    /// At most this many bars away (the call may end sooner).
    WithinBars(u32),
}

/// What the header says about the turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TurnSummary {
    /// The state, as the performer reported it.
    pub state: TurnState,
    /// Whole bars of the call heard so far, while listening.
    pub bars_listened: Option<u32>,
    /// When the next answer starts, when one is coming.
    pub answer_due: Option<AnswerDue>,
    /// While responding: the bar playing (from 1) and the answer's length in bars.
    pub answer_bar: Option<(u32, u32)>,
}

impl TurnSummary {
    /// The summary at `clock`'s position; `max_call_bars` bounds how long a call can last.
    pub fn of(session: &Session, clock: &Clock, max_call_bars: u32) -> TurnSummary {
        let state = session.turn();
        let steps_per_bar = f64::from(clock.steps_per_bar());
        let bars_since =
            |step: i64| ((clock.position_steps - step as f64) / steps_per_bar).max(0.0);
        let scheduled = session.next_response_after(clock.step());
        let (bars_listened, answer_due, answer_bar) = match state {
            TurnState::Idle => (
                None,
                scheduled.map(|s| AnswerDue::InBars(clock.bars_until(s.start))),
                None,
            ),
            TurnState::Listening { start } => {
                let due = match scheduled {
                    Some(span) => AnswerDue::InBars(clock.bars_until(span.start)),
                    None => {
                        let latest =
                            start + i64::from(max_call_bars) * i64::from(clock.steps_per_bar());
                        AnswerDue::WithinBars(clock.bars_until(latest))
                    }
                };
                (Some(bars_since(start).floor() as u32), Some(due), None)
            }
            TurnState::Responding { span } => {
                let bars = (span.len_steps() as f64 / steps_per_bar).ceil() as u32;
                let bar = (bars_since(span.start).floor() as u32 + 1).min(bars.max(1));
                (None, None, Some((bar, bars)))
            }
        };
        TurnSummary {
            state,
            bars_listened,
            answer_due,
            answer_bar,
        }
    }

    /// The state's name, as the header shows it.
    pub fn label(&self) -> &'static str {
        match self.state {
            TurnState::Idle => "IDLE",
            TurnState::Listening { .. } => "LISTENING",
            TurnState::Responding { .. } => "RESPONDING",
        }
    }

    /// The details after the label, e.g. "listened 2 bars · answer in ≤ 2 bars".
    pub fn details(&self) -> String {
        let bars = |n: u32| {
            if n == 1 {
                "1 bar".to_owned()
            } else {
                format!("{n} bars")
            }
        };
        let mut parts = Vec::new();
        if let Some(listened) = self.bars_listened {
            parts.push(format!("listened {}", bars(listened)));
        }
        match self.answer_due {
            Some(AnswerDue::InBars(0)) => parts.push("answer starting".to_owned()),
            Some(AnswerDue::InBars(n)) => parts.push(format!("answer in {}", bars(n))),
            Some(AnswerDue::WithinBars(n)) => parts.push(format!("answer in ≤ {}", bars(n))),
            None => {}
        }
        if let Some((bar, of)) = self.answer_bar {
            parts.push(format!("answer bar {bar} of {of}"));
        }
        if parts.is_empty() {
            "play a phrase to start".to_owned()
        } else {
            parts.join(" · ")
        }
    }
}

#[cfg(test)]
mod tests {
    use antiphon_engine::families::drums::encoding::{DrumClass, DrumEvent};
    use antiphon_engine::live::feed::{Answered, PlayEvent};
    use antiphon_engine::phrase::{Meter, StepSpan};

    use super::*;
    use crate::editor::test_feed::heard_drums;

    fn clock_at(position_steps: f64) -> Clock {
        Clock {
            playing: true,
            position_steps,
            tempo_bpm: 120.0,
            meter: Meter::new(0, 16),
        }
    }

    #[test]
    fn idle_before_anything() {
        let summary = TurnSummary::of(&Session::new(), &clock_at(3.0), 4);
        assert_eq!(summary.label(), "IDLE");
        assert_eq!(summary.details(), "play a phrase to start");
    }

    #[test]
    fn listening_counts_bars_and_bounds_the_answer_by_the_longest_call() {
        let mut session = Session::new();
        session.play_event(PlayEvent::Turn(TurnState::Listening { start: 16 }));
        let summary = TurnSummary::of(&session, &clock_at(40.0), 4);
        assert_eq!(summary.label(), "LISTENING");
        assert_eq!(summary.bars_listened, Some(1));
        // The call started at bar 2 (step 16); four bars end at step 80: 2.5 bars away.
        assert_eq!(summary.answer_due, Some(AnswerDue::WithinBars(3)));
        assert_eq!(summary.details(), "listened 1 bar · answer in ≤ 3 bars");
    }

    #[test]
    fn a_scheduled_answer_gives_the_exact_bars() {
        let mut session = Session::new();
        heard_drums(&mut session, 0, DrumEvent::REST.with(DrumClass::Kick));
        session.play_event(PlayEvent::Turn(TurnState::Idle));
        session.answered(Answered {
            id: 0,
            call: Some(StepSpan::new(0, 32)),
            call_log_likelihood: -10.0,
            response: StepSpan::new(48, 80),
            log_likelihood: -50.0,
        });
        let summary = TurnSummary::of(&session, &clock_at(33.0), 4);
        assert_eq!(summary.answer_due, Some(AnswerDue::InBars(1)));
        assert_eq!(summary.details(), "answer in 1 bar");
    }

    #[test]
    fn responding_shows_which_bar_of_the_answer_plays() {
        let mut session = Session::new();
        session.play_event(PlayEvent::Turn(TurnState::Responding {
            span: StepSpan::new(48, 80),
        }));
        let summary = TurnSummary::of(&session, &clock_at(70.0), 4);
        assert_eq!(summary.label(), "RESPONDING");
        assert_eq!(summary.answer_bar, Some((2, 2)));
        assert_eq!(summary.details(), "answer bar 2 of 2");
    }
}
