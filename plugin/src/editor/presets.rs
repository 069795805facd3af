//! Factory presets: JSON files in `assets/presets/` that set parameters by their stable ids,
//! built into the plugin and applied from the editor like a user turning the knobs (so the host
//! records them as automation). No drawing here.

use std::collections::BTreeMap;

use nice_plug::prelude::{ParamPtr, ParamSetter, Params};
use serde::Deserialize;

/// The factory presets' files, in menu order: for drums, then for melodies, then for chords.
const FACTORY: [(&str, &str); 7] = [
    (
        "trade-fours.json",
        include_str!("../../../assets/presets/trade-fours.json"),
    ),
    (
        "answer-in-kind.json",
        include_str!("../../../assets/presets/answer-in-kind.json"),
    ),
    (
        "loop-the-answer.json",
        include_str!("../../../assets/presets/loop-the-answer.json"),
    ),
    (
        "endless-mutation.json",
        include_str!("../../../assets/presets/endless-mutation.json"),
    ),
    (
        "melodic-call-and-response.json",
        include_str!("../../../assets/presets/melodic-call-and-response.json"),
    ),
    (
        "blues-answers.json",
        include_str!("../../../assets/presets/blues-answers.json"),
    ),
    (
        "chorale-answers.json",
        include_str!("../../../assets/presets/chorale-answers.json"),
    ),
];

/// A value in a preset: a switch, a number (in the parameter's own units: bars, channel,
/// temperature…), or the text the parameter shows (e.g. an enum's variant name "CC").
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum PresetValue {
    /// For on/off parameters.
    Bool(bool),
    /// A plain value.
    Number(f64),
    /// As typed into the parameter.
    Text(String),
}

/// One preset.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// Menu name.
    pub name: String,
    /// What it does, for the menu's tooltip.
    pub description: String,
    /// Values by parameter id.
    pub params: BTreeMap<String, PresetValue>,
}

/// The factory presets, in menu order; a file that does not parse says which and why.
pub fn factory() -> Result<Vec<Preset>, String> {
    FACTORY
        .iter()
        .map(|(file, json)| {
            serde_json::from_str(json).map_err(|error| format!("preset {file}: {error}"))
        })
        .collect()
}

/// A parameter of `params` and the normalized value a preset gives it.
pub struct Setting {
    param: ParamPtr,
    normalized: f32,
}

impl Preset {
    /// The normalized value of each parameter the preset sets, checked against `params`: every id
    /// exists, every value is of the parameter's kind and inside its range.
    pub fn resolve(&self, params: &impl Params) -> Result<Vec<Setting>, String> {
        let by_id: BTreeMap<String, ParamPtr> = params
            .param_map()
            .into_iter()
            .map(|(id, param, _group)| (id, param))
            .collect();
        self.params
            .iter()
            .map(|(id, value)| {
                let param = *by_id.get(id).ok_or_else(|| {
                    format!("preset {:?}: no parameter has the id {id:?}", self.name)
                })?;
                // SAFETY: `param` comes from `params`, which outlives this call.
                let normalized = unsafe { normalized(param, value) }.map_err(|reason| {
                    format!("preset {:?}: {id} = {value:?}: {reason}", self.name)
                })?;
                Ok(Setting { param, normalized })
            })
            .collect()
    }
}

/// `value` as `param`'s normalized value.
///
/// # Safety
/// `param` must point into a live `Params` object.
unsafe fn normalized(param: ParamPtr, value: &PresetValue) -> Result<f32, String> {
    match (param, value) {
        (ParamPtr::BoolParam(_), PresetValue::Bool(on)) => Ok(if *on { 1.0 } else { 0.0 }),
        (ParamPtr::BoolParam(_), _) => Err("an on/off parameter takes true or false".to_owned()),
        (_, PresetValue::Bool(_)) => Err("only on/off parameters take true or false".to_owned()),
        (_, PresetValue::Text(text)) => unsafe { param.string_to_normalized_value(text) }
            .ok_or_else(|| format!("the parameter does not accept {text:?}")),
        (_, PresetValue::Number(number)) => {
            let plain = *number as f32;
            let normalized = unsafe { param.preview_normalized(plain) };
            // Out of range values are clamped and fractions of whole-number parameters are
            // rounded on the way back: either shows as a different plain value.
            let back = unsafe { param.preview_plain(normalized) };
            if (back - plain).abs() > 1e-4 * plain.abs().max(1.0) {
                let low = unsafe { param.preview_plain(0.0) };
                let high = unsafe { param.preview_plain(1.0) };
                return Err(format!(
                    "outside the parameter's values ({low} to {high}, in its steps)"
                ));
            }
            Ok(normalized)
        }
    }
}

