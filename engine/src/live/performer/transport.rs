//! Following the host's transport: a jump in position (a relocation or a loop wrap) or a change
//! of meter stops the phrase; a stopped transport closes every note.

use super::{Model, Performer};
use crate::live::feed::PlayEvent;
use crate::live::messages::ToWorker;
use crate::phrase::Meter;
use crate::transport::Position;

/// A jump in song position larger than this (quarter notes) is a relocation or loop wrap.
const JUMP_TOLERANCE_PPQ: f64 = 0.01;

impl Performer {
    pub(super) fn follow_transport(&mut self, position: &Position, meter: Meter) {
        let jumped = self
            .expected_ppq
            .is_some_and(|expected| (position.pos_ppq - expected).abs() > JUMP_TOLERANCE_PPQ);
        let meter_changed = self.following && self.turns.meter() != meter;
        if jumped || meter_changed {
            self.stop(0);
        }
        if !self.following {
            self.turns.reset(meter);
            self.following = true;
        }
    }

    /// Closes every note, the player's passed through too, and forgets the phrase: the
    /// transport stopped, jumped or changed meter.
    pub(super) fn stop(&mut self, offset: u32) {
        let at = self.out.at(offset);
        self.voices
            .close_all(at, |at, event| self.out.voice(at, event));
        self.end_phrase(offset);
        self.following = false;
    }

    /// Closes the answer's notes and forgets the phrase, the transport running on (the model
    /// changed); the player's notes sound on.
    pub(super) fn end_phrase(&mut self, offset: u32) {
        let at = self.out.at(offset);
        self.voices
            .close_generated(at, |at, event| self.out.voice(at, event));
        self.turns.reset(self.turns.meter());
        self.schedule.clear();
        self.played_ahead = None;
        if let Model::Ready(family) = self.model {
            self.quantizers.of_mut(family).reset();
        }
        self.send(ToWorker::Reset);
        self.feed.send(PlayEvent::Reset);
    }
}
