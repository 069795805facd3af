//! The input edge of a model family, on the audio thread: what the player plays during a step
//! becomes that step's event id. Everything after it carries the id only.

pub mod drums;
pub mod melody;

use midly::num::u7;

use crate::encoding::EventId;
use crate::families::Family;
use crate::live::feel::StepFeel;
use crate::live::voicing::Voicing;
use crate::sequence::Hit;

pub use drums::DrumQuantizer;
pub use melody::MelodyQuantizer;

/// Steps not yet closed that a played note can land on: a note quantizes onto the nearest step,
/// at most half a step ahead, so a few slots suffice.
const PENDING_STEPS: usize = 4;

/// A closed step as heard: the model's event, and how the player played it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeardStep {
    pub event: EventId,
    pub feel: StepFeel,
}

/// The quantizer of the family in use. Fixed size: never allocates.
// Held inline: boxing a variant would allocate on the audio thread when the family changes.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Quantizer {
    /// Drum hits become the set of classes struck on a step.
    Drums(DrumQuantizer),
    /// A melody's top line becomes note-on, note-off or no event.
    Melody(MelodyQuantizer),
}

impl Quantizer {
    /// A quantizer for `family`, nothing heard yet.
    pub fn new(family: Family) -> Quantizer {
        family.quantizer()
    }

    /// The family it hears for.
    pub fn family(&self) -> Family {
        match self {
            Quantizer::Drums(_) => Family::DRUMS,
            Quantizer::Melody(_) => Family::MELODY,
        }
    }

    /// The player pressed `key`, quantized onto `step`: `hit` says how loud, and how far from
    /// the step's grid line.
    pub fn press(&mut self, step: i64, key: u7, hit: Hit) {
        match self {
            Quantizer::Drums(drums) => drums.press(step, key, hit),
            Quantizer::Melody(melody) => melody.press(step, key, hit),
        }
    }

    /// The player released `key`.
    pub fn release(&mut self, key: u7) {
        match self {
            Quantizer::Drums(_) => {}
            Quantizer::Melody(melody) => melody.release(key),
        }
    }

    /// `step` closed (nothing later lands on it): its event and feel.
    pub fn close(&mut self, step: i64) -> HeardStep {
        match self {
            Quantizer::Drums(drums) => drums.close(step),
            Quantizer::Melody(melody) => melody.close(step),
        }
    }

    /// Whether the player's line still sounds (a held melodic note; a drum's release means
    /// nothing, so drums never sustain).
    pub fn sustaining(&self) -> bool {
        match self {
            Quantizer::Drums(_) => false,
            Quantizer::Melody(melody) => melody.sustaining(),
        }
    }

    /// A call starts: its voicing is measured from here.
    pub fn start_call(&mut self) {
        match self {
            Quantizer::Drums(drums) => drums.start_call(),
            Quantizer::Melody(melody) => melody.start_call(),
        }
    }

    /// The voicing of the call heard since it started.
    pub fn voicing(&self) -> Voicing {
        match self {
            Quantizer::Drums(drums) => drums.voicing(),
            Quantizer::Melody(melody) => melody.voicing(),
        }
    }
}

/// One pending step's slot: the step it holds and what was played on it.
#[derive(Debug, Clone, Copy)]
struct Slot<T> {
    step: i64,
    played: T,
}

/// What was played on the steps not yet closed, one slot per step modulo [`PENDING_STEPS`].
#[derive(Debug, Clone, Copy)]
struct PendingSteps<T> {
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
    fn at(&mut self, step: i64) -> &mut T {
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
    fn take(&mut self, step: i64) -> T {
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
