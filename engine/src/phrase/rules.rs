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
    /// Two models take turns: the jam model answers the model's last response, the model
    /// answers that, and so on, until the player plays.
    Jam,
}

/// Turn-taking settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseRules {
    /// A call shorter than this (in bars) is ignored; above `max_call_bars` it counts as
    /// `max_call_bars` (see [`PhraseRules::call_bars`]).
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

impl PhraseRules {
    /// The call lengths that get an answer, in bars: at least one bar, and never a minimum above
    /// the maximum (that would silence the plugin).
    pub fn call_bars(&self) -> std::ops::RangeInclusive<u32> {
        let max = self.max_call_bars.max(1);
        self.min_call_bars.clamp(1, max)..=max
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimum_above_the_maximum_is_held_to_it() {
        let rules = |min_call_bars, max_call_bars| PhraseRules {
            min_call_bars,
            max_call_bars,
            ..PhraseRules::default()
        };
        assert_eq!(rules(2, 4).call_bars(), 2..=4);
        assert_eq!(rules(6, 2).call_bars(), 2..=2);
        assert_eq!(rules(0, 0).call_bars(), 1..=1);
    }
}
