//! The event the pipeline carries: one step of a model's vocabulary, as a small integer. Only a
//! model family's encoding knows what it means (a set of drums struck, a melody's note-on…); the
//! LSTM, the sampler, training, the model thread and the schedule pass it along.

/// One of a model's step events, `0..vocab_size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct EventId(u16);

impl EventId {
    /// Nothing new happens on this step: in every family's encoding event 0 is the step where
    /// no note starts (a rest for drums, "no event" for a melody, whose note holds).
    pub const QUIET: EventId = EventId(0);

    /// The event with vocabulary index `index`.
    ///
    /// # Panics
    /// When `index` does not fit the pipeline's integer (no vocabulary is that large).
    pub fn new(index: usize) -> EventId {
        EventId(u16::try_from(index).expect("vocabularies have fewer than 65,536 events"))
    }

    /// The vocabulary index, `0..vocab_size`.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// Whether this is [`EventId::QUIET`].
    pub const fn is_quiet(self) -> bool {
        self.0 == 0
    }
}
