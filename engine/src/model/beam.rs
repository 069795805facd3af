//! Beam search over an answer, as Magenta's sequence generators search: several takes sampled
//! side by side (one pass over the weights steps them all), every few steps the better half kept
//! and each of them branched in two, and in the end the take the model finds likeliest plays.
//! Temperature still shapes every draw; the search only chooses among the draws.

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::model::error::ModelError;
use crate::model::fused::FusedState;
use crate::model::loaded::Model;
use crate::model::next_allowed::NextAllowed;
use crate::model::response::{Generated, Sampling};
use crate::model::sample::Sampler;

/// Steps each take runs between prunings: a beat, long enough for a figure to show its worth.
const STEPS_PER_ITERATION: usize = 4;

/// Told what a search does while it runs, for whoever waits on it.
pub trait SearchProgress {
    /// A step of every take was computed.
    fn stepped(&mut self) {}

    /// Answer step `index` is settled: every take still searched shares it, so the answer
    /// plays it whatever the search finds later. Steps settle in order.
    fn settled(&mut self, _index: usize, _event: EventId, _groove: Option<GrooveValues>) {}

    /// Whether the answer must start now: the search then settles every step it has computed
    /// on the likeliest take, rather than let the answer be late.
    fn due(&self) -> bool {
        false
    }
}

/// Nobody waiting.
impl SearchProgress for () {}

/// Runs on from `state` (fed up to `prev`, an event and how it was played, the next step at
/// `position`; `context` the events heard before, from a step's first event on, `prev` the
/// last): `skip_steps` sampled and left out (the model running on through a gap), then
/// `steps` of answer, searched over `sampling.beams` takes. Takes are ranked by the
/// log-likelihood of everything they sampled; the answer's own log-likelihood is returned. One
/// take is exactly plain sampling. A groove model says how each sampled event is played and hears
/// it so. `progress` hears of every step, and of every answer step as soon as it is settled (so
/// that a long search can start playing before it ends).
#[allow(clippy::too_many_arguments)]
pub fn search(
    model: &Model,
    state: &FusedState,
    prev: (EventId, GrooveValues),
    context: &[EventId],
    position: usize,
    skip_steps: usize,
    steps: usize,
    sampling: Sampling<'_>,
    progress: &mut dyn SearchProgress,
) -> Result<Generated, ModelError> {
    let mut next_allowed = NextAllowed::new(model.family(), sampling.allowed);
    let count = sampling.beams.get();
    let vocab = model.config().vocab_size;
    let total = skip_steps + steps;
    let mut states = model.beams(state, count);
    let mut sampler = Sampler::new(sampling.seed);
    let grooved = model.config().groove_units.is_some();
    let mut takes = vec![Take::new(prev, total, grooved); count];
    let mut prevs = Vec::with_capacity(count);
    let mut prev_grooves = Vec::with_capacity(count);
    let mut settled = 0;
    for index in 0..total {
        prevs.clear();
        prevs.extend(takes.iter().map(|take| take.last));
        prev_grooves.clear();
        prev_grooves.extend(takes.iter().map(|take| take.last_groove));
        let log_probs =
            model.step_beams_played(&mut states, &prevs, &prev_grooves, position + index)?;
        for (take, log_probs) in takes.iter_mut().zip(log_probs.chunks_exact(vocab)) {
            let allowed = next_allowed.after(context, &take.events);
            let (event, log_prob) = sampler.sample(log_probs, sampling.temperature, Some(allowed));
            take.push(event, log_prob, index >= skip_steps);
        }
        for (beam, take) in takes.iter_mut().enumerate() {
            if let Some(groove) = model.predict_beam_groove(&mut states, beam, take.last) {
                take.play(groove);
            }
        }
        progress.stepped();
        let iteration_done = (index + 1) % STEPS_PER_ITERATION == 0 && index + 1 < total;
        if count > 1 && iteration_done {
            let parents = survivors(&takes);
            states.reorder(&parents)?;
            takes = parents
                .iter()
                .map(|&parent| takes[parent].clone())
                .collect();
        }
        if count == 1 || iteration_done {
            settled = settle(&takes, settled, skip_steps, progress);
        }
        if count > 1 && settled <= index && progress.due() {
            let parents = agreeing_with_likeliest(&takes, settled);
            states.reorder(&parents)?;
            takes = parents
                .iter()
                .map(|&parent| takes[parent].clone())
                .collect();
            settled = settle(&takes, settled, skip_steps, progress);
        }
    }
    let best = ranked(&takes)[0];
    let take = &takes[best];
    // The rest settles now: the best take is the answer.
    settle(std::slice::from_ref(take), settled, skip_steps, progress);
    Ok(Generated {
        events: take.events[skip_steps..].to_vec(),
        grooves: take.grooves.as_ref().map(|g| g[skip_steps..].to_vec()),
        log_likelihood: take.answer_log_likelihood,
    })
}

