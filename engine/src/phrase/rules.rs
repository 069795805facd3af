//! The performer's turn-taking settings, copied from the parameters each block.

/// What happens when a response has played and the player has not started a new call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterResponse {
    /// Fall silent and listen.
    Listen,
    /// Repeat the last response until the player plays over it.
    Loop,
    /// The model answers its own last response, again and again, until the player plays.
    Mutate,
}

/// Turn-taking settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseRules {
    /// A call shorter than this (in bars) is ignored.
    pub min_call_bars: u32,
    /// A call ends after this many bars even if the player keeps going.
    pub max_call_bars: u32,
    /// Response length in bars; `None` answers with as many bars as the call had.
    pub response_bars: Option<u32>,
    /// Whether what the player plays during a response becomes the next call.
    pub overlap: bool,
    /// What follows a response.
    pub after_response: AfterResponse,
}

impl Default for PhraseRules {
    fn default() -> Self {
        PhraseRules {
            min_call_bars: 1,
            max_call_bars: 4,
            response_bars: None,
            overlap: false,
            after_response: AfterResponse::Listen,
        }
    }
}
