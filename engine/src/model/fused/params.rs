//! A network's weights as one flat buffer, for training: where each named tensor lives in it,
//! and the way in and out through candle tensors (safetensors files, `VarMap`s).

use std::ops::Range;

use candle_core::{Device, Tensor};

use crate::encoding::groove::GROOVE_VALUES;
use crate::families::drums::encoding::NUM_CLASSES;
use crate::model::config::ModelConfig;
use crate::model::fused::groove_head::GrooveHead;

/// The groove weights: the previous step's groove into the first layer's gates, then the head.
pub const GROOVE_NAMES: [&str; 5] = [
    "lstm.layers.0.weight_groove",
    "groove.hidden.weight",
    "groove.hidden.bias",
    "groove.output.weight",
    "groove.output.bias",
];

/// One named tensor's place in the flat buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamEntry {
    /// The tensor's name in a model's safetensors file, e.g. `lstm.layers.0.weight_ih`.
    pub name: String,
    /// Its shape, PyTorch's layout (`[out, in]` for weights).
    pub shape: Vec<usize>,
    /// Where its values lie in the buffer, row-major.
    pub range: Range<usize>,
}

/// Where every weight of a network of one shape lives in a flat buffer: the tensors one after
/// the other in name order (the order gradient clipping sums them in).
#[derive(Debug, Clone, PartialEq)]
pub struct ParamLayout {
    config: ModelConfig,
    entries: Vec<ParamEntry>,
    len: usize,
    /// Each layer's `weight_ih`, `weight_hh` and `bias`, found once.
    layers: Vec<[Range<usize>; 3]>,
    /// `output.weight` and `output.bias`.
    output: [Range<usize>; 2],
    /// With a groove head: the first layer's `weight_groove`, then the head's
    /// `groove.hidden.weight`, `groove.hidden.bias`, `groove.output.weight` and
    /// `groove.output.bias`.
    groove: Option<[Range<usize>; 5]>,
}

impl ParamLayout {
    /// The layout of a network of `config`.
    pub fn new(config: &ModelConfig) -> ParamLayout {
        let h = config.hidden_size;
        let mut named: Vec<(String, Vec<usize>)> = Vec::new();
        for k in 0..config.num_layers {
            let input = if k == 0 { config.input_size() } else { h };
            named.push((format!("lstm.layers.{k}.weight_ih"), vec![4 * h, input]));
            named.push((format!("lstm.layers.{k}.weight_hh"), vec![4 * h, h]));
            named.push((format!("lstm.layers.{k}.bias"), vec![4 * h]));
        }
        named.push(("output.weight".to_owned(), vec![config.vocab_size, h]));
        named.push(("output.bias".to_owned(), vec![config.vocab_size]));
        if let Some(units) = config.groove_units {
            named.extend([
                (GROOVE_NAMES[0].to_owned(), vec![4 * h, GROOVE_VALUES]),
                (GROOVE_NAMES[1].to_owned(), vec![units, h + NUM_CLASSES]),
                (GROOVE_NAMES[2].to_owned(), vec![units]),
                (GROOVE_NAMES[3].to_owned(), vec![GROOVE_VALUES, units]),
                (GROOVE_NAMES[4].to_owned(), vec![GROOVE_VALUES]),
            ]);
        }
        named.sort();
        let mut len = 0;
        let entries: Vec<ParamEntry> = named
            .into_iter()
            .map(|(name, shape)| {
                let size: usize = shape.iter().product();
                let range = len..len + size;
                len += size;
                ParamEntry { name, shape, range }
            })
            .collect();
        let find = |name: &str| {
            entries
                .iter()
                .find(|entry| entry.name == name)
                .map(|entry| entry.range.clone())
                .expect("every weight was just laid out")
        };
        let layers = (0..config.num_layers)
            .map(|k| {
                ["weight_ih", "weight_hh", "bias"]
                    .map(|weight| find(&format!("lstm.layers.{k}.{weight}")))
            })
            .collect();
        let output = [find("output.weight"), find("output.bias")];
        let groove = config.groove_units.map(|_| GROOVE_NAMES.map(find));
        ParamLayout {
            config: config.clone(),
            entries,
            len,
            layers,
            output,
            groove,
        }
    }

    /// The network's shape.
    pub fn config(&self) -> &ModelConfig {
        &self.config
    }

    /// Every tensor, in buffer order.
    pub fn entries(&self) -> &[ParamEntry] {
        &self.entries
    }

    /// Values in the buffer.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the network has no weights (never: every config has at least one layer).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Where the tensor `name` lies, if the network has one.
    pub fn range(&self, name: &str) -> Option<Range<usize>> {
        self.entries
            .iter()
            .find(|entry| entry.name == name)
            .map(|entry| entry.range.clone())
    }

