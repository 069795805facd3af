//! The events of one 16th step: as many as the family takes per step (one for drums and melody),
//! in a fixed-size value that travels through the lock-free rings without allocating.

use crate::encoding::EventId;

/// The most events a family may take per 16th step.
pub const MAX_EVENTS_PER_STEP: usize = 8;

/// One 16th step's events, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StepEvents {
    ids: [EventId; MAX_EVENTS_PER_STEP],
    len: u8,
}

impl StepEvents {
    /// A step of the single event `id`.
    pub const fn one(id: EventId) -> StepEvents {
        let mut ids = [EventId::QUIET; MAX_EVENTS_PER_STEP];
        ids[0] = id;
        StepEvents { ids, len: 1 }
    }

    /// A step of `ids`.
    ///
    /// # Panics
    /// When there are more than [`MAX_EVENTS_PER_STEP`] (no family takes that many).
    pub fn new(ids: &[EventId]) -> StepEvents {
        assert!(
            ids.len() <= MAX_EVENTS_PER_STEP,
            "{} events in one step; a family takes at most {MAX_EVENTS_PER_STEP}",
            ids.len()
        );
        let mut step = StepEvents {
            ids: [EventId::QUIET; MAX_EVENTS_PER_STEP],
            len: ids.len() as u8,
        };
        step.ids[..ids.len()].copy_from_slice(ids);
        step
    }

    /// A step of `len` quiet events: nothing starts.
    pub fn quiet(len: usize) -> StepEvents {
        StepEvents::new(&[EventId::QUIET; MAX_EVENTS_PER_STEP][..len])
    }

    /// The events, in order.
    pub fn ids(&self) -> &[EventId] {
        &self.ids[..usize::from(self.len)]
    }

    /// Whether every event is quiet (nothing new happens on the step).
    pub fn is_quiet(&self) -> bool {
        self.ids().iter().all(|id| id.is_quiet())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_keeps_its_events_in_order() {
        let step = StepEvents::new(&[EventId::new(3), EventId::QUIET, EventId::new(7)]);
        assert_eq!(
            step.ids(),
            [EventId::new(3), EventId::QUIET, EventId::new(7)]
        );
        assert!(!step.is_quiet());
        assert!(StepEvents::quiet(8).is_quiet());
        assert_eq!(StepEvents::quiet(8).ids().len(), 8);
        assert_eq!(StepEvents::one(EventId::new(5)).ids(), [EventId::new(5)]);
    }
}
