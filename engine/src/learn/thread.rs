//! The learner thread: one per plugin instance, beside the model thread, at the lowest
//! priority the system has (on Linux `SCHED_IDLE`) and on one core. It learns from each call as
//! it joins the record, replays a loaded song's record, and publishes each adaptation for the
//! model thread to take between phrases.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::learn::record::Adaptation;
use crate::learn::session::{CallScore, Landed, LearnJob, SessionLearning};
use crate::learn::{HeardCall, LearnSettings, Learner, call_log_likelihood};
use crate::model::{Model, ModelError};

/// How long the idle learner sleeps between looks at the record.
const POLL_INTERVAL: Duration = Duration::from_millis(10);
/// The learner's draws: fixed, so that a record replays to the same weights.
const LEARN_SEED: u64 = 0x6C65_6172_6E65_6400;

/// How long the learner learns from each call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Live: as many steps as fit in the time, recorded so that a reload takes the same.
    Budget(Duration),
    /// Offline render: a fixed number of steps, so that a bounce is the same every time.
    Steps(u32),
}

impl Pace {
    /// Live play: half a second of learning after each call (150 steps of the shipped drums on
    /// the 2-core machine), well inside the bar or more before the next call ends.
    pub const LIVE: Pace = Pace::Budget(Duration::from_millis(500));
    /// An offline render (and the command line): 64 steps after each call.
    pub const OFFLINE: Pace = Pace::Steps(64);
}

/// The running learner thread. Dropping it stops and joins the thread.
#[derive(Debug)]
pub struct LearnerThread {
    thread: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
}

impl Drop for LearnerThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            // A panicked learner has nothing left to clean up.
            let _ = thread.join();
        }
    }
}

/// Starts the learner thread for `learning`.
pub fn spawn(learning: Arc<SessionLearning>, pace: Pace) -> io::Result<LearnerThread> {
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = stop.clone();
    let thread = std::thread::Builder::new()
        .name("antiphon-learner".into())
        .spawn(move || {
            lower_priority();
            run(&learning, pace, &thread_stop);
        })?;
    Ok(LearnerThread {
        thread: Some(thread),
        stop,
    })
}

/// Below every thread of the host: the learner takes only time nobody else wants.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is a valid sched_param; pid 0 is the calling thread.
        let failed = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } != 0;
        if failed {
            // SAFETY: plain call; 0 is the calling thread.
            unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
        }
    }
    #[cfg(windows)]
    {
        #[link(name = "kernel32")]
        unsafe extern "system" {
            fn GetCurrentThread() -> *mut std::ffi::c_void;
            fn SetThreadPriority(thread: *mut std::ffi::c_void, priority: i32) -> i32;
        }
        /// Windows' idle priority: runs when nothing else of normal priority can.
        const THREAD_PRIORITY_IDLE: i32 = -15;
        // SAFETY: the calling thread's pseudo-handle, always valid, and a documented priority.
        unsafe { SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_IDLE) };
    }
}

fn run(learning: &SessionLearning, pace: Pace, stop: &AtomicBool) {
    let mut session: Option<Session> = None;
    while !stop.load(Ordering::Acquire) {
        let (revision, seen) = session
            .as_ref()
            .map_or((0, 0), |s| (s.revision, s.calls.len()));
        let worked = match learning.job(revision, seen) {
            None => false,
            Some(job) => {
                if session.as_ref().is_none_or(|s| s.revision != job.revision) {
                    session = Some(Session::new(&job));
                }
                let revision = job.revision;
                let learned = session
                    .as_mut()
                    .map(|s| s.advance(job, learning, pace, stop));
                match learned {
                    Some(Ok(worked)) => worked,
                    Some(Err(why)) => {
                        learning.refuse(revision, why);
                        session = None;
                        false
                    }
                    None => false,
                }
            }
        };
        if !worked {
            std::thread::sleep(POLL_INTERVAL);
        }
    }
}

/// The learner for one model and one revision of the record.
struct Session {
    revision: u64,
    base: Arc<Model>,
    learner: Learner,
    adapted: Arc<Model>,
    calls: Vec<HeardCall>,
    /// Adaptations applied, and the calls scored so far.
    applied: usize,
    scored: usize,
}

