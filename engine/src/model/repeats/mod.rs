//! Repeats: the LSTM's next-event distribution mixed with the events played whole bars
//! before, in the performance's meter. A format-3 model mixes the two bars before with fixed
//! weights per case ([`BarRepeats`]); a format-4 model gates 1, 2, 4 and 8 bars back step by
//! step ([`RepeatGate`]).

mod fixed;
mod gate;
mod gate_fit;
mod memory;

pub use fixed::{BarRepeats, CaseSample, Lookback};
pub use gate::{
    GATE_INPUT_NAMES, GATE_INPUTS, GateInputs, LSTM_TEMPERATURES, RepeatGate, Shares, gate_inputs,
    tempered,
};
pub use gate_fit::cross_fitted_nll;
pub(crate) use memory::BarMemory;
pub use memory::{LOOKBACK_BARS, LOOKBACKS, Lookbacks};

use crate::encoding::EventId;

/// How a model repeats the bars before.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Repeats {
    /// Fixed weights on the two bars before (format 3).
    Bars(BarRepeats),
    /// A gate over 1, 2, 4 and 8 bars before (format 4).
    Gate(RepeatGate),
}

/// One step of a real performance, scored: the LSTM's log-probability of the event played and
/// what the bars before held, from which any repeats score it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepeatSample {
    /// ln p(played) under the LSTM alone.
    pub log_prob: f32,
    /// The event played.
    pub played: EventId,
    /// What the bars before held.
    pub lookbacks: Lookbacks,
    /// What a gate reads at the step.
    pub inputs: GateInputs,
}

impl RepeatSample {
    /// The step for fixed repeats: the case of its two bars before.
    pub fn case(&self) -> CaseSample {
        let [one_bar, two_bars, ..] = self.lookbacks.events;
        CaseSample {
            log_prob: self.log_prob,
            lookback: Lookback::of(one_bar, two_bars, self.played),
        }
    }
}

impl Repeats {
    /// Mixes a row of LSTM log-probabilities in place with the bars before; it stays a
    /// distribution.
    pub fn mix(&self, log_probs: &mut [f32], lookbacks: &Lookbacks) {
        match self {
            Repeats::Bars(repeats) => {
                repeats.mix(log_probs, lookbacks.events[0], lookbacks.events[1]);
            }
            Repeats::Gate(gate) => gate.mix(log_probs, lookbacks),
        }
    }

    /// ln p(played) under the mixture, for a step whose LSTM row is `row`.
    pub fn log_prob(&self, sample: &RepeatSample, row: &[f32]) -> f64 {
        match self {
            Repeats::Bars(repeats) => repeats.log_prob(&sample.case()),
            Repeats::Gate(gate) => {
                gate.log_prob(row, sample.played, &sample.lookbacks, &sample.inputs)
            }
        }
    }

    /// The LSTM's and each lookback's share of the step's probability (fixed repeats give the
    /// two bars' shared weight, when they agree, to the bar before).
    pub fn shares(&self, sample: &RepeatSample) -> Shares {
        match self {
            Repeats::Gate(gate) => gate.shares(&sample.inputs, &sample.lookbacks),
            Repeats::Bars(repeats) => {
                let [one_bar, two_bars] = match sample.case().lookback {
                    Lookback::Cold => [0.0; 2],
                    Lookback::OneBar { .. } => [repeats.one_bar, 0.0],
                    Lookback::BarsAgree { .. } => [repeats.bars_agree, 0.0],
                    Lookback::BarsDiffer { .. } => repeats.bars_differ,
                };
                [1.0 - one_bar - two_bars, one_bar, two_bars, 0.0, 0.0]
            }
        }
    }

    /// Why these repeats are no mixture, if they are not.
    pub fn unsupported(&self) -> Option<String> {
        match self {
            Repeats::Bars(repeats) => repeats.unsupported(),
            Repeats::Gate(gate) => gate.unsupported(),
        }
    }
}
