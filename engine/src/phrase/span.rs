//! A half-open range of 16th steps.

/// Steps `start..end`, counted in 16ths from song position 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StepSpan {
    /// First step.
    pub start: i64,
    /// One past the last step.
    pub end: i64,
}

impl StepSpan {
    /// The span `start..end`; empty when `end <= start`.
    pub const fn new(start: i64, end: i64) -> StepSpan {
        StepSpan { start, end }
    }

    /// Number of steps.
    pub fn len_steps(&self) -> usize {
        usize::try_from(self.end - self.start).unwrap_or(0)
    }

    /// Whether `step` lies inside.
    pub fn contains(&self, step: i64) -> bool {
        (self.start..self.end).contains(&step)
    }

    /// The same length, starting at `start`.
    pub fn moved_to(&self, start: i64) -> StepSpan {
        StepSpan::new(start, start + (self.end - self.start))
    }
}
