//! The turn-taking state machine.
//!
//! The audio thread reports played notes (already quantized to steps), the end-call trigger,
//! and the grid moments as they pass; the machine answers with [`Actions`]. A call starts on the
//! bar line before its first note and is decided once per bar, at the close of the bar's last
//! step. A bar belongs to the call when
//! a note starts in it: releases mean nothing; a bar holding only its first step's notes closes
//! the call (see [`super::ending`]). A response window starts on the bar line after the call.

use super::{
    Action, Actions, AfterResponse, AnswerRequest, Heard, LastBar, Meter, PhraseRules, Responder,
    StepSpan, WindowId, ending,
};

/// The longest response the performer schedules, in steps (16 bars of 8/4).
pub const MAX_RESPONSE_STEPS: usize = 512;

/// What the editor shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnState {
    /// Waiting for the player.
    Idle,
    /// Listening to a call that started at `start`.
    Listening { start: i64 },
    /// A response window is sounding.
    Responding { span: StepSpan },
}

#[derive(Debug, Clone, Copy)]
enum Call {
    Idle,
    Listening {
        start: i64,
        /// Bar line of the latest bar with a note struck beyond its first step, or held over its
        /// bar line.
        last_played_bar: i64,
        /// Bar line of the latest bar with a note struck on its first step.
        last_downbeat_bar: i64,
        triggered: bool,
    },
}

#[derive(Debug, Clone, Copy)]
struct Window {
    id: WindowId,
    span: StepSpan,
    /// Who plays it (a loop's repeat is played as its source was).
    responder: Responder,
}

/// Turn-taking between the player and the model.
#[derive(Debug, Clone)]
pub struct Turns {
    meter: Meter,
    rules: PhraseRules,
    call: Call,
    /// Notes quantized before this step do not start or extend a call.
    listen_from: i64,
    current: Option<Window>,
    next: Option<Window>,
    /// The last window id handed out. Ids keep counting across [`Turns::reset`], so the model's
    /// late results for a window cut short can never land in a newer one.
    last_id: WindowId,
}

impl Turns {
    /// Idle, on `meter`.
    pub fn new(meter: Meter, rules: PhraseRules) -> Turns {
        Turns {
            meter,
            rules,
            call: Call::Idle,
            listen_from: i64::MIN,
            current: None,
            next: None,
            last_id: 0,
        }
    }

    /// Back to idle on `meter` (transport jump, stop or meter change); window ids keep counting.
    pub fn reset(&mut self, meter: Meter) {
        *self = Turns {
            last_id: self.last_id,
            ..Turns::new(meter, self.rules)
        };
    }

    /// The bar grid in use.
    pub fn meter(&self) -> Meter {
        self.meter
    }

    /// New settings; they apply from the next decision on.
    pub fn set_rules(&mut self, rules: PhraseRules) {
        self.rules = rules;
    }

    /// What the editor shows.
    pub fn state(&self) -> TurnState {
        match (self.current, self.call) {
            (Some(window), _) => TurnState::Responding { span: window.span },
            (None, Call::Listening { start, .. }) => TurnState::Listening { start },
            (None, Call::Idle) => TurnState::Idle,
        }
    }

    /// Start step of the call being listened to, if any.
    pub fn call_start(&self) -> Option<i64> {
        match self.call {
            Call::Listening { start, .. } => Some(start),
            Call::Idle => None,
        }
    }

    /// The player struck a note that quantized onto `step`.
    pub fn note(&mut self, step: i64) -> Actions {
        let mut actions = Actions::default();
        if step < self.listen_from {
            return actions;
        }
        let bar = self.meter.bar_line_at_or_before(step);
        if let Call::Idle = self.call {
            self.call = Call::Listening {
                start: bar,
                last_played_bar: i64::MIN,
                last_downbeat_bar: i64::MIN,
                triggered: false,
            };
            actions.push(Action::CallStarted {
                start: bar,
                steps_per_bar: self.meter.steps_per_bar(),
            });
        }
        if let Call::Listening {
            last_played_bar,
            last_downbeat_bar,
            ..
        } = &mut self.call
        {
            let latest = if step == bar {
                last_downbeat_bar
            } else {
                last_played_bar
            };
            *latest = (*latest).max(bar);
        }
        actions
    }

    /// The player asked to end the call at the next bar line.
    pub fn trigger(&mut self) {
        if let Call::Listening { triggered, .. } = &mut self.call {
            *triggered = true;
        }
    }