impl Session {
    fn new(job: &LearnJob) -> Session {
        Session {
            revision: job.revision,
            base: job.base.clone(),
            learner: Learner::new(&job.base, LearnSettings::default(), LEARN_SEED),
            adapted: job.base.clone(),
            calls: Vec::new(),
            applied: 0,
            scored: 0,
        }
    }

    /// Learns what `job` holds that this session has not: the record's adaptations first (a
    /// loaded song replayed), then any call heard since. Says whether it did anything; an
    /// error says why the record cannot be replayed.
    fn advance(
        &mut self,
        job: LearnJob,
        learning: &SessionLearning,
        pace: Pace,
        stop: &AtomicBool,
    ) -> Result<bool, String> {
        let vocab_size = self.base.vocab_size();
        for (offset, call) in job.calls.iter().enumerate() {
            let call = call
                .heard(job.first_call + offset, vocab_size)
                .map_err(|e| format!("the song's learning could not be replayed: {e}"))?;
            self.calls.push(call);
        }
        if let Some(adaptation) = job.adaptations.get(self.applied).copied() {
            let calls = adaptation.calls as usize;
            if calls > self.calls.len() || calls <= self.scored {
                return Err(format!(
                    "the song's learning could not be replayed: adaptation {} learns from {calls} \
                     calls, {} heard",
                    self.applied,
                    self.calls.len()
                ));
            }
            let scores = self.score(calls).map_err(|e| e.to_string())?;
            if self.step_times(calls, adaptation.steps, stop) {
                self.land(learning, calls, scores)
                    .map_err(|e| e.to_string())?;
            }
            return Ok(true);
        }
        let learned = job.adaptations.last().map_or(0, |a| a.calls as usize);
        if self.calls.len() <= learned {
            return Ok(false);
        }
        let calls = self.calls.len();
        let scores = self.score(calls).map_err(|e| e.to_string())?;
        let steps = match pace {
            Pace::Budget(budget) => {
                let steps = self
                    .learner
                    .step_for(&self.calls, budget, || !stop.load(Ordering::Acquire));
                if stop.load(Ordering::Acquire) {
                    // Cut short: not recorded, so that a reload replays only whole adaptations.
                    return Ok(true);
                }
                steps
            }
            Pace::Steps(steps) => {
                if !self.step_times(calls, steps, stop) {
                    return Ok(true);
                }
                u64::from(steps)
            }
        };
        let adaptation = Adaptation {
            calls: calls as u32,
            steps: steps as u32,
        };
        if learning.record_adaptation(self.revision, adaptation) {
            self.land(learning, calls, scores)
                .map_err(|e| e.to_string())?;
        }
        Ok(true)
    }

    /// Takes `steps` learner steps on the first `calls` calls; false when stopped before the
    /// last (the adaptation is then not whole, and neither recorded nor published).
    fn step_times(&mut self, calls: usize, steps: u32, stop: &AtomicBool) -> bool {
        for _ in 0..steps {
            if stop.load(Ordering::Acquire) {
                return false;
            }
            self.learner.step(&self.calls[..calls]);
        }
        true
    }

    /// Scores the calls before number `until` not yet scored, under the loaded model and the
    /// adapted one as it stands (before it learns from them): the editor's history.
    fn score(&mut self, until: usize) -> Result<Vec<CallScore>, ModelError> {
        let mut scores = Vec::new();
        for call in &self.calls[self.scored..until] {
            let (loaded, loaded_events) = call_log_likelihood(&self.base, call)?;
            let (adapted, _) = call_log_likelihood(&self.adapted, call)?;
            let per_event = |ll: f32| ll / loaded_events.max(1) as f32;
            scores.push(CallScore {
                loaded: per_event(loaded),
                adapted: per_event(adapted),
            });
        }
        self.scored = until;
        Ok(scores)
    }

