//! The turn-taking state machine.
//!
//! The audio thread reports played notes (already quantized to steps), the end-call trigger,
//! and the grid moments as they pass; the machine answers with [`Action`]s. A call starts on the
//! bar line before its first note and is decided once per bar, at the close of the bar's last
//! step (or `lead` steps earlier when the model needs more time). A response window starts on
//! the bar line where the call ended.

use super::{AfterResponse, Meter, PhraseRules, StepSpan};

/// The longest response the performer schedules, in steps (16 bars of 8/4).
pub const MAX_RESPONSE_STEPS: usize = 512;

/// Identifies one response window, so late results for a superseded window are ignored.
pub type WindowId = u32;

/// What the audio thread must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A call started at this bar line: its steps from here on go to the model.
    CallStarted { start: i64 },
    /// The call was shorter than the minimum and is forgotten.
    CallDiscarded,
    /// Answer the call: the model has heard `primer`, generates `skip_steps` steps it does not
    /// play (the bar's last steps when the call was decided early), then `response`.
    Respond {
        id: WindowId,
        primer: StepSpan,
        skip_steps: u32,
        response: StepSpan,
    },
    /// The model answers its own window `source_id` (which covered `source`) with `response`.
    Continue {
        id: WindowId,
        source_id: WindowId,
        source: StepSpan,
        response: StepSpan,
    },
    /// Play window `source_id`'s steps again over `response`.
    Repeat {
        id: WindowId,
        source_id: WindowId,
        response: StepSpan,
    },
    /// A response window starts sounding now.
    WindowStarted { id: WindowId, span: StepSpan },
    /// A response window ended or was cut short.
    WindowEnded { id: WindowId },
}

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
        /// Bar line of the latest bar with a note struck or held in it.
        last_active_bar: i64,
        triggered: bool,
        /// Bars ending up to here have been decided.
        decided_until: i64,
    },
}

