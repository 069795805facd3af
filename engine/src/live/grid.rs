//! Where the 16th-note grid falls inside one host block, and which step a played note lands on.
//!
//! Every step `s` (counted in 16ths from song position 0) has two moments: its *start*, the grid
//! line at `s / 4` quarter notes, where response notes sound; and its *close*, half a step later,
//! the last moment a played note still quantizes onto it. Both are found with one rounding rule,
//! so a note and a close on the same sample always agree (the note belongs to the next step).

use crate::hit::STEPS_PER_QUARTER;
use crate::transport::Position;

/// Half-steps per quarter note: grid lines and close points alternate.
const HALF_STEPS_PER_QUARTER: f64 = 2.0 * STEPS_PER_QUARTER as f64;

/// Slack, in samples, for grid moments that fall on a sample boundary: CLAP positions are
/// fixed-point, so the same moment may be computed a hair early or late in different blocks.
const SAMPLE_EPSILON: f64 = 1e-3;

/// A moment of the grid inside a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GridPoint {
    /// The grid line of this step: response notes for it sound now.
    Start(i64),
    /// The close of this step: no later note quantizes onto it.
    Close(i64),
}

/// The grid as seen from one block.
#[derive(Debug, Clone, Copy)]
pub struct BlockGrid {
    pos_ppq: f64,
    samples_per_quarter: f64,
    len_samples: u32,
}

impl BlockGrid {
    /// The grid of a block of `len_samples` starting at `position`.
    pub fn new(position: &Position, sample_rate_hz: f64, len_samples: u32) -> BlockGrid {
        BlockGrid {
            pos_ppq: position.pos_ppq,
            samples_per_quarter: position.samples_per_quarter(sample_rate_hz),
            len_samples,
        }
    }

    /// Samples in one 16th step at this block's tempo.
    pub fn samples_per_step(&self) -> f64 {
        self.samples_per_quarter / f64::from(STEPS_PER_QUARTER)
    }

    /// Offset from the block start of the first sample at or after half-step `half_step`
    /// (may lie outside the block).
    fn offset_of_half_step(&self, half_step: i64) -> i64 {
        let ppq = half_step as f64 / HALF_STEPS_PER_QUARTER;
        ((ppq - self.pos_ppq) * self.samples_per_quarter - SAMPLE_EPSILON).ceil() as i64
    }

    /// Offset from the block start of `step`'s grid line, where [`points`](BlockGrid::points)
    /// puts its start (may lie outside the block).
    pub fn line_offset(&self, step: i64) -> i64 {
        self.offset_of_half_step(2 * step)
    }

