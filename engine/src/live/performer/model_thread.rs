//! The audio thread's side of the rings to the model thread: messages out (counted when the ring
//! is full), steps and loaded models in, and which model it is asked for.

use super::{Model, Performer};
use crate::families::Family;
use crate::live::messages::{FromWorker, Phrase, ToWorker};
use crate::live::monitor::Monitor;
use crate::live::schedule::Delivered;

impl Performer {
    /// The Model parameter moved: what the old model was asked for is dropped here, and the
    /// call is heard in the new model's family from now on (when the slot's family is known:
    /// else from when the model thread says it); the model thread loads that model before it
    /// reads anything sent after.
    pub(super) fn swap_model(&mut self, slot: u32) {
        self.end_phrase(0);
        self.model_slot = slot;
        self.ask_for_model(self.families.get(slot));
    }

    /// Asks the model thread for the slot's model anew, hearing in `family` from now on.
    fn ask_for_model(&mut self, family: Option<Family>) {
        self.model_request = self.model_request.next();
        self.hear_as(family);
        self.send(ToWorker::UseModel {
            slot: self.model_slot,
            request: self.model_request,
            family,
        });
    }

    pub(super) fn send(&mut self, message: ToWorker) {
        if self.outbox.push(message).is_err() {
            Monitor::count(&self.monitor.dropped_messages);
        }
    }

    /// Sends what was heard or asked for to the model loaded (nothing is, while none answers).
    pub(super) fn send_phrase(&mut self, message: Phrase) {
        if let Model::Ready(_) = self.model {
            self.send(ToWorker::Phrase {
                request: self.model_request,
                message,
            });
        }
    }

    /// Takes what the model thread delivered; `offset` is where the block stands.
    pub(super) fn drain_inbox(&mut self, offset: u32) {
        while let Ok(message) = self.inbox.pop() {
            match message {
                FromWorker::Step {
                    id,
                    step,
                    events,
                    groove,
                } => self
                    .schedule
                    .deliver(id, step, Delivered { events, groove }),
                FromWorker::Finished { id } => self.schedule.finish(id),
                FromWorker::Loaded { request, family } if request == self.model_request => {
                    match (self.model, family) {
                        // As the audio thread has been hearing since it asked.
                        (Model::Ready(heard), Some(family)) if heard == family => {}
                        (Model::Loading | Model::Missing, Some(family)) => {
                            self.hear_as(Some(family));
                        }
                        // Heard in another family than the model plays: nothing heard counts.
                        (Model::Ready(_), Some(family)) => {
                            self.end_phrase(offset);
                            self.ask_for_model(Some(family));
                        }
                        (_, None) => {
                            if let Model::Ready(_) = self.model {
                                self.end_phrase(offset);
                            }
                            self.model = Model::Missing;
                        }
                    }
                }
                FromWorker::Reloaded { request } if request == self.model_request => {
                    if let Model::Ready(_) = self.model {
                        self.end_phrase(offset);
                    }
                    self.ask_for_model(self.families.get(self.model_slot));
                }
                // Answers to requests since superseded: a later answer is on its way.
                FromWorker::Loaded { .. } | FromWorker::Reloaded { .. } => {}
            }
        }
    }
}
