//! The drum model built into the plugin and the `antiphon` tool, so both answer out of the box
//! wherever they run, without a model folder beside them.

use crate::live::shelf::ShippedModel;

/// The drum model trained on the Groove MIDI Dataset: the files of `models/drums`, embedded.
pub const SHIPPED_MODEL: ShippedModel = ShippedModel {
    name: "Drums (Groove MIDI Dataset)",
    config_json: include_bytes!("../../models/drums/config.json"),
    weights: include_bytes!("../../models/drums/model.safetensors"),
};
