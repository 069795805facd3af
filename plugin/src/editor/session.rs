//! What the editor remembers of the performance, built from the performer's feed: the player's
//! calls and the model's responses as two lanes of event ids with their voicings, the family of
//! the model they belong to, the turn-taking state, and every answer's log-likelihood across the
//! session. Runs on the editor thread only; no drawing here.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ops::Range;

use antiphon_engine::families::Family;
use antiphon_engine::live::feed::{Answered, FeedReceiver, PlayEvent};
use antiphon_engine::live::voicing::Voicing;
use antiphon_engine::midly::num::{u4, u7};
use antiphon_engine::phrase::{StepSpan, TurnState};

use super::lane_notes::{self, LaneNote, LaneStep};

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

/// A phrase of one lane, to export: kept after the lanes are cleared by a transport jump.
#[derive(Debug, Clone, PartialEq)]
pub struct Take {
    /// Where it was played.
    pub span: StepSpan,
    /// The family its events belong to.
    pub family: Family,
    /// Its reported steps inside the span, by absolute step (a melody's held steps and a drum
    /// lane's rests are not reported).
    pub steps: Vec<(i64, LaneStep)>,
}

impl Take {
    /// How the take was voiced: a response window's voicing, or the call's as measured by its
    /// end (its mean velocity over all its notes). Default when nothing was reported.
    pub fn voicing(&self) -> Voicing {
        self.steps
            .last()
            .map_or_else(Voicing::default, |(_, step)| step.voicing)
    }
}

/// Which family the lanes' event ids belong to. The feed does not say; the model shelf does, and
/// a model change resets the lanes before the new model hears or plays anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LaneFamily {
    /// Cleared since the family was last told: the family told next is theirs.
    Unsettled(Family),
    /// The lanes hold this family's events.
    Settled(Family),
}

/// The performance as the editor shows it.
#[derive(Debug)]
pub struct Session {
    turn: Option<TurnState>,
    family: LaneFamily,
    heard: BTreeMap<i64, LaneStep>,
    /// Every key the player struck, by step.
    struck: BTreeMap<i64, Vec<(u4, u7)>>,
    played: BTreeMap<i64, LaneStep>,
    late: BTreeSet<i64>,
    calls: VecDeque<StepSpan>,
    responses: VecDeque<ResponseWindow>,
    answers: VecDeque<AnswerStats>,
    answered: u32,
    newest_step: Option<i64>,
    /// The last call and response from before the last transport jump or model change.
    kept_call: Option<Take>,
    kept_response: Option<Take>,
}

