//! Fixed bar repeats (model format 3): the LSTM's next-event distribution mixed with the events
//! played one and two bars before, as a drummer repeats the groove. Fed 64-step windows from a
//! cold state, the LSTM gives the event of the bar before about half its probability where, in
//! real drumming, it is played again two times in three (four in five when the two bars before
//! agree); a mixture weight per case, fitted on held-out files, gives the repeat what the data
//! says.

use serde::{Deserialize, Serialize};

use crate::encoding::EventId;

/// One scored step as the fixed weights see it: the LSTM's log-probability of the event
/// played, and its case.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CaseSample {
    /// ln p(played) under the LSTM alone.
    pub log_prob: f32,
    /// What the bars before held.
    pub lookback: Lookback,
}

/// Probability moved onto the bars before, by what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BarRepeats {
    /// On the event one bar before, when only one bar lies behind the step.
    pub one_bar: f32,
    /// On the event of both bars before, when they hold the same one.
    pub bars_agree: f32,
    /// On the event one bar before and on the one two bars before, when they differ.
    pub bars_differ: [f32; 2],
}

/// What the bars before a step hold, and whether the step played it again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookback {
    /// Less than a bar lies behind the step.
    Cold,
    /// One bar lies behind; `hit`: the step repeats it.
    OneBar { hit: bool },
    /// Two bars lie behind and hold the same event.
    BarsAgree { hit: bool },
    /// Two bars lie behind and hold different events; which of them the step repeats.
    BarsDiffer {
        one_bar_hit: bool,
        two_bars_hit: bool,
    },
}

impl Lookback {
    /// The case of a step whose bars before hold `one_bar` and `two_bars` (`None`: not yet
    /// played), judged against the event `played`.
    pub fn of(one_bar: Option<EventId>, two_bars: Option<EventId>, played: EventId) -> Lookback {
        match (one_bar, two_bars) {
            (None, _) => Lookback::Cold,
            (Some(one), None) => Lookback::OneBar { hit: one == played },
            (Some(one), Some(two)) if one == two => Lookback::BarsAgree { hit: one == played },
            (Some(one), Some(two)) => Lookback::BarsDiffer {
                one_bar_hit: one == played,
                two_bars_hit: two == played,
            },
        }
    }
}

/// Weights whose sum reaches this would leave the LSTM nothing: fitting stops short of it.
const MAX_TOTAL: f64 = 0.99;
/// EM rounds of a fit: each one raises the likelihood, and a few dozen settle it to 1e-4.
const FIT_ROUNDS: usize = 200;

impl BarRepeats {
    /// Why these weights are no mixture, if they are not (each from 0, together below 1).
    pub fn unsupported(&self) -> Option<String> {
        let [a, b] = self.bars_differ;
        let valid = |w: f32| (0.0..1.0).contains(&w);
        (!(valid(self.one_bar) && valid(self.bars_agree) && valid(a) && valid(b) && a + b < 1.0))
            .then(|| format!("bar_repeats {self:?}: each weight from 0, each case's sum below 1"))
    }

    /// The mixture's copy targets for a step: (event, weight), at most two.
    fn targets(&self, one_bar: Option<EventId>, two_bars: Option<EventId>) -> [(EventId, f32); 2] {
        let none = (EventId::QUIET, 0.0);
        match (one_bar, two_bars) {
            (None, _) => [none, none],
            (Some(one), None) => [(one, self.one_bar), none],
            (Some(one), Some(two)) if one == two => [(one, self.bars_agree), none],
            (Some(one), Some(two)) => [(one, self.bars_differ[0]), (two, self.bars_differ[1])],
        }
    }

    /// Mixes a row of LSTM log-probabilities in place: `(1 − Σw)·p`, plus each weight on its
    /// event. The row stays a distribution.
    pub fn mix(&self, log_probs: &mut [f32], one_bar: Option<EventId>, two_bars: Option<EventId>) {
        let targets = self.targets(one_bar, two_bars);
        let total: f32 = targets.iter().map(|&(_, w)| w).sum();
        if total <= 0.0 {
            return;
        }
        let keep = 1.0 - total;
        let mixed = targets.map(|(event, w)| (event, w, log_probs[event.index()].exp() * keep + w));
        let ln_keep = keep.ln();
        for log_prob in log_probs.iter_mut() {
            *log_prob += ln_keep;
        }
        for (event, w, p) in mixed {
            if w > 0.0 {
                log_probs[event.index()] = p.ln();
            }
        }
    }

