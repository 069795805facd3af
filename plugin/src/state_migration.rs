//! Songs saved by older versions of Antiphon, brought to today's state layout before the host's
//! state is loaded.

use nice_plug::plugin::{ParamValue, PluginState};

use crate::params::STATE_VERSION;

/// The `#[persist]` key of the layout version.
const VERSION_FIELD: &str = "state-version";

/// Layout version 2 put the shipped melody model in Model slot 1, so a version-1 song's user
/// folders (slots 1 and up then) move up one slot and keep playing the model they chose;
/// version 3 put the shipped chords model in slot 2, so a version-2 song's user folders (slots 2
/// and up then, in Model and in Jam Model) move up one more.
pub fn migrate(state: &mut PluginState) {
    // States from before the version field had no user slots either.
    let version = state
        .fields
        .get(VERSION_FIELD)
        .and_then(|json| serde_json::from_str::<u32>(json).ok())
        .unwrap_or(1);
    if version < 2
        && let Some(ParamValue::I32(slot)) = state.params.get_mut("model")
        && *slot >= 1
    {
        *slot += 1;
    }
    if version < 3 {
        for id in ["model", "jam_model"] {
            if let Some(ParamValue::I32(slot)) = state.params.get_mut(id)
                && *slot >= 2
            {
                *slot += 1;
            }
        }
    }
    // The field is restored with the state: saved again, the song must not migrate twice.
    state
        .fields
        .insert(VERSION_FIELD.to_owned(), STATE_VERSION.to_string());
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn state(model: i32, version: Option<&str>) -> PluginState {
        PluginState {
            version: "0.1.0".to_owned(),
            params: BTreeMap::from([("model".to_owned(), ParamValue::I32(model))]),
            fields: version
                .map(|v| (VERSION_FIELD.to_owned(), v.to_owned()))
                .into_iter()
                .collect(),
        }
    }

    fn model_after(mut state: PluginState) -> i32 {
        migrate(&mut state);
        assert_eq!(state.fields[VERSION_FIELD], STATE_VERSION.to_string());
        match state.params["model"] {
            ParamValue::I32(slot) => slot,
            ref other => panic!("{other:?}"),
        }
    }

    #[test]
    fn older_user_slots_move_past_the_melody_and_chords_models_once() {
        // Version 1: slot 0 drums, user folders from 1.
        assert_eq!(model_after(state(0, Some("1"))), 0);
        assert_eq!(model_after(state(1, Some("1"))), 3);
        assert_eq!(model_after(state(8, None)), 10);
        // Version 2: drums, melody, user folders from 2.
        assert_eq!(model_after(state(1, Some("2"))), 1);
        assert_eq!(model_after(state(2, Some("2"))), 3);
        // Version 3: drums, melody, chords, user folders from 3.
        assert_eq!(model_after(state(2, Some("3"))), 2);
        let mut twice = state(3, Some("1"));
        migrate(&mut twice);
        assert_eq!(model_after(twice), 5);
    }

    #[test]
    fn a_version_two_jam_model_folder_keeps_its_folder() {
        let mut old = state(0, Some("2"));
        old.params
            .insert("jam_model".to_owned(), ParamValue::I32(2));
        migrate(&mut old);
        assert!(matches!(old.params["jam_model"], ParamValue::I32(3)));
    }
}
