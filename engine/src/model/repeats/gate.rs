//! The repeat gate (model format 4): at every step, a small softmax shares the probability
//! between the LSTM and the events played 1, 2, 4 and 8 bars before, from what the LSTM thinks
//! of each of them, whether they agree, and how well each lookback has foretold the steps just
//! played. A tune's second phrase is copied once its first notes match the first phrase, and a
//! groove once its bar has come round again; a fill the LSTM saw coming is left to it.

use serde::{Deserialize, Serialize};

use crate::encoding::EventId;
use crate::model::repeats::memory::{LOOKBACK_BARS, LOOKBACKS, Lookbacks};

/// Inputs of one lookback's logit.
pub const GATE_INPUTS: usize = 10;
/// Their names, in order, as `config.json` lists them.
pub const GATE_INPUT_NAMES: [&str; GATE_INPUTS] = [
    "bias",
    "lstm_log_prob",
    "agreeing",
    "last_hits",
    "recent_hits",
    "long_hits",
    "quiet",
    "lstm_confidence",
    "downbeat",
    "phrase_end",
];
/// Log-probabilities below this are read as this: a logit input stays in a small range.
const LOG_PROB_FLOOR: f32 = -16.0;
/// Log-probabilities enter the logits in units of this many nats.
const LOG_PROB_SCALE: f32 = 4.0;

/// Each lookback's inputs (all zero where it reaches no step heard).
pub type GateInputs = [[f32; GATE_INPUTS]; LOOKBACKS];

/// The LSTM's and each lookback's share of a step's probability: index 0 the LSTM's, then
/// 1, 2, 4 and 8 bars back. They sum to 1.
pub type Shares = [f32; LOOKBACKS + 1];

/// What the gate reads for a step the LSTM gave `log_probs`.
pub fn gate_inputs(log_probs: &[f32], lookbacks: &Lookbacks) -> GateInputs {
    let scaled = |log_prob: f32| log_prob.max(LOG_PROB_FLOOR) / LOG_PROB_SCALE;
    let confidence = scaled(log_probs.iter().copied().fold(LOG_PROB_FLOOR, f32::max));
    std::array::from_fn(|k| {
        let Some(event) = lookbacks.events[k] else {
            return [0.0; GATE_INPUTS];
        };
        let agreeing = lookbacks
            .events
            .iter()
            .enumerate()
            .filter(|&(j, other)| j != k && *other == Some(event))
            .count();
        let [last_hits, recent_hits, long_hits] = lookbacks.record[k];
        let flag = |on: bool| f32::from(u8::from(on));
        [
            1.0,
            scaled(log_probs[event.index()]),
            agreeing as f32 / (LOOKBACKS - 1) as f32,
            last_hits,
            recent_hits,
            long_hits,
            flag(event.is_quiet()),
            confidence,
            flag(lookbacks.downbeat),
            flag(lookbacks.phrase_end),
        ]
    })
}

/// The LSTM temperatures a gate may take: an LSTM that learned its training files by heart is
/// surer of itself on others than it should be, and a mixture that trusts it less gains.
pub const LSTM_TEMPERATURES: std::ops::RangeInclusive<f32> = 0.25..=4.0;

/// The gate: the LSTM's temperature, and per lookback its logit's weight on each input,
/// against the LSTM's logit of 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GateJson", into = "GateJson")]
pub struct RepeatGate {
    lstm_temperature: f32,
    weights: [[f32; GATE_INPUTS]; LOOKBACKS],
}

/// `row`'s log-probability of `event` with the row's logits divided by `temperature`.
pub fn tempered(row: &[f32], event: EventId, temperature: f32) -> f32 {
    if temperature == 1.0 {
        return row[event.index()];
    }
    row[event.index()] / temperature - log_partition(row, temperature)
}

/// ln Σ exp(lp / temperature) over `row`.
fn log_partition(row: &[f32], temperature: f32) -> f32 {
    let top = row.iter().copied().fold(f32::NEG_INFINITY, f32::max) / temperature;
    let sum: f32 = row.iter().map(|&lp| (lp / temperature - top).exp()).sum();
    top + sum.ln()
}

/// Divides a row of log-probabilities by `temperature` and renormalizes it, in place.
fn temper(row: &mut [f32], temperature: f32) {
    if temperature == 1.0 {
        return;
    }
    let shift = log_partition(row, temperature);
    for lp in row.iter_mut() {
        *lp = *lp / temperature - shift;
    }
}