#[derive(Debug, Clone, Copy)]
struct Window {
    id: WindowId,
    span: StepSpan,
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
    next_id: WindowId,
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
            next_id: 0,
        }
    }

    /// Back to idle (transport jump or stop); window ids keep counting so stale results stay
    /// recognisable.
    pub fn reset(&mut self, meter: Meter) {
        *self = Turns {
            next_id: self.next_id,
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
    pub fn note(&mut self, step: i64, mut emit: impl FnMut(Action)) {
        if step < self.listen_from {
            return;
        }
        let bar = self.meter.bar_line_at_or_before(step);
        match &mut self.call {
            Call::Listening {
                last_active_bar, ..
            } => *last_active_bar = (*last_active_bar).max(bar),
            Call::Idle => {
                self.call = Call::Listening {
                    start: bar,
                    last_active_bar: bar,
                    triggered: false,
                    decided_until: bar,
                };
                emit(Action::CallStarted { start: bar });
            }
        }
    }

    /// The player asked to end the call at the next bar line.
    pub fn trigger(&mut self) {
        if let Call::Listening { triggered, .. } = &mut self.call {
            *triggered = true;
        }
    }

    /// `step` closed: no later note quantizes onto it. When `lead_steps + 1` steps remain in the
    /// bar, the call is decided.
    pub fn step_closed(&mut self, step: i64, lead_steps: u32, mut emit: impl FnMut(Action)) {
        let Call::Listening {
            start,
            last_active_bar,
            triggered,
            decided_until,
        } = &mut self.call
        else {
            return;
        };
        let steps_per_bar = self.meter.bars_to_steps(1);
        // The bar is decided once, at the first close within `lead_steps + 1` steps of its end
        // (the lead may change from one block to the next).
        let bar_end = self.meter.bar_line_at_or_before(step) + steps_per_bar;
        let lead_steps = i64::from(lead_steps).min(steps_per_bar - 1);
        if step + 1 + lead_steps < bar_end || *decided_until >= bar_end {
            return;
        }
        *decided_until = bar_end;
        let (start, last_active_bar, triggered) = (*start, *last_active_bar, *triggered);
        let bars = u32::try_from((bar_end - start) / steps_per_bar).unwrap_or(u32::MAX);
        let silent = last_active_bar < bar_end - steps_per_bar;
        let (primer_end, call_bars) = if triggered {
            (bar_end, bars)
        } else if silent {
            (bar_end - steps_per_bar, bars.saturating_sub(1))
        } else if bars >= self.rules.max_call_bars.max(1) {
            (bar_end, bars)
        } else {
            return;
        };

        self.call = Call::Idle;
        if call_bars == 0 || call_bars < self.rules.min_call_bars {
            self.listen_from = bar_end;
            emit(Action::CallDiscarded);
            return;
        }
        let response_bars = self.rules.response_bars.unwrap_or(call_bars);
        let response_steps = self
            .meter
            .bars_to_steps(response_bars)
            .min(MAX_RESPONSE_STEPS as i64);
        let response = StepSpan::new(bar_end, bar_end + response_steps);
        // Decided early (lead), the primer stops at the last closed step and the model fills
        // the rest of the bar itself; a silent last bar is cut from the primer and skipped.
        let primer = StepSpan::new(start, primer_end.min(step + 1));
        let skip_steps = if silent && !triggered {
            0
        } else {
            u32::try_from(bar_end - primer.end).unwrap_or(0)
        };
        let id = self.new_id();
        self.next = Some(Window { id, span: response });
        self.listen_from = if self.rules.overlap {
            bar_end
        } else {
            response.end
        };
        emit(Action::Respond {
            id,
            primer,
            skip_steps,
            response,
        });
    }

    /// `step`'s grid line passed; `held` tells whether the player holds a note across it.
    pub fn step_started(&mut self, step: i64, held: bool, mut emit: impl FnMut(Action)) {
        if !self.meter.is_bar_line(step) {
            return;
        }
        if let Call::Listening {
            last_active_bar, ..
        } = &mut self.call
            && held
        {
            *last_active_bar = step;
        }

        let current_ends = self.current.filter(|w| w.span.end == step);
        if let Some(ending) = current_ends
            && self.next.is_none()
            && self.rules.after_response == AfterResponse::Loop
        {
            let id = self.new_id();
            let response = ending.span.moved_to(step);
            self.next = Some(Window { id, span: response });
            emit(Action::Repeat {
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
            emit(Action::WindowEnded { id: current.id });
        }
        if let Some(window) = starting {
            self.next = None;
            self.current = Some(window);
            emit(Action::WindowStarted {
                id: window.id,
                span: window.span,
            });
            if self.rules.after_response == AfterResponse::Mutate {
                let id = self.new_id();
                let response = window.span.moved_to(window.span.end);
                self.next = Some(Window { id, span: response });
                emit(Action::Continue {
                    id,
                    source_id: window.id,
                    source: window.span,
                    response,
                });
            }
        }
    }

    fn new_id(&mut self) -> WindowId {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAR: i64 = 16;

    /// Drives the machine over steps `from..to`: notes struck on `notes` steps, no lead.
    fn run(turns: &mut Turns, from: i64, to: i64, notes: &[i64]) -> Vec<(i64, Action)> {
        let mut actions = Vec::new();
        for step in from..to {
            turns.step_started(step, false, |a| actions.push((step, a)));
            if notes.contains(&step) {
                turns.note(step, |a| actions.push((step, a)));
            }
            turns.step_closed(step, 0, |a| actions.push((step, a)));
        }
        actions
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
                (18, Action::CallStarted { start: 16 }),
                (
                    63,
                    Action::Respond {
                        id: 1,
                        primer: StepSpan::new(16, 48),
                        skip_steps: 0,
                        response: StepSpan::new(64, 96),
                    }
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
                Action::Respond {
                    id: 1,
                    primer: StepSpan::new(0, 32),
                    skip_steps: 0,
                    response: StepSpan::new(32, 48)
                }
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
                Action::Respond {
                    id: 1,
                    primer: StepSpan::new(0, 32),
                    skip_steps: 0,
                    response: StepSpan::new(32, 64)
                }
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
                (3, Action::CallStarted { start: 0 }),
                (31, Action::CallDiscarded)
            ]
        );
    }

    #[test]
    fn held_notes_keep_a_bar_active() {
        let mut t = turns(PhraseRules::default());
        let mut actions = Vec::new();
        for step in 0..4 * BAR {
            // A note struck at step 2 and held until step 20: bar 1 is active.
            t.step_started(step, (3..=20).contains(&step), |a| actions.push(a));
            if step == 2 {
                t.note(step, |a| actions.push(a));
            }
            t.step_closed(step, 0, |a| actions.push(a));
        }
        assert!(actions.contains(&Action::Respond {
            id: 1,
            primer: StepSpan::new(0, 32),
            skip_steps: 0,
            response: StepSpan::new(48, 80)
        }));
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
        assert!(actions.contains(&(36, Action::CallStarted { start: 32 })));
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
            |(_, a)| matches!(a, Action::Respond { response, .. } if response.start == 8 * BAR),
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
            Action::Continue {
                id: 2,
                source_id: 1,
                source: StepSpan::new(32, 48),
                response: StepSpan::new(48, 64)
            }
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
    fn a_lead_that_changes_between_closes_still_decides_the_bar_once() {
        let mut t = turns(PhraseRules {
            max_call_bars: 1,
            ..PhraseRules::default()
        });
        let mut actions = Vec::new();
        t.note(0, |a| actions.push(a));
        for step in 0..2 * BAR {
            let lead = if step < 14 { 0 } else { 3 };
            t.step_closed(step, lead, |a| actions.push(a));
        }
        let responses = actions
            .iter()
            .filter(|a| matches!(a, Action::Respond { .. }))
            .count();
        assert_eq!(responses, 1, "{actions:?}");
        assert!(matches!(
            actions[1],
            Action::Respond { primer, skip_steps: 1, .. } if primer == StepSpan::new(0, 15)
        ));
    }

    #[test]
    fn lead_decides_early_and_shortens_the_primer() {
        let mut t = turns(PhraseRules {
            max_call_bars: 1,
            ..PhraseRules::default()
        });
        let mut actions = Vec::new();
        for step in 0..BAR {
            if step == 1 {
                t.note(step, |a| actions.push(a));
            }
            t.step_closed(step, 2, |a| actions.push(a));
        }
        assert_eq!(
            actions[1],
            Action::Respond {
                id: 1,
                primer: StepSpan::new(0, 14),
                skip_steps: 2,
                response: StepSpan::new(16, 32)
            }
        );
    }
}
