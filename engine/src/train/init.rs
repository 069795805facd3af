//! Fresh weights for a new model, drawn from the seeded generator.

use std::collections::HashMap;

use candle_core::{Device, Result, Tensor};
use candle_nn::VarMap;

use crate::model::ModelConfig;
use crate::model::fused::{GROOVE_NAMES, ParamLayout};
use crate::rng::SplitMix64;

/// Sets every variable of `varmap`: weights uniform in `±1/√H` (PyTorch's LSTM default), biases
/// zero except the LSTM forget gates, which start at 1 so early training remembers rather than
/// forgets (Jozefowicz et al. 2015).
pub fn init_weights(varmap: &mut VarMap, cfg: &ModelConfig, rng: &mut SplitMix64) -> Result<()> {
    let h = cfg.hidden_size;
    let bound = 1.0 / (h as f32).sqrt();
    // Sorted so the same seed gives the same weights whatever the map's iteration order.
    let mut shapes: Vec<(String, Vec<usize>)> = varmap
        .data()
        .lock()
        .map_err(|_| candle_core::Error::Msg("variable map lock poisoned".into()))?
        .iter()
        .map(|(name, var)| (name.clone(), var.dims().to_vec()))
        .collect();
    shapes.sort();
    for (name, shape) in shapes {
        let n: usize = shape.iter().product();
        let values: Vec<f32> = if name.starts_with("lstm.") && name.ends_with(".bias") {
            (0..n)
                .map(|i| if (h..2 * h).contains(&i) { 1.0 } else { 0.0 })
                .collect()
        } else if name.ends_with("bias") {
            vec![0.0; n]
        } else {
            (0..n)
                .map(|_| (2.0 * rng.next_f32() - 1.0) * bound)
                .collect()
        };
        varmap.set_one(&name, Tensor::from_vec(values, shape, &Device::Cpu)?)?;
    }
    Ok(())
}

/// Fresh groove weights of a network of `layout`, by name: the first layer's `weight_groove`
/// zero (a continued model starts out exactly as it was, and learns how the groove it hears
/// matters), the head's weights uniform in `±1/√fan_in`, biases zero.
pub(crate) fn init_groove(
    layout: &ParamLayout,
    rng: &mut SplitMix64,
) -> Result<HashMap<String, Tensor>> {
    let mut tensors = HashMap::new();
    for entry in layout.entries() {
        if !GROOVE_NAMES.contains(&entry.name.as_str()) {
            continue;
        }
        let n: usize = entry.shape.iter().product();
        let values: Vec<f32> = if entry.name.ends_with("bias") || entry.name.starts_with("lstm.") {
            vec![0.0; n]
        } else {
            let bound = 1.0 / (entry.shape[1] as f32).sqrt();
            (0..n)
                .map(|_| (2.0 * rng.next_f32() - 1.0) * bound)
                .collect()
        };
        let tensor = Tensor::from_vec(values, entry.shape.as_slice(), &Device::Cpu)?;
        tensors.insert(entry.name.clone(), tensor);
    }
    Ok(tensors)
}
