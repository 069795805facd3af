//! The models built into the plugin and the `antiphon` tool, so both answer out of the box
//! wherever they run, without a model folder beside them. Their order is their Model slot: it
//! is saved in songs, so new models go at the end.

use crate::live::shelf::ShippedModel;

/// The drum model trained on the Groove MIDI Dataset: the files of `models/drums`, embedded.
pub const DRUMS: ShippedModel = ShippedModel {
    name: "Drums (Groove MIDI Dataset)",
    word: "drums",
    config_json: include_bytes!("../../models/drums/config.json"),
    weights: include_bytes!("../../models/drums/model.safetensors"),
    card_json: include_bytes!("../../models/drums/card.json"),
};

/// The melody model trained on public-domain folk tunes: the files of `models/melody`.
pub const MELODY: ShippedModel = ShippedModel {
    name: "Melody (folk tunes)",
    word: "melody",
    config_json: include_bytes!("../../models/melody/config.json"),
    weights: include_bytes!("../../models/melody/model.safetensors"),
    card_json: include_bytes!("../../models/melody/card.json"),
};

/// The chords model trained on Bach's chorales: the files of `models/chorales`.
pub const CHORALES: ShippedModel = ShippedModel {
    name: "Chorales (Bach)",
    word: "chorales",
    config_json: include_bytes!("../../models/chorales/config.json"),
    weights: include_bytes!("../../models/chorales/model.safetensors"),
    card_json: include_bytes!("../../models/chorales/card.json"),
};

/// Every shipped model, in slot order (the first answers when a user model cannot).
pub const SHIPPED_MODELS: [ShippedModel; 3] = [DRUMS, MELODY, CHORALES];
