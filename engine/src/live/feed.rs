//! What the editor shows, sent without locks: the audio thread and the model thread each write
//! a ring of their own; the editor drains both while it is open. While it is closed nothing is
//! sent at all.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use midly::num::{u4, u7};
use rtrb::{Consumer, Producer, RingBuffer};

use crate::encoding::StepEvents;
use crate::live::feel::StepFeel;
use crate::live::voicing::Voicing;
use crate::phrase::WindowId;
use crate::phrase::{StepSpan, TurnState};

/// Events the audio thread reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlayEvent {
    /// What the model heard on `step` of the call (sent when the step closes), how the player
    /// played it, and how the call is voiced (a melody's register).
    Heard {
        step: i64,
        events: StepEvents,
        feel: StepFeel,
        voicing: Voicing,
    },
    /// The player struck a key that quantized onto `step` (the editor tells which keys were not
    /// drum-kit notes: the drum model hears those as the drum their pitch maps to, or not at all).
    Struck { step: i64, channel: u4, key: u7 },
    /// The performer played `events` on `step`, voiced as `voicing`.
    Played {
        step: i64,
        events: StepEvents,
        voicing: Voicing,
        /// How the step sounds when its family plays with a feel (`None`: on the grid at the
        /// voicing's velocity).
        feel: Option<StepFeel>,
    },
    /// A response step came too late to play.
    Late { step: i64 },
    /// Turn-taking moved on.
    Turn(TurnState),
    /// The transport stopped, jumped or changed meter: what was shown is history.
    Reset,
}

/// What the model thread reports once an answer is complete.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answered {
    /// The window answered.
    pub id: WindowId,
    /// The primer the model heard (`None` when it answered itself).
    pub call: Option<StepSpan>,
    /// Log-likelihood of the primer under the model (its first step is context).
    pub call_log_likelihood: f32,
    /// Where the answer plays.
    pub response: StepSpan,
    /// Log-likelihood of the answer's events under the model (temperature 1).
    pub log_likelihood: f32,
}

/// Capacity of each ring: a few seconds of busy playing between two editor frames.
const CAPACITY: usize = 4096;

/// The writing end of one ring.
#[derive(Debug)]
pub struct FeedSender<T> {
    producer: Producer<T>,
    open: Arc<AtomicBool>,
}

impl<T> FeedSender<T> {
    /// Whether the editor is open.
    pub fn is_open(&self) -> bool {
        self.open.load(Ordering::Relaxed)
    }

    /// Sends when the editor is open; drops the event when closed or behind.
    pub fn send(&mut self, event: T) {
        if self.is_open() {
            // A full ring means the editor is behind: it shows a gap, the sender never waits.
            let _ = self.producer.push(event);
        }
    }
}

/// The editor's end of both rings.
#[derive(Debug)]
pub struct FeedReceiver {
    /// From the audio thread.
    pub play: Consumer<PlayEvent>,
    /// From the model thread.
    pub answers: Consumer<Answered>,
}

/// A fresh pair of rings gated by `open` (the editor sets it while it shows).
pub fn feed(open: Arc<AtomicBool>) -> (FeedSender<PlayEvent>, FeedSender<Answered>, FeedReceiver) {
    let (play_producer, play) = RingBuffer::new(CAPACITY);
    let (answers_producer, answers) = RingBuffer::new(CAPACITY);
    (
        FeedSender {
            producer: play_producer,
            open: open.clone(),
        },
        FeedSender {
            producer: answers_producer,
            open,
        },
        FeedReceiver { play, answers },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_sent_while_the_editor_is_closed() {
        let open = Arc::new(AtomicBool::new(false));
        let (mut play, _, mut receiver) = feed(open.clone());
        play.send(PlayEvent::Reset);
        assert!(receiver.play.pop().is_err());
        open.store(true, Ordering::Relaxed);
        play.send(PlayEvent::Late { step: 3 });
        assert_eq!(receiver.play.pop(), Ok(PlayEvent::Late { step: 3 }));
    }

    #[test]
    fn a_full_ring_drops_instead_of_waiting() {
        let open = Arc::new(AtomicBool::new(true));
        let (mut play, _, mut receiver) = feed(open);
        for step in 0..(CAPACITY as i64 + 10) {
            play.send(PlayEvent::Late { step });
        }
        assert_eq!(receiver.play.slots(), CAPACITY);
        assert_eq!(receiver.play.pop(), Ok(PlayEvent::Late { step: 0 }));
    }
}
