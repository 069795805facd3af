//! A session's learning as everyone holding it sees it: the record the song saves (written by
//! the model thread as calls are heard, replaced by a loaded song, cleared by Forget), the model
//! the learner starts from, the adapted model it publishes, and what the editor shows. The
//! audio thread never touches it; every other thread holds its lock only to copy in or out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::learn::HeardCall;
use crate::learn::record::{Adaptation, LearnRecord, LearnedOn, SavedCall};
use crate::model::Model;

/// Calls a session keeps at most: 256 two-bar calls, half an hour of two-bar call and response
/// at 120 BPM. A song replays every adaptation on load, so its replay grows with the calls kept
/// (about two minutes in the background at this many); beyond it Learn hears no more until
/// Forget.
pub const MAX_CALLS: usize = 256;

/// How often a wait for the learner looks again.
const CAUGHT_UP_POLL: Duration = Duration::from_millis(1);

/// One call as the editor plots it: ln p per event under each model, the adapted one as it
/// stood before it heard this call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallScore {
    pub loaded: f32,
    pub adapted: f32,
}

/// What the editor shows of the learning.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LearnView {
    /// Calls in the record, and the bars they span.
    pub calls: usize,
    pub bars: f64,
    /// Every call scored so far, in the order heard.
    pub history: Vec<CallScore>,
    /// For each adaptation landed, how many calls it had learned from.
    pub landed: Vec<usize>,
    /// Learner steps taken since the model was loaded or forgot.
    pub steps: u64,
    /// Whether a loaded song's learning is still being replayed.
    pub replaying: bool,
    /// Whether the session holds [`MAX_CALLS`] calls and hears no more.
    pub full: bool,
    /// Why a saved record could not be replayed (it was set aside).
    pub fault: Option<String>,
}

/// The adapted model as the learner last published it.
#[derive(Debug, Clone)]
struct Published {
    revision: u64,
    adaptations: usize,
    model: Arc<Model>,
}

#[derive(Debug, Default)]
struct Shared {
    record: LearnRecord,
    /// Bumped whenever the record is replaced, cleared or belongs to another model: the
    /// learner starts again from the record as it is then.
    revision: u64,
    base: Option<(LearnedOn, Arc<Model>)>,
    published: Option<Published>,
    view: LearnView,
}

impl Shared {
    fn restart(&mut self) {
        self.revision += 1;
        self.published = None;
        self.view = LearnView {
            calls: self.record.calls.len(),
            bars: self.record.bars(),
            replaying: !self.record.adaptations.is_empty(),
            ..LearnView::default()
        };
    }
}

/// What the learner is to work from: the model, the revision, the calls it has not seen and
/// every adaptation of the record.
#[derive(Debug)]
pub struct LearnJob {
    pub revision: u64,
    pub base: Arc<Model>,
    /// Calls from number `first_call` on.
    pub first_call: usize,
    pub calls: Vec<SavedCall>,
    pub adaptations: Vec<Adaptation>,
}

/// A session's learning, shared.
#[derive(Debug, Default)]
pub struct SessionLearning {
    shared: Mutex<Shared>,
}

impl SessionLearning {
    /// The record as the song saves it.
    pub fn map_record<R>(&self, f: impl Fn(&LearnRecord) -> R) -> R {
        f(&self.shared.lock().record)
    }

    /// A song's record, loaded: replayed by the learner once its model is loaded.
    pub fn restore(&self, record: LearnRecord) {
        let mut shared = self.shared.lock();
        shared.record = record;
        shared.restart();
    }

    /// Forget: back to the model as it was loaded.
    pub fn forget(&self) {
        let mut shared = self.shared.lock();
        shared.record = LearnRecord::default();
        shared.restart();
    }

    /// What the editor shows.
    pub fn view(&self) -> LearnView {
        self.shared.lock().view.clone()
    }

    /// Model thread: `model`, loaded from `on`, answers now: the learner starts again from it
    /// (replaying the record). Learning of another model is forgotten.
    pub fn use_model(&self, on: LearnedOn, model: Arc<Model>) {
        let mut shared = self.shared.lock();
        let same = shared
            .base
            .as_ref()
            .is_some_and(|(_, base)| Arc::ptr_eq(base, &model));
        let foreign = shared.record.model.as_ref().is_some_and(|m| *m != on);
        shared.base = Some((on, model));
        if foreign {
            shared.record = LearnRecord::default();
        }
        if foreign || !same {
            shared.restart();
        }
    }

