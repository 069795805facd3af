//! The simple predictors a drummer's feel is measured against: each hit's velocity and offset
//! from its grid step predicted by the mean of its drum class, or of its class on its 16th of
//! the bar, fitted on the training split. A model that plays with feel must beat these.

use std::collections::HashMap;

use crate::families::drums::encoding::NUM_CLASSES;
use crate::families::drums::sequence::DrumSequence;

/// A running mean of velocity and offset.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Mean {
    count: usize,
    velocity_sum: f64,
    offset_sum: f64,
}

impl Mean {
    fn add(&mut self, velocity: f64, offset: f64) {
        self.count += 1;
        self.velocity_sum += velocity;
        self.offset_sum += offset;
    }

    /// `(velocity, offset)`, if anything was added.
    fn get(&self) -> Option<(f64, f64)> {
        (self.count > 0).then(|| {
            let n = self.count as f64;
            (self.velocity_sum / n, self.offset_sum / n)
        })
    }
}

/// Mean absolute errors of one predictor, per hit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GrooveError {
    /// In MIDI velocity units.
    pub velocity_mae: f64,
    /// In fractions of a 16th.
    pub timing_mae: f64,
}

/// How the simple predictors fare on a set of performances.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GrooveErrors {
    /// Hits scored.
    pub hits: usize,
    /// Each class's mean.
    pub class_mean: GrooveError,
    /// Each class's mean on each 16th of the bar (the class's mean where the pair was never seen
    /// in training).
    pub class_position_mean: GrooveError,
}

/// The two predictors, fitted.
#[derive(Debug, Clone, Default)]
pub struct GrooveMeans {
    class: [Mean; NUM_CLASSES],
    class_position: HashMap<(usize, usize), Mean>,
    /// Every hit's, for a class never struck in training.
    overall: Mean,
}

/// Every hit of `sequences` as `(class index, 16th of the bar, velocity, offset in steps)`.
fn hits<'a>(
    sequences: &'a [&'a DrumSequence],
) -> impl Iterator<Item = (usize, usize, f64, f64)> + 'a {
    sequences.iter().flat_map(|sequence| {
        let steps_per_bar = sequence.steps_per_bar.max(1) as usize;
        sequence
            .steps
            .iter()
            .enumerate()
            .flat_map(move |(index, step)| {
                step.hits
                    .iter()
                    .enumerate()
                    .filter_map(move |(class, hit)| {
                        hit.map(|hit| {
                            (
                                class,
                                index % steps_per_bar,
                                f64::from(hit.velocity.as_int()),
                                f64::from(hit.offset_steps),
                            )
                        })
                    })
            })
    })
}

impl GrooveMeans {
    /// The means of `training`'s hits.
    pub fn fit(training: &[&DrumSequence]) -> GrooveMeans {
        let mut means = GrooveMeans::default();
        for (class, position, velocity, offset) in hits(training) {
            means.class[class].add(velocity, offset);
            means
                .class_position
                .entry((class, position))
                .or_default()
                .add(velocity, offset);
            means.overall.add(velocity, offset);
        }
        means
    }

    /// Mean absolute errors of both predictors over every hit of `scored`.
    pub fn errors(&self, scored: &[&DrumSequence]) -> GrooveErrors {
        let fallback = self.overall.get().unwrap_or((0.0, 0.0));
        let mut sums = [(0.0f64, 0.0f64); 2];
        let mut count = 0usize;
        for (class, position, velocity, offset) in hits(scored) {
            let by_class = self.class[class].get().unwrap_or(fallback);
            let by_position = self
                .class_position
                .get(&(class, position))
                .and_then(Mean::get)
                .unwrap_or(by_class);
            for (sum, (v, o)) in sums.iter_mut().zip([by_class, by_position]) {
                sum.0 += (velocity - v).abs();
                sum.1 += (offset - o).abs();
            }
            count += 1;
        }
        let error = |(velocity, timing): (f64, f64)| {
            let n = count.max(1) as f64;
            GrooveError {
                velocity_mae: velocity / n,
                timing_mae: timing / n,
            }
        };
        GrooveErrors {
            hits: count,
            class_mean: error(sums[0]),
            class_position_mean: error(sums[1]),
        }
    }
}

#[cfg(test)]
mod tests {
    use midly::num::u7;

    use super::*;
    use crate::families::drums::encoding::DrumClass;
    use crate::families::drums::sequence::DrumStep;
    use crate::hit::Hit;

    /// Two bars of four steps: kicks on step 0 (velocity `loud`, late by `late`) and step 2
    /// (velocity 40, on the grid).
    fn kicks(loud: u8, late: f32) -> DrumSequence {
        let mut steps = vec![DrumStep::default(); 8];
        for bar in 0..2 {
            steps[bar * 4].strike(
                DrumClass::Kick,
                Hit {
                    velocity: u7::new(loud),
                    offset_steps: late,
                },
            );
            steps[bar * 4 + 2].strike(
                DrumClass::Kick,
                Hit {
                    velocity: u7::new(40),
                    offset_steps: 0.0,
                },
            );
        }
        DrumSequence {
            steps,
            steps_per_bar: 4,
            tempo_bpm: 120.0,
        }
    }

    #[test]
    fn the_position_in_the_bar_predicts_what_the_class_alone_cannot() {
        let played = kicks(100, 0.2);
        let means = GrooveMeans::fit(&[&played]);
        let errors = means.errors(&[&played]);
        assert_eq!(errors.hits, 4);
        // The kick's mean is velocity 70, offset 0.1: every hit is 30 and 0.1 away from it.
        assert!((errors.class_mean.velocity_mae - 30.0).abs() < 1e-9);
        assert!((errors.class_mean.timing_mae - 0.1).abs() < 1e-6);
        // On its own 16th each kick is exactly its mean.
        assert!(errors.class_position_mean.velocity_mae < 1e-9);
        assert!(errors.class_position_mean.timing_mae < 1e-6);
    }

    #[test]
    fn unseen_positions_fall_back_to_the_class_and_unseen_classes_to_every_hit() {
        let means = GrooveMeans::fit(&[&kicks(100, 0.0)]);
        let mut other = DrumSequence {
            steps: vec![DrumStep::default(); 4],
            steps_per_bar: 4,
            tempo_bpm: 120.0,
        };
        // A kick on step 1 (never seen there) and a snare (never seen at all), both at 70.
        for (step, class) in [(1, DrumClass::Kick), (3, DrumClass::Snare)] {
            other.steps[step].strike(
                class,
                Hit {
                    velocity: u7::new(70),
                    offset_steps: 0.0,
                },
            );
        }
        let errors = means.errors(&[&other]);
        assert_eq!(errors.hits, 2);
        assert!(errors.class_mean.velocity_mae < 1e-9);
        assert!(errors.class_position_mean.velocity_mae < 1e-9);
    }
}
