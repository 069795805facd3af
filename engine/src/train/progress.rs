//! What training reports as it goes, for a progress bar or a log.

/// One report from [`crate::train::train`].
#[derive(Debug, Clone, PartialEq)]
pub enum TrainEvent {
    /// Training is about to start.
    Started {
        /// Batches in one epoch.
        batches_per_epoch: usize,
        /// Batches in the whole run (if no time budget stops it first).
        total_batches: usize,
    },
    /// One optimiser step is done.
    Batch {
        /// Epoch, from 1.
        epoch: usize,
        /// Batches done since the start of training.
        batches_done: usize,
        /// This batch's training loss, nats per scored step (with dropout).
        loss_per_step: f64,
        /// Scored steps per second of wall time since the start of training.
        steps_per_sec: f64,
    },
    /// An epoch ended and the validation windows were scored.
    Epoch(EpochRecord),
}

/// The numbers of one finished epoch.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EpochRecord {
    /// Epoch, from 1.
    pub epoch: usize,
    /// Mean training loss over the epoch, nats per step (with dropout).
    pub train_nll_per_step: f64,
    /// Validation NLL, nats per step (no dropout); `None` without validation windows.
    pub valid_nll_per_step: Option<f64>,
    /// Validation next-event accuracy.
    pub valid_accuracy: Option<f64>,
    /// Learning rate used during the epoch.
    pub learning_rate: f64,
    /// Whether this epoch's weights were saved as the best so far.
    pub saved: bool,
    /// Wall time since the start of training, in seconds.
    pub elapsed_secs: f64,
    /// A groove model's validation errors per hit: velocity in MIDI units, offset in steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_groove_mae: Option<GrooveMae>,
}

/// Mean absolute errors of a groove head per hit.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GrooveMae {
    /// MIDI velocity units.
    pub velocity: f64,
    /// Fractions of a 16th step.
    pub timing: f64,
}
