//! What a sampler may draw next: the answer's own mask (Key and Scale) narrowed by the family's
//! grammar, given the events before (see [`ModelFamily::follow`]).
//!
//! [`ModelFamily::follow`]: crate::families::ModelFamily::follow

use crate::encoding::EventId;
use crate::families::Family;

/// The allowed events after each draw, recomputed into buffers kept between draws.
#[derive(Debug, Clone)]
pub struct NextAllowed<'a> {
    family: Family,
    allowed: Option<&'a [bool]>,
    mask: Vec<bool>,
    recent: Vec<EventId>,
}

impl<'a> NextAllowed<'a> {
    /// For an answer of `family` that may play the events `allowed` marks (`None`: all).
    pub fn new(family: Family, allowed: Option<&'a [bool]>) -> NextAllowed<'a> {
        NextAllowed {
            family,
            allowed,
            mask: vec![true; family.vocab_size()],
            recent: Vec::with_capacity(3 * family.events_per_step()),
        }
    }

    /// The events allowed after `context` then `drawn`, which together start on a 16th step's
    /// first event (a call starts on a bar line).
    pub fn after(&mut self, context: &[EventId], drawn: &[EventId]) -> &[bool] {
        let per_step = self.family.events_per_step();
        let total = context.len() + drawn.len();
        // The family's grammar looks back over the last complete step and the one being drawn.
        let from = (total - total % per_step).saturating_sub(per_step);
        self.recent.clear();
        self.recent
            .extend(context.iter().chain(drawn).skip(from).copied());
        match self.allowed {
            Some(allowed) => self.mask.copy_from_slice(allowed),
            None => self.mask.fill(true),
        }
        self.family.follow(&self.recent, &mut self.mask);
        &self.mask
    }
}
