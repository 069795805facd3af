//! The model thread's ear: feeds the call into the LSTM step by step as bars pass, so that when
//! the call ends only the response remains to compute.

use crate::encoding::EventId;
use crate::model::{FusedState, Model, ModelError};

/// The model's state after hearing part of a call: ready to predict step `position_steps`.
#[derive(Debug, Clone)]
pub struct Primed {
    /// LSTM state having consumed every event before `last`.
    pub state: FusedState,
    /// The last event heard, not yet fed.
    pub last: EventId,
    /// Position of the next step, counted from the call's first bar line.
    pub position_steps: usize,
    /// Log-likelihood of what was heard (its first step is context).
    pub log_likelihood: f32,
}

/// A call being listened to.
#[derive(Debug)]
pub struct CallListener {
    start: i64,
    steps_per_bar: u32,
    primed: Primed,
    /// Snapshots at the call's bar lines and a step after them, for ending the primer before a
    /// silent last bar or after an accent's downbeat (see [`crate::phrase::ending`]).
    bar_snapshots: Vec<Primed>,
    events: Vec<EventId>,
    /// LSTM steps computed so far, replays included.
    computed_steps: u64,
}

impl CallListener {
    /// A call starting at bar line `start`, nothing heard yet.
    pub fn new(model: &Model, start: i64, steps_per_bar: u32) -> Result<Self, ModelError> {
        Ok(CallListener {
            start,
            steps_per_bar: steps_per_bar.max(1),
            primed: Primed {
                state: model.initial_state(),
                last: EventId::QUIET,
                position_steps: 0,
                log_likelihood: 0.0,
            },
            bar_snapshots: Vec::new(),
            events: Vec::new(),
            computed_steps: 0,
        })
    }

    /// LSTM steps this listener has computed, replays included.
    pub fn computed_steps(&self) -> u64 {
        self.computed_steps
    }

    /// The call's first step.
    pub fn start(&self) -> i64 {
        self.start
    }

    /// The call's events heard so far, from its first step.
    pub fn events(&self) -> &[EventId] {
        &self.events
    }

    /// Hears step `step`; steps skipped since the last one are rests. Steps before the call or
    /// already heard are ignored.
    pub fn hear(&mut self, model: &Model, step: i64, event: EventId) -> Result<(), ModelError> {
        let Ok(position) = usize::try_from(step - self.start) else {
            return Ok(());
        };
        while self.events.len() < position {
            self.feed(model, EventId::QUIET)?;
        }
        if self.events.len() == position {
            self.feed(model, event)?;
        }
        Ok(())
    }

    fn feed(&mut self, model: &Model, event: EventId) -> Result<(), ModelError> {
        let position = self.events.len();
        if position > 0 {
            let log_probs = model.step(&mut self.primed.state, self.primed.last, position)?;
            self.primed.log_likelihood += log_probs[event.index()];
            self.computed_steps += 1;
        }
        self.primed.last = event;
        self.primed.position_steps = position + 1;
        self.events.push(event);
        let into_bar = self.primed.position_steps % self.steps_per_bar as usize;
        if into_bar <= 1 {
            self.bar_snapshots.push(self.primed.clone());
        }
        Ok(())
    }

    /// The model primed with the call's steps before `end`: the live state when everything up
    /// to `end` was heard, a snapshot when `end` is an earlier bar line or the step after one,
    /// the live state fed with rests when the call's last steps never arrived.
    pub fn primed_until(&mut self, model: &Model, end: i64) -> Result<Primed, ModelError> {
        let Ok(length) = usize::try_from(end - self.start) else {
            return Ok(Primed {
                state: model.initial_state(),
                last: EventId::QUIET,
                position_steps: 0,
                log_likelihood: 0.0,
            });
        };
        while self.events.len() < length {
            self.feed(model, EventId::QUIET)?;
        }
        if self.events.len() == length {
            return Ok(self.primed.clone());
        }
        if let Some(snapshot) = self
            .bar_snapshots
            .iter()
            .find(|snapshot| snapshot.position_steps == length)
        {
            return Ok(snapshot.clone());
        }
        // Not where a call ends (cannot happen with primers Turns decides): replay the call.
        let mut replay = CallListener::new(model, self.start, self.steps_per_bar)?;
        for (position, &event) in self.events[..length].iter().enumerate() {
            replay.hear(model, self.start + position as i64, event)?;
        }
        self.computed_steps += replay.computed_steps;
        Ok(replay.primed)
    }
}
