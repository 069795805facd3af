//! Parsers for the numeric arguments, each with its range: clap refuses a value outside it (or
//! `nan`, `inf`, a negative count) before anything runs, and its message gives the range.

use std::num::NonZeroUsize;
use std::ops::RangeInclusive;

use antiphon_engine::encoding::groove::GrooveAmount;
use antiphon_engine::model::Beams;
use antiphon_engine::model::response::MAX_BEAMS;
use antiphon_engine::train::options::{HIDDEN_SIZE, NUM_LAYERS, STEPS_PER_SEQ};

/// Bars `respond` may generate: a phrase, not a song (beyond a few bars an answer has long
/// stopped answering the call, and 70,000 bars kept the tool busy for minutes).
pub const RESPONSE_BARS: RangeInclusive<usize> = 1..=64;

/// `--bars` of `respond`.
pub fn response_bars(text: &str) -> Result<usize, String> {
    whole_number(text, RESPONSE_BARS)
}

/// Bars `jam` may play: a set, not a day (each phrase answers only the one before it, so
/// length costs time, not memory).
pub const JAM_BARS: RangeInclusive<usize> = 1..=512;

/// `--bars` of `jam`.
pub fn jam_bars(text: &str) -> Result<usize, String> {
    whole_number(text, JAM_BARS)
}

/// `--tempo` of `jam` without a call, in quarter notes per minute.
pub fn tempo(text: &str) -> Result<f64, String> {
    FiniteRange::Closed(20.0, 400.0).parse(text)
}

/// `--beams` of `respond` and `eval --answers`: takes searched side by side, 1 to 8.
pub fn beams(text: &str) -> Result<Beams, String> {
    whole_number(text, 1..=MAX_BEAMS).map(|count| Beams::new(count).expect("in range"))
}

/// `--steps-per-seq` of `train` and `eval`.
pub fn steps_per_seq(text: &str) -> Result<usize, String> {
    whole_number(text, STEPS_PER_SEQ)
}

/// `--layers` of `train`.
pub fn layers(text: &str) -> Result<usize, String> {
    whole_number(text, NUM_LAYERS)
}

/// `--hidden` of `train`.
pub fn hidden(text: &str) -> Result<usize, String> {
    whole_number(text, HIDDEN_SIZE)
}

/// A count of at least one: `--epochs`, `--batch-size`.
pub fn at_least_one(text: &str) -> Result<usize, String> {
    whole_number(text, 1..=usize::MAX)
}

/// `--hop-bars` of `train`: a count of at least one, as the type windows are cut with.
pub fn hop_bars(text: &str) -> Result<NonZeroUsize, String> {
    at_least_one(text).map(|bars| NonZeroUsize::new(bars).expect("at least one"))
}

/// `--temperature` of `respond`: far below 0.05 every answer is the likeliest one, and far above
/// 5 it is noise.
pub fn temperature(text: &str) -> Result<f32, String> {
    FiniteRange::Closed(0.05, 5.0).parse(text).map(|x| x as f32)
}

/// `--groove` of `respond`: 0 to 1.
pub fn groove(text: &str) -> Result<GrooveAmount, String> {
    let amount = FiniteRange::Closed(0.0, 1.0).parse(text)? as f32;
    GrooveAmount::new(amount).ok_or_else(|| format!("{amount} is not between 0 and 1"))
}

/// `--lr` of `train`.
pub fn learning_rate(text: &str) -> Result<f64, String> {
    FiniteRange::Above(0.0).parse(text)
}

/// `--weight-decay` of `train`.
pub fn weight_decay(text: &str) -> Result<f64, String> {
    FiniteRange::AtLeast(0.0).parse(text)
}

/// `--dropout` of `train`: a probability below 1 (dropping every output learns nothing).
pub fn dropout(text: &str) -> Result<f32, String> {
    FiniteRange::BelowFrom(0.0, 1.0)
        .parse(text)
        .map(|x| x as f32)
}

/// `--max-minutes` of `train`.
pub fn minutes(text: &str) -> Result<f64, String> {
    FiniteRange::Above(0.0).parse(text)
}

/// A whole number in `range`.
fn whole_number(text: &str, range: RangeInclusive<usize>) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(value) if range.contains(&value) => Ok(value),
        _ if *range.end() == usize::MAX => Err(format!(
            "expected a whole number, {} or more",
            range.start()
        )),
        _ => Err(format!(
            "expected a whole number from {} to {}",
            range.start(),
            range.end()
        )),
    }
}

/// The finite numbers a float argument accepts.
#[derive(Debug, Clone, Copy)]
enum FiniteRange {
    /// From the first to the second, both included.
    Closed(f64, f64),
    /// Above this, excluded.
    Above(f64),
    /// This or more.
    AtLeast(f64),
    /// From the first, included, to the second, excluded.
    BelowFrom(f64, f64),
}

impl FiniteRange {
    fn parse(self, text: &str) -> Result<f64, String> {
        match text.trim().parse::<f64>() {
            Ok(value) if value.is_finite() && self.contains(value) => Ok(value),
            _ => Err(format!("expected a finite number {}", self.describe())),
        }
    }

    fn contains(self, value: f64) -> bool {
        match self {
            FiniteRange::Closed(low, high) => (low..=high).contains(&value),
            FiniteRange::Above(low) => value > low,
            FiniteRange::AtLeast(low) => value >= low,
            FiniteRange::BelowFrom(low, high) => (low..high).contains(&value),
        }
    }

    fn describe(self) -> String {
        match self {
            FiniteRange::Closed(low, high) => format!("from {low} to {high}"),
            FiniteRange::Above(low) => format!("above {low}"),
            FiniteRange::AtLeast(low) => format!("of {low} or more"),
            FiniteRange::BelowFrom(low, high) => format!("from {low} up to (not including) {high}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_outside_their_range_are_refused_with_it() {
        assert_eq!(response_bars("64"), Ok(64));
        for bad in [
            "0",
            "65",
            "4294967295",
            "-1",
            "1.5",
            "",
            "99999999999999999999999",
        ] {
            assert_eq!(
                response_bars(bad),
                Err("expected a whole number from 1 to 64".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(steps_per_seq("2"), Ok(2));
        assert!(steps_per_seq("1").unwrap_err().contains("from 2 to 1024"));
        assert_eq!(at_least_one(" 7 "), Ok(7));
        assert_eq!(
            at_least_one("0"),
            Err("expected a whole number, 1 or more".to_owned())
        );
        assert!(layers("0").is_err() && hidden("0").is_err());
    }

    #[test]
    fn floats_must_be_finite_and_in_range() {
        assert_eq!(temperature("0.05"), Ok(0.05));
        assert_eq!(temperature("5"), Ok(5.0));
        for bad in [
            "-1", "0", "0.04", "5.1", "nan", "NaN", "inf", "-inf", "warm",
        ] {
            assert_eq!(
                temperature(bad),
                Err("expected a finite number from 0.05 to 5".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(learning_rate("1e-3"), Ok(1e-3));
        for bad in ["0", "-0.1", "nan", "inf", "1e999"] {
            assert_eq!(
                learning_rate(bad),
                Err("expected a finite number above 0".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(weight_decay("0"), Ok(0.0));
        assert!(weight_decay("-1e-4").unwrap_err().contains("of 0 or more"));
        assert_eq!(dropout("0"), Ok(0.0));
        assert!(
            dropout("1")
                .unwrap_err()
                .contains("up to (not including) 1")
        );
        assert!(minutes("0").is_err() && minutes("90").is_ok());
    }
}
