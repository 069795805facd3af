//! Building the performer: everything the audio thread will use, the two rings, and the model
//! thread at their other end.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use rtrb::RingBuffer;

use crate::live::quantize::Quantizers;

use super::{Model, Performer};
use crate::learn::session::SessionLearning;
use crate::live::feed::{FeedReceiver, feed};
use crate::live::messages::ModelRequest;
use crate::live::monitor::Monitor;
use crate::live::output::BlockOutput;
use crate::live::shelf::ModelShelf;
use crate::live::worker::{self, WorkerStart, WorkerStats};
use crate::phrase::{Meter, PhraseRules, Turns};

/// Ring capacity audio → model thread: a call step per 16th, plus a few control messages.
const TO_WORKER_CAPACITY: usize = 4096;
/// Ring capacity model → audio thread: two full windows of steps.
const FROM_WORKER_CAPACITY: usize = 2048;

impl Performer {
    /// Allocates everything the audio thread will use and starts the model thread with the model
    /// in `model_slot`, its learner learning into `learning`. Call on the main thread (plugin
    /// activation). The returned receiver is the editor's, fed while `editor_open` is set.
    pub fn start(
        shelf: Arc<ModelShelf>,
        learning: Arc<SessionLearning>,
        model_slot: u32,
        sample_rate_hz: f64,
        offline: bool,
        editor_open: Arc<AtomicBool>,
    ) -> std::io::Result<(Performer, FeedReceiver)> {
        let (outbox, worker_inbox) = RingBuffer::new(TO_WORKER_CAPACITY);
        let (worker_outbox, inbox) = RingBuffer::new(FROM_WORKER_CAPACITY);
        let (play_feed, answers_feed, receiver) = feed(editor_open);
        let worker_stats = Arc::new(WorkerStats::default());
        let families = shelf.families();
        let family = families.get(model_slot);
        let worker = worker::spawn(
            shelf,
            learning,
            WorkerStart {
                slot: model_slot,
                family,
                offline,
            },
            (
                worker_inbox,
                worker_outbox,
                worker_stats.clone(),
                answers_feed,
            ),
        )?;
        let performer = Performer {
            sample_rate_hz,
            offline,
            model_slot,
            // The model thread loads `model_slot` first, as the answer to the first request.
            model_request: ModelRequest::default(),
            families,
            jam_slot: None,
            model: family.map_or(Model::Loading, Model::Ready),
            quantizers: Quantizers::default(),
            inbox,
            outbox,
            worker_stats,
            monitor: Arc::new(Monitor::default()),
            turns: Turns::new(Meter::new(0, 16), PhraseRules::default()),
            following: false,
            expected_ppq: None,
            schedule: Box::default(),
            voices: Box::default(),
            out: BlockOutput::default(),
            block: None,
            played_ahead: None,
            feed: play_feed,
            shown_turn: None,
            _worker: worker,
        };
        Ok((performer, receiver))
    }
}
