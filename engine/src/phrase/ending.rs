//! How a call ends, for the live turn-taking and for a call answered from a file alike: where the
//! model stops hearing it, and how long it runs on unheard before the answer.
//!
//! A call's last bar is one of three kinds. *Played*: notes start in it (or one held over its
//! bar line still sounds a 16th into it) — it is part of the call. *Silent*: nothing starts in
//! it — it only says the call is over, and the model never hears it. *Accent*: notes start on
//! its first step only (up to half a 16th early, as drummers hit the "one" that closes a phrase;
//! a melody's final long note) — those notes are the call's last event, and the bar is not a new
//! bar of the call. The answer starts on the bar line after the last bar in every case.

use super::StepSpan;

/// What a call's last bar holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastBar {
    /// Notes start beyond its first step, or a note held over its bar line sounds on.
    Played,
    /// Notes start on its first step only: a closing accent.
    Accent,
    /// Nothing starts in it.
    Silent,
}

impl LastBar {
    /// The kind of a bar whose notes start on `onsets` (steps from its bar line, in any order),
    /// `held_over` when a note from before its bar line still sounds a 16th into it.
    pub fn of(onsets: impl IntoIterator<Item = usize>, held_over: bool) -> LastBar {
        let mut on_first = false;
        for step in onsets {
            if step > 0 {
                return LastBar::Played;
            }
            on_first = true;
        }
        match (held_over, on_first) {
            (true, _) => LastBar::Played,
            (false, true) => LastBar::Accent,
            (false, false) => LastBar::Silent,
        }
    }
}

/// What the model hears of a call and how the answer follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ending {
    /// The steps the model hears.
    pub primer: StepSpan,
    /// Steps it runs on after them, sampled but not played, so the answer starts on the bar line
    /// after the call: the rest of an accent's bar (the model continues the groove through the
    /// gap instead of hearing a pause it would answer with silence).
    pub skip_steps: u32,
    /// The call's length in bars (an accent's or a silent bar does not count).
    pub call_bars: u32,
}

/// The ending of a call that started at `start` and whose last bar, ending at `bar_end`, is
/// `last` (bars of `steps_per_bar`). A call's first bar is never an accent: a lone downbeat is a
/// one-bar call.
pub fn ending(start: i64, bar_end: i64, steps_per_bar: i64, last: LastBar) -> Ending {
    let last_bar = bar_end - steps_per_bar;
    let bars = u32::try_from((bar_end - start) / steps_per_bar).unwrap_or(0);
    let last = match last {
        LastBar::Accent if last_bar <= start => LastBar::Played,
        other => other,
    };
    match last {
        LastBar::Played => Ending {
            primer: StepSpan::new(start, bar_end),
            skip_steps: 0,
            call_bars: bars,
        },
        LastBar::Accent => Ending {
            primer: StepSpan::new(start, last_bar + 1),
            skip_steps: u32::try_from(steps_per_bar - 1).unwrap_or(0),
            call_bars: bars - 1,
        },
        LastBar::Silent => Ending {
            primer: StepSpan::new(start, last_bar),
            skip_steps: 0,
            call_bars: bars.saturating_sub(1),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_is_played_silent_or_an_accent() {
        assert_eq!(LastBar::of([0, 4, 8], false), LastBar::Played);
        assert_eq!(LastBar::of([3], false), LastBar::Played);
        assert_eq!(LastBar::of([0, 0], false), LastBar::Accent);
        assert_eq!(LastBar::of([], false), LastBar::Silent);
        assert_eq!(LastBar::of([], true), LastBar::Played);
        assert_eq!(LastBar::of([0], true), LastBar::Played);
    }

    #[test]
    fn an_accent_ends_a_two_bar_call_as_silence_would_and_is_heard() {
        // Bars of 16 from step 16: a call over bars 1–2, its last bar (3) ending at step 64.
        let silent = ending(16, 64, 16, LastBar::Silent);
        let accent = ending(16, 64, 16, LastBar::Accent);
        assert_eq!(silent.call_bars, 2);
        assert_eq!(accent.call_bars, 2);
        assert_eq!(silent.primer, StepSpan::new(16, 48));
        assert_eq!(
            accent.primer,
            StepSpan::new(16, 49),
            "the downbeat is heard"
        );
        assert_eq!((silent.skip_steps, accent.skip_steps), (0, 15));
        let played = ending(16, 64, 16, LastBar::Played);
        assert_eq!(
            (played.primer, played.call_bars),
            (StepSpan::new(16, 64), 3)
        );
        // A call of one lone downbeat is a one-bar call.
        assert_eq!(ending(16, 32, 16, LastBar::Accent).call_bars, 1);
    }
}
