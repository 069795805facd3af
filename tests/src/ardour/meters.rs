//! Where an Ardour tempo map's bar lines fall, in ticks: 4/4 from position 0 (a new session's
//! meter), then meter changes on bar lines.

use super::{SIXTEENTH_TICKS, TICKS_PER_QUARTER};

/// A meter and the bar line it starts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Section {
    /// The bar (counted from 0 at position 0) the meter starts on.
    first_bar: u32,
    /// Where that bar starts.
    start_ticks: u64,
    numerator: u32,
    denominator: u32,
}

impl Section {
    fn bar_ticks(&self) -> u64 {
        TICKS_PER_QUARTER * 4 * u64::from(self.numerator) / u64::from(self.denominator)
    }
}

/// The meters of a session's tempo map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meters {
    sections: Vec<Section>,
}

impl Meters {
    /// 4/4 throughout.
    pub fn four_four() -> Meters {
        Meters {
            sections: vec![Section {
                first_bar: 0,
                start_ticks: 0,
                numerator: 4,
                denominator: 4,
            }],
        }
    }

    /// The meter changes to `numerator`/`denominator` on bar line `bar` (a bar after the last
    /// change).
    pub fn changing_at(mut self, bar: u32, numerator: u32, denominator: u32) -> Meters {
        let last = *self.sections.last().expect("a meter from position 0");
        assert!(bar > last.first_bar, "meter changes in order");
        self.sections.push(Section {
            first_bar: bar,
            start_ticks: self.bar_ticks(bar),
            numerator,
            denominator,
        });
        self
    }

    /// The changes after the opening 4/4: (position in ticks, numerator, denominator).
    pub fn changes(&self) -> impl Iterator<Item = (u64, u32, u32)> + '_ {
        self.sections
            .iter()
            .skip(1)
            .map(|s| (s.start_ticks, s.numerator, s.denominator))
    }

    /// Where bar `bar` (counted from 0 at position 0) starts.
    pub fn bar_ticks(&self, bar: u32) -> u64 {
        let section = self
            .sections
            .iter()
            .rev()
            .find(|s| s.first_bar <= bar)
            .expect("a meter from bar 0");
        section.start_ticks + u64::from(bar - section.first_bar) * section.bar_ticks()
    }

    /// The 16th grid lines of bars `first_bar..first_bar + bars`.
    pub fn grid_ticks(&self, first_bar: u32, bars: u32) -> Vec<u64> {
        (self.bar_ticks(first_bar)..self.bar_ticks(first_bar + bars))
            .step_by(SIXTEENTH_TICKS as usize)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_after_a_change_to_six_eight_are_three_quarters_long() {
        let meters = Meters::four_four().changing_at(4, 6, 8);
        assert_eq!(meters.bar_ticks(3), 3 * 4 * TICKS_PER_QUARTER);
        assert_eq!(meters.bar_ticks(4), 16 * TICKS_PER_QUARTER);
        assert_eq!(meters.bar_ticks(7), 25 * TICKS_PER_QUARTER);
        assert_eq!(meters.grid_ticks(7, 2).len(), 24);
        assert_eq!(
            meters.changes().collect::<Vec<_>>(),
            [(16 * TICKS_PER_QUARTER, 6, 8)]
        );
    }
}
