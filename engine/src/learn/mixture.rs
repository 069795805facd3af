//! The loaded model and the adapted one played together: a Bayesian mixture whose weights
//! follow how well each has foretold the performance so far. When the player changes (a tune's
//! second part unlike its first) the mixture falls back to the loaded model within a few
//! steps; it can never do worse than the loaded model by more than `ln(1/prior)` nats over a
//! performance, whatever the adaptation learned.

/// The mixture's running weights, as log-probabilities of "the adapted model is right".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BayesMix {
    /// ln weight of the loaded model.
    loaded: f64,
    /// ln weight of the adapted model.
    adapted: f64,
}

impl BayesMix {
    /// A mixture before any step, the adapted model given `prior` (in (0, 1)).
    pub fn new(prior: f64) -> BayesMix {
        BayesMix {
            loaded: (1.0 - prior).ln(),
            adapted: prior.ln(),
        }
    }

    /// The adapted model's weight now.
    pub fn adapted_weight(&self) -> f64 {
        (self.adapted - log_add(self.loaded, self.adapted)).exp()
    }

    /// ln p of a step the loaded model gave ln p = `loaded` and the adapted one `adapted`,
    /// under the mixture as it stands.
    pub fn mixed(&self, loaded: f64, adapted: f64) -> f64 {
        // The weights are kept normalised: their log-sum is 0.
        log_add(self.loaded + loaded, self.adapted + adapted)
    }

    /// Each weight learns from a step each model gave those ln p.
    pub fn learn(&mut self, loaded: f64, adapted: f64) {
        self.loaded += loaded;
        self.adapted += adapted;
        // Keep the weights near 0 so that long performances do not underflow.
        let total = log_add(self.loaded, self.adapted);
        self.loaded -= total;
        self.adapted -= total;
    }

    /// [`BayesMix::mixed`], then [`BayesMix::learn`].
    pub fn step(&mut self, loaded: f64, adapted: f64) -> f64 {
        let mixed = self.mixed(loaded, adapted);
        self.learn(loaded, adapted);
        mixed
    }
}

/// ln(eᵃ + eᵇ).
fn log_add(a: f64, b: f64) -> f64 {
    let top = a.max(b);
    if top == f64::NEG_INFINITY {
        return top;
    }
    top + ((a - top).exp() + (b - top).exp()).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mixture_follows_the_better_model_and_costs_at_most_its_prior() {
        // The adapted model is right for 20 steps, then wrong for 40.
        let mut mix = BayesMix::new(0.5);
        let (mut mixed, mut loaded, mut adapted) = (0.0, 0.0, 0.0);
        for t in 0..60 {
            let (l, a) = if t < 20 { (-1.5, -0.5) } else { (-1.0, -3.0) };
            mixed += mix.step(l, a);
            loaded += l;
            adapted += a;
            if t == 19 {
                assert!(mix.adapted_weight() > 0.99);
            }
        }
        assert!(mix.adapted_weight() < 0.01);
        // Never worse than either model by more than ln 2 over the whole run.
        assert!(
            mixed >= loaded.max(adapted) - 2f64.ln() - 1e-9,
            "{mixed} {loaded} {adapted}"
        );
        assert!(mixed > adapted + 50.0, "{mixed} {adapted}");
    }
}
