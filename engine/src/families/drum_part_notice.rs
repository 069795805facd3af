//! What the editor's header says of a drum part given to a pitched family's model: the call is
//! mostly on General MIDI's drum channel. Only the channel tells: a bass line or a left hand sits
//! in the kit's pitch range as often as a drum part does.

use midly::num::{u4, u7};

use crate::families::Family;
use crate::midi_file::GM_DRUM_CHANNEL;

/// The notice for a call of `keys` that is mostly on the drum channel, saying how the model
/// hears it (`heard_as`) and pointing to a drum model (`model_for` names one on the shelf);
/// `None` for any other call.
pub(crate) fn drum_part_notice(
    keys: &[(u4, u7)],
    model_for: &dyn Fn(Family) -> Option<String>,
    heard_as: &str,
) -> Option<String> {
    let on_drum_channel = keys
        .iter()
        .filter(|(channel, _)| channel.as_int() == GM_DRUM_CHANNEL)
        .count();
    if 2 * on_drum_channel <= keys.len() {
        return None;
    }
    let choose = match model_for(Family::DRUMS) {
        Some(name) => format!("choose {name} in Model"),
        None => "choose a drum model in Model".to_owned(),
    };
    Some(format!(
        "the call looks like drums: {on_drum_channel} of {} notes are on channel 10, the drum \
         channel; {heard_as} — {choose}",
        keys.len()
    ))
}
