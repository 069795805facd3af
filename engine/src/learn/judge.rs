//! Which model answers the player: the adapted one once it has foretold the calls heard better
//! than the loaded one. Each call is scored before it is learned from, so the odds are what
//! each model would have predicted (a Bayesian posterior over the calls, from even odds); while
//! learning hurts, the loaded model keeps answering.

use crate::learn::BayesMix;

/// Even odds before any call.
const PRIOR: f64 = 0.5;

/// The odds between the loaded and the adapted model, call by call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judge {
    mix: BayesMix,
}

impl Default for Judge {
    fn default() -> Judge {
        Judge {
            mix: BayesMix::new(PRIOR),
        }
    }
}

impl Judge {
    /// A call heard: its ln p under the loaded model, and under the adapted one as it stood
    /// before learning from it.
    pub fn heard(&mut self, loaded: f64, adapted: f64) {
        self.mix.step(loaded, adapted);
    }

    /// Whether the adapted model answers.
    pub fn adapted_answers(&self) -> bool {
        self.mix.adapted_weight() > PRIOR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_adapted_model_answers_once_it_foretells_better_and_stops_when_it_no_longer_does() {
        let mut judge = Judge::default();
        judge.heard(-40.0, -40.0);
        assert!(!judge.adapted_answers(), "nothing learned yet: even odds");
        judge.heard(-40.0, -35.0);
        assert!(judge.adapted_answers());
        judge.heard(-40.0, -46.0);
        assert!(!judge.adapted_answers());
    }
}
