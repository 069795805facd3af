//! Fresh weights for a new model, drawn from the seeded generator.

use candle_core::{Device, Result, Tensor};
use candle_nn::VarMap;

use crate::model::ModelConfig;
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
