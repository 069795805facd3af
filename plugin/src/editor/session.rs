//! What the editor remembers of the performance, built from the performer's feed: the player's
//! calls and the model's responses as two lanes of drum steps, the turn-taking state, and every
//! answer's log-likelihood across the session. Runs on the editor thread only; no drawing here.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use antiphon_engine::encoding::drums::DrumEvent;
use antiphon_engine::live::feed::{Answered, FeedReceiver, PlayEvent};
use antiphon_engine::midi_file::KitCheck;
use antiphon_engine::midly::num::{u4, u7};
use antiphon_engine::phrase::{StepSpan, TurnState};

/// How much of the song the lanes keep, in steps (64 bars of 4/4): more than the roll shows,
/// enough to export long phrases.
pub const KEEP_STEPS: i64 = 1024;
/// How many answers the log-likelihood history keeps.
pub const MAX_ANSWERS: usize = 2048;

/// One of the two lanes of the piano roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// What the player played.
    Call,
    /// What the performer played for the model.
    Response,
}

/// The model's numbers for one answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnswerStats {
    /// Counted from 1 across the session.
    pub number: u32,
    /// The call it answered (`None` when the model answered itself).
    pub call: Option<StepSpan>,
    /// Where the answer plays.
    pub response: StepSpan,
    /// Log-likelihood of the answer's events under the model, in nats.
    pub log_likelihood: f32,
    /// Log-likelihood of the call under the model, in nats.
    pub call_log_likelihood: f32,
}

impl AnswerStats {
    /// Mean log-likelihood per response step, in nats.
    pub fn per_step(&self) -> f32 {
        self.log_likelihood / self.response.len_steps().max(1) as f32
    }
}

/// A response window: where the performer plays (or played) an answer or a repeat.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResponseWindow {
    /// Where it plays.
    pub span: StepSpan,
    /// The model's numbers, when the model generated it (a loop's repeats have none).
    pub stats: Option<AnswerStats>,
}

/// A finished phrase kept for export after the lanes were cleared by a transport jump.
#[derive(Debug, Clone, PartialEq)]
pub struct Take {
    /// Where it was played.
    pub span: StepSpan,
    /// Its struck steps, by absolute step.
    pub hits: Vec<(i64, DrumEvent)>,
}

/// The performance as the editor shows it.
#[derive(Debug, Default)]
pub struct Session {
    turn: Option<TurnState>,
    heard: BTreeMap<i64, DrumEvent>,
    /// Every key the player struck, by step.
    struck: BTreeMap<i64, Vec<(u4, u7)>>,
    played: BTreeMap<i64, DrumEvent>,
    late: BTreeSet<i64>,
    calls: VecDeque<StepSpan>,
    responses: VecDeque<ResponseWindow>,
    answers: VecDeque<AnswerStats>,
    answered: u32,
    newest_step: Option<i64>,
    /// The last call and response from before the last transport jump.
    kept_call: Option<Take>,
    kept_response: Option<Take>,
}

impl Session {
    /// An empty session.
    pub fn new() -> Session {
        Session::default()
    }

    /// Takes everything both rings hold. Never blocks: the rings are lock-free and the audio
    /// thread never waits on them.
    pub fn drain(&mut self, feed: &mut FeedReceiver) {
        while let Ok(event) = feed.play.pop() {
            self.play_event(event);
        }
        while let Ok(answered) = feed.answers.pop() {
            self.answered(answered);
        }
    }

