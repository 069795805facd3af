//! `antiphon eval --answers`: how full the model's answers are to calls that close on the next
//! downbeat, the way drummers end a phrase. From every 4/4 beat file of a split (fills left out:
//! GMD names them `_fill_`), the first two bars are cut with the hits up to half a 16th either
//! side of the third bar's line, and answered with two bars through the same code as `respond`,
//! several times each (the same draws answering every call would tie the answers together).

use antiphon_engine::answer::{answer_call, hits_per_bar, whole_bars};
use antiphon_engine::dataset::LoadedFile;
use antiphon_engine::encoding::EventId;
use antiphon_engine::model::{Beams, Model, Sampling};
use antiphon_engine::rng::SplitMix64;
use anyhow::Context;

/// Steps in a 4/4 bar.
const BAR_STEPS: usize = 16;
/// Bars of call and of answer.
const CALL_BARS: usize = 2;
/// An answer whose first bar has at most this many hits opens (near) empty.
const EMPTY_BAR_HITS: usize = 2;

/// The measurement's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerFullness {
    /// Calls answered.
    pub calls: usize,
    /// Answers, `takes` per call.
    pub answers: usize,
    /// Of them, calls whose downbeat after bar 2 was struck.
    pub closed_on_the_downbeat: usize,
    /// Median over answers of answer hits per bar ÷ call hits per bar.
    pub density_median: f64,
    /// Fraction of answers whose first bar has at most two hits.
    pub opening_empty: f64,
    /// Fraction of answers that are the call's last bar played again in every bar.
    pub copying_call: f64,
    /// Mean log-likelihood per answer step under the model, in nats.
    pub log_likelihood_per_step: f64,
}

/// Cuts the calls of `files` and answers each `takes` times with `model` at `temperature` over
/// `beams`, the takes' seeds drawn from `seed`.
pub fn measure(
    model: &Model,
    files: &[&LoadedFile],
    temperature: f32,
    beams: Beams,
    seed: u64,
    takes: usize,
) -> anyhow::Result<AnswerFullness> {
    let mut seeds = SplitMix64::new(seed);
    let mut calls = 0;
    let family = model.family();
    let per_step = family.events_per_step();
    let call_steps = CALL_BARS * BAR_STEPS;
    let hits = |events: &[EventId]| -> usize { events.iter().map(|&e| family.hits(e)).sum() };
    let mut ratios = Vec::new();
    let mut opening_empty = 0;
    let mut copying = 0;
    let mut closed = 0;
    let mut log_likelihood = 0.0;
    for file in files {
        let name = file.path.file_name().map(|n| n.to_string_lossy());
        let is_fill = name.is_some_and(|name| name.contains("_fill_"));
        let ids = file.performance.ids();
        if is_fill || file.performance.steps_per_bar() as usize != BAR_STEPS {
            continue;
        }
        // The call's bars and the next downbeat, the family's events per step.
        let Some(cut) = ids.get(..(call_steps + 1) * per_step) else {
            continue;
        };
        let call_events = call_steps * per_step;
        let call_hits = hits_per_bar(family, &cut[..call_events], BAR_STEPS);
        if call_hits == 0.0 {
            continue;
        }
        calls += 1;
        closed += usize::from(hits(&cut[call_events..]) > 0);
        let call = whole_bars(cut.to_vec(), BAR_STEPS * per_step);
        for _ in 0..takes {
            let sampling = Sampling {
                temperature,
                allowed: None,
                seed: seeds.next_u64(),
                beams,
            };
            let answer = answer_call(model, &call, None, BAR_STEPS, call_steps, sampling)
                .with_context(|| format!("answering {}", file.path.display()))?;
            ratios.push(hits_per_bar(family, &answer.events, BAR_STEPS) / call_hits);
            let first_bar = hits(&answer.events[..BAR_STEPS * per_step]);
            opening_empty += usize::from(first_bar <= EMPTY_BAR_HITS);
            let last_bar = &cut[call_events - BAR_STEPS * per_step..call_events];
            copying += usize::from(copies_every_bar(&answer.events, last_bar));
            let answer_steps = answer.events.len() / per_step;
            log_likelihood += f64::from(answer.log_likelihood) / answer_steps as f64;
        }
    }
    anyhow::ensure!(
        !ratios.is_empty(),
        "no 4/4 beat of at least two bars and a downbeat to cut a call from"
    );
    let answers = ratios.len();
    Ok(AnswerFullness {
        calls,
        answers,
        closed_on_the_downbeat: closed,
        density_median: median(&mut ratios),
        opening_empty: opening_empty as f64 / answers as f64,
        copying_call: copying as f64 / answers as f64,
        log_likelihood_per_step: log_likelihood / answers as f64,
    })
}

/// Whether every bar of `answer` is `bar`, event for event.
fn copies_every_bar(answer: &[EventId], bar: &[EventId]) -> bool {
    !answer.is_empty() && answer.chunks(bar.len()).all(|played| played == bar)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_copies_the_call_only_when_every_bar_is_its_last_bar() {
        let events =
            |ids: &[usize]| -> Vec<EventId> { ids.iter().map(|&i| EventId::new(i)).collect() };
        let bar = events(&[1, 0, 2, 0]);
        assert!(copies_every_bar(&events(&[1, 0, 2, 0, 1, 0, 2, 0]), &bar));
        assert!(!copies_every_bar(&events(&[1, 0, 2, 0, 1, 0, 2, 3]), &bar));
        assert!(!copies_every_bar(&events(&[1, 0, 2, 0, 1, 0]), &bar));
        assert!(!copies_every_bar(&[], &bar));
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