impl RepeatGate {
    /// A gate of the LSTM at `lstm_temperature` and these weights (per lookback 1, 2, 4, 8
    /// bars, per input of [`GATE_INPUT_NAMES`]).
    pub fn new(lstm_temperature: f32, weights: [[f32; GATE_INPUTS]; LOOKBACKS]) -> RepeatGate {
        RepeatGate {
            lstm_temperature,
            weights,
        }
    }

    /// The shares of a step whose lookbacks hold `lookbacks` and read `inputs` (a lookback
    /// reaching no step heard gets none).
    pub fn shares(&self, inputs: &GateInputs, lookbacks: &Lookbacks) -> Shares {
        let mut logits = [0.0f32; LOOKBACKS + 1];
        for k in 0..LOOKBACKS {
            logits[k + 1] = match lookbacks.events[k] {
                Some(_) => dot(&self.weights[k], &inputs[k]),
                None => f32::NEG_INFINITY,
            };
        }
        let top = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut shares = logits.map(|logit| (logit - top).exp());
        let sum: f32 = shares.iter().sum();
        for share in &mut shares {
            *share /= sum;
        }
        shares
    }

    /// Mixes a row of LSTM log-probabilities in place: the LSTM's share of its own
    /// distribution, plus each lookback's share on the event it holds. The row stays a
    /// distribution.
    pub fn mix(&self, log_probs: &mut [f32], lookbacks: &Lookbacks) {
        let inputs = gate_inputs(log_probs, lookbacks);
        let shares = self.shares(&inputs, lookbacks);
        temper(log_probs, self.lstm_temperature);
        let mixed = lookbacks.events.map(|held| {
            held.map(|event| {
                let copied: f32 = (0..LOOKBACKS)
                    .filter(|&j| lookbacks.events[j] == Some(event))
                    .map(|j| shares[j + 1])
                    .sum();
                (event, shares[0] * log_probs[event.index()].exp() + copied)
            })
        });
        let ln_keep = shares[0].ln();
        for log_prob in log_probs.iter_mut() {
            *log_prob += ln_keep;
        }
        for (event, p) in mixed.into_iter().flatten() {
            log_probs[event.index()] = p.ln();
        }
    }

    /// ln p(played) under the mixture, for a step whose LSTM row is `row`, whose lookbacks
    /// held `lookbacks` and read `inputs`.
    pub fn log_prob(
        &self,
        row: &[f32],
        played: EventId,
        lookbacks: &Lookbacks,
        inputs: &GateInputs,
    ) -> f64 {
        let log_prob = tempered(row, played, self.lstm_temperature);
        let shares = self.shares(inputs, lookbacks);
        let copied: f64 = (0..LOOKBACKS)
            .filter(|&k| lookbacks.events[k] == Some(played))
            .map(|k| f64::from(shares[k + 1]))
            .sum();
        (f64::from(shares[0]) * f64::from(log_prob).exp() + copied).ln()
    }

    /// Why this is no gate, if it is not (every weight a finite number, the temperature in
    /// [`LSTM_TEMPERATURES`]).
    pub fn unsupported(&self) -> Option<String> {
        if !LSTM_TEMPERATURES.contains(&self.lstm_temperature) {
            return Some(format!(
                "repeat_gate: lstm_temperature {} is outside {LSTM_TEMPERATURES:?}",
                self.lstm_temperature
            ));
        }
        self.weights
            .iter()
            .flatten()
            .any(|w| !w.is_finite())
            .then(|| "repeat_gate: every weight must be a finite number".to_owned())
    }
}

fn dot(a: &[f32; GATE_INPUTS], b: &[f32; GATE_INPUTS]) -> f32 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// The gate as `config.json` holds it: its lookbacks and inputs named beside the weights, so
/// a gate of other lookbacks or inputs is refused rather than misread.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GateJson {
    lstm_temperature: f32,
    lookback_bars: Vec<usize>,
    inputs: Vec<String>,
    /// Per lookback, one weight per input.
    weights: Vec<Vec<f32>>,
}

impl TryFrom<GateJson> for RepeatGate {
    type Error = String;