    /// Where layer `k`'s `weight_ih`, `weight_hh` and `bias` lie.
    pub(crate) fn layer(&self, k: usize) -> &[Range<usize>; 3] {
        &self.layers[k]
    }

    /// Where `output.weight` and `output.bias` lie.
    pub(crate) fn output(&self) -> &[Range<usize>; 2] {
        &self.output
    }

    /// Where the groove weights lie, in [`GROOVE_NAMES`] order, if the network has them.
    pub(crate) fn groove(&self) -> Option<&[Range<usize>; 5]> {
        self.groove.as_ref()
    }

    /// The flat buffer of the tensors `get` returns for each name (each of its entry's shape).
    pub fn gather(
        &self,
        mut get: impl FnMut(&str) -> candle_core::Result<Tensor>,
    ) -> candle_core::Result<Vec<f32>> {
        let mut values = Vec::with_capacity(self.len);
        for entry in &self.entries {
            let tensor = get(&entry.name)?;
            if tensor.dims() != entry.shape.as_slice() {
                return Err(candle_core::Error::Msg(format!(
                    "{} has shape {:?}, expected {:?}",
                    entry.name,
                    tensor.dims(),
                    entry.shape
                )));
            }
            values.extend(tensor.flatten_all()?.to_vec1::<f32>()?);
        }
        Ok(values)
    }

    /// The named tensors of the flat buffer `values`.
    pub fn tensors(&self, values: &[f32]) -> candle_core::Result<Vec<(String, Tensor)>> {
        assert_eq!(values.len(), self.len, "a buffer of another layout");
        self.entries
            .iter()
            .map(|entry| {
                let tensor = Tensor::from_slice(
                    &values[entry.range.clone()],
                    entry.shape.as_slice(),
                    &Device::Cpu,
                )?;
                Ok((entry.name.clone(), tensor))
            })
            .collect()
    }
}

/// The weights of one layout in a flat buffer, read by the training passes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Weights<'a> {
    pub(crate) layout: &'a ParamLayout,
    pub(crate) values: &'a [f32],
}

impl<'a> Weights<'a> {
    /// Layer `k`'s `weight_ih`, `weight_hh` and `bias`.
    pub(crate) fn layer(&self, k: usize) -> (&'a [f32], &'a [f32], &'a [f32]) {
        let [ih, hh, bias] = self.layout.layer(k);
        (
            &self.values[ih.clone()],
            &self.values[hh.clone()],
            &self.values[bias.clone()],
        )
    }

    /// `output.weight` and `output.bias`.
    pub(crate) fn output(&self) -> (&'a [f32], &'a [f32]) {
        let [weight, bias] = self.layout.output();
        (&self.values[weight.clone()], &self.values[bias.clone()])
    }

    /// The first layer's `weight_groove` and the groove head, if the network has them.
    pub(crate) fn groove(&self) -> Option<(&'a [f32], GrooveHead<'a>)> {
        let [
            input,
            hidden_weight,
            hidden_bias,
            output_weight,
            output_bias,
        ] = self
            .layout
            .groove()?
            .clone()
            .map(|range| &self.values[range]);
        Some((
            input,
            GrooveHead {
                hidden_weight,
                hidden_bias,
                output_weight,
                output_bias,
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::Family;
    use crate::model::fused::testing::random_tensors;

    #[test]
    fn tensors_go_in_and_come_out_by_name_in_name_order() {
        let config = ModelConfig::new(Family::MELODY, 2, 3, 0.0);
        let layout = ParamLayout::new(&config);
        let names: Vec<&str> = layout.entries().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "lstm.layers.0.bias",
                "lstm.layers.0.weight_hh",
                "lstm.layers.0.weight_ih",
                "lstm.layers.1.bias",
                "lstm.layers.1.weight_hh",
                "lstm.layers.1.weight_ih",
                "output.bias",
                "output.weight",
            ]
        );
        // 12·(38 + 6) + 12·3 + 12, 12·3 + 12·3 + 12, 38·3 + 38.
        assert_eq!(layout.len(), 528 + 36 + 12 + 36 + 36 + 12 + 114 + 38);
        let tensors = random_tensors(&config, 1.0, 4);
        let values = layout.gather(|name| Ok(tensors[name].clone())).unwrap();
        for (name, tensor) in layout.tensors(&values).unwrap() {
            let original: Vec<f32> = tensors[&name].flatten_all().unwrap().to_vec1().unwrap();
            assert_eq!(
                tensor.flatten_all().unwrap().to_vec1::<f32>().unwrap(),
                original
            );
            assert_eq!(tensor.dims(), tensors[&name].dims());
        }
        let misshapen = layout.gather(|_| Tensor::zeros(3, candle_core::DType::F32, &Device::Cpu));
        assert!(
            misshapen
                .unwrap_err()
                .to_string()
                .contains("lstm.layers.0.bias")
        );
    }
}
