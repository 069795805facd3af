//! The parameters the host automates and saves with the song. `#[id]`s never change: automation
//! and saved projects refer to them.

use nice_plug::prelude::*;

/// Everything the host can automate.
#[derive(Params)]
pub struct AntiphonParams {
    /// The player's notes also go to the output.
    #[id = "passthrough"]
    pub passthrough: BoolParam,
}

impl Default for AntiphonParams {
    fn default() -> Self {
        Self {
            passthrough: BoolParam::new("Passthrough", true),
        }
    }
}