/// One take's events (and a groove model's grooves) and how likely the model finds them.
#[derive(Debug, Clone)]
struct Take {
    events: Vec<EventId>,
    grooves: Option<Vec<GrooveValues>>,
    last: EventId,
    last_groove: GrooveValues,
    log_likelihood: f64,
    answer_log_likelihood: f32,
}

impl Take {
    fn new((prev, prev_groove): (EventId, GrooveValues), steps: usize, grooved: bool) -> Take {
        Take {
            events: Vec::with_capacity(steps),
            grooves: grooved.then(|| Vec::with_capacity(steps)),
            last: prev,
            last_groove: prev_groove,
            log_likelihood: 0.0,
            answer_log_likelihood: 0.0,
        }
    }

    fn push(&mut self, event: EventId, log_prob: f32, in_answer: bool) {
        self.events.push(event);
        self.last = event;
        self.last_groove = GrooveValues::default();
        self.log_likelihood += f64::from(log_prob);
        if in_answer {
            self.answer_log_likelihood += log_prob;
        }
    }

    /// How the last event is played.
    fn play(&mut self, groove: GrooveValues) {
        self.last_groove = groove;
        if let Some(grooves) = &mut self.grooves {
            grooves.push(groove);
        }
    }
}

/// Tells `progress` of the steps from `settled` on that every take shares, and returns where
/// the shared steps end.
fn settle(
    takes: &[Take],
    mut settled: usize,
    skip_steps: usize,
    progress: &mut dyn SearchProgress,
) -> usize {
    let (first, others) = takes.split_first().expect("a search has a take");
    let shared = |index: usize| {
        others.iter().all(|take| {
            take.events[index] == first.events[index]
                && take.grooves.as_ref().map(|g| g[index])
                    == first.grooves.as_ref().map(|g| g[index])
        })
    };
    while settled < first.events.len() && shared(settled) {
        if let Some(index) = settled.checked_sub(skip_steps) {
            let groove = first.grooves.as_ref().map(|grooves| grooves[settled]);
            progress.settled(index, first.events[settled], groove);
        }
        settled += 1;
    }
    settled
}

/// Take indices, likeliest first (ties: the earlier take).
fn ranked(takes: &[Take]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..takes.len()).collect();
    order.sort_by(|&a, &b| {
        takes[b]
            .log_likelihood
            .total_cmp(&takes[a].log_likelihood)
            .then(a.cmp(&b))
    });
    order
}

/// The parent of each take when the answer is due: itself if it agrees with the likeliest take
/// on every step from `settled` on, else the likeliest.
fn agreeing_with_likeliest(takes: &[Take], settled: usize) -> Vec<usize> {
    let best_index = ranked(takes)[0];
    let best = &takes[best_index];
    takes
        .iter()
        .enumerate()
        .map(|(index, take)| {
            let agrees = take.events[settled..] == best.events[settled..]
                && take.grooves.as_ref().map(|g| &g[settled..])
                    == best.grooves.as_ref().map(|g| &g[settled..]);
            if agrees { index } else { best_index }
        })
        .collect()
}