    /// The grid moments inside the block, in time order, with their sample offsets.
    pub fn points(&self) -> impl Iterator<Item = (u32, GridPoint)> + '_ {
        let first = (self.pos_ppq * HALF_STEPS_PER_QUARTER).floor() as i64 - 1;
        (first..)
            .map(|half_step| (half_step, self.offset_of_half_step(half_step)))
            .skip_while(|&(_, offset)| offset < 0)
            .take_while(|&(_, offset)| offset < i64::from(self.len_samples))
            .map(|(half_step, offset)| {
                let point = if half_step.rem_euclid(2) == 0 {
                    GridPoint::Start(half_step.div_euclid(2))
                } else {
                    GridPoint::Close(half_step.div_euclid(2))
                };
                (offset as u32, point)
            })
    }

    /// The step a note played at `offset_samples` quantizes onto: the first step whose close
    /// lies after it.
    pub fn step_of(&self, offset_samples: u32) -> i64 {
        let offset = i64::from(offset_samples);
        let ppq = self.pos_ppq + offset as f64 / self.samples_per_quarter;
        let mut step = (ppq * f64::from(STEPS_PER_QUARTER) + 0.5).floor() as i64;
        // Settle rounding at the boundary with the same rule `points()` uses.
        while self.offset_of_half_step(2 * step + 1) <= offset {
            step += 1;
        }
        while self.offset_of_half_step(2 * step - 1) > offset {
            step -= 1;
        }
        step
    }

    /// How far a note played at `offset_samples` lies from the grid line of `step`, the step it
    /// quantizes onto: in steps, `-0.5..=0.5`, negative when early.
    pub fn steps_from_line(&self, offset_samples: u32, step: i64) -> f32 {
        let samples_per_step = self.samples_per_quarter / f64::from(STEPS_PER_QUARTER);
        let early_or_late =
            (f64::from(offset_samples) - self.samples_until(step)) / samples_per_step;
        early_or_late.clamp(-0.5, 0.5) as f32
    }

    /// Samples from the block's first sample to the grid line of `step` (negative when past).
    pub fn samples_until(&self, step: i64) -> f64 {
        (step as f64 / f64::from(STEPS_PER_QUARTER) - self.pos_ppq) * self.samples_per_quarter
    }

    /// Length of the block, in samples.
    pub fn len_samples(&self) -> u32 {
        self.len_samples
    }

    /// Song position, in quarter notes, just after this block.
    pub fn end_ppq(&self) -> f64 {
        self.pos_ppq + f64::from(self.len_samples) / self.samples_per_quarter
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::TimeSignature;

    fn grid(pos_ppq: f64, tempo_bpm: f64, len_samples: u32) -> BlockGrid {
        let position = Position {
            tempo_bpm,
            pos_ppq,
            bar_start_ppq: 0.0,
            time_signature: TimeSignature::FOUR_FOUR,
        };
        BlockGrid::new(&position, 48_000.0, len_samples)
    }

    #[test]
    fn points_at_120_bpm() {
        // A step is 6 000 samples at 120 BPM; starts and closes alternate every 3 000.
        let points: Vec<_> = grid(0.0, 120.0, 12_000).points().collect();
        assert_eq!(
            points,
            [
                (0, GridPoint::Start(0)),
                (3_000, GridPoint::Close(0)),
                (6_000, GridPoint::Start(1)),
                (9_000, GridPoint::Close(1)),
            ]
        );
    }

    #[test]
    fn every_point_lands_in_exactly_one_block_whatever_the_split() {
        let whole: Vec<(u64, GridPoint)> = grid(3.0, 97.0, 200_000)
            .points()
            .map(|(o, p)| (u64::from(o), p))
            .collect();
        for block in [1u32, 7, 64, 511, 4096] {
            let spq = 48_000.0 * 60.0 / 97.0;
            let mut split = Vec::new();
            let mut start = 0u32;
            while start < 200_000 {
                let len = block.min(200_000 - start);
                let g = grid(3.0 + f64::from(start) / spq, 97.0, len);
                split.extend(g.points().map(|(o, p)| (u64::from(start + o), p)));
                start += len;
            }
            assert_eq!(split, whole, "block size {block}");
        }
    }

    #[test]
    fn notes_quantize_to_the_nearest_step_and_ties_go_forward() {
        let g = grid(0.0, 120.0, 48_000);
        assert_eq!(g.step_of(0), 0);
        assert_eq!(g.step_of(2_999), 0);
        assert_eq!(
            g.step_of(3_000),
            1,
            "a note on a close belongs to the next step"
        );
        assert_eq!(g.step_of(8_999), 1);
        assert_eq!(g.step_of(9_000), 2);
        // Played a little before the song start: still step 0 of a negative-position block.
        let early = grid(-0.01, 120.0, 1_000);
        assert_eq!(early.step_of(0), 0);
    }

    #[test]
    fn a_note_keeps_how_far_from_its_step_it_was_played() {
        // 6 000 samples a step at 120 BPM, from song position 0.
        let g = grid(0.0, 120.0, 48_000);
        for (offset, step, steps_from_line) in [
            (0, 0, 0.0),
            (1_500, 0, 0.25),
            (2_999, 0, 2_999.0 / 6_000.0),
            (3_000, 1, -0.5),
            (4_500, 1, -0.25),
            (6_600, 1, 0.1),
        ] {
            assert_eq!(g.step_of(offset), step);
            let got = g.steps_from_line(offset, step);
            assert!((got - steps_from_line).abs() < 1e-6, "{offset}: {got}");
        }
        // A block starting a third of the way into step 2.
        let late = grid(0.5 + 1.0 / 12.0, 120.0, 4_096);
        assert_eq!(late.step_of(0), 2);
        assert!((late.steps_from_line(0, 2) - 1.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn a_note_and_a_close_on_the_same_sample_agree() {
        for tempo in [60.0, 97.0, 133.3, 200.0] {
            let g = grid(1.37, tempo, 100_000);
            for (offset, point) in g.points() {
                if let GridPoint::Close(step) = point {
                    assert_eq!(g.step_of(offset), step + 1, "tempo {tempo}");
                    assert_eq!(g.step_of(offset - 1), step, "tempo {tempo}");
                }
            }
        }
    }
}