    fn try_from(json: GateJson) -> Result<RepeatGate, String> {
        if json.lookback_bars != LOOKBACK_BARS {
            return Err(format!(
                "repeat_gate looks back {:?} bars; this build's gate looks back {LOOKBACK_BARS:?}",
                json.lookback_bars
            ));
        }
        if json.inputs != GATE_INPUT_NAMES {
            return Err(format!(
                "repeat_gate reads {:?}; this build's gate reads {GATE_INPUT_NAMES:?}",
                json.inputs
            ));
        }
        let rows: Vec<[f32; GATE_INPUTS]> = json
            .weights
            .iter()
            .map(|row| <[f32; GATE_INPUTS]>::try_from(row.as_slice()))
            .collect::<Result<_, _>>()
            .map_err(|_| format!("repeat_gate needs {GATE_INPUTS} weights per lookback"))?;
        let weights = <[[f32; GATE_INPUTS]; LOOKBACKS]>::try_from(rows)
            .map_err(|_| format!("repeat_gate needs weights for {LOOKBACKS} lookbacks"))?;
        Ok(RepeatGate {
            lstm_temperature: json.lstm_temperature,
            weights,
        })
    }
}

impl From<RepeatGate> for GateJson {
    fn from(gate: RepeatGate) -> GateJson {
        GateJson {
            lstm_temperature: gate.lstm_temperature,
            lookback_bars: LOOKBACK_BARS.to_vec(),
            inputs: GATE_INPUT_NAMES.map(str::to_owned).to_vec(),
            weights: gate.weights.iter().map(|row| row.to_vec()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::repeats::memory::RECORD_RATES;

    fn gate() -> RepeatGate {
        let mut weights = [[0.0; GATE_INPUTS]; LOOKBACKS];
        for (k, row) in weights.iter_mut().enumerate() {
            row[0] = -1.0 + k as f32 * 0.3;
            row[1] = 0.5;
            row[2] = 1.0;
            row[4] = 2.0;
            row[9] = -1.0;
        }
        RepeatGate::new(1.25, weights)
    }

    #[test]
    fn mixing_keeps_a_distribution_and_agrees_with_scoring_a_step() {
        let vocab = 6;
        let log_probs: Vec<f32> = (0..vocab).map(|i| ((i + 1) as f32 / 21.0).ln()).collect();
        let cases = [
            [None, None, None, None],
            [Some(2), None, None, None],
            [Some(2), Some(2), Some(5), None],
            [Some(1), Some(3), Some(1), Some(0)],
        ];
        for held in cases {
            let lookbacks = Lookbacks {
                events: held.map(|e| e.map(EventId::new)),
                record: [
                    [0.25, 0.75, 0.5],
                    [0.5, 0.5, 0.5],
                    [1.0, 0.9, 0.8],
                    [0.0, 0.1, 0.2],
                ],
                downbeat: true,
                phrase_end: true,
            };
            assert_eq!(lookbacks.record[0].len(), RECORD_RATES);
            let mut row = log_probs.clone();
            gate().mix(&mut row, &lookbacks);
            let total: f64 = row.iter().map(|&lp| f64::from(lp).exp()).sum();
            assert!((total - 1.0).abs() < 1e-5, "{held:?}: {total}");
            let inputs = gate_inputs(&log_probs, &lookbacks);
            for (played, &mixed) in row.iter().enumerate() {
                let scored = gate().log_prob(&log_probs, EventId::new(played), &lookbacks, &inputs);
                assert!((scored - f64::from(mixed)).abs() < 1e-5, "{held:?}");
            }
            let shares = gate().shares(&inputs, &lookbacks);
            for (k, held) in held.iter().enumerate() {
                assert_eq!(shares[k + 1] > 0.0, held.is_some(), "{held:?}");
            }
        }
    }

    #[test]
    fn the_gate_round_trips_through_json_and_refuses_another_shape() {
        let json = serde_json::to_string(&gate()).unwrap();
        assert!(json.contains("\"lookback_bars\":[1,2,4,8]"), "{json}");
        assert_eq!(serde_json::from_str::<RepeatGate>(&json).unwrap(), gate());
        let other_bars = json.replace("[1,2,4,8]", "[1,2,3,4]");
        let error = serde_json::from_str::<RepeatGate>(&other_bars).unwrap_err();
        assert!(
            error.to_string().contains("looks back [1, 2, 3, 4]"),
            "{error}"
        );
        let other_inputs = json.replace("\"quiet\"", "\"loud\"");
        assert!(serde_json::from_str::<RepeatGate>(&other_inputs).is_err());
        let short = json.replacen("[-1.0,", "[", 1);
        let error = serde_json::from_str::<RepeatGate>(&short).unwrap_err();
        assert!(
            error.to_string().contains("weights per lookback"),
            "{error}"
        );
        let mut nan = gate();
        nan.weights[2][3] = f32::NAN;
        assert!(nan.unsupported().is_some());
        assert!(RepeatGate::new(0.0, gate().weights).unsupported().is_some());
        assert_eq!(gate().unsupported(), None);
    }
}
