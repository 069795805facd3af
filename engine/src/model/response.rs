//! A response: how it is sampled, and what comes back (for plain sampling and beam search
//! alike).

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;

/// The most takes searched side by side: the fused step serves eight in one pass.
pub const MAX_BEAMS: usize = 8;

/// How many takes a search keeps: 1 (plain sampling) to [`MAX_BEAMS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Beams(u8);

impl Beams {
    /// One take: plain sampling.
    pub const ONE: Beams = Beams(1);

    /// `count` takes, when it is 1 to [`MAX_BEAMS`].
    pub fn new(count: usize) -> Option<Beams> {
        (1..=MAX_BEAMS)
            .contains(&count)
            .then_some(Beams(count as u8))
    }

    /// How many takes.
    pub fn get(self) -> usize {
        usize::from(self.0)
    }
}

/// A generated response.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The response's events, one per step, starting right after the primer.
    pub events: Vec<EventId>,
    /// How a groove model plays them, step for step (`None` from a model without a groove
    /// head).
    pub grooves: Option<Vec<GrooveValues>>,
    /// Sum of the natural-log probabilities of the response's events under the model
    /// (temperature 1), given the primer.
    pub log_likelihood: f32,
}

/// How to sample a response.
#[derive(Debug, Clone, Copy)]
pub struct Sampling<'a> {
    /// Softmax temperature.
    pub temperature: f32,
    /// The events the sampler may draw (`None`: all).
    pub allowed: Option<&'a [bool]>,
    /// The sampler's seed: the same seed gives the same response.
    pub seed: u64,
    /// Takes searched side by side (see [`crate::model::beam`]); one is plain sampling.
    pub beams: Beams,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beams_count_one_to_eight() {
        assert_eq!(Beams::new(0), None);
        assert_eq!(Beams::new(1), Some(Beams::ONE));
        assert_eq!(Beams::new(8).map(Beams::get), Some(8));
        assert_eq!(Beams::new(9), None);
    }
}