impl Session {
    /// An empty session; its lanes take the family first told with [`Session::set_family`].
    pub fn new() -> Session {
        Session {
            turn: None,
            family: LaneFamily::Unsettled(Family::DRUMS),
            heard: BTreeMap::new(),
            struck: BTreeMap::new(),
            played: BTreeMap::new(),
            late: BTreeSet::new(),
            calls: VecDeque::new(),
            responses: VecDeque::new(),
            answers: VecDeque::new(),
            answered: 0,
            newest_step: None,
            kept_call: None,
            kept_response: None,
        }
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

    /// The family of the model loaded now, read after draining the feed. The lanes since the
    /// last reset are that family's: the model thread publishes a new model's family before the
    /// audio thread hears or plays with it, and the model change's reset comes first. A change
    /// with no reset since means the model changed after the last drain (its reset is still on
    /// the way): the lanes so far are the old family's and are put aside as takes.
    pub fn set_family(&mut self, family: Family) {
        self.family = match self.family {
            LaneFamily::Settled(old) if old != family => {
                self.reset();
                LaneFamily::Settled(family)
            }
            _ => LaneFamily::Settled(family),
        };
    }

    /// The family the lanes' events belong to.
    pub fn family(&self) -> Family {
        match self.family {
            LaneFamily::Unsettled(family) | LaneFamily::Settled(family) => family,
        }
    }

    /// Applies one event from the audio thread.
    pub fn play_event(&mut self, event: PlayEvent) {
        match event {
            PlayEvent::Heard {
                step,
                events,
                feel,
                voicing,
            } => {
                let feel = Some(feel);
                let heard = LaneStep {
                    events,
                    voicing,
                    feel,
                };
                self.heard.insert(step, heard);
                self.saw_step(step);
            }
            PlayEvent::Struck { step, channel, key } => {
                self.struck.entry(step).or_default().push((channel, key));
            }
            PlayEvent::Played {
                step,
                events,
                voicing,
                feel,
            } => {
                // Every played step is reported; the lane keeps those where something starts,
                // sounds on or stops (a drum rest, a melody's held step change nothing).
                if events.is_quiet() {
                    self.played.remove(&step);
                } else {
                    let played = LaneStep {
                        events,
                        voicing,
                        feel,
                    };
                    self.played.insert(step, played);
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

    /// The keys the player struck in the call being heard, or else in the last call answered, by
    /// channel.
    pub fn call_keys(&self) -> Vec<(u4, u7)> {
        let span = match self.turn() {
            TurnState::Listening { start } => Some(StepSpan::new(start, i64::MAX)),
            _ => self.calls.back().copied(),
        };
        span.map_or_else(Vec::new, |span| {
            self.struck
                .range(span.start..span.end)
                .flat_map(|(_, keys)| keys.iter().copied())
                .collect()
        })
    }

    /// The turn-taking state last reported (`Idle` before any report).
    pub fn turn(&self) -> TurnState {
        self.turn.unwrap_or(TurnState::Idle)
    }

    /// The reported steps of `lane` inside `steps`, in order: those where something starts or
    /// stops.
    pub fn steps(
        &self,
        lane: Lane,
        steps: Range<i64>,
    ) -> impl Iterator<Item = (i64, LaneStep)> + '_ {
        self.lane(lane)
            .range(steps)
            .map(|(&step, &lane_step)| (step, lane_step))
    }

    /// The notes of `lane` that sound during `steps`, as far as the performance has come: a
    /// held note of a call sounds until the player's next note or release (or now, while
    /// held), an answer's until its family ends it or its window ends.
    pub fn notes(&self, lane: Lane, steps: Range<i64>) -> Vec<LaneNote> {
        let Some(newest) = self.newest_step else {
            return Vec::new();
        };
        let family = self.family();
        // A note started before `steps` may sound into them, at most until now.
        let from = self
            .lane(lane)
            .range(..steps.start)
            .next_back()
            .map_or(steps.start, |(&step, _)| step);
        let range = from..(newest + 1).max(from);
        let mut notes = lane_notes::notes(family, self.steps(lane, range.clone()), range);
        if lane == Lane::Response {
            // An answer's held note ends with its window (a step played before the editor
            // heard of its window just ends at the next event).
            for note in &mut notes {
                let window = self
                    .responses
                    .iter()
                    .find(|window| window.span.contains(note.start_step));
                if let Some(window) = window {
                    note.end_step = note.end_step.min(window.span.end);
                }
            }
        }
        notes.retain(|note| note.end_step > steps.start && note.start_step < steps.end);
        notes
    }

    fn lane(&self, lane: Lane) -> &BTreeMap<i64, LaneStep> {
        match lane {
            Lane::Call => &self.heard,
            Lane::Response => &self.played,
        }
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

    /// The latest call the model answered, with its steps: from the lanes, or the one kept from
    /// before the last transport jump or model change.
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
            family: self.family(),
            steps: self.steps(lane, span.start..span.end).collect(),
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

    /// The transport stopped or jumped, or the model changed: the lanes start over (their steps
    /// would collide with the new position's), the last phrases stay exportable, the answers'
    /// history stays.
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
        self.family = LaneFamily::Unsettled(self.family());
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    use antiphon_engine::families::drums::encoding::{DrumClass, DrumEvent};
    use antiphon_engine::families::drums::sequence::DrumStep;
    use antiphon_engine::families::melody::encoding::MelodyEvent;
    use antiphon_engine::live::feed::feed;
    use antiphon_engine::live::feel::StepFeel;

    use super::*;
    use crate::editor::test_feed::{heard, heard_drums, melodic_call_and_answer, on, played};
    use antiphon_engine::encoding::StepEvents;

    impl Session {
        /// The drum hits of `lane` inside `steps`.
        fn hits_of(&self, lane: Lane, steps: Range<i64>) -> Vec<(i64, DrumEvent)> {
            self.steps(lane, steps)
                .map(|(step, lane_step)| {
                    (step, DrumEvent::from_id(lane_step.events.ids()[0]).unwrap())
                })
                .collect()
        }
    }

    /// The drum hits of `take`.
    fn drums(take: &Take) -> Vec<(i64, DrumEvent)> {
        take.steps
            .iter()
            .map(|&(step, lane_step)| {
                (step, DrumEvent::from_id(lane_step.events.ids()[0]).unwrap())
            })
            .collect()
    }

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
            heard_drums(session, beat * 4, kick());
        }
        session.play_event(PlayEvent::Turn(TurnState::Listening { start: 0 }));
        session.play_event(PlayEvent::Turn(TurnState::Idle));
        session.answered(answered(StepSpan::new(0, 32), StepSpan::new(48, 80), -80.0));
        session.play_event(PlayEvent::Turn(TurnState::Responding {
            span: StepSpan::new(48, 80),
        }));
        session.play_event(PlayEvent::Played {
            step: 48,
            events: StepEvents::one(snare().id()),
            voicing: Voicing::default(),
            feel: None,
        });
        session.play_event(PlayEvent::Late { step: 50 });
        session.play_event(PlayEvent::Played {
            step: 52,
            events: StepEvents::one(kick().id()),
            voicing: Voicing::default(),
            feel: None,
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
            events: StepEvents::one(kick().id()),
            feel: StepFeel::Hits(DrumStep::from_event(kick(), u7::new(100))),
            voicing: Voicing::default(),
        });
        play.send(PlayEvent::Heard {
            step: 4,
            events: StepEvents::one(snare().id()),
            feel: StepFeel::Hits(DrumStep::from_event(snare(), u7::new(100))),
            voicing: Voicing::default(),
        });
        answers.send(answered(StepSpan::new(0, 16), StepSpan::new(16, 32), -30.0));
        play.send(PlayEvent::Turn(TurnState::Responding {
            span: StepSpan::new(16, 32),
        }));
        play.send(PlayEvent::Played {
            step: 16,
            events: StepEvents::one(kick().id()),
            voicing: Voicing::default(),
            feel: None,
        });

        let mut session = Session::new();
        session.drain(&mut receiver);
        assert_eq!(
            session.hits_of(Lane::Call, 0..16),
            [(0, kick()), (4, snare())]
        );
        assert_eq!(session.hits_of(Lane::Response, 0..64), [(16, kick())]);
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
            events: StepEvents::one(DrumEvent::REST.id()),
            voicing: Voicing::default(),
            feel: None,
        });
        assert_eq!(session.hits_of(Lane::Response, 0..10).len(), 0);
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
        assert_eq!(call.steps.len(), 8);
        let response = session.last_response().unwrap();
        assert_eq!(response.span, StepSpan::new(48, 80));
        assert_eq!(drums(&response), [(48, snare()), (52, kick())]);
    }

    #[test]
    fn a_response_not_yet_playing_is_not_the_last_response() {
        let mut session = Session::new();
        heard_drums(&mut session, 0, kick());
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
        assert_eq!(session.hits_of(Lane::Call, 0..100).len(), 0);
        assert_eq!(session.hits_of(Lane::Response, 0..100).len(), 0);
        assert_eq!(session.responses().count(), 0);
        assert_eq!(session.answers().len(), 1, "the session's history stays");
        assert_eq!(session.last_call().unwrap().steps.len(), 8);
        assert_eq!(session.last_response().unwrap().steps.len(), 2);
        // A new call after the jump replaces the kept one.
        heard_drums(&mut session, 4, snare());
        session.answered(answered(StepSpan::new(0, 16), StepSpan::new(16, 32), -9.0));
        assert_eq!(drums(&session.last_call().unwrap()), [(4, snare())]);
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
        heard_drums(&mut session, 80 + KEEP_STEPS, kick());
        assert_eq!(session.hits_of(Lane::Call, 0..80).len(), 0);
        assert_eq!(session.hits_of(Lane::Response, 0..80).len(), 0);
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
    fn the_call_keys_are_those_of_the_call_heard_or_else_of_the_last_answered() {
        let mut session = Session::new();
        let strike = |session: &mut Session, step, channel, key| {
            session.play_event(PlayEvent::Struck {
                step,
                channel: u4::new(channel),
                key: u7::new(key),
            })
        };
        let keys = |keys: &[(u8, u8)]| -> Vec<(u4, u7)> {
            keys.iter()
                .map(|&(channel, key)| (u4::new(channel), u7::new(key)))
                .collect()
        };
        strike(&mut session, 0, 9, 36);
        strike(&mut session, 2, 0, 60);
        strike(&mut session, 4, 0, 84);
        session.play_event(PlayEvent::Turn(TurnState::Listening { start: 0 }));
        assert_eq!(session.call_keys(), keys(&[(9, 36), (0, 60), (0, 84)]));
        // Once answered, the same call is still the one told about, until the next call.
        session.play_event(PlayEvent::Turn(TurnState::Idle));
        session.answered(answered(StepSpan::new(0, 16), StepSpan::new(32, 48), -9.0));
        assert_eq!(session.call_keys().len(), 3);
        strike(&mut session, 64, 9, 38);
        session.play_event(PlayEvent::Turn(TurnState::Listening { start: 64 }));
        assert_eq!(session.call_keys(), keys(&[(9, 38)]));
    }

    fn take_notes(take: &Take) -> Vec<LaneNote> {
        let steps = take.steps.iter().copied();
        lane_notes::notes(take.family, steps, take.span.start..take.span.end)
    }

    fn note(start_step: i64, end_step: i64, midi: u8) -> LaneNote {
        LaneNote {
            start_step,
            end_step,
            key: u7::new(midi),
        }
    }

    #[test]
    fn a_melodic_call_and_answer_are_notes_as_long_as_they_sounded_where_they_sounded() {
        let mut session = Session::new();
        melodic_call_and_answer(&mut session);
        assert_eq!(session.family(), Family::MELODY);
        assert_eq!(
            session.notes(Lane::Call, 0..32),
            [note(0, 4, 72), note(4, 6, 76), note(8, 13, 79)]
        );
        // The last note of the answer sounds up to the step playing now.
        assert_eq!(
            session.notes(Lane::Response, 0..32),
            [note(16, 20, 74), note(20, 22, 77), note(24, 28, 81)]
        );
        // Held steps are not kept: only where a note starts or stops.
        assert_eq!(session.steps(Lane::Response, 0..32).count(), 4);
        // Notes sounding into the steps asked for are theirs too.
        assert_eq!(session.notes(Lane::Call, 10..12), [note(8, 13, 79)]);
        assert_eq!(session.notes(Lane::Response, 25..26), [note(24, 28, 81)]);

        // The window ends with its note still on: the note ends with the window.
        for step in 28..40 {
            played(&mut session, step, MelodyEvent::NoEvent);
        }
        assert_eq!(
            session.notes(Lane::Response, 16..48).last(),
            Some(&note(24, 32, 81))
        );
        let response = session.last_response().unwrap();
        assert_eq!(response.family, Family::MELODY);
        assert_eq!(
            take_notes(&response),
            [note(16, 20, 74), note(20, 22, 77), note(24, 32, 81)]
        );
        assert_eq!(response.voicing().transpose_semitones, 12);
        assert_eq!(
            take_notes(&session.last_call().unwrap()),
            session.notes(Lane::Call, 0..16)
        );
    }

    #[test]
    fn an_answer_whose_window_was_not_seen_is_drawn_all_the_same() {
        // The editor opened while an answer played: its window was announced before.
        let mut session = Session::new();
        session.set_family(Family::MELODY);
        played(&mut session, 40, on(62));
        played(&mut session, 41, MelodyEvent::NoEvent);
        played(&mut session, 42, on(64));
        played(&mut session, 43, MelodyEvent::NoEvent);
        assert_eq!(
            session.notes(Lane::Response, 32..64),
            [note(40, 42, 74), note(42, 44, 76)]
        );
    }

    #[test]
    fn a_held_call_note_sounds_until_now() {
        let mut session = Session::new();
        session.set_family(Family::MELODY);
        heard(&mut session, 2, on(60));
        assert_eq!(session.notes(Lane::Call, 0..16), [note(2, 3, 72)]);
        session.play_event(PlayEvent::Late { step: 9 });
        assert_eq!(session.notes(Lane::Call, 0..16), [note(2, 10, 72)]);
    }

    #[test]
    fn a_model_change_puts_the_old_familys_lanes_aside() {
        // The usual order: the change's reset, then the new model's first steps, then the
        // editor reads which family is loaded.
        let mut session = Session::new();
        session.set_family(Family::DRUMS);
        call_and_answer(&mut session);
        session.play_event(PlayEvent::Reset);
        heard(&mut session, 100, on(60));
        session.set_family(Family::MELODY);
        assert_eq!(session.family(), Family::MELODY);
        assert_eq!(session.notes(Lane::Call, 96..112), [note(100, 101, 72)]);
        assert_eq!(session.last_call().unwrap().family, Family::DRUMS);
        assert_eq!(session.last_response().unwrap().family, Family::DRUMS);

        // The family changed before its reset arrived: the lanes so far are the old family's.
        let mut session = Session::new();
        session.set_family(Family::DRUMS);
        call_and_answer(&mut session);
        session.set_family(Family::MELODY);
        assert_eq!(session.steps(Lane::Call, 0..100).count(), 0);
        let call = session.last_call().unwrap();
        assert_eq!((call.family, call.steps.len()), (Family::DRUMS, 8));
        session.play_event(PlayEvent::Reset);
        heard(&mut session, 100, on(60));
        session.set_family(Family::MELODY);
        assert_eq!(session.notes(Lane::Call, 96..112).len(), 1);
        assert_eq!(session.last_call().unwrap().family, Family::DRUMS);
    }
}