    /// The adaptation just taken becomes the adapted model, published to answer mixed with the
    /// loaded one.
    fn land(
        &mut self,
        learning: &SessionLearning,
        calls: usize,
        scores: Vec<CallScore>,
    ) -> Result<(), ModelError> {
        self.applied += 1;
        let adapted = self.learner.model()?;
        let playing = adapted.clone().mixed_with(self.base.clone());
        self.adapted = Arc::new(adapted);
        learning.publish(
            self.revision,
            Landed {
                model: Arc::new(playing),
                adaptations: self.applied,
                calls,
                steps: self.learner.steps(),
                scores,
            },
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::EventId;
    use crate::learn::record::LearnedOn;
    use crate::model::loaded::tests::tiny_model_files;

    fn tiny() -> Arc<Model> {
        let (config, weights) = tiny_model_files();
        Arc::new(Model::from_bytes(&config, &weights).unwrap())
    }

    fn call(variant: usize) -> HeardCall {
        let bar = [9, 0, 3, 0, 17, 0, 3, 0, 9, 0, 3, variant, 17, 0, 3, 1];
        HeardCall {
            events: bar.iter().chain(&bar).map(|&e| EventId::new(e)).collect(),
            grooves: None,
            steps_per_bar: 16,
        }
    }

    fn wait_until_caught_up(learning: &SessionLearning) {
        assert!(
            learning.wait_until_caught_up(Duration::from_secs(60), || true),
            "the learner never caught up"
        );
    }

    fn on() -> LearnedOn {
        LearnedOn {
            slot: 0,
            folder: None,
        }
    }

    #[test]
    fn a_record_replays_to_the_same_adapted_model_and_forget_returns_to_the_loaded_one() {
        let model = tiny();
        let learning = Arc::new(SessionLearning::default());
        learning.use_model(on(), model.clone());
        let thread = spawn(learning.clone(), Pace::Steps(20)).unwrap();
        for variant in 0..4 {
            learning.hear(&call(variant));
            wait_until_caught_up(&learning);
        }
        let view = learning.view();
        assert_eq!((view.calls, view.bars), (4, 8.0));
        assert_eq!(view.landed, [1, 2, 3, 4]);
        assert_eq!(view.history.len(), 4);
        assert_eq!(view.steps, 80);
        // The first call was scored before anything was learned: both models alike.
        assert_eq!(view.history[0].loaded, view.history[0].adapted);
        // Learning the pattern makes its next variation likelier under the adapted model.
        assert!(view.history[3].adapted > view.history[3].loaded, "{view:?}");
        let adapted = learning.answering().expect("the adapted model answers");
        drop(thread);

        // A song saved and loaded: the same record, replayed by a new learner.
        let saved = learning.map_record(|record| serde_json::to_string(record).unwrap());
        let reloaded = Arc::new(SessionLearning::default());
        reloaded.restore(serde_json::from_str(&saved).unwrap());
        assert!(reloaded.view().replaying);
        reloaded.use_model(on(), tiny());
        let _thread = spawn(reloaded.clone(), Pace::Budget(Duration::ZERO)).unwrap();
        wait_until_caught_up(&reloaded);
        assert_eq!(reloaded.answering().unwrap().params(), adapted.params());
        assert_eq!(reloaded.view().history, view.history);
        assert!(!reloaded.view().replaying);

        // Another model forgets; so does Forget.
        reloaded.use_model(
            LearnedOn {
                slot: 1,
                folder: None,
            },
            tiny(),
        );
        assert_eq!(reloaded.view().calls, 0);
        assert!(reloaded.answering().is_none());
        learning.forget();
        assert!(learning.answering().is_none());
        assert_eq!(learning.map_record(|r| r.calls.len()), 0);
    }

    #[test]
    fn a_damaged_record_is_set_aside_and_said_why() {
        let learning = Arc::new(SessionLearning::default());
        let mut record = crate::learn::record::LearnRecord::default();
        let mut saved = crate::learn::record::SavedCall::new(&call(0));
        saved.events[3] = 9999;
        record.model = Some(on());
        record.calls.push(saved);
        record.adaptations.push(Adaptation { calls: 1, steps: 3 });
        learning.restore(record);
        learning.use_model(on(), tiny());
        let _thread = spawn(learning.clone(), Pace::Steps(1)).unwrap();
        wait_until_caught_up(&learning);
        let fault = learning.view().fault.expect("the editor says why");
        assert!(fault.contains("event 9999"), "{fault}");
        assert_eq!(learning.map_record(|r| r.calls.len()), 0);
    }
}