    /// Model thread: the player's call, heard while Learn is On, joins the record.
    pub fn hear(&self, call: &HeardCall) {
        let mut shared = self.shared.lock();
        let Some((on, _)) = &shared.base else {
            return;
        };
        if shared.record.calls.len() >= MAX_CALLS {
            shared.view.full = true;
            return;
        }
        shared.record.model = Some(on.clone());
        shared.record.calls.push(SavedCall::new(call));
        shared.view.calls = shared.record.calls.len();
        shared.view.bars = shared.record.bars();
    }

    /// Model thread, between phrases: the adapted model (mixed with the loaded one), once an
    /// adaptation has landed.
    pub fn answering(&self) -> Option<Arc<Model>> {
        let shared = self.shared.lock();
        shared
            .published
            .as_ref()
            .filter(|p| p.revision == shared.revision)
            .map(|p| p.model.clone())
    }

    /// Whether every call heard has been learned from (an offline render waits for this
    /// before each call, so that a bounce answers the same every time).
    pub fn caught_up(&self) -> bool {
        let shared = self.shared.lock();
        let record = &shared.record;
        let learned = record.adaptations.last().map_or(0, |a| a.calls as usize);
        let landed = shared
            .published
            .as_ref()
            .filter(|p| p.revision == shared.revision)
            .map_or(0, |p| p.adaptations);
        shared.base.is_none()
            || (learned == record.calls.len() && landed == record.adaptations.len())
    }

    /// Waits until [`SessionLearning::caught_up`], at most `limit`, calling `waiting` at each
    /// look (it says whether to go on waiting); says whether it caught up.
    pub fn wait_until_caught_up(&self, limit: Duration, mut waiting: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            if self.caught_up() {
                return true;
            }
            if Instant::now() >= deadline || !waiting() {
                return false;
            }
            std::thread::sleep(CAUGHT_UP_POLL);
        }
    }

    /// Learner: what to work from, when a model is loaded, for a learner at `revision` that
    /// has seen `seen` calls.
    pub fn job(&self, revision: u64, seen: usize) -> Option<LearnJob> {
        let shared = self.shared.lock();
        let (_, base) = shared.base.as_ref()?;
        let first_call = if revision == shared.revision { seen } else { 0 };
        Some(LearnJob {
            revision: shared.revision,
            base: base.clone(),
            first_call,
            calls: shared
                .record
                .calls
                .get(first_call..)
                .unwrap_or_default()
                .to_vec(),
            adaptations: shared.record.adaptations.clone(),
        })
    }

    /// Learner: a new adaptation, learned at `revision`, joins the record (unless the record
    /// changed meanwhile). Says whether it did.
    pub fn record_adaptation(&self, revision: u64, adaptation: Adaptation) -> bool {
        let mut shared = self.shared.lock();
        let fresh = shared.revision == revision;
        if fresh {
            shared.record.adaptations.push(adaptation);
        }
        fresh
    }

    /// Learner: the model after `adaptations` adaptations of `revision`, with the calls it
    /// scored since the last one and its steps.
    pub fn publish(&self, revision: u64, adapted: Landed) {
        let mut shared = self.shared.lock();
        if shared.revision != revision {
            return;
        }
        let recorded = shared.record.adaptations.len();
        let view = &mut shared.view;
        view.history.extend(adapted.scores);
        view.landed.push(adapted.calls);
        view.steps = adapted.steps;
        view.replaying = adapted.adaptations < recorded;
        shared.published = Some(Published {
            revision,
            adaptations: adapted.adaptations,
            model: adapted.model,
        });
    }

    /// Learner: the record at `revision` cannot be replayed: it is set aside, and the
    /// editor says why.
    pub fn refuse(&self, revision: u64, why: String) {
        let mut shared = self.shared.lock();
        if shared.revision == revision {
            shared.record = LearnRecord::default();
            shared.restart();
            shared.view.fault = Some(why);
        }
    }
}

/// An adaptation as the learner publishes it.
#[derive(Debug)]
pub struct Landed {
    pub model: Arc<Model>,
    /// Adaptations in it, and the calls the last one learned from.
    pub adaptations: usize,
    pub calls: usize,
    pub steps: u64,
    /// The calls scored since the last publication.
    pub scores: Vec<CallScore>,
}