    /// Applies one event from the audio thread.
    pub fn play_event(&mut self, event: PlayEvent) {
        match event {
            PlayEvent::Heard { step, event, .. } => {
                *self.heard.entry(step).or_default() =
                    DrumEvent::from_id(event).unwrap_or_default();
                self.saw_step(step);
            }
            PlayEvent::Struck { step, channel, key } => {
                self.struck.entry(step).or_default().push((channel, key));
            }
            PlayEvent::Played { step, event, .. } => {
                let event = DrumEvent::from_id(event).unwrap_or_default();
                // The performer reports rests it plays too; the lane keeps struck steps only.
                if event.is_rest() {
                    self.played.remove(&step);
                } else {
                    self.played.insert(step, event);
                }
                self.late.remove(&step);
                self.saw_step(step);
            }
            PlayEvent::Late { step } => {
                self.late.insert(step);
                self.saw_step(step);
            }
            PlayEvent::Turn(turn) => {
                if let TurnState::Responding { span } = turn {
                    self.response_window(span);
                }
                self.turn = Some(turn);
            }
            PlayEvent::Reset => self.reset(),
        }
    }

    /// Applies one answer from the model thread.
    pub fn answered(&mut self, answered: Answered) {
        self.answered += 1;
        let stats = AnswerStats {
            number: self.answered,
            call: answered.call,
            response: answered.response,
            log_likelihood: answered.log_likelihood,
            call_log_likelihood: answered.call_log_likelihood,
        };
        if let Some(call) = answered.call
            && !self.calls.contains(&call)
        {
            self.calls.push_back(call);
        }
        self.response_window(answered.response).stats = Some(stats);
        if self.answers.len() == MAX_ANSWERS {
            self.answers.pop_front();
        }
        self.answers.push_back(stats);
    }

    /// The keys of the call being heard, or else of the last call answered, checked for notes
    /// that are not drums.
    pub fn call_keys(&self) -> KitCheck {
        let span = match self.turn() {
            TurnState::Listening { start } => Some(StepSpan::new(start, i64::MAX)),
            _ => self.calls.back().copied(),
        };
        let mut check = KitCheck::default();
        if let Some(span) = span {
            for (_, keys) in self.struck.range(span.start..span.end) {
                for &(channel, key) in keys {
                    check.count(channel, key);
                }
            }
        }
        check
    }

    /// The turn-taking state last reported (`Idle` before any report).
    pub fn turn(&self) -> TurnState {
        self.turn.unwrap_or(TurnState::Idle)
    }