    /// `step` closed: no later note quantizes onto it. At the close of a bar's last step, the
    /// call is decided: never earlier, so what the model hears is fixed by the music alone,
    /// however fast or slow the model thread is.
    pub fn step_closed(&mut self, step: i64) -> Actions {
        let mut actions = Actions::default();
        let Call::Listening {
            start,
            last_played_bar,
            last_downbeat_bar,
            triggered,
        } = self.call
        else {
            return actions;
        };
        let steps_per_bar = self.meter.bars_to_steps(1);
        let bar_end = self.meter.bar_line_at_or_before(step) + steps_per_bar;
        if step + 1 < bar_end {
            return actions;
        }
        let last_bar = bar_end - steps_per_bar;
        let last = if last_played_bar >= last_bar {
            LastBar::Played
        } else if last_downbeat_bar >= last_bar {
            LastBar::Accent
        } else {
            LastBar::Silent
        };
        let bars = u32::try_from((bar_end - start) / steps_per_bar).unwrap_or(u32::MAX);
        let call_bars = self.rules.call_bars();
        let ending = if triggered {
            ending(start, bar_end, steps_per_bar, LastBar::Played)
        } else {
            match ending(start, bar_end, steps_per_bar, last) {
                // A silent or accented bar ends the call; a played one only at the maximum.
                ended if ended.call_bars < bars => ended,
                played if bars >= *call_bars.end() => played,
                _ => return actions,
            }
        };
        let heard_bars = ending.call_bars;

        self.call = Call::Idle;
        if heard_bars == 0 || heard_bars < *call_bars.start() {
            self.listen_from = bar_end;
            actions.push(Action::CallDiscarded);
            return actions;
        }
        let response_bars = self.rules.response_bars.unwrap_or(heard_bars);
        let response_steps = self
            .meter
            .bars_to_steps(response_bars)
            .min(MAX_RESPONSE_STEPS as i64);
        let response = StepSpan::new(bar_end, bar_end + response_steps);
        let (primer, skip_steps) = (ending.primer, ending.skip_steps);
        let id = self.new_id();
        self.next = Some(Window {
            id,
            span: response,
            responder: Responder::Model,
        });
        self.listen_from = if self.rules.overlap {
            bar_end
        } else {
            response.end
        };
        actions.push(Action::Respond(AnswerRequest {
            id,
            heard: Heard::Call { primer, skip_steps },
            response,
            responder: Responder::Model,
            steps_per_bar: self.meter.steps_per_bar(),
        }));
        actions
    }

    /// `step`'s grid line passed: windows start and end on bar lines. `sustaining`: the
    /// player's line still sounds (a held melodic note; drums never sustain). A note held over a
    /// bar line makes that bar part of the call only if it still sounds a 16th into it.
    pub fn step_started(&mut self, step: i64, sustaining: bool) -> Actions {
        let mut actions = Actions::default();
        let bar = self.meter.bar_line_at_or_before(step);
        // Held over the bar line: a note struck on the downbeat and held is a closing note.
        if step == bar + 1
            && sustaining
            && let Call::Listening {
                last_played_bar,
                last_downbeat_bar,
                ..
            } = &mut self.call
            && *last_downbeat_bar < bar
        {
            *last_played_bar = (*last_played_bar).max(bar);
        }
        if step != bar {
            return actions;
        }
        let current_ends = self.current.filter(|w| w.span.end == step);
        if let Some(ending) = current_ends
            && self.next.is_none()
            && self.rules.after_response == AfterResponse::Loop
        {
            let id = self.new_id();
            let response = ending.span.moved_to(step);
            self.next = Some(Window {
                id,
                span: response,
                responder: ending.responder,
            });
            actions.push(Action::Repeat {
                id,
                source_id: ending.id,
                response,
            });
        }

        let starting = self.next.filter(|w| w.span.start == step);
        if let Some(current) = self.current
            && (current_ends.is_some() || starting.is_some())
        {
            self.current = None;
            actions.push(Action::WindowEnded { id: current.id });
        }
        if let Some(window) = starting {
            self.next = None;
            self.current = Some(window);
            actions.push(Action::WindowStarted {
                id: window.id,
                span: window.span,
            });
            let responder = match self.rules.after_response {
                AfterResponse::Mutate => Some(Responder::Model),
                AfterResponse::Jam => Some(window.responder.other()),
                AfterResponse::Listen | AfterResponse::Loop => None,
            };
            if let Some(responder) = responder {
                let id = self.new_id();
                let response = window.span.moved_to(window.span.end);
                self.next = Some(Window {
                    id,
                    span: response,
                    responder,
                });
                actions.push(Action::Respond(AnswerRequest {
                    id,
                    heard: Heard::Window {
                        source_id: window.id,
                        source: window.span,
                    },
                    response,
                    responder,
                    steps_per_bar: self.meter.steps_per_bar(),
                }));
            }
        }
        actions
    }

