//! Quantized drum performances: what the model reads and writes, with the human detail
//! (velocity, micro-timing) kept for later models.

use midly::num::u7;

use crate::families::drums::encoding::{DrumClass, DrumEvent, NUM_CLASSES};
use crate::hit::Hit;

/// One 16th-note step: which classes were struck, and how.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DrumStep {
    /// The hit of each class, indexed by [`DrumClass::index`].
    pub hits: [Option<Hit>; NUM_CLASSES],
}

impl DrumStep {
    /// The step's event: the set of classes struck.
    pub fn event(&self) -> DrumEvent {
        DrumClass::ALL
            .into_iter()
            .filter(|c| self.hits[c.index()].is_some())
            .collect()
    }

    /// A step with every class of `event` struck at `velocity`, on the grid.
    pub fn from_event(event: DrumEvent, velocity: u7) -> DrumStep {
        let mut step = DrumStep::default();
        for class in event.classes() {
            step.hits[class.index()] = Some(Hit {
                velocity,
                offset_steps: 0.0,
            });
        }
        step
    }

    /// Records a hit, keeping the louder one when the class is already struck on this step.
    pub fn strike(&mut self, class: DrumClass, hit: Hit) {
        let slot = &mut self.hits[class.index()];
        match slot {
            Some(existing) if existing.velocity >= hit.velocity => {}
            _ => *slot = Some(hit),
        }
    }
}

/// A drum performance quantized to 16th steps. Step 0 lies on a bar line.
#[derive(Debug, Clone, PartialEq)]
pub struct DrumSequence {
    /// The steps, in order.
    pub steps: Vec<DrumStep>,
    /// Steps in one bar of the performance's time signature (16 in 4/4, 12 in 3/4 and 6/8).
    pub steps_per_bar: u32,
    /// Tempo of the performance, in quarter notes per minute.
    pub tempo_bpm: f64,
}

/// A hit as it was played: where it fell and how hard.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlayedHit {
    /// Position in steps from step 0: the step's grid line plus the hit's micro-timing.
    pub at_steps: f64,
    /// The drum struck.
    pub class: DrumClass,
    /// How hard.
    pub velocity: u7,
}

impl DrumSequence {
    /// The model's view: one event per step.
    pub fn events(&self) -> impl ExactSizeIterator<Item = DrumEvent> + '_ {
        self.steps.iter().map(DrumStep::event)
    }

    /// The mean velocity of its hits, or `None` when nothing is struck.
    pub fn mean_velocity(&self) -> Option<u7> {
        let velocities: Vec<u32> = self
            .steps
            .iter()
            .flat_map(|step| step.hits.iter().flatten())
            .map(|hit| u32::from(hit.velocity.as_int()))
            .collect();
        let count = u32::try_from(velocities.len()).ok().filter(|&n| n > 0)?;
        let mean = (velocities.iter().sum::<u32>() + count / 2) / count;
        Some(u7::new(mean.clamp(1, 127) as u8))
    }

    /// Every hit at its played position, step by step (classes in bit order within a step).
    pub fn played_hits(&self) -> impl Iterator<Item = PlayedHit> + '_ {
        self.steps.iter().enumerate().flat_map(|(index, step)| {
            DrumClass::ALL.into_iter().filter_map(move |class| {
                step.hits[class.index()].map(|hit| PlayedHit {
                    at_steps: index as f64 + f64::from(hit.offset_steps),
                    class,
                    velocity: hit.velocity,
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_event_follows_its_hits() {
        let mut step = DrumStep::default();
        assert!(step.event().is_rest());
        let soft = Hit {
            velocity: u7::new(30),
            offset_steps: -0.1,
        };
        let loud = Hit {
            velocity: u7::new(100),
            offset_steps: 0.2,
        };
        step.strike(DrumClass::Snare, soft);
        step.strike(DrumClass::Snare, loud);
        step.strike(DrumClass::Snare, soft);
        assert_eq!(step.hits[DrumClass::Snare.index()], Some(loud));
        assert_eq!(step.event(), DrumEvent::REST.with(DrumClass::Snare));
        let rebuilt = DrumStep::from_event(step.event(), u7::new(100));
        assert_eq!(rebuilt.event(), step.event());
    }

    #[test]
    fn played_hits_fall_at_their_step_plus_micro_timing() {
        let mut late = DrumStep::default();
        late.strike(
            DrumClass::Snare,
            Hit {
                velocity: u7::new(90),
                offset_steps: 0.25,
            },
        );
        late.strike(
            DrumClass::Kick,
            Hit {
                velocity: u7::new(40),
                offset_steps: -0.5,
            },
        );
        let sequence = DrumSequence {
            steps: vec![DrumStep::default(), late],
            steps_per_bar: 16,
            tempo_bpm: 120.0,
        };
        let hits: Vec<PlayedHit> = sequence.played_hits().collect();
        assert_eq!(
            hits,
            [
                PlayedHit {
                    at_steps: 0.5,
                    class: DrumClass::Kick,
                    velocity: u7::new(40)
                },
                PlayedHit {
                    at_steps: 1.25,
                    class: DrumClass::Snare,
                    velocity: u7::new(90)
                },
            ]
        );
    }
}