/// Sets every parameter of `settings` as a user gesture, so the host records it.
pub fn apply(setter: &ParamSetter, settings: &[Setting]) {
    for setting in settings {
        // SAFETY: the pointers came from the plugin's own `Params` (see `resolve`), which live as
        // long as the editor does.
        unsafe {
            setter.raw_context.raw_begin_set_parameter(setting.param);
            setter
                .raw_context
                .raw_set_parameter_normalized(setting.param, setting.normalized);
            setter.raw_context.raw_end_set_parameter(setting.param);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::test_support::params_with_folders;

    #[test]
    fn every_factory_preset_parses_names_real_params_and_stays_in_range() {
        let presets = factory().unwrap();
        let names: Vec<_> = presets.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Trade fours",
                "Answer in kind",
                "Loop the answer",
                "Endless mutation",
                "Melodic call and response",
                "Blues answers",
                "Chorale answers"
            ]
        );
        let params = params_with_folders(&[]);
        for preset in &presets {
            let settings = preset.resolve(&params).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(settings.len(), preset.params.len());
            assert!(!preset.description.is_empty());
            assert!(
                !preset.params.contains_key("bypass") && !preset.params.contains_key("model"),
                "{}: a preset changes the playing, not the model or the bypass",
                preset.name
            );
        }
    }

    #[test]
    fn the_presets_mean_what_their_names_say() {
        let presets = factory().unwrap();
        let value = |name: &str, id: &str| {
            presets.iter().find(|p| p.name == name).unwrap().params[id].clone()
        };
        assert_eq!(
            value("Trade fours", "max_call_bars"),
            PresetValue::Number(4.0)
        );
        assert_eq!(
            value("Trade fours", "phrase_bars"),
            PresetValue::Number(4.0)
        );
        assert_eq!(
            value("Answer in kind", "phrase_bars"),
            PresetValue::Number(0.0)
        );
        assert_eq!(value("Loop the answer", "loop"), PresetValue::Bool(true));
        assert_eq!(value("Endless mutation", "mutate"), PresetValue::Bool(true));
        let text = |text: &str| PresetValue::Text(text.to_owned());
        assert_eq!(value("Blues answers", "scale"), text("Blues"));
        assert_eq!(value("Blues answers", "key"), text("Auto"));
        assert_eq!(value("Melodic call and response", "scale"), text("Off"));
    }

    #[test]
    fn melodic_presets_set_a_melodic_channel_and_say_to_pick_the_melody_model() {
        let params = params_with_folders(&[]);
        for preset in factory().unwrap() {
            let melodic = preset.params.contains_key("scale");
            // Channel 10 is General MIDI's drum channel: a melody there plays as drums.
            let channel = if melodic { 1.0 } else { 10.0 };
            assert_eq!(
                preset.params.get("out_channel"),
                Some(&PresetValue::Number(channel)),
                "{}",
                preset.name
            );
            if melodic {
                assert!(
                    preset.description.contains("pick it in Model"),
                    "{}",
                    preset.name
                );
            }
        }
        // The texts resolve to the parameters' values: Blues, the last scale; Auto, key 0.
        let blues = factory()
            .unwrap()
            .into_iter()
            .find(|preset| preset.name == "Blues answers")
            .unwrap();
        let settings = blues.resolve(&params).unwrap();
        let ids: Vec<&String> = blues.params.keys().collect();
        let normalized = |id: &str| settings[ids.iter().position(|&k| k == id).unwrap()].normalized;
        assert_eq!(normalized("scale"), 1.0);
        assert_eq!(normalized("key"), 0.0);
    }

    /// A host that records each gesture: begin, set (with the parameter's name and value), end.
    #[derive(Default)]
    struct RecordingHost {
        gestures: parking_lot::Mutex<Vec<String>>,
    }

    impl nice_plug::prelude::GuiContextInner for RecordingHost {
        fn plugin_api(&self) -> nice_plug::prelude::PluginApi {
            nice_plug::prelude::PluginApi::Clap
        }
        unsafe fn raw_begin_set_parameter(&self, param: ParamPtr) {
            let name = unsafe { param.name() };
            self.gestures.lock().push(format!("begin {name}"));
        }
        unsafe fn raw_set_parameter_normalized(&self, param: ParamPtr, normalized: f32) {
            let name = unsafe { param.name() };
            self.gestures
                .lock()
                .push(format!("set {name} {normalized}"));
        }
        unsafe fn raw_end_set_parameter(&self, param: ParamPtr) {
            let name = unsafe { param.name() };
            self.gestures.lock().push(format!("end {name}"));
        }
        fn get_state(&self) -> nice_plug::prelude::PluginState {
            unreachable!("presets do not read the plugin state")
        }
        fn set_state(&self, _state: nice_plug::prelude::PluginState) {}
        fn request_restart(&self) {}
    }

    #[test]
    fn applying_a_preset_is_one_host_gesture_per_parameter() {
        let params = params_with_folders(&[]);
        let host = Arc::new(RecordingHost::default());
        let gui = nice_plug::context::gui::GuiContext::new(host.clone());
        let preset =
            preset(r#"{"name":"x","description":"d","params":{"loop":true,"max_call_bars":16}}"#);
        apply(&gui.param_setter(), &preset.resolve(&params).unwrap());
        assert_eq!(
            *host.gestures.lock(),
            [
                "begin Loop",
                "set Loop 1",
                "end Loop",
                "begin Max Call Bars",
                "set Max Call Bars 1",
                "end Max Call Bars"
            ]
        );
    }

    fn preset(json: &str) -> Preset {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn wrong_ids_kinds_and_ranges_are_refused_with_the_reason() {
        let params = params_with_folders(&[]);
        let unknown = preset(r#"{"name":"x","description":"d","params":{"max_bars":4}}"#);
        let error = unknown.resolve(&params).err().unwrap();
        assert!(
            error.contains("no parameter has the id \"max_bars\""),
            "{error}"
        );
        let too_long = preset(r#"{"name":"x","description":"d","params":{"max_call_bars":17}}"#);
        let error = too_long.resolve(&params).err().unwrap();
        assert!(error.contains("outside"), "{error}");
        let fraction = preset(r#"{"name":"x","description":"d","params":{"phrase_bars":2.5}}"#);
        assert!(fraction.resolve(&params).is_err());
        let not_a_switch = preset(r#"{"name":"x","description":"d","params":{"loop":1}}"#);
        assert!(not_a_switch.resolve(&params).is_err());
        let switch_for_number =
            preset(r#"{"name":"x","description":"d","params":{"velocity":true}}"#);
        assert!(switch_for_number.resolve(&params).is_err());
    }

    #[test]
    fn values_resolve_to_the_parameters_normalized_values() {
        let params = params_with_folders(&[]);
        let good = preset(
            r#"{"name":"x","description":"d","params":{"end_call_trigger":"CC","loop":true,"max_call_bars":16,"temperature":2.0}}"#,
        );
        let settings = good.resolve(&params).unwrap();
        // In id order: end_call_trigger, loop, max_call_bars, temperature.
        let normalized: Vec<f32> = settings.iter().map(|s| s.normalized).collect();
        assert_eq!(normalized, [1.0, 1.0, 1.0, 1.0]);
    }
}
