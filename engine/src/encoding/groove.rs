//! A drum step's feel as the numbers a groove model reads and predicts: for each of the nine
//! classes its velocity (as a fraction of 127) and its offset from the grid line (in steps), zero
//! for a class not struck. The event says which classes sound; these say how.

use midly::num::u7;

use crate::families::drums::encoding::{DrumClass, NUM_CLASSES};
use crate::families::drums::sequence::DrumStep;
use crate::hit::Hit;

/// Values per step: the classes' velocities, then their offsets.
pub const GROOVE_VALUES: usize = 2 * NUM_CLASSES;

/// One step's feel, in [`GROOVE_VALUES`] numbers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GrooveValues(pub [f32; GROOVE_VALUES]);

impl GrooveValues {
    /// The feel of `step`: each struck class's velocity / 127 and offset in steps.
    pub fn of(step: &DrumStep) -> GrooveValues {
        let mut values = [0.0; GROOVE_VALUES];
        for class in DrumClass::ALL {
            if let Some(hit) = step.hits[class.index()] {
                values[class.index()] = f32::from(hit.velocity.as_int()) / 127.0;
                values[NUM_CLASSES + class.index()] = hit.offset_steps;
            }
        }
        GrooveValues(values)
    }

    /// `class`'s hit as these values say: velocity rounded into 1–127, offset within half a
    /// step of the grid line.
    pub fn hit(&self, class: DrumClass) -> Hit {
        let velocity = (self.0[class.index()] * 127.0).round().clamp(1.0, 127.0) as u8;
        Hit {
            velocity: u7::new(velocity),
            offset_steps: self.0[NUM_CLASSES + class.index()].clamp(-0.5, 0.5),
        }
    }
}

/// How much of a groove model's feel an answer plays: 0 on the grid at one velocity, 1 the
/// model's velocities and timing; in between, offsets scaled and velocities blended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GrooveAmount(f32);

impl GrooveAmount {
    /// All of the model's feel.
    pub const FULL: GrooveAmount = GrooveAmount(1.0);

    /// `amount` in `0..=1`, if it is.
    pub fn new(amount: f32) -> Option<GrooveAmount> {
        (0.0..=1.0)
            .contains(&amount)
            .then_some(GrooveAmount(amount))
    }

    /// `class`'s hit of `values` played this much, the rest on the grid at `velocity`.
    pub fn hit(self, values: &GrooveValues, class: DrumClass, velocity: u7) -> Hit {
        let played = values.hit(class);
        let blend = |grid: f32, model: f32| grid + self.0 * (model - grid);
        let velocity = blend(
            f32::from(velocity.as_int()),
            f32::from(played.velocity.as_int()),
        );
        Hit {
            velocity: u7::new(velocity.round().clamp(1.0, 127.0) as u8),
            offset_steps: self.0 * played.offset_steps,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::families::drums::read::read_drums;

    #[test]
    fn a_real_drummers_steps_round_trip_through_their_values() {
        let file = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/groove/drummer3-session1-12_rock_120_beat_4-4.mid"
        );
        let drummer = read_drums(&std::fs::read(file).unwrap()).unwrap().sequence;
        let mut hits = 0;
        for step in &drummer.steps {
            let values = GrooveValues::of(step);
            for class in DrumClass::ALL {
                let i = class.index();
                match step.hits[i] {
                    Some(hit) => {
                        hits += 1;
                        assert_eq!(values.hit(class), hit);
                        assert!(values.0[i] > 0.0 && values.0[i] <= 1.0);
                    }
                    None => assert_eq!((values.0[i], values.0[NUM_CLASSES + i]), (0.0, 0.0)),
                }
            }
        }
        assert!(hits > 100, "{hits}");
    }

    #[test]
    fn the_amount_blends_velocity_and_scales_timing() {
        let mut values = GrooveValues::default();
        values.0[DrumClass::Snare.index()] = 40.0 / 127.0;
        values.0[NUM_CLASSES + DrumClass::Snare.index()] = 0.2;
        let grid = u7::new(100);
        let at = |amount| {
            GrooveAmount::new(amount)
                .unwrap()
                .hit(&values, DrumClass::Snare, grid)
        };
        assert_eq!(
            at(0.0),
            Hit {
                velocity: grid,
                offset_steps: 0.0
            }
        );
        assert_eq!(
            at(1.0),
            Hit {
                velocity: u7::new(40),
                offset_steps: 0.2
            }
        );
        assert_eq!(
            at(0.5),
            Hit {
                velocity: u7::new(70),
                offset_steps: 0.1
            }
        );
        assert_eq!(GrooveAmount::new(1.5), None);
        assert_eq!(GrooveAmount::new(-0.1), None);
    }

    #[test]
    fn predictions_out_of_range_are_brought_into_it() {
        let mut values = GrooveValues::default();
        values.0[DrumClass::Kick.index()] = 1.4;
        values.0[NUM_CLASSES + DrumClass::Kick.index()] = -0.9;
        let hit = values.hit(DrumClass::Kick);
        assert_eq!(hit.velocity, u7::new(127));
        assert_eq!(hit.offset_steps, -0.5);
        assert_eq!(values.hit(DrumClass::Snare).velocity, u7::new(1));
    }
}
