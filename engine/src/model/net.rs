//! A model family's network as a candle module: stacked LSTM, then a linear layer to the
//! vocabulary's event logits.

use candle_core::{Result, Tensor};
use candle_nn::{Linear, Module, VarBuilder};

use crate::model::config::ModelConfig;
use crate::model::dropout::Dropout;
use crate::model::lstm::Lstm;

/// LSTM plus output projection. Weight names: `lstm.*` (see [`crate::model::lstm`]),
/// `output.weight` `[vocab, H]`, `output.bias` `[vocab]`.
#[derive(Debug, Clone)]
pub struct Net {
    lstm: Lstm,
    output: Linear,
}

impl Net {
    /// Reads (or, with a `VarMap` builder, creates) the weights under `vb` for `cfg`.
    pub fn load(vb: VarBuilder, cfg: &ModelConfig) -> Result<Net> {
        let lstm = Lstm::load(vb.pp("lstm"), cfg)?;
        let vb = vb.pp("output");
        let weight = vb.get((cfg.vocab_size, cfg.hidden_size), "weight")?;
        let bias = vb.get(cfg.vocab_size, "bias")?;
        Ok(Net {
            lstm,
            output: Linear::new(weight, Some(bias)),
        })
    }

    /// Event logits `[T, B, vocab]` for whole windows; see [`Lstm::forward`] for the inputs.
    pub fn forward(
        &self,
        prev_events: &Tensor,
        counters: &Tensor,
        dropout: Option<&mut Dropout>,
    ) -> Result<Tensor> {
        let outputs = self.lstm.forward(prev_events, counters, dropout)?;
        let (steps, batch, hidden) = outputs.dims3()?;
        self.output
            .forward(&outputs.reshape((steps * batch, hidden))?)?
            .reshape((steps, batch, ()))
    }

    /// The LSTM part.
    pub fn lstm(&self) -> &Lstm {
        &self.lstm
    }

    /// The output projection.
    pub fn output(&self) -> &Linear {
        &self.output
    }
}
