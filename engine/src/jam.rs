//! Two models answering each other phrase by phrase, as the 2017 performers let two models play
//! during a lunch break: model A answers the call (or opens with a phrase of its own), B answers
//! A's phrase as if a player had played it, A answers B's, and so on. Each answer hears only the
//! phrase before it, as one Antiphon hears another through a MIDI cable.

use std::fmt;

use crate::answer::answer_call;
use crate::encoding::EventId;
use crate::families::Family;
use crate::model::{Beams, Model, ModelError, Sampling, generate};
use crate::rng::SplitMix64;

/// Which of the two models plays a phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    A,
    B,
}

impl Voice {
    /// The voice that plays phrase `index` (0 first): A, B, A, …
    fn of_phrase(index: usize) -> Voice {
        if index.is_multiple_of(2) {
            Voice::A
        } else {
            Voice::B
        }
    }
}

impl fmt::Display for Voice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Voice::A => "A",
            Voice::B => "B",
        })
    }
}

/// One phrase of a jam.
#[derive(Debug, Clone, PartialEq)]
pub struct JamPhrase {
    /// Who played it.
    pub voice: Voice,
    /// Where it starts, in steps from the end of the opening call (a bar line).
    pub start_step: usize,
    /// Its events, the family's events per step.
    pub events: Vec<EventId>,
    /// Their log-likelihood under the model that played them (temperature 1), in nats.
    pub log_likelihood: f32,
}

/// How a jam is played.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JamPlan {
    /// Steps in a bar.
    pub steps_per_bar: usize,
    /// Bars per phrase (a turn), at least one.
    pub phrase_bars: usize,
    /// Bars of the whole jam after the call; the last phrase is shorter if they do not divide.
    pub bars: usize,
    /// Sampling temperature, for both models.
    pub temperature: f32,
    /// Takes searched side by side for each phrase.
    pub beams: Beams,
    /// The jam's seed: each phrase's sampler is seeded from it and the phrase's number.
    pub seed: u64,
}

/// Why a jam cannot be played.
#[derive(Debug, thiserror::Error)]
pub enum JamError {
    /// The two models read different vocabularies, so neither can hear the other.
    #[error("model A plays {a} and model B {b}: a jam needs two models of one family")]
    Families { a: Family, b: Family },
    /// A model failed to step.
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// Plays a jam between `a` and `b` as `plan` says, from `call` (whole bars of events, step 0 on
/// a bar line) or, without one, from a phrase A opens with. `played` sees each phrase as it is made
/// (the jam's log-likelihoods can be watched as they drift). The same inputs give the same jam.
pub fn jam(
    a: &Model,
    b: &Model,
    call: Option<&[EventId]>,
    plan: &JamPlan,
    mut played: impl FnMut(&JamPhrase),
) -> Result<Vec<JamPhrase>, JamError> {
    if a.family() != b.family() {
        return Err(JamError::Families {
            a: a.family(),
            b: b.family(),
        });
    }
    let phrase_steps = plan.phrase_bars.max(1) * plan.steps_per_bar;
    let jam_steps = plan.bars * plan.steps_per_bar;
    let mut seeds = SplitMix64::new(plan.seed);
    let mut phrases: Vec<JamPhrase> = Vec::new();
    let mut start_step = 0;
    while start_step < jam_steps {
        let voice = Voice::of_phrase(phrases.len());
        let model = match voice {
            Voice::A => a,
            Voice::B => b,
        };
        let steps = phrase_steps.min(jam_steps - start_step);
        let sampling = Sampling {
            temperature: plan.temperature,
            allowed: None,
            seed: seeds.next_u64(),
            beams: plan.beams,
        };
        let heard = phrases
            .last()
            .map(|phrase| phrase.events.as_slice())
            .or(call);
        let (events, log_likelihood) = match heard {
            Some(heard) => {
                let answer = answer_call(model, heard, None, plan.steps_per_bar, steps, sampling)?;
                (answer.events, answer.log_likelihood)
            }
            None => {
                let per_step = model.family().events_per_step();
                let bar = plan.steps_per_bar * per_step;
                let opening = generate(model, &[], None, bar, 0, steps * per_step, sampling)?;
                (opening.events, opening.log_likelihood)
            }
        };
        let phrase = JamPhrase {
            voice,
            start_step,
            events,
            log_likelihood,
        };
        played(&phrase);
        phrases.push(phrase);
        start_step += steps;
    }
    Ok(phrases)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::drums::encoding::{DrumClass, DrumEvent};
    use crate::model::loaded::tests::{tiny_model_files, tiny_model_files_of};

    fn tiny() -> Model {
        let (config, weights) = tiny_model_files();
        Model::from_bytes(&config, &weights).unwrap()
    }

    fn plan(bars: usize, seed: u64) -> JamPlan {
        JamPlan {
            steps_per_bar: 16,
            phrase_bars: 2,
            bars,
            temperature: 1.0,
            beams: Beams::ONE,
            seed,
        }
    }

    #[test]
    fn turns_alternate_back_to_back_and_the_last_phrase_fits_the_length() {
        let (a, b) = (tiny(), tiny());
        let mut seen = Vec::new();
        let phrases = jam(&a, &b, None, &plan(7, 3), |phrase| {
            seen.push((phrase.voice, phrase.start_step))
        })
        .unwrap();
        let turns: Vec<(Voice, usize, usize)> = phrases
            .iter()
            .map(|p| (p.voice, p.start_step, p.events.len()))
            .collect();
        assert_eq!(
            turns,
            [
                (Voice::A, 0, 32),
                (Voice::B, 32, 32),
                (Voice::A, 64, 32),
                (Voice::B, 96, 16)
            ]
        );
        assert_eq!(seen.len(), 4, "each phrase is reported as it is played");
        assert!(phrases.iter().all(|p| p.log_likelihood < 0.0));
    }

    #[test]
    fn the_same_seed_plays_the_same_jam_and_another_seed_another() {
        let (a, b) = (tiny(), tiny());
        let kick = DrumEvent::REST.with(DrumClass::Kick).id();
        let call: Vec<EventId> = (0..32)
            .map(|step| if step % 4 == 0 { kick } else { EventId::QUIET })
            .collect();
        let play = |seed| jam(&a, &b, Some(&call), &plan(8, seed), |_| {}).unwrap();
        assert_eq!(play(5), play(5));
        assert_ne!(play(5), play(6));
    }

    #[test]
    fn models_of_two_families_cannot_jam() {
        let (config, weights) = tiny_model_files_of(Family::MELODY);
        let melody = Model::from_bytes(&config, &weights).unwrap();
        let error = jam(&tiny(), &melody, None, &plan(2, 1), |_| {}).unwrap_err();
        assert!(matches!(
            error,
            JamError::Families { a, b } if a == Family::DRUMS && b == Family::MELODY
        ));
    }
}