    /// The struck steps of `lane` inside `steps`, in order.
    pub fn hits(
        &self,
        lane: Lane,
        steps: std::ops::Range<i64>,
    ) -> impl Iterator<Item = (i64, DrumEvent)> + '_ {
        let map = match lane {
            Lane::Call => &self.heard,
            Lane::Response => &self.played,
        };
        map.range(steps).map(|(&step, &event)| (step, event))
    }

    /// Response steps that came too late to play, inside `steps`.
    pub fn late_steps(&self, steps: std::ops::Range<i64>) -> impl Iterator<Item = i64> + '_ {
        self.late.range(steps).copied()
    }

    /// The calls the model answered, oldest first.
    pub fn calls(&self) -> impl Iterator<Item = StepSpan> + '_ {
        self.calls.iter().copied()
    }

    /// The response windows, oldest first.
    pub fn responses(&self) -> impl Iterator<Item = &ResponseWindow> + '_ {
        self.responses.iter()
    }

    /// Every answer's numbers across the session, oldest first (the last [`MAX_ANSWERS`]).
    pub fn answers(&self) -> impl ExactSizeIterator<Item = &AnswerStats> + '_ {
        self.answers.iter()
    }

    /// The latest answer's numbers.
    pub fn last_answer(&self) -> Option<&AnswerStats> {
        self.answers.back()
    }

    /// The response window that starts after `step`, if one is scheduled.
    pub fn next_response_after(&self, step: i64) -> Option<StepSpan> {
        self.responses
            .iter()
            .map(|window| window.span)
            .filter(|span| span.start > step)
            .min_by_key(|span| span.start)
    }

    /// The latest call the model answered, with its hits: from the lanes, or the one kept from
    /// before the last transport jump.
    pub fn last_call(&self) -> Option<Take> {
        match self.calls.back() {
            Some(&span) => Some(self.take(Lane::Call, span)),
            None => self.kept_call.clone(),
        }
    }

    /// The latest response window that has started playing, with what it played so far.
    pub fn last_response(&self) -> Option<Take> {
        let started = self.newest_step.and_then(|newest| {
            self.responses
                .iter()
                .rev()
                .find(|window| window.span.start <= newest)
        });
        match started {
            Some(window) => Some(self.take(Lane::Response, window.span)),
            None => self.kept_response.clone(),
        }
    }

    fn take(&self, lane: Lane, span: StepSpan) -> Take {
        Take {
            span,
            hits: self.hits(lane, span.start..span.end).collect(),
        }
    }

    fn response_window(&mut self, span: StepSpan) -> &mut ResponseWindow {
        let index = match self.responses.iter().position(|w| w.span == span) {
            Some(index) => index,
            None => {
                // Windows arrive in time order, except that an answer may be reported after the
                // next window was announced: keep them sorted by start.
                let index = self
                    .responses
                    .partition_point(|w| w.span.start <= span.start);
                self.responses
                    .insert(index, ResponseWindow { span, stats: None });
                index
            }
        };
        &mut self.responses[index]
    }

    fn saw_step(&mut self, step: i64) {
        if self.newest_step.is_some_and(|newest| newest >= step) {
            return;
        }
        self.newest_step = Some(step);
        let keep_from = step - KEEP_STEPS;
        self.heard = self.heard.split_off(&keep_from);
        self.struck = self.struck.split_off(&keep_from);
        self.played = self.played.split_off(&keep_from);
        self.late = self.late.split_off(&keep_from);
        self.calls.retain(|span| span.end > keep_from);
        self.responses.retain(|window| window.span.end > keep_from);
    }

    /// The transport stopped or jumped: the lanes start over (their steps would collide with
    /// the new position's), the last phrases stay exportable, the answers' history stays.
    fn reset(&mut self) {
        if let Some(call) = self.last_call() {
            self.kept_call = Some(call);
        }
        if let Some(response) = self.last_response() {
            self.kept_response = Some(response);
        }
        self.heard.clear();
        self.struck.clear();
        self.played.clear();
        self.late.clear();
        self.calls.clear();
        self.responses.clear();
        self.newest_step = None;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use antiphon_engine::encoding::drums::DrumClass;
    use antiphon_engine::live::feed::feed;

    use super::*;
    use antiphon_engine::live::voicing::Voicing;

    fn kick() -> DrumEvent {
        DrumEvent::REST.with(DrumClass::Kick)
    }

    fn snare() -> DrumEvent {
        DrumEvent::REST.with(DrumClass::Snare)
    }

    fn answered(call: StepSpan, response: StepSpan, log_likelihood: f32) -> Answered {
        Answered {
            id: 1,
            call: Some(call),
            call_log_likelihood: -40.0,
            response,
            log_likelihood,
        }
    }

    /// What the audio and model threads report for a two-bar call answered in bars 3–4.
    fn call_and_answer(session: &mut Session) {
        for beat in 0..8 {
            session.play_event(PlayEvent::Heard {
                step: beat * 4,
                event: kick().id(),
                voicing: Voicing::default(),
            });
        }
        session.play_event(PlayEvent::Turn(TurnState::Listening { start: 0 }));
        session.play_event(PlayEvent::Turn(TurnState::Idle));
        session.answered(answered(StepSpan::new(0, 32), StepSpan::new(48, 80), -80.0));
        session.play_event(PlayEvent::Turn(TurnState::Responding {
            span: StepSpan::new(48, 80),
        }));
        session.play_event(PlayEvent::Played {
            step: 48,
            event: snare().id(),
            voicing: Voicing::default(),
        });
        session.play_event(PlayEvent::Late { step: 50 });
        session.play_event(PlayEvent::Played {
            step: 52,
            event: kick().id(),
            voicing: Voicing::default(),
        });
    }

    #[test]
    fn the_audio_threads_rings_reach_the_lanes_without_a_window() {
        let open = Arc::new(AtomicBool::new(true));
        let (mut play, mut answers, mut receiver) = feed(open);
        // As the audio thread and the model thread send them.
        play.send(PlayEvent::Turn(TurnState::Listening { start: 0 }));
        play.send(PlayEvent::Heard {
            step: 0,
            event: kick().id(),
            voicing: Voicing::default(),
        });
        play.send(PlayEvent::Heard {
            step: 4,
            event: snare().id(),
            voicing: Voicing::default(),
        });
        answers.send(answered(StepSpan::new(0, 16), StepSpan::new(16, 32), -30.0));
        play.send(PlayEvent::Turn(TurnState::Responding {
            span: StepSpan::new(16, 32),
        }));
        play.send(PlayEvent::Played {
            step: 16,
            event: kick().id(),
            voicing: Voicing::default(),
        });

        let mut session = Session::new();
        session.drain(&mut receiver);
        assert_eq!(
            session.hits(Lane::Call, 0..16).collect::<Vec<_>>(),
            [(0, kick()), (4, snare())]
        );
        assert_eq!(
            session.hits(Lane::Response, 0..64).collect::<Vec<_>>(),
            [(16, kick())]
        );
        assert_eq!(
            session.turn(),
            TurnState::Responding {
                span: StepSpan::new(16, 32)
            }
        );
        assert_eq!(session.calls().collect::<Vec<_>>(), [StepSpan::new(0, 16)]);
        let window = session.responses().next().unwrap();
        assert_eq!(window.stats.unwrap().log_likelihood, -30.0);
        // Drained: a second frame finds nothing new.
        session.drain(&mut receiver);
        assert_eq!(session.answers().len(), 1);
    }

    #[test]
    fn an_answer_has_its_total_and_per_step_log_likelihood() {
        let mut session = Session::new();
        call_and_answer(&mut session);
        let last = session.last_answer().unwrap();
        assert_eq!(last.number, 1);
        assert_eq!(last.log_likelihood, -80.0);
        assert_eq!(last.per_step(), -2.5, "32 steps");
        assert_eq!(last.call_log_likelihood, -40.0);
    }

    #[test]
    fn played_rests_are_not_hits() {
        let mut session = Session::new();
        session.play_event(PlayEvent::Played {
            step: 3,
            event: DrumEvent::REST.id(),
            voicing: Voicing::default(),
        });
        assert_eq!(session.hits(Lane::Response, 0..10).count(), 0);
        assert_eq!(session.late_steps(0..10).count(), 0);
    }

    #[test]
    fn late_steps_are_marked_until_they_play() {
        let mut session = Session::new();
        call_and_answer(&mut session);
        assert_eq!(session.late_steps(0..100).collect::<Vec<_>>(), [50]);
    }

    #[test]
    fn the_last_call_and_response_are_the_phrases_to_export() {
        let mut session = Session::new();
        call_and_answer(&mut session);
        let call = session.last_call().unwrap();
        assert_eq!(call.span, StepSpan::new(0, 32));
        assert_eq!(call.hits.len(), 8);
        let response = session.last_response().unwrap();
        assert_eq!(response.span, StepSpan::new(48, 80));
        assert_eq!(response.hits, [(48, snare()), (52, kick())]);
    }

    #[test]
    fn a_response_not_yet_playing_is_not_the_last_response() {
        let mut session = Session::new();
        session.play_event(PlayEvent::Heard {
            step: 0,
            event: kick().id(),
            voicing: Voicing::default(),
        });
        session.answered(answered(StepSpan::new(0, 16), StepSpan::new(16, 32), -9.0));
        assert_eq!(session.last_response(), None);
        assert_eq!(session.next_response_after(3), Some(StepSpan::new(16, 32)));
        assert_eq!(session.next_response_after(16), None);
    }

    #[test]
    fn a_transport_jump_clears_the_lanes_but_keeps_takes_and_history() {
        let mut session = Session::new();
        call_and_answer(&mut session);
        session.play_event(PlayEvent::Reset);
        assert_eq!(session.hits(Lane::Call, 0..100).count(), 0);
        assert_eq!(session.hits(Lane::Response, 0..100).count(), 0);
        assert_eq!(session.responses().count(), 0);
        assert_eq!(session.answers().len(), 1, "the session's history stays");
        assert_eq!(session.last_call().unwrap().hits.len(), 8);
        assert_eq!(session.last_response().unwrap().hits.len(), 2);
        // A new call after the jump replaces the kept one.
        session.play_event(PlayEvent::Heard {
            step: 4,
            event: snare().id(),
            voicing: Voicing::default(),
        });
        session.answered(answered(StepSpan::new(0, 16), StepSpan::new(16, 32), -9.0));
        assert_eq!(session.last_call().unwrap().hits, [(4, snare())]);
        assert_eq!(session.answers().len(), 2);
        assert_eq!(session.last_answer().unwrap().number, 2);
    }

    #[test]
    fn a_loops_repeats_are_windows_without_numbers() {
        let mut session = Session::new();
        call_and_answer(&mut session);
        session.play_event(PlayEvent::Turn(TurnState::Responding {
            span: StepSpan::new(80, 112),
        }));
        let windows: Vec<_> = session.responses().collect();
        assert_eq!(windows.len(), 2);
        assert!(windows[0].stats.is_some() && windows[1].stats.is_none());
    }

    #[test]
    fn old_steps_are_forgotten_as_the_song_moves_on() {
        let mut session = Session::new();
        call_and_answer(&mut session);
        session.play_event(PlayEvent::Heard {
            step: 80 + KEEP_STEPS,
            event: kick().id(),
            voicing: Voicing::default(),
        });
        assert_eq!(session.hits(Lane::Call, 0..80).count(), 0);
        assert_eq!(session.hits(Lane::Response, 0..80).count(), 0);
        assert_eq!(session.calls().count(), 0);
        assert_eq!(session.responses().count(), 0);
        assert_eq!(session.answers().len(), 1, "the history is the session's");
    }

    #[test]
    fn the_history_is_bounded() {
        let mut session = Session::new();
        for n in 0..MAX_ANSWERS + 5 {
            let start = n as i64 * 32;
            session.answered(answered(
                StepSpan::new(start, start + 16),
                StepSpan::new(start + 16, start + 32),
                -1.0,
            ));
        }
        assert_eq!(session.answers().len(), MAX_ANSWERS);
        assert_eq!(
            session.answers().next().unwrap().number,
            6,
            "the oldest go first"
        );
    }

    #[test]
    fn keys_of_the_call_that_are_not_drums_are_told() {
        let mut session = Session::new();
        let strike = |session: &mut Session, step, channel, key| {
            session.play_event(PlayEvent::Struck {
                step,
                channel: u4::new(channel),
                key: u7::new(key),
            })
        };
        // A kick on the drum channel, then a melody on channel 1: C4 (heard as a mid tom) and
        // C6 (no drum at all).
        strike(&mut session, 0, 9, 36);
        strike(&mut session, 2, 0, 60);
        strike(&mut session, 4, 0, 84);
        session.play_event(PlayEvent::Turn(TurnState::Listening { start: 0 }));
        let summary = session
            .call_keys()
            .summary()
            .expect("two notes are not drums");
        assert!(summary.starts_with("2 of 3 notes"), "{summary}");
        assert!(summary.contains("pitch 60 as mid tom"), "{summary}");
        // Once answered, the same call is still the one told about; a drum call that follows
        // is clean.
        session.play_event(PlayEvent::Turn(TurnState::Idle));
        session.answered(answered(StepSpan::new(0, 16), StepSpan::new(32, 48), -9.0));
        assert!(session.call_keys().summary().is_some());
        strike(&mut session, 64, 9, 38);
        session.play_event(PlayEvent::Turn(TurnState::Listening { start: 64 }));
        assert_eq!(session.call_keys().summary(), None);
    }
}
