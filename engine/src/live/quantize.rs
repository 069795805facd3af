//! The input edge of a model family, on the audio thread: what the player plays during a step
//! becomes that step's events. Everything after it carries the ids only. Each family's folder
//! holds its [`Quantize`].

use std::fmt;

use midly::num::u7;

use crate::encoding::StepEvents;
use crate::families::Family;
use crate::hit::Hit;
use crate::live::feel::StepFeel;
use crate::live::voicing::Voicing;

/// Steps not yet closed that a played note can land on: a note quantizes onto the nearest step,
/// at most half a step ahead, so a few slots suffice.
const PENDING_STEPS: usize = 4;

/// A closed step as heard: the model's events, and how the player played it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeardStep {
    pub events: StepEvents,
    pub feel: StepFeel,
}

/// A family's input edge: what the player plays becomes each step's events. Runs on the audio
/// thread: no method may allocate.
pub trait Quantize: fmt::Debug + Send {
    /// The player pressed `key`, quantized onto `step`: `hit` says how loud, and how far from
    /// the step's grid line.
    fn press(&mut self, step: i64, key: u7, hit: Hit);

    /// The player released `key`.
    fn release(&mut self, key: u7);

    /// `step` closed (nothing later lands on it): its events and feel.
    fn close(&mut self, step: i64) -> HeardStep;

    /// Whether a note the player holds still sounds (a drum's release means nothing, so drums
    /// never sustain).
    fn sustaining(&self) -> bool;

    /// A call starts: its voicing is measured from here.
    fn start_call(&mut self);

    /// The voicing of the call heard since it started.
    fn voicing(&self) -> Voicing;

    /// Forgets everything heard (the transport jumped).
    fn reset(&mut self);
}

/// Every family's quantizer, made before the audio thread runs: the family in use changes
/// without allocating.
#[derive(Debug)]
pub struct Quantizers {
    each: Vec<Box<dyn Quantize>>,
}

impl Default for Quantizers {
    fn default() -> Self {
        Quantizers {
            each: Family::all()
                .iter()
                .map(|family| family.quantizer())
                .collect(),
        }
    }
}

impl Quantizers {
    /// The quantizer of `family`.
    pub fn of(&self, family: Family) -> &dyn Quantize {
        &*self.each[family.index()]
    }

    /// The quantizer of `family`, to hear with.
    pub fn of_mut(&mut self, family: Family) -> &mut dyn Quantize {
        &mut *self.each[family.index()]
    }
}

/// One pending step's slot: the step it holds and what was played on it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot<T> {
    step: i64,
    played: T,
}

/// What was played on the steps not yet closed, one slot per step modulo [`PENDING_STEPS`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct PendingSteps<T> {
    slots: [Slot<T>; PENDING_STEPS],
}

impl<T: Copy + Default> Default for PendingSteps<T> {
    fn default() -> Self {
        PendingSteps {
            slots: [Slot {
                step: i64::MIN,
                played: T::default(),
            }; PENDING_STEPS],
        }
    }
}

impl<T: Copy + Default> PendingSteps<T> {
    /// What was played on `step` so far, to add to.
    pub(crate) fn at(&mut self, step: i64) -> &mut T {
        let slot = &mut self.slots[step.rem_euclid(PENDING_STEPS as i64) as usize];
        if slot.step != step {
            *slot = Slot {
                step,
                played: T::default(),
            };
        }
        &mut slot.played
    }

    /// What was played on `step`, emptying its slot.
    pub(crate) fn take(&mut self, step: i64) -> T {
        let slot = &mut self.slots[step.rem_euclid(PENDING_STEPS as i64) as usize];
        let played = if slot.step == step {
            slot.played
        } else {
            T::default()
        };
        slot.step = i64::MIN;
        played
    }
}
