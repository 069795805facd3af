//! Answering a whole call at once, as the `antiphon` tool does (`respond`, and `eval --answers`,
//! which measures many answers): the call's ending heard as the live performer hears it (see
//! [`crate::phrase::ending`]), then the answer from the bar line after it.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::families::Family;
use crate::model::{Model, ModelError, Sampling, generate};
use crate::phrase::{Ending, ending};

/// A call answered.
#[derive(Debug, Clone, PartialEq)]
pub struct CallAnswer {
    /// What the model heard of the call, and how it ran on before the answer.
    pub ending: Ending,
    /// The answer's events, from the bar line after the call.
    pub events: Vec<EventId>,
    /// How a groove model plays them (`None` from a model without a groove head).
    pub grooves: Option<Vec<GrooveValues>>,
    /// Their log-likelihood under the model (temperature 1), in nats.
    pub log_likelihood: f32,
}

/// Answers `call` (whole bars of `steps_per_bar` 16th steps, step 0 on a bar line, the family's
/// events per step; played as `call_grooves` says, which a groove model hears) with
/// `answer_steps` 16th steps of `model`'s events.
pub fn answer_call(
    model: &Model,
    call: &[EventId],
    call_grooves: Option<&[GrooveValues]>,
    steps_per_bar: usize,
    answer_steps: usize,
    sampling: Sampling<'_>,
) -> Result<CallAnswer, ModelError> {
    let per_step = model.family().events_per_step();
    let bar_end = call.len() / per_step;
    let last_bar = bar_end.saturating_sub(steps_per_bar) * per_step;
    let last = model
        .family()
        .last_bar(&call[..last_bar], &call[last_bar..bar_end * per_step]);
    let ending = ending(0, bar_end as i64, steps_per_bar as i64, last);
    let heard = &call[..ending.primer.len_steps() * per_step];
    let heard_grooves = call_grooves.map(|grooves| &grooves[..heard.len().min(grooves.len())]);
    let generated = generate(
        model,
        heard,
        heard_grooves,
        steps_per_bar * per_step,
        ending.skip_steps as usize * per_step,
        answer_steps * per_step,
        sampling,
    )?;
    Ok(CallAnswer {
        ending,
        events: generated.events,
        grooves: generated.grooves,
        log_likelihood: generated.log_likelihood,
    })
}

/// `call`'s events padded with [`EventId::QUIET`] to whole bars of `steps_per_bar` events.
pub fn whole_bars(mut call: Vec<EventId>, steps_per_bar: usize) -> Vec<EventId> {
    call.resize(
        call.len().div_ceil(steps_per_bar) * steps_per_bar,
        EventId::QUIET,
    );
    call
}

/// The hits per bar of `events` (drums struck, or notes started) in bars of `steps_per_bar`
/// 16th steps.
pub fn hits_per_bar(family: Family, events: &[EventId], steps_per_bar: usize) -> f64 {
    let hits: usize = events.iter().map(|&event| family.hits(event)).sum();
    let bar_events = steps_per_bar * family.events_per_step();
    hits as f64 / (events.len() as f64 / bar_events as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::drums::encoding::{DrumClass, DrumEvent};
    use crate::model::loaded::tests::tiny_model_files;

    #[test]
    fn a_call_closed_by_a_downbeat_is_heard_to_it_and_answered_after_its_bar() {
        let (config, weights) = tiny_model_files();
        let model = Model::from_bytes(&config, &weights).unwrap();
        let kick = DrumEvent::REST.with(DrumClass::Kick).id();
        // Two bars of kicks on the beat, then the downbeat of bar 3 alone.
        let mut call: Vec<EventId> = (0..32)
            .map(|step| if step % 4 == 0 { kick } else { EventId::QUIET })
            .collect();
        call.push(kick);
        let call = whole_bars(call, 16);
        assert_eq!(call.len(), 48);
        let sampling = Sampling {
            temperature: 1.0,
            allowed: None,
            seed: 2,
            beams: crate::model::Beams::ONE,
        };
        let answer = answer_call(&model, &call, None, 16, 32, sampling).unwrap();
        assert_eq!(answer.ending.primer.len_steps(), 33);
        assert_eq!(answer.ending.skip_steps, 15);
        assert_eq!(answer.ending.call_bars, 2);
        assert_eq!(answer.events.len(), 32);
        assert_eq!(hits_per_bar(Family::DRUMS, &call[..32], 16), 4.0);
    }
}