    /// ln p(played) under the mixture, for a step the LSTM gave `sample.log_prob`.
    pub fn log_prob(&self, sample: &CaseSample) -> f64 {
        let p = f64::from(sample.log_prob).exp();
        let hit = |hit: bool| if hit { 1.0 } else { 0.0 };
        let (w, copied) = match sample.lookback {
            Lookback::Cold => return f64::from(sample.log_prob),
            Lookback::OneBar { hit: h } => {
                (f64::from(self.one_bar), hit(h) * f64::from(self.one_bar))
            }
            Lookback::BarsAgree { hit: h } => (
                f64::from(self.bars_agree),
                hit(h) * f64::from(self.bars_agree),
            ),
            Lookback::BarsDiffer {
                one_bar_hit,
                two_bars_hit,
            } => {
                let [a, b] = self.bars_differ.map(f64::from);
                (a + b, hit(one_bar_hit) * a + hit(two_bars_hit) * b)
            }
        };
        ((1.0 - w) * p + copied).ln()
    }

    /// The weights that make `samples` likeliest (maximum likelihood by EM, each case on its
    /// own steps; a case with no steps gets weight 0).
    pub fn fit(samples: &[CaseSample]) -> BarRepeats {
        let [one_bar] = fit_weights(&case_rows(samples, |lookback| match lookback {
            Lookback::OneBar { hit } => Some([hit]),
            _ => None,
        }));
        let [bars_agree] = fit_weights(&case_rows(samples, |lookback| match lookback {
            Lookback::BarsAgree { hit } => Some([hit]),
            _ => None,
        }));
        let bars_differ = fit_weights(&case_rows(samples, |lookback| match lookback {
            Lookback::BarsDiffer {
                one_bar_hit,
                two_bars_hit,
            } => Some([one_bar_hit, two_bars_hit]),
            _ => None,
        }));
        BarRepeats {
            one_bar,
            bars_agree,
            bars_differ,
        }
    }
}

/// The steps of one case as EM takes them: the LSTM's probability of the event played, and
/// whether it was each of the case's copy targets.
fn case_rows<const K: usize>(
    samples: &[CaseSample],
    case: impl Fn(Lookback) -> Option<[bool; K]>,
) -> Vec<(f64, [f64; K])> {
    samples
        .iter()
        .filter_map(|sample| {
            let hits = case(sample.lookback)?;
            Some((
                f64::from(sample.log_prob).exp(),
                hits.map(|hit| f64::from(u8::from(hit))),
            ))
        })
        .collect()
}

