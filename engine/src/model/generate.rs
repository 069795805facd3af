//! Continuing a primer (the musician's call) with a sampled response.

use crate::encoding::EventId;
use crate::model::error::ModelError;
use crate::model::loaded::Model;
use crate::model::sample::Sampler;

/// A generated response.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The response's events, one per step, starting right after the primer.
    pub events: Vec<EventId>,
    /// Sum of the natural-log probabilities of the response's events under the model
    /// (temperature 1), given the primer.
    pub log_likelihood: f32,
}

/// Feeds `primer` (step 0 on a bar line) through `model`, then samples `steps` more events at
/// `temperature` with a sampler seeded by `seed`, only among the `allowed` events when given.
/// Same inputs, same output.
pub fn generate(
    model: &Model,
    primer: &[EventId],
    steps: usize,
    temperature: f32,
    allowed: Option<&[bool]>,
    seed: u64,
) -> Result<Generated, ModelError> {
    let mut state = model.initial_state();
    let mut sampler = Sampler::new(seed);
    // Step 0 of the primer is context only (as in training); with no primer at all, the model
    // predicts step 0 from a rest.
    let mut prev = EventId::QUIET;
    for (position, &event) in primer.iter().enumerate() {
        if position > 0 {
            model.step(&mut state, prev, position)?;
        }
        prev = event;
    }
    let mut events = Vec::with_capacity(steps);
    let mut log_likelihood = 0.0;
    for position in primer.len()..primer.len() + steps {
        let log_probs = model.step(&mut state, prev, position)?;
        let (event, log_prob) = sampler.sample(log_probs, temperature, allowed);
        log_likelihood += log_prob;
        events.push(event);
        prev = event;
    }
    Ok(Generated {
        events,
        log_likelihood,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::loaded::tests::tiny_model_files;

    #[test]
    fn same_seed_same_response() {
        let (config, weights) = tiny_model_files();
        let model = Model::from_bytes(&config, &weights).unwrap();
        let primer = [EventId::new(5), EventId::QUIET];
        let a = generate(&model, &primer, 16, 1.0, None, 11).unwrap();
        let b = generate(&model, &primer, 16, 1.0, None, 11).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.events.len(), 16);
        assert!(a.log_likelihood < 0.0);
        let others: Vec<_> = (12..16)
            .map(|seed| {
                generate(&model, &primer, 16, 1.0, None, seed)
                    .unwrap()
                    .events
            })
            .collect();
        assert!(others.iter().any(|events| *events != a.events));
    }
}
