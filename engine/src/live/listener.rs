//! The model thread's ear: feeds the call into the LSTM step by step as bars pass, so that when
//! the call ends only the response remains to compute.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::model::fused::StepError;
use crate::model::{FusedState, Model, ModelError};

/// The model's state after hearing part of a call: ready to predict step `position_steps`.
#[derive(Debug, Clone)]
pub struct Primed {
    /// LSTM state having consumed every event before `last`.
    pub state: FusedState,
    /// The last event heard, not yet fed.
    pub last: EventId,
    /// How it was played.
    pub last_groove: GrooveValues,
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
    grooves: Vec<GrooveValues>,
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
                state: model.initial_state(steps_per_bar),
                last: EventId::QUIET,
                last_groove: GrooveValues::default(),
                position_steps: 0,
                log_likelihood: 0.0,
            },
            bar_snapshots: Vec::new(),
            events: Vec::new(),
            grooves: Vec::new(),
            computed_steps: 0,
        })
    }

    /// The model's state after hearing a whole phrase from a bar line, in bars of
    /// `steps_per_bar`, each event played as its groove says; and the LSTM steps that took.
    pub fn heard_whole(
        model: &Model,
        events: &[EventId],
        grooves: &[GrooveValues],
        steps_per_bar: u32,
    ) -> Result<(Primed, u64), ModelError> {
        let mut listener = CallListener::new(model, 0, steps_per_bar)?;
        for (position, (&event, &groove)) in events.iter().zip(grooves).enumerate() {
            listener.hear(model, position as i64, event, groove)?;
        }
        let primed = listener.primed_until(model, events.len() as i64)?;
        Ok((primed, listener.computed_steps))
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

    /// How each event heard so far was played.
    pub fn grooves(&self) -> &[GrooveValues] {
        &self.grooves
    }

    /// Hears step `step`, played as `groove` says; steps skipped since the last one are rests.
    /// Steps before the call or already heard are ignored.
    pub fn hear(
        &mut self,
        model: &Model,
        step: i64,
        event: EventId,
        groove: GrooveValues,
    ) -> Result<(), ModelError> {
        let Ok(position) = usize::try_from(step - self.start) else {
            return Ok(());
        };
        while self.events.len() < position {
            self.feed(model, EventId::QUIET, GrooveValues::default())?;
        }
        if self.events.len() == position {
            self.feed(model, event, groove)?;
        }
        Ok(())
    }

    fn feed(
        &mut self,
        model: &Model,
        event: EventId,
        groove: GrooveValues,
    ) -> Result<(), ModelError> {
        // Heard for another model (its family's ids): an error for this phrase, not a panic.
        if event.index() >= model.vocab_size() {
            return Err(StepError::Event {
                index: event.index(),
                vocab_size: model.vocab_size(),
            }
            .into());
        }
        let position = self.events.len();
        if position > 0 {
            let Primed {
                state,
                last,
                last_groove,
                ..
            } = &mut self.primed;
            let log_probs = model.step_played(state, *last, last_groove, position)?;
            self.primed.log_likelihood += log_probs[event.index()];
            self.computed_steps += 1;
        }
        self.primed.last = event;
        self.primed.last_groove = groove;
        self.primed.position_steps = position + 1;
        self.events.push(event);
        self.grooves.push(groove);
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
                state: model.initial_state(self.steps_per_bar),
                last: EventId::QUIET,
                last_groove: GrooveValues::default(),
                position_steps: 0,
                log_likelihood: 0.0,
            });
        };
        while self.events.len() < length {
            self.feed(model, EventId::QUIET, GrooveValues::default())?;
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
        let heard = self.events.iter().zip(&self.grooves).take(length);
        for (position, (&event, &groove)) in heard.enumerate() {
            replay.hear(model, self.start + position as i64, event, groove)?;
        }
        self.computed_steps += replay.computed_steps;
        Ok(replay.primed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::Family;
    use crate::model::config::ModelConfig;
    use crate::model::fused::testing::{fixture_groove_windows, random_model};

    /// The log-likelihood of a call heard step by step, played as `grooves` say.
    fn heard(model: &Model, events: &[EventId], grooves: &[GrooveValues]) -> f32 {
        let mut listener = CallListener::new(model, 0, 16).unwrap();
        for (step, (&event, &groove)) in events.iter().zip(grooves).enumerate() {
            listener.hear(model, step as i64, event, groove).unwrap();
        }
        let primed = listener.primed_until(model, events.len() as i64).unwrap();
        assert_eq!(primed.last_groove, grooves[events.len() - 1]);
        primed.log_likelihood
    }

    #[test]
    fn a_groove_model_hears_how_the_call_was_played_and_a_plain_one_does_not() {
        let (events, grooves) = fixture_groove_windows(32, 1);
        let (call, played) = (&events[0], &grooves[0]);
        let flat = vec![GrooveValues::default(); played.len()];
        let grooved = ModelConfig::new(Family::DRUMS, 2, 16, 0.0).with_groove(8);
        let model = random_model(&grooved, 0.5, 6);
        let (as_played, on_the_grid) = (heard(&model, call, played), heard(&model, call, &flat));
        assert!(
            (as_played - on_the_grid).abs() > 1e-3,
            "{as_played} {on_the_grid}"
        );
        let plain = random_model(&ModelConfig::new(Family::DRUMS, 2, 16, 0.0), 0.5, 6);
        assert_eq!(heard(&plain, call, played), heard(&plain, call, &flat));
        // Replaying the call from its start (an end between bar lines) hears its feel too.
        let mut listener = CallListener::new(&model, 0, 16).unwrap();
        for (step, (&event, &groove)) in call.iter().zip(played).enumerate() {
            listener.hear(&model, step as i64, event, groove).unwrap();
        }
        let mut partial = CallListener::new(&model, 0, 16).unwrap();
        for (step, (&event, &groove)) in call.iter().zip(played).take(7).enumerate() {
            partial.hear(&model, step as i64, event, groove).unwrap();
        }
        let replayed = listener.primed_until(&model, 7).unwrap();
        let direct = partial.primed_until(&model, 7).unwrap();
        assert_eq!(replayed.log_likelihood, direct.log_likelihood);
    }

    #[test]
    fn a_phrase_heard_whole_is_heard_in_the_bars_of_its_meter() {
        use crate::model::repeats::{BarRepeats, GATE_INPUTS, LOOKBACKS, RepeatGate, Repeats};

        // A 3/4 bar is 12 steps: a model with bar repeats, having heard a phrase whose bars
        // repeat, gives the event a bar back more than the LSTM alone does (it gave the event a
        // step back, in a "bar" of one step, before).
        let (config, weights) = crate::model::loaded::tests::tiny_model_files();
        let plain = Model::from_bytes(&config, &weights).unwrap();
        let fixed = Repeats::Bars(BarRepeats {
            one_bar: 0.2,
            bars_agree: 0.5,
            bars_differ: [0.1, 0.1],
        });
        // A gate that leans on the bar before, more when it has been hitting.
        let mut weights = [[0.0; GATE_INPUTS]; LOOKBACKS];
        weights[0][0] = 1.0;
        weights[0][4] = 2.0;
        let gated = Repeats::Gate(RepeatGate::new(1.0, weights));
        for repeats in [fixed, gated] {
            let model = plain.with_repeats(Some(repeats));
            let bar: Vec<EventId> = (0..12).map(|step| EventId::new(1 + step % 5)).collect();
            let events: Vec<EventId> = bar.iter().chain(&bar).copied().collect();
            let grooves = vec![GrooveValues::default(); events.len()];
            let (mut primed, computed) =
                CallListener::heard_whole(&model, &events, &grooves, 12).unwrap();
            assert_eq!(computed, events.len() as u64 - 1);
            let (mut lstm, _) = CallListener::heard_whole(&plain, &events, &grooves, 12).unwrap();
            let next = |model: &Model, primed: &mut Primed| {
                model
                    .step_played(
                        &mut primed.state,
                        primed.last,
                        &primed.last_groove,
                        primed.position_steps,
                    )
                    .unwrap()
                    .to_vec()
            };
            let mixed = next(&model, &mut primed);
            let alone = next(&plain, &mut lstm);
            // The next step opens the third bar: the bars before both open with `bar[0]`.
            let opening = bar[0].index();
            assert!(
                mixed[opening].exp() > alone[opening].exp() + 0.4,
                "{} vs {}",
                mixed[opening].exp(),
                alone[opening].exp()
            );
        }
    }
}
