//! A tiny melody model folder for the plugin's tests: none ships yet, and the tests must run in
//! a fresh clone. Its weights are fixed, not trained: it answers with some melody, its notes held
//! for a few steps (it leans towards "no event").

use std::path::{Path, PathBuf};

use antiphon_engine::families::Family;
use antiphon_engine::families::melody::encoding::MelodyEvent;
use antiphon_engine::model::ModelConfig;
use antiphon_engine::model::loaded::{CONFIG_FILE, WEIGHTS_FILE};

/// Units of its one LSTM layer.
const HIDDEN: usize = 8;
/// The output bias of "no event": about half the steps hold the sounding note.
const NO_EVENT_BIAS: f32 = 4.0;

/// Writes a one-layer melody model into a new folder `name` under the system's temporary
/// folder (unique to this process) and returns the folder.
pub fn melody_model_folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("antiphon-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    write_melody_model(&folder);
    folder
}

/// One named tensor of f32 values.
struct Weights {
    name: &'static str,
    shape: Vec<usize>,
    values: Vec<f32>,
}

fn write_melody_model(folder: &Path) {
    let config = ModelConfig::new(Family::MELODY, 1, HIDDEN, 0.0);
    let h = HIDDEN;
    let mut value = 0.0f32;
    let mut spread = |name, shape: Vec<usize>| {
        let values = (0..shape.iter().product())
            .map(|_| {
                value = (value + 0.37) % 1.0;
                value - 0.5
            })
            .collect();
        Weights {
            name,
            shape,
            values,
        }
    };
    let mut tensors = [
        spread("lstm.layers.0.weight_ih", vec![4 * h, config.input_size()]),
        spread("lstm.layers.0.weight_hh", vec![4 * h, h]),
        spread("lstm.layers.0.bias", vec![4 * h]),
        spread("output.weight", vec![config.vocab_size, h]),
        spread("output.bias", vec![config.vocab_size]),
    ];
    tensors[4].values[MelodyEvent::NoEvent.id().index()] = NO_EVENT_BIAS;
    let config = serde_json::to_vec(&config).unwrap();
    std::fs::write(folder.join(CONFIG_FILE), config).unwrap();
    std::fs::write(folder.join(WEIGHTS_FILE), safetensors(&tensors)).unwrap();
}

/// A safetensors file of `tensors`.
///
/// The format: the header's length (u64, little-endian), the header (JSON: each tensor's dtype,
/// shape and byte range in the data), then the data.
fn safetensors(tensors: &[Weights]) -> Vec<u8> {
    let mut header = serde_json::Map::new();
    let mut data = Vec::new();
    for tensor in tensors {
        let begin = data.len();
        for value in &tensor.values {
            data.extend_from_slice(&value.to_le_bytes());
        }
        let entry = serde_json::json!({
            "dtype": "F32",
            "shape": tensor.shape,
            "data_offsets": [begin, data.len()],
        });
        header.insert(tensor.name.to_owned(), entry);
    }
    let mut header = serde_json::to_vec(&header).unwrap();
    // The data starts 8-byte aligned, as safetensors writers leave it.
    while !header.len().is_multiple_of(8) {
        header.push(b' ');
    }
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend(header);
    file.extend(data);
    file
}

#[cfg(test)]
mod tests {
    use antiphon_engine::model::Model;

    use super::*;

    #[test]
    fn the_tiny_melody_model_loads_as_a_melody_model() {
        let folder = melody_model_folder("tiny-melody-loads");
        let model = Model::load(&folder).unwrap();
        assert_eq!(model.family(), Family::MELODY);
        std::fs::remove_dir_all(&folder).unwrap();
    }
}
