//! An offline render waits for the model where live play goes on without it: a bounce must
//! sound the same however fast the machine is.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{Model, Performer};
use crate::live::schedule::{Cue, Schedule};

/// The longest an offline render waits for a model to load, or for a step while the model thread
/// computes nothing, before playing on without it.
const OFFLINE_WAIT_LIMIT: Duration = Duration::from_secs(10);

impl Performer {
    /// Offline render only: waits for the model thread to say which model is loaded.
    pub(super) fn wait_for_model(&mut self) {
        let deadline = Instant::now() + OFFLINE_WAIT_LIMIT;
        while matches!(self.model, Model::Loading) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(100));
            self.drain_inbox(0);
        }
    }

    /// Offline render only: waits until `cue` says the model delivered the step, or never will;
    /// `offset` is where the block stands.
    /// As long as the model thread computes (a long beam search sends nothing until it ends),
    /// the wait goes on: a bounce must not depend on how fast the machine is.
    pub(super) fn wait_for(&mut self, offset: u32, cue: impl Fn(&Schedule) -> Cue) -> Cue {
        let mut last_beat = self.worker_stats.heartbeat.load(Ordering::Relaxed);
        let mut deadline = Instant::now() + OFFLINE_WAIT_LIMIT;
        loop {
            self.drain_inbox(offset);
            let cue = cue(&self.schedule);
            if cue != Cue::Pending {
                return cue;
            }
            let beat = self.worker_stats.heartbeat.load(Ordering::Relaxed);
            if beat != last_beat {
                last_beat = beat;
                deadline = Instant::now() + OFFLINE_WAIT_LIMIT;
            } else if Instant::now() >= deadline {
                return cue;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
    }
}