    fn new_id(&mut self) -> WindowId {
        self.last_id = self.last_id.wrapping_add(1);
        self.last_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAR: i64 = 16;

    /// Drives the machine over steps `from..to`: notes struck on `notes` steps.
    fn run(turns: &mut Turns, from: i64, to: i64, notes: &[i64]) -> Vec<(i64, Action)> {
        let mut actions = Vec::new();
        for step in from..to {
            actions.extend(
                turns
                    .step_started(step, false)
                    .into_iter()
                    .map(|a| (step, a)),
            );
            if notes.contains(&step) {
                actions.extend(turns.note(step).into_iter().map(|a| (step, a)));
            }
            actions.extend(turns.step_closed(step).into_iter().map(|a| (step, a)));
        }
        actions
    }

    fn respond(id: WindowId, primer: StepSpan, skip_steps: u32, response: StepSpan) -> Action {
        Action::Respond(AnswerRequest {
            id,
            heard: Heard::Call { primer, skip_steps },
            response,
            responder: Responder::Model,
            steps_per_bar: 16,
        })
    }

    fn turns(rules: PhraseRules) -> Turns {
        Turns::new(Meter::new(0, 16), rules)
    }

    #[test]
    fn a_two_bar_call_ending_in_silence_is_answered_on_the_next_bar_line() {
        let mut t = turns(PhraseRules::default());
        // Notes in bars 1 and 2 (steps 16..48), bar 3 silent.
        let actions = run(&mut t, 0, 8 * BAR, &[18, 20, 30, 34, 40]);
        assert_eq!(
            actions,
            [
                (
                    18,
                    Action::CallStarted {
                        start: 16,
                        steps_per_bar: 16
                    }
                ),
                (
                    63,
                    respond(1, StepSpan::new(16, 48), 0, StepSpan::new(64, 96))
                ),
                (
                    64,
                    Action::WindowStarted {
                        id: 1,
                        span: StepSpan::new(64, 96)
                    }
                ),
                (96, Action::WindowEnded { id: 1 }),
            ]
        );
    }

    #[test]
    fn max_call_bars_ends_a_call_without_silence() {
        let mut t = turns(PhraseRules {
            max_call_bars: 2,
            response_bars: Some(1),
            ..PhraseRules::default()
        });
        let notes: Vec<i64> = (0..6 * BAR).step_by(4).collect();
        let actions = run(&mut t, 0, 3 * BAR, &notes);
        assert_eq!(
            actions[1],
            (
                31,
                respond(1, StepSpan::new(0, 32), 0, StepSpan::new(32, 48))
            )
        );
    }

    #[test]
    fn the_trigger_ends_the_call_at_the_next_bar_line() {
        let mut t = turns(PhraseRules {
            max_call_bars: 8,
            ..PhraseRules::default()
        });
        run(&mut t, 0, 20, &[0, 4, 8, 17]);
        t.trigger();
        let actions = run(&mut t, 20, 33, &[22]);
        assert_eq!(
            actions[0],
            (
                31,
                respond(1, StepSpan::new(0, 32), 0, StepSpan::new(32, 64))
            )
        );
    }

    #[test]
    fn calls_shorter_than_the_minimum_are_discarded() {
        let mut t = turns(PhraseRules {
            min_call_bars: 2,
            ..PhraseRules::default()
        });
        let actions = run(&mut t, 0, 4 * BAR, &[3]);
        assert_eq!(
            actions,
            [
                (
                    3,
                    Action::CallStarted {
                        start: 0,
                        steps_per_bar: 16
                    }
                ),
                (31, Action::CallDiscarded)
            ]
        );
    }

    #[test]
    fn a_bar_with_only_a_release_in_it_is_not_part_of_the_call() {
        // Notes struck in bars 0 and 1; whatever the player releases in bar 2 (a clip's last note
        // ends on the loop point) does not reach the machine at all, so bar 2 is silent.
        let mut t = turns(PhraseRules::default());
        let actions = run(&mut t, 0, 4 * BAR, &[0, 8, 16, 30]);
        assert!(
            actions.contains(&(
                47,
                respond(1, StepSpan::new(0, 32), 0, StepSpan::new(48, 80))
            )),
            "{actions:?}"
        );
    }

    #[test]
    fn without_overlap_the_response_is_not_a_call_with_overlap_it_is() {
        let mut no_overlap = turns(PhraseRules::default());
        // Call in bar 0, silent bar 1, response over bar 2 (steps 32..48) with notes played in it.
        let played = [0, 4, 36, 40];
        let actions = run(&mut no_overlap, 0, 8 * BAR, &played);
        assert_eq!(
            actions
                .iter()
                .filter(|(_, a)| matches!(a, Action::CallStarted { .. }))
                .count(),
            1
        );

        let mut overlap = turns(PhraseRules {
            overlap: true,
            ..PhraseRules::default()
        });
        let actions = run(&mut overlap, 0, 8 * BAR, &played);
        assert!(actions.contains(&(
            36,
            Action::CallStarted {
                start: 32,
                steps_per_bar: 16
            }
        )));
    }

    #[test]
    fn loop_repeats_the_response_until_a_new_call_is_answered() {
        let mut t = turns(PhraseRules {
            after_response: AfterResponse::Loop,
            ..PhraseRules::default()
        });
        let actions = run(&mut t, 0, 6 * BAR, &[0]);
        // Call bar 0, silent bar 1 → respond over bar 2, then repeat over bars 3, 4, 5.
        let repeats: Vec<_> = actions
            .iter()
            .filter_map(|(step, a)| matches!(a, Action::Repeat { .. }).then_some(*step))
            .collect();
        assert_eq!(repeats, [48, 64, 80]);
        assert!(actions.contains(&(
            48,
            Action::Repeat {
                id: 2,
                source_id: 1,
                response: StepSpan::new(48, 64)
            }
        )));
        // Playing over the loop: the new call's answer replaces it.
        let actions = run(&mut t, 6 * BAR, 10 * BAR, &[6 * BAR + 1]);
        let responded = actions.iter().any(
            |(_, a)| matches!(a, Action::Respond(request) if request.response.start == 8 * BAR),
        );
        assert!(responded, "{actions:?}");
    }

    #[test]
    fn mutate_asks_the_model_to_answer_each_window() {
        let mut t = turns(PhraseRules {
            after_response: AfterResponse::Mutate,
            ..PhraseRules::default()
        });
        let actions = run(&mut t, 0, 4 * BAR, &[0]);
        assert!(actions.contains(&(
            32,
            Action::Respond(AnswerRequest {
                id: 2,
                heard: Heard::Window {
                    source_id: 1,
                    source: StepSpan::new(32, 48)
                },
                response: StepSpan::new(48, 64),
                responder: Responder::Model,
                steps_per_bar: 16,
            })
        )));
        assert!(actions.contains(&(
            48,
            Action::WindowStarted {
                id: 2,
                span: StepSpan::new(48, 64)
            }
        )));
    }

    #[test]
    fn a_jam_hands_each_window_to_the_other_model_until_the_player_plays() {
        let mut t = turns(PhraseRules {
            after_response: AfterResponse::Jam,
            ..PhraseRules::default()
        });
        // A one-bar call in bar 0, silent bar 1: the model answers in bar 2, then the two take
        // turns bar by bar.
        let actions = run(&mut t, 0, 6 * BAR, &[0]);
        let turns: Vec<(i64, Responder)> = actions
            .iter()
            .filter_map(|(_, action)| match action {
                Action::Respond(request) => Some((request.response.start, request.responder)),
                _ => None,
            })
            .collect();
        assert_eq!(
            turns,
            [
                (2 * BAR, Responder::Model),
                (3 * BAR, Responder::JamModel),
                (4 * BAR, Responder::Model),
                (5 * BAR, Responder::JamModel),
                (6 * BAR, Responder::Model),
            ]
        );
        // The player plays again: a new call, answered by the model.
        let actions = run(&mut t, 6 * BAR, 10 * BAR, &[6 * BAR + 1]);
        let answered = actions.iter().any(|(_, a)| {
            matches!(a, Action::Respond(request)
                if request.call().is_some() && request.responder == Responder::Model)
        });
        assert!(answered, "{actions:?}");
    }

    #[test]
    fn a_minimum_above_the_maximum_still_answers_at_the_maximum() {
        let mut t = turns(PhraseRules {
            min_call_bars: 4,
            max_call_bars: 2,
            ..PhraseRules::default()
        });
        let notes: Vec<i64> = (0..4 * BAR).step_by(4).collect();
        let actions = run(&mut t, 0, 3 * BAR, &notes);
        assert!(
            actions.contains(&(
                31,
                respond(1, StepSpan::new(0, 32), 0, StepSpan::new(32, 64))
            )),
            "{actions:?}"
        );
    }

    #[test]
    fn window_ids_keep_counting_across_resets() {
        let mut t = turns(PhraseRules::default());
        let first = run(&mut t, 0, 3 * BAR, &[0]);
        t.reset(Meter::new(0, 16));
        let second = run(&mut t, 0, 3 * BAR, &[0]);
        let ids = |actions: &[(i64, Action)]| -> Vec<WindowId> {
            actions
                .iter()
                .filter_map(|(_, a)| match a {
                    Action::Respond(request) => Some(request.id),
                    _ => None,
                })
                .collect()
        };
        assert_eq!(ids(&first), [1]);
        assert_eq!(ids(&second), [2], "a fresh id after the reset");
    }

    #[test]
    fn odd_meters_decide_on_their_own_bar_lines() {
        for steps_per_bar in [12, 20, 14, 10] {
            let bar = i64::from(steps_per_bar);
            let mut t = Turns::new(Meter::new(0, steps_per_bar), PhraseRules::default());
            // Two bars of call from bar 1, bar 3 silent.
            let notes: Vec<i64> = (bar..3 * bar).step_by(2).collect();
            let actions = run(&mut t, 0, 6 * bar, &notes);
            assert_eq!(
                actions[0],
                (
                    bar,
                    Action::CallStarted {
                        start: bar,
                        steps_per_bar
                    }
                )
            );
            assert_eq!(
                actions[1],
                (
                    4 * bar - 1,
                    Action::Respond(AnswerRequest {
                        id: 1,
                        heard: Heard::Call {
                            primer: StepSpan::new(bar, 3 * bar),
                            skip_steps: 0
                        },
                        response: StepSpan::new(4 * bar, 6 * bar),
                        responder: Responder::Model,
                        steps_per_bar,
                    })
                ),
                "{steps_per_bar} steps per bar"
            );
        }
    }

    #[test]
    fn a_note_held_a_16th_into_a_bar_makes_it_part_of_the_call() {
        // A note struck in bar 0 and held: into bar 1 by more than a 16th (still sounding at
        // step 17), or released by then.
        for (held_until, call_bars) in [(18, 2), (17, 1), (16, 1)] {
            let mut t = turns(PhraseRules::default());
            let mut actions = Vec::new();
            for step in 0..5 * BAR {
                actions.extend(t.step_started(step, step > 2 && step < held_until));
                if step == 2 {
                    actions.extend(t.note(step));
                }
                actions.extend(t.step_closed(step));
            }
            let primer_bars = actions.iter().find_map(|a| match a {
                Action::Respond(request) => request.call().map(|call| call.len_steps() / 16),
                _ => None,
            });
            assert_eq!(primer_bars, Some(call_bars), "held until step {held_until}");
        }
    }

    #[test]
    fn a_closing_downbeat_ends_the_call_and_is_its_last_event() {
        let mut t = turns(PhraseRules::default());
        // Bars 1–2 played, bar 3 only its downbeat (step 48).
        let notes: Vec<i64> = (16..48).step_by(2).chain([48]).collect();
        let actions = run(&mut t, 0, 7 * BAR, &notes);
        assert!(
            actions.contains(&(
                63,
                respond(1, StepSpan::new(16, 49), 15, StepSpan::new(64, 96))
            )),
            "{actions:?}"
        );
    }

    #[test]
    fn a_melody_closing_on_a_long_downbeat_note_ends_there_and_one_held_over_goes_on() {
        // Bars 0–1 played; a note struck on bar 2's downbeat and held through it closes the
        // call. A note struck late in bar 1 and held into bar 2 makes bar 2 part of it.
        for (struck, call_end, skip) in [(32, 33, 15), (30, 48, 0)] {
            let mut t = turns(PhraseRules::default());
            let mut actions = Vec::new();
            for step in 0..6 * BAR {
                actions.extend(t.step_started(step, step > struck && step < 48));
                if (step < 32 && step % 4 == 0) || step == struck {
                    actions.extend(t.note(step));
                }
                actions.extend(t.step_closed(step));
            }
            let request = actions.iter().find_map(|a| match a {
                Action::Respond(request) => Some(*request),
                _ => None,
            });
            assert_eq!(
                request.map(|r| r.heard),
                Some(Heard::Call {
                    primer: StepSpan::new(0, call_end),
                    skip_steps: skip
                }),
                "a note struck at {struck}"
            );
        }
    }
}
