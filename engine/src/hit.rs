//! How one note was played on the 16th grid: its velocity and how far from the step's grid line.

use midly::num::u7;

/// 16th-note steps per quarter note.
pub const STEPS_PER_QUARTER: u32 = 4;

/// One struck voice on a step (a drum class, a melody's note), as played.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Its velocity (of a drum class, the loudest of its notes quantized onto the step).
    pub velocity: u7,
    /// How far the hit was played from the step's grid line, in steps (`-0.5..0.5`; negative is
    /// early).
    pub offset_steps: f32,
}

impl Hit {
    /// A hit on the grid line at `velocity`.
    pub fn on_grid(velocity: u7) -> Hit {
        Hit {
            velocity,
            offset_steps: 0.0,
        }
    }
}
