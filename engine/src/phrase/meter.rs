//! Where bar lines fall on the 16th-step grid.

use crate::hit::STEPS_PER_QUARTER;
use crate::transport::{Position, TimeSignature};

/// The bar grid: bar lines every `steps_per_bar` steps, one of them at `origin_step`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meter {
    origin_step: i64,
    steps_per_bar: u32,
}

impl Meter {
    /// A bar grid of `steps_per_bar` steps through `origin_step`.
    ///
    /// # Panics
    /// When `steps_per_bar` is zero.
    pub fn new(origin_step: i64, steps_per_bar: u32) -> Meter {
        assert!(steps_per_bar > 0, "a bar has at least one step");
        Meter {
            origin_step: origin_step.rem_euclid(i64::from(steps_per_bar)),
            steps_per_bar,
        }
    }

    /// The host's bar grid, or `None` when its bars are not a whole number of 16ths (e.g. 3/32)
    /// or its bar start is off the 16th grid.
    pub fn of(position: &Position) -> Option<Meter> {
        let steps_per_bar = steps_per_bar(position.time_signature)?;
        let origin = position.bar_start_ppq * f64::from(STEPS_PER_QUARTER);
        let origin_step = origin.round();
        ((origin - origin_step).abs() < 1e-3).then(|| Meter::new(origin_step as i64, steps_per_bar))
    }

    /// Steps in one bar.
    pub fn steps_per_bar(&self) -> u32 {
        self.steps_per_bar
    }

    /// Whether a bar line lies at `step`.
    pub fn is_bar_line(&self, step: i64) -> bool {
        (step - self.origin_step).rem_euclid(i64::from(self.steps_per_bar)) == 0
    }

    /// The bar line at or before `step`.
    pub fn bar_line_at_or_before(&self, step: i64) -> i64 {
        step - (step - self.origin_step).rem_euclid(i64::from(self.steps_per_bar))
    }

    /// `bars` bars, in steps.
    pub fn bars_to_steps(&self, bars: u32) -> i64 {
        i64::from(bars) * i64::from(self.steps_per_bar)
    }
}

/// Steps per bar of a time signature, when whole.
pub fn steps_per_bar(time_signature: TimeSignature) -> Option<u32> {
    let sixteenths = u32::from(time_signature.numerator) * 16;
    let denominator = u32::from(time_signature.denominator);
    (sixteenths % denominator == 0).then_some(sixteenths / denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_lines_of_common_meters() {
        assert_eq!(steps_per_bar(TimeSignature::FOUR_FOUR), Some(16));
        assert_eq!(
            steps_per_bar(TimeSignature::from_host(6, 8).unwrap()),
            Some(12)
        );
        assert_eq!(
            steps_per_bar(TimeSignature::from_host(5, 8).unwrap()),
            Some(10)
        );
        assert_eq!(
            steps_per_bar(TimeSignature::from_host(3, 32).unwrap()),
            None
        );
        let meter = Meter::new(16, 16);
        assert!(meter.is_bar_line(0) && meter.is_bar_line(-16) && !meter.is_bar_line(4));
        assert_eq!(meter.bar_line_at_or_before(31), 16);
        assert_eq!(meter.bar_line_at_or_before(32), 32);
        assert_eq!(meter.bar_line_at_or_before(-1), -16);
    }
}