/// EM for the weights of a mixture of a fixed distribution (each row's `p`) and `K` point
/// masses (each row's indicators): every round sets each weight to its mean responsibility.
fn fit_weights<const K: usize>(rows: &[(f64, [f64; K])]) -> [f32; K] {
    if rows.is_empty() {
        return [0.0; K];
    }
    let mut weights = [0.5 / K as f64; K];
    for _ in 0..FIT_ROUNDS {
        let mut sums = [0.0; K];
        for (p, hits) in rows {
            let keep = 1.0 - weights.iter().sum::<f64>();
            let copied: [f64; K] = std::array::from_fn(|k| weights[k] * hits[k]);
            let total = keep * p + copied.iter().sum::<f64>();
            // A step neither the LSTM nor a bar before explains (its probability underflowed)
            // says nothing about the weights.
            if total > 0.0 {
                for k in 0..K {
                    sums[k] += copied[k] / total;
                }
            }
        }
        weights = sums.map(|sum| sum / rows.len() as f64);
        let total: f64 = weights.iter().sum();
        if total > MAX_TOTAL {
            weights = weights.map(|w| w * MAX_TOTAL / total);
        }
    }
    weights.map(|w| w as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn sum_of_probabilities(log_probs: &[f32]) -> f64 {
        log_probs.iter().map(|&lp| f64::from(lp).exp()).sum()
    }

    #[test]
    fn mixing_moves_each_cases_weight_onto_the_bars_before_and_keeps_a_distribution() {
        let repeats = BarRepeats {
            one_bar: 0.2,
            bars_agree: 0.5,
            bars_differ: [0.15, 0.1],
        };
        let uniform = vec![(0.25f32).ln(); 4];
        let (a, b) = (EventId::new(1), EventId::new(3));
        let cases = [
            (None, None, [0.25, 0.25, 0.25, 0.25]),
            (Some(a), None, [0.2, 0.4, 0.2, 0.2]),
            (Some(a), Some(a), [0.125, 0.625, 0.125, 0.125]),
            (Some(a), Some(b), [0.1875, 0.3375, 0.1875, 0.2875]),
        ];
        for (one, two, expected) in cases {
            let mut row = uniform.clone();
            repeats.mix(&mut row, one, two);
            for (lp, p) in row.iter().zip(expected) {
                assert!(
                    (f64::from(lp.exp()) - p).abs() < 1e-6,
                    "{one:?} {two:?}: {row:?}"
                );
            }
            assert!((sum_of_probabilities(&row) - 1.0).abs() < 1e-6);
            // Scoring a step agrees with the mixed row.
            let played = EventId::new(3);
            let sample = CaseSample {
                log_prob: uniform[3],
                lookback: Lookback::of(one, two, played),
            };
            assert!((repeats.log_prob(&sample) - f64::from(row[3])).abs() < 1e-6);
        }
    }

    #[test]
    fn fitting_recovers_the_weights_a_planted_mixture_was_drawn_with() {
        // Steps drawn from 0.3·copy-one-bar + 0.7·uniform(8), and so on per case: EM finds the
        // copy weights within sampling error.
        let planted = BarRepeats {
            one_bar: 0.3,
            bars_agree: 0.6,
            bars_differ: [0.25, 0.15],
        };
        let mut rng = SplitMix64::new(7);
        let uniform_lp = (1.0f32 / 8.0).ln();
        let mut samples = Vec::new();
        for i in 0..60_000 {
            let (one, two) = match i % 3 {
                0 => (EventId::new(1), None),
                1 => (EventId::new(2), Some(EventId::new(2))),
                _ => (EventId::new(3), Some(EventId::new(4))),
            };
            let mut row = vec![uniform_lp; 8];
            planted.mix(&mut row, Some(one), two);
            let u = rng.next_f64();
            let mut acc = 0.0;
            let played = (0..8)
                .find(|&e| {
                    acc += f64::from(row[e].exp());
                    u < acc
                })
                .unwrap_or(7);
            samples.push(CaseSample {
                log_prob: uniform_lp,
                lookback: Lookback::of(Some(one), two, EventId::new(played)),
            });
        }
        let fitted = BarRepeats::fit(&samples);
        let close = |a: f32, b: f32| (a - b).abs() < 0.02;
        assert!(close(fitted.one_bar, 0.3), "{fitted:?}");
        assert!(close(fitted.bars_agree, 0.6), "{fitted:?}");
        assert!(close(fitted.bars_differ[0], 0.25), "{fitted:?}");
        assert!(close(fitted.bars_differ[1], 0.15), "{fitted:?}");
        assert_eq!(fitted.unsupported(), None);
        // A step the LSTM gave no probability at all and no bar before played leaves the fit
        // a mixture.
        let hopeless = CaseSample {
            log_prob: f32::NEG_INFINITY,
            lookback: Lookback::OneBar { hit: false },
        };
        let with_hopeless = BarRepeats::fit(&[samples.as_slice(), &[hopeless]].concat());
        assert_eq!(with_hopeless.unsupported(), None, "{with_hopeless:?}");
        assert!(close(with_hopeless.one_bar, 0.3), "{with_hopeless:?}");
        // And with nothing to learn from, nothing is moved.
        assert_eq!(
            BarRepeats::fit(&[]),
            BarRepeats {
                one_bar: 0.0,
                bars_agree: 0.0,
                bars_differ: [0.0, 0.0]
            }
        );
    }

    #[test]
    fn weights_outside_a_mixture_are_refused() {
        let fine = BarRepeats {
            one_bar: 0.0,
            bars_agree: 0.9,
            bars_differ: [0.5, 0.4],
        };
        assert_eq!(fine.unsupported(), None);
        for bad in [
            BarRepeats {
                one_bar: -0.1,
                ..fine
            },
            BarRepeats {
                bars_agree: 1.0,
                ..fine
            },
            BarRepeats {
                bars_differ: [0.6, 0.4],
                ..fine
            },
            BarRepeats {
                one_bar: f32::NAN,
                ..fine
            },
        ] {
            assert!(bad.unsupported().is_some(), "{bad:?}");
        }
    }
}