/// The parent of each take after a pruning: the likelier half, each continued twice.
fn survivors(takes: &[Take]) -> Vec<usize> {
    let order = ranked(takes);
    let keep = takes.len().div_ceil(2);
    (0..takes.len()).map(|take| order[take % keep]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::generate::generate;
    use crate::model::loaded::tests::tiny_model_files;
    use crate::model::response::Beams;

    fn sampling(beams: usize, seed: u64) -> Sampling<'static> {
        Sampling {
            temperature: 1.0,
            allowed: None,
            seed,
            beams: Beams::new(beams).unwrap(),
        }
    }

    /// Always due: records what settles, as it settles.
    struct Due(Vec<(usize, EventId)>);

    impl SearchProgress for Due {
        fn settled(&mut self, index: usize, event: EventId, _groove: Option<GrooveValues>) {
            self.0.push((index, event));
        }

        fn due(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_due_answer_settles_every_step_as_it_is_computed_and_plays_what_settled() {
        let (config, weights) = tiny_model_files();
        let model = Model::from_bytes(&config, &weights).unwrap();
        let state = model.initial_state(16);
        let mut due = Due(Vec::new());
        let prev = (EventId::new(5), GrooveValues::default());
        let answer = search(
            &model,
            &state,
            prev,
            &[],
            1,
            2,
            16,
            sampling(8, 4),
            &mut due,
        )
        .unwrap();
        let indices: Vec<usize> = due.0.iter().map(|&(index, _)| index).collect();
        assert_eq!(indices, (0..16).collect::<Vec<_>>());
        let settled: Vec<EventId> = due.0.iter().map(|&(_, event)| event).collect();
        assert_eq!(settled, answer.events);
    }

    #[test]
    fn a_search_finds_answers_the_model_finds_likelier_than_single_takes() {
        let (config, weights) = tiny_model_files();
        let model = Model::from_bytes(&config, &weights).unwrap();
        let primer = [EventId::new(5), EventId::QUIET, EventId::new(9)];
        let mean = |beams: usize| {
            let total: f32 = (0..24)
                .map(|seed| {
                    let answer =
                        generate(&model, &primer, None, 16, 3, 32, sampling(beams, seed)).unwrap();
                    assert_eq!(answer.events.len(), 32);
                    answer.log_likelihood
                })
                .sum();
            total / 24.0
        };
        let (one, eight) = (mean(1), mean(8));
        assert!(eight > one + 1.0, "8 beams {eight} vs 1 beam {one}");
        let again = generate(&model, &primer, None, 16, 3, 32, sampling(8, 5)).unwrap();
        assert_eq!(
            again,
            generate(&model, &primer, None, 16, 3, 32, sampling(8, 5)).unwrap()
        );
    }

    #[test]
    fn survivors_are_the_likelier_half_each_twice() {
        let take = |log_likelihood| Take {
            log_likelihood,
            ..Take::new((EventId::QUIET, GrooveValues::default()), 0, false)
        };
        let takes = [take(-3.0), take(-1.0), take(-5.0), take(-2.0), take(-1.0)];
        assert_eq!(ranked(&takes), [1, 4, 3, 0, 2]);
        assert_eq!(survivors(&takes), [1, 4, 3, 1, 4]);
    }

    /// What a search told: each step computed (`None`) and each answer step settled.
    #[derive(Default)]
    struct Told(Vec<Option<(usize, EventId)>>);

    impl SearchProgress for Told {
        fn stepped(&mut self) {
            self.0.push(None);
        }

        fn settled(&mut self, index: usize, event: EventId, _groove: Option<GrooveValues>) {
            self.0.push(Some((index, event)));
        }
    }

    #[test]
    fn a_search_tells_each_answer_step_once_in_order_and_most_before_it_ends() {
        let (config, weights) = tiny_model_files();
        let model = Model::from_bytes(&config, &weights).unwrap();
        let state = model.initial_state(16);
        for (beams, seed) in [(1, 3), (4, 5), (8, 7)] {
            let (skip, steps) = (3, 64);
            let mut told = Told::default();
            let answer = search(
                &model,
                &state,
                (EventId::new(5), GrooveValues::default()),
                &[EventId::new(5)],
                1,
                skip,
                steps,
                sampling(beams, seed),
                &mut told,
            )
            .unwrap();
            let settled: Vec<(usize, EventId)> = told.0.iter().flatten().copied().collect();
            let expected: Vec<(usize, EventId)> =
                answer.events.iter().copied().enumerate().collect();
            assert_eq!(settled, expected, "{beams} beams");
            assert_eq!(told.0.iter().filter(|t| t.is_none()).count(), skip + steps);
            // Takes share their past after a few prunings: steps play before the search ends.
            let last_step = told.0.iter().rposition(Option::is_none).unwrap();
            let early = told.0[..last_step].iter().flatten().count();
            assert!(early > steps / 2, "{beams} beams: {early} of {steps} early");
        }
    }
}
