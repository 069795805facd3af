//! The model thread: one per plugin instance, started on activation, joined on deactivation.
//! It hears the call step by step, answers when told, and streams the response back one step
//! at a time so the first notes are ready long before the rest.

use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use rtrb::{Consumer, Producer};

use crate::encoding::groove::GrooveValues;
use crate::encoding::{EventId, StepEvents};
use crate::families::Family;
use crate::learn::HeardCall;
use crate::learn::record::LearnedOn;
use crate::learn::session::SessionLearning;
use crate::learn::thread::{self as learner, LearnerThread, Pace};
use crate::live::feed::{Answered, FeedSender};
use crate::live::listener::{CallListener, Primed};
use crate::live::messages::{FromWorker, Generation, ModelRequest, Phrase, ToWorker};
use crate::live::shelf::ModelShelf;
use crate::model::beam::{self, SearchProgress};
use crate::model::next_allowed::NextAllowed;
use crate::model::{Beams, Model, ModelError, Sampler, Sampling};
use crate::phrase::{AnswerRequest, Heard, Responder, StepSpan, WindowId};
use crate::rng::SplitMix64;

/// How long the idle model thread sleeps between looks at its ring.
const POLL_INTERVAL: Duration = Duration::from_millis(1);
/// Recent responses kept for the model to answer itself (mutate).
const RECENT_WINDOWS: usize = 4;
/// The longest an offline render's call waits for the learner to learn from the calls before.
const OFFLINE_LEARNING_WAIT: Duration = Duration::from_secs(120);

/// An answer as the model played it, kept to be heard again (Mutate, Jam).
#[derive(Debug, Clone)]
struct Take {
    id: WindowId,
    events: Vec<EventId>,
    /// Step for step; zero from a model without a groove head, which does not read them.
    grooves: Vec<GrooveValues>,
}

impl Take {
    fn new(id: WindowId, steps: usize) -> Take {
        Take {
            id,
            events: Vec::with_capacity(steps),
            grooves: Vec::with_capacity(steps),
        }
    }

    fn push(&mut self, event: EventId, groove: Option<GrooveValues>) {
        self.events.push(event);
        self.grooves.push(groove.unwrap_or_default());
    }

    /// The events of the 16th step the last event completed, `per_step` to a step; `None`
    /// while that step is still incomplete.
    fn last_step(&self, per_step: usize) -> Option<StepEvents> {
        let len = self.events.len();
        (len > 0 && len.is_multiple_of(per_step))
            .then(|| StepEvents::new(&self.events[len - per_step..]))
    }
}
/// Where "fresh" takes start in an offline render, so that a bounce renders the same takes
/// every time.
const OFFLINE_FRESH_SEED: u64 = 0x616E_7469_7068_6F6E;

/// What the model thread measures, for the editor and for benchmarks.
#[derive(Debug, Default)]
pub struct WorkerStats {
    /// Recent time per LSTM step (exponential average), in microseconds.
    pub step_micros: AtomicU32,
    /// For the last answer: microseconds from starting it to its first step being ready (the
    /// steps run on through a gap, or a whole beam search, come before it).
    pub first_step_micros: AtomicU32,
    /// Responses generated since start.
    pub responses: AtomicU32,
    /// For the last answer: microseconds between its first step being ready and the deadline
    /// for it to sound on time (negative: late).
    pub last_margin_micros: AtomicI64,
    /// Answers whose first step missed its deadline.
    pub late_answers: AtomicU32,
    /// LSTM steps computed since start (hearing calls and answering).
    pub steps: AtomicU64,
    /// Counts up with every answer step computed, as it is computed (a beam search's steps
    /// included): an offline render waits for the model as long as this moves.
    pub heartbeat: AtomicU64,
}

/// An answer to compute: what the model heard, where the answer plays, how to sample it.
struct AnswerJob<'a> {
    id: WindowId,
    model: &'a Model,
    primed: Primed,
    /// The events the model heard before `primed`, from a step's first event on.
    heard: &'a [EventId],
    /// Steps run on through a gap before the answer, sampled and left out.
    skip_steps: usize,
    response: StepSpan,
    sampling: Sampling<'a>,
    /// When the answer's first step must be ready.
    deadline: Instant,
}

/// Sends a beam search's answer steps as they settle.
struct SettledSender<'w> {
    worker: &'w mut Worker,
    take: Take,
    id: WindowId,
    response: StepSpan,
    /// Model steps per 16th step: a step is sent when all of its are settled.
    per_step: usize,
    started: Instant,
    deadline: Instant,
    /// Whether the answer's first step is ready, and when the last search step ended and how
    /// long it took.
    first_ready: bool,
    last_step: (Instant, Duration),
}

impl SearchProgress for SettledSender<'_> {
    fn stepped(&mut self) {
        self.worker.stats.heartbeat.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        self.last_step = (now, now - self.last_step.0);
    }

    fn settled(&mut self, index: usize, event: EventId, groove: Option<GrooveValues>) {
        // The answer's first step is ready with its last event.
        if index + 1 == self.per_step {
            self.first_ready = true;
            self.worker
                .record_first_step(self.started.elapsed(), self.deadline);
        }
        self.take.push(event, groove);
        if let Some(events) = self.take.last_step(self.per_step) {
            let step = index / self.per_step;
            self.worker
                .send_step(self.id, self.response, step, events, groove);
        }
    }

    /// Live play: the first step is due when the next few search steps could end after its
    /// deadline. An offline render waits for the whole search, so that a bounce repeats.
    fn due(&self) -> bool {
        let (now, step) = self.last_step;
        !self.worker.offline && !self.first_ready && now + 3 * step >= self.deadline
    }
}

/// The running model thread. Dropping it stops and joins the thread.
#[derive(Debug)]
pub struct WorkerHandle {
    thread: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
    /// Joined after the model thread (which may wait for it offline).
    _learner: LearnerThread,
}

impl Drop for WorkerHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            // A panicked model thread has nothing left to clean up.
            let _ = thread.join();
        }
    }
}

/// How the model thread starts.
#[derive(Debug, Clone, Copy)]
pub struct WorkerStart {
    /// The model slot to load first, as the first request (`ModelRequest::default()`).
    pub slot: u32,
    /// The family the audio thread hears for from the start (`None`: not known, it waits).
    pub family: Option<Family>,
    /// Whether the host renders offline (fresh takes then repeat from render to render).
    pub offline: bool,
}

/// Starts the model thread, and the learner beside it learning into `learning`.
pub fn spawn(
    shelf: Arc<ModelShelf>,
    learning: Arc<SessionLearning>,
    start: WorkerStart,
    (inbox, outbox, stats, answers): Channels,
) -> io::Result<WorkerHandle> {
    let pace = if start.offline {
        Pace::OFFLINE
    } else {
        Pace::LIVE
    };
    let learner = learner::spawn(learning.clone(), pace)?;
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = stop.clone();
    let fresh_seed = if start.offline {
        OFFLINE_FRESH_SEED
    } else {
        clock_seed()
    };
    let thread = std::thread::Builder::new()
        .name("antiphon-model".into())
        .spawn(move || {
            let channels = (inbox, outbox, stats, answers);
            Worker::new(shelf, learning, start, channels, thread_stop, fresh_seed).run()
        })?;
    Ok(WorkerHandle {
        thread: Some(thread),
        stop,
        _learner: learner,
    })
}

/// Runs `work`, a panic in it caught and told as its message: the model thread outlives it.
fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|message| (*message).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned())
    })
}

fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// Where a loaded model came from: its slot, and the folder in it (none for a shipped model).
type SlotSource = (u32, Option<PathBuf>);

struct Worker {
    shelf: Arc<ModelShelf>,
    learning: Arc<SessionLearning>,
    offline: bool,
    inbox: Consumer<ToWorker>,
    outbox: Producer<FromWorker>,
    stats: Arc<WorkerStats>,
    answers: FeedSender<Answered>,
    stop: Arc<AtomicBool>,
    /// The slot the audio thread asked for, and its request.
    slot: u32,
    request: ModelRequest,
    /// Whether what is heard for `request` reaches the model: the model loaded for it plays the
    /// family the audio thread hears for, and has not been loaded again since.
    hearing: bool,
    /// Shared so a phrase in progress can hold it while the worker sends.
    model: Option<Arc<Model>>,
    /// The model adapted to the player, answering in its place: taken from the learner when a
    /// call starts, never during a phrase.
    adapted: Option<Arc<Model>>,
    /// Slot and folder of the loaded model.
    loaded: Option<SlotSource>,
    /// The slot the audio thread asked to jam with, if any.
    jam_slot: Option<u32>,
    /// The jam model, and the slot and folder it was loaded from.
    jam: Option<(Arc<Model>, SlotSource)>,
    listener: Option<CallListener>,
    recent: VecDeque<Take>,
    fresh_seeds: SplitMix64,
}

/// What the model thread talks through: its two rings, its numbers, and the editor's feed.
pub type Channels = (
    Consumer<ToWorker>,
    Producer<FromWorker>,
    Arc<WorkerStats>,
    FeedSender<Answered>,
);

impl Worker {
    /// The model thread's state, the first request's model loaded.
    fn new(
        shelf: Arc<ModelShelf>,
        learning: Arc<SessionLearning>,
        start: WorkerStart,
        (inbox, outbox, stats, answers): Channels,
        stop: Arc<AtomicBool>,
        fresh_seed: u64,
    ) -> Worker {
        let mut worker = Worker {
            shelf,
            learning,
            offline: start.offline,
            inbox,
            outbox,
            stats,
            answers,
            stop,
            slot: start.slot,
            request: ModelRequest::default(),
            hearing: false,
            model: None,
            adapted: None,
            loaded: None,
            jam_slot: None,
            jam: None,
            listener: None,
            recent: VecDeque::with_capacity(RECENT_WINDOWS),
            fresh_seeds: SplitMix64::new(fresh_seed),
        };
        worker.use_model(start.slot, ModelRequest::default(), start.family);
        worker
    }

    fn run(mut self) {
        while !self.stop.load(Ordering::Acquire) {
            self.follow_folder();
            self.sync_jam_model();
            let mut busy = false;
            while let Ok(message) = self.inbox.pop() {
                busy = true;
                self.handle_guarded(message);
            }
            if !busy {
                std::thread::park_timeout(POLL_INTERVAL);
            }
        }
    }

    /// Handles `message`; a failure loses the phrase, a panic the model too, never the thread:
    /// the model is loaded again and the next call is answered. An answer that will not come
    /// is finished, so that nobody waits for it.
    fn handle_guarded(&mut self, message: ToWorker) {
        self.guard(message, Self::handle);
    }

    /// Does `work` on `message` as [`Worker::handle_guarded`] does `handle`.
    fn guard(
        &mut self,
        message: ToWorker,
        work: impl FnOnce(&mut Worker, ToWorker) -> Result<(), ModelError>,
    ) {
        let failure = match guarded(|| work(self, message)) {
            Ok(Ok(())) => return,
            Ok(Err(error)) => error.to_string(),
            Err(panic) => {
                self.loaded = None;
                self.jam = None;
                format!(
                    "it failed ({panic}); the model is loaded again, and the phrase it was \
                     working on is lost"
                )
            }
        };
        self.shelf.report_fault(failure);
        self.listener = None;
        self.recent.clear();
        if let ToWorker::Phrase {
            message: Phrase::Answer { request, .. },
            ..
        } = message
        {
            self.send(FromWorker::Finished { id: request.id });
        }
    }

    /// Answers with the model of `slot` from `request` on, for an audio thread that hears in
    /// `family` (`None`: it waits to be told). Loaded at once, as what was heard for it follows
    /// in the ring; unless another request follows, which would make the load wasted work (a
    /// Model swept through several slots loads once).
    fn use_model(&mut self, slot: u32, request: ModelRequest, family: Option<Family>) {
        self.slot = slot;
        self.request = request;
        self.listener = None;
        self.recent.clear();
        if self.superseded() {
            self.hearing = false;
            return;
        }
        self.load_slot();
        let loaded = self.model.as_ref().map(|model| model.family());
        self.hearing = loaded.is_some() && family.is_none_or(|family| Some(family) == loaded);
        self.send(FromWorker::Loaded {
            request,
            family: loaded,
        });
    }

    /// Whether a later `UseModel` waits in the ring.
    fn superseded(&mut self) -> bool {
        let waiting = self.inbox.slots();
        self.inbox.read_chunk(waiting).is_ok_and(|chunk| {
            let (first, second) = chunk.as_slices();
            first
                .iter()
                .chain(second)
                .any(|message| matches!(message, ToWorker::UseModel { .. }))
        })
    }

    /// A song's state loaded while playing may put another folder under the slot in use (and a
    /// failure drops the model): the slot's model is loaded again, and the audio thread told.
    /// (The jam model follows its folder in [`Worker::sync_jam_model`].)
    fn follow_folder(&mut self) {
        if self.load_slot() {
            self.listener = None;
            self.recent.clear();
            self.hearing = false;
            self.send(FromWorker::Reloaded {
                request: self.request,
            });
        }
    }

    /// Loads the model of the slot asked for unless it is the one loaded; says whether it
    /// loaded one.
    fn load_slot(&mut self) -> bool {
        let wanted = (self.slot, self.shelf.folder(self.slot));
        if self.loaded.as_ref() == Some(&wanted) {
            return false;
        }
        // The old model is dropped here, on this thread, never on the audio thread.
        self.model = None;
        let slot = self.slot;
        let shelf = &self.shelf;
        self.model = match guarded(|| shelf.load(slot)) {
            Ok(Ok(model)) => Some(Arc::new(model)),
            Ok(Err(error)) => {
                shelf.report_fault(format!("the shipped model failed to load: {error}"));
                None
            }
            Err(panic) => {
                shelf.report_fault(format!("loading the model failed ({panic})"));
                None
            }
        };
        self.adapted = None;
        if let Some(model) = &self.model {
            let (slot, folder) = wanted.clone();
            self.learning
                .use_model(LearnedOn { slot, folder }, model.clone());
        }
        self.loaded = Some(wanted);
        // The jam model may be this one.
        self.sync_jam_model();
        true
    }

    /// Loads the jam model of the slot asked for when it is not the one loaded (or drops it when
    /// the jam ends). A jam model of another family than the model's cannot hear it: the model
    /// then answers itself, and the editor says why.
    fn sync_jam_model(&mut self) {
        let Some(slot) = self.jam_slot else {
            self.jam = None;
            return;
        };
        let wanted = (slot, self.shelf.folder(slot));
        if self
            .jam
            .as_ref()
            .is_some_and(|(_, loaded)| *loaded == wanted)
        {
            return;
        }
        let model = if self.loaded.as_ref() == Some(&wanted) {
            self.model.clone()
        } else {
            match self.shelf.load(slot) {
                Ok(model) => Some(Arc::new(model)),
                Err(error) => {
                    self.shelf
                        .report_fault(format!("the jam model failed to load: {error}"));
                    None
                }
            }
        };
        if let (Some(jam), Some(model)) = (&model, &self.model)
            && jam.family() != model.family()
        {
            self.shelf.report_fault(format!(
                "the jam model plays {} and the model {}: the model answers itself",
                jam.family(),
                model.family()
            ));
        }
        self.jam = model.map(|model| (model, wanted));
    }

    /// The model that answers for `responder`: the jam model when one of the model's family is
    /// loaded, else the model.
    fn answering(&self, responder: Responder, model: &Arc<Model>) -> Arc<Model> {
        match (responder, &self.jam) {
            (Responder::JamModel, Some((jam, _))) if jam.family() == model.family() => jam.clone(),
            _ => model.clone(),
        }
    }

    fn handle(&mut self, message: ToWorker) -> Result<(), ModelError> {
        match message {
            ToWorker::Reset => self.listener = None,
            ToWorker::UseModel {
                slot,
                request,
                family,
            } => self.use_model(slot, request, family),
            ToWorker::UseJamModel { slot } => {
                self.jam_slot = slot;
                self.sync_jam_model();
            }
            ToWorker::Phrase { request, message } => {
                let heard = self.hearing && request == self.request;
                if heard && let Phrase::CallStarted { .. } = message {
                    self.take_adaptation();
                }
                let model = self.adapted.clone().or_else(|| self.model.clone());
                match (heard, model, message) {
                    (true, Some(model), message) => self.phrase(&model, message)?,
                    // Asked of a model no longer here: nothing will come.
                    (_, _, Phrase::Answer { request, .. }) => {
                        self.send(FromWorker::Finished { id: request.id })
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Between phrases: the learner's latest adaptation (mixed with the loaded model) answers
    /// from this call on. An offline render first waits for the learner to learn from every
    /// call before this one, so that a bounce repeats.
    fn take_adaptation(&mut self) {
        if self.offline {
            let (stats, stop) = (&self.stats, &self.stop);
            self.learning
                .wait_until_caught_up(OFFLINE_LEARNING_WAIT, || {
                    // The render waits as long as something moves.
                    stats.heartbeat.fetch_add(1, Ordering::Relaxed);
                    !stop.load(Ordering::Acquire)
                });
        }
        self.adapted = self.learning.answering();
    }

    /// Hears a call step or answers, with `model`, the one answering. The listener and the
    /// sampler count model steps: `events_per_step` of them to each 16th step.
    fn phrase(&mut self, model: &Arc<Model>, message: Phrase) -> Result<(), ModelError> {
        let per_step = model.family().events_per_step();
        match message {
            Phrase::CallStarted {
                start,
                steps_per_bar,
            } => {
                self.listener = Some(CallListener::new(
                    model,
                    start * per_step as i64,
                    steps_per_bar * per_step as u32,
                )?)
            }
            Phrase::CallStep {
                step,
                events,
                groove,
            } => {
                if let Some(listener) = &mut self.listener {
                    let (started, before) = (Instant::now(), listener.computed_steps());
                    for (index, &event) in events.ids().iter().enumerate() {
                        let model_step = step * per_step as i64 + index as i64;
                        listener.hear(model, model_step, event, groove)?;
                    }
                    let computed = listener.computed_steps() - before;
                    self.record_step_time(started.elapsed(), computed);
                }
            }
            Phrase::Answer {
                request,
                generation,
                deadline,
            } => {
                let answering = self.answering(request.responder, model);
                let model = model.as_ref();
                // The player's call, to learn from once it is answered.
                let mut learned = None;
                // The model's state after what it heard, and the events themselves (a melodic
                // answer's key is found from them).
                let (primed, heard) = match request.heard {
                    Heard::Call { primer, .. } => {
                        let (start, end) =
                            (primer.start * per_step as i64, primer.end * per_step as i64);
                        match self.listener.take() {
                            Some(mut listener) if listener.start() == start => {
                                let (started, before) = (Instant::now(), listener.computed_steps());
                                let primed = listener.primed_until(model, end)?;
                                let computed = listener.computed_steps() - before;
                                self.record_step_time(started.elapsed(), computed);
                                let length = primer.len_steps() * per_step;
                                if generation.learn {
                                    learned = Some(HeardCall {
                                        events: listener.events()[..length].to_vec(),
                                        grooves: model
                                            .config()
                                            .groove_units
                                            .map(|_| listener.grooves()[..length].to_vec()),
                                        steps_per_bar: request.steps_per_bar * per_step as u32,
                                    });
                                }
                                let heard = &listener.events()[..length];
                                (primed, heard.to_vec())
                            }
                            _ => (
                                CallListener::new(
                                    model,
                                    start,
                                    request.steps_per_bar * per_step as u32,
                                )?
                                .primed_until(model, start)?,
                                Vec::new(),
                            ),
                        }
                    }
                    Heard::Window { source_id, .. } => {
                        let Some(source) = self.recent.iter().find(|take| take.id == source_id)
                        else {
                            self.send(FromWorker::Finished { id: request.id });
                            return Ok(());
                        };
                        let source = source.clone();
                        let started = Instant::now();
                        // An answer is heard with the feel it was played with, in the meter
                        // it was played in (its first step on a bar line).
                        let (primed, computed) = CallListener::heard_whole(
                            answering.as_ref(),
                            &source.events,
                            &source.grooves,
                            request.steps_per_bar * per_step as u32,
                        )?;
                        self.record_step_time(started.elapsed(), computed);
                        (primed, source.events)
                    }
                };
                let allowed = model
                    .family()
                    .answer_mask(generation.key, generation.scale, &heard);
                self.answer(
                    &answering,
                    request,
                    generation,
                    deadline,
                    (primed, &heard),
                    allowed.as_deref(),
                )?;
                if let Some(call) = learned {
                    self.learning.hear(&call);
                }
            }
        }
        Ok(())
    }

    fn answer(
        &mut self,
        model: &Model,
        request: AnswerRequest,
        generation: Generation,
        deadline: Instant,
        (primed, heard): (Primed, &[EventId]),
        allowed: Option<&[bool]>,
    ) -> Result<(), ModelError> {
        let AnswerRequest { id, response, .. } = request;
        let skip_steps = match request.heard {
            Heard::Call { skip_steps, .. } => skip_steps,
            Heard::Window { .. } => 0,
        };
        let seed = match generation.seed {
            // Reproducible: the same seed and the same bar give the same take.
            Some(seed) => {
                SplitMix64::new((u64::from(seed.get()) << 32) ^ response.start as u64).next_u64()
            }
            None => self.fresh_seeds.next_u64(),
        };
        let sampling = Sampling {
            temperature: generation.temperature,
            allowed,
            seed,
            beams: generation.beams,
        };
        let call_log_likelihood = primed.log_likelihood;
        let job = AnswerJob {
            id,
            model,
            primed,
            heard,
            skip_steps: skip_steps as usize,
            response,
            sampling,
            deadline,
        };
        let (take, log_likelihood) = if generation.beams == Beams::ONE {
            self.stream(job)?
        } else {
            self.search(job)?
        };
        self.send(FromWorker::Finished { id });
        self.answers.send(Answered {
            id,
            call: request.call(),
            call_log_likelihood,
            response,
            log_likelihood,
        });
        self.stats.responses.fetch_add(1, Ordering::Relaxed);
        if self.recent.len() == RECENT_WINDOWS {
            self.recent.pop_front();
        }
        self.recent.push_back(take);
        Ok(())
    }

    /// Samples one take, sending each step as it is drawn: the answer can start playing while
    /// the rest is computed.
    fn stream(&mut self, job: AnswerJob<'_>) -> Result<(Take, f32), ModelError> {
        let AnswerJob {
            id,
            model,
            primed,
            heard,
            skip_steps,
            response,
            sampling,
            deadline,
        } = job;
        let Primed {
            mut state,
            mut last,
            mut last_groove,
            mut position_steps,
            ..
        } = primed;
        let mut sampler = Sampler::new(sampling.seed);
        let mut log_likelihood = 0.0;
        let per_step = model.family().events_per_step();
        let (skip_steps, response_steps) = (skip_steps * per_step, response.len_steps() * per_step);
        let total_steps = skip_steps + response_steps;
        let mut take = Take::new(id, response_steps);
        let mut next_allowed = NextAllowed::new(model.family(), sampling.allowed);
        let mut drawn = Vec::with_capacity(total_steps);
        let started = Instant::now();
        for index in 0..total_steps {
            let log_probs = model.step_played(&mut state, last, &last_groove, position_steps)?;
            let allowed = next_allowed.after(heard, &drawn);
            let (event, log_prob) = sampler.sample(log_probs, sampling.temperature, Some(allowed));
            drawn.push(event);
            self.stats.heartbeat.fetch_add(1, Ordering::Relaxed);
            last = event;
            // A groove model plays its hit, and hears it, as it predicts.
            let groove = model.predict_groove(&mut state, event);
            last_groove = groove.unwrap_or_default();
            position_steps += 1;
            let Some(played) = index.checked_sub(skip_steps) else {
                continue;
            };
            // The answer's first step is ready with its last event.
            if played + 1 == per_step {
                self.record_first_step(started.elapsed(), deadline);
            }
            log_likelihood += log_prob;
            take.push(event, groove);
            if let Some(events) = take.last_step(per_step) {
                self.send_step(id, response, played / per_step, events, groove);
            }
        }
        self.record_step_time(started.elapsed(), total_steps as u64);
        Ok((take, log_likelihood))
    }

    /// Searches the answer over several takes, sending each step as soon as every take still
    /// searched shares it: a long search starts playing before it ends.
    fn search(&mut self, job: AnswerJob<'_>) -> Result<(Take, f32), ModelError> {
        let per_step = job.model.family().events_per_step();
        let mut sender = SettledSender {
            take: Take::new(job.id, job.response.len_steps() * per_step),
            worker: self,
            id: job.id,
            response: job.response,
            per_step,
            started: Instant::now(),
            deadline: job.deadline,
            first_ready: false,
            last_step: (Instant::now(), Duration::ZERO),
        };
        let generated = beam::search(
            job.model,
            &job.primed.state,
            (job.primed.last, job.primed.last_groove),
            job.heard,
            job.primed.position_steps,
            job.skip_steps * per_step,
            job.response.len_steps() * per_step,
            job.sampling,
            &mut sender,
        )?;
        Ok((sender.take, generated.log_likelihood))
    }

    /// Sends the answer's `played`-th step, played as `groove` says (`None`: on the grid).
    fn send_step(
        &mut self,
        id: WindowId,
        response: StepSpan,
        played: usize,
        events: StepEvents,
        groove: Option<GrooveValues>,
    ) {
        self.send(FromWorker::Step {
            id,
            step: response.start + played as i64,
            events,
            groove,
        });
    }

    fn record_first_step(&self, elapsed: Duration, deadline: Instant) {
        let micros = elapsed.as_micros().min(u128::from(u32::MAX)) as u32;
        self.stats
            .first_step_micros
            .store(micros, Ordering::Relaxed);
        self.record_margin(deadline);
    }

    fn record_margin(&self, deadline: Instant) {
        let now = Instant::now();
        let margin_micros = match deadline.checked_duration_since(now) {
            Some(ahead) => ahead.as_micros() as i64,
            None => -(now.duration_since(deadline).as_micros() as i64),
        };
        self.stats
            .last_margin_micros
            .store(margin_micros, Ordering::Relaxed);
        if margin_micros < 0 {
            self.stats.late_answers.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Counts `steps` LSTM steps computed in `elapsed`, and keeps the average time per step.
    fn record_step_time(&self, elapsed: Duration, steps: u64) {
        if steps == 0 {
            return;
        }
        self.stats.steps.fetch_add(steps, Ordering::Relaxed);
        let micros = (elapsed.as_micros() / u128::from(steps)).min(u128::from(u32::MAX)) as u32;
        let previous = self.stats.step_micros.load(Ordering::Relaxed);
        let average = if previous == 0 {
            micros
        } else {
            (previous * 7 + micros) / 8
        };
        self.stats.step_micros.store(average, Ordering::Relaxed);
    }

    /// Sends to the audio thread, waiting while its ring is full (the host may pause `process`).
    fn send(&mut self, message: FromWorker) {
        while self.outbox.push(message).is_err() {
            if self.stop.load(Ordering::Acquire) {
                return;
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use rtrb::RingBuffer;

    use super::*;
    use crate::encoding::key::KeyChoice;
    use crate::encoding::scale::Scale;
    use crate::live::feed::feed;
    use crate::live::shelf::{ShippedModel, UserModels};
    use crate::model::loaded::tests::tiny_model_files;
    use crate::phrase::{Responder, StepSpan};

    /// A worker on a shelf with a tiny drum model, and the audio thread's ends of its rings.
    fn worker() -> (Worker, Producer<ToWorker>, Consumer<FromWorker>) {
        let (config, weights) = tiny_model_files();
        let shelf = Arc::new(ModelShelf::new(
            vec![ShippedModel {
                name: "tiny",
                word: "tiny",
                config_json: Box::leak(config.into_boxed_slice()),
                weights: Box::leak(weights.into_boxed_slice()),
                card_json: b"{}",
            }],
            UserModels::default(),
            Arc::new(|_: &str| {}),
        ));
        let (to_worker, inbox) = RingBuffer::new(64);
        let (outbox, from_worker) = RingBuffer::new(256);
        let (_, answers, _) = feed(Arc::new(AtomicBool::new(false)));
        let start = WorkerStart {
            slot: 0,
            family: Some(Family::DRUMS),
            offline: true,
        };
        let channels = (inbox, outbox, Arc::default(), answers);
        let worker = Worker::new(shelf, Arc::default(), start, channels, Arc::default(), 1);
        (worker, to_worker, from_worker)
    }

    fn received(from_worker: &mut Consumer<FromWorker>) -> Vec<FromWorker> {
        std::iter::from_fn(|| from_worker.pop().ok()).collect()
    }

    /// Asks for an answer to a one-bar call of kicks heard for `request`.
    fn call_and_answer(worker: &mut Worker, request: ModelRequest, id: u32) {
        let phrase = |message| ToWorker::Phrase { request, message };
        worker.handle_guarded(phrase(Phrase::CallStarted {
            start: 0,
            steps_per_bar: 16,
        }));
        for step in 0..16 {
            let event = if step % 4 == 0 {
                EventId::new(1)
            } else {
                EventId::QUIET
            };
            worker.handle_guarded(phrase(Phrase::CallStep {
                step,
                events: StepEvents::one(event),
                groove: GrooveValues::default(),
            }));
        }
        worker.handle_guarded(phrase(answer(id)));
    }

    fn answer(id: u32) -> Phrase {
        Phrase::Answer {
            request: AnswerRequest {
                id,
                heard: Heard::Call {
                    primer: StepSpan::new(0, 16),
                    skip_steps: 0,
                },
                response: StepSpan::new(16, 32),
                responder: Responder::Model,
                steps_per_bar: 16,
            },
            generation: Generation {
                temperature: 1.0,
                seed: NonZeroU32::new(3),
                key: KeyChoice::Auto,
                scale: Scale::Off,
                beams: Beams::ONE,
                learn: false,
            },
            deadline: Instant::now(),
        }
    }

    #[test]
    fn a_panic_loses_the_phrase_the_model_is_loaded_again_and_the_next_call_is_answered() {
        let (mut worker, _to_worker, mut from_worker) = worker();
        let first = ModelRequest::default();
        assert_eq!(
            received(&mut from_worker),
            [FromWorker::Loaded {
                request: first,
                family: Some(Family::DRUMS)
            }]
        );
        // Something on the model thread panics while it answers.
        worker.guard(
            ToWorker::Phrase {
                request: first,
                message: answer(1),
            },
            |_, _| panic!("a bug in a kernel"),
        );
        let fault = worker.shelf.status().fault.expect("the editor is told");
        assert!(fault.contains("a bug in a kernel"), "{fault}");
        // Nobody waits for the answer that will not come; the model is loaded again, and the
        // audio thread told to ask again.
        assert_eq!(received(&mut from_worker), [FromWorker::Finished { id: 1 }]);
        worker.follow_folder();
        assert_eq!(
            received(&mut from_worker),
            [FromWorker::Reloaded { request: first }]
        );
        // What was sent for the old request is not heard any more…
        call_and_answer(&mut worker, first, 2);
        assert_eq!(received(&mut from_worker), [FromWorker::Finished { id: 2 }]);
        // … and the next request's call is answered, step by step.
        let next = first.next();
        worker.handle_guarded(ToWorker::UseModel {
            slot: 0,
            request: next,
            family: Some(Family::DRUMS),
        });
        call_and_answer(&mut worker, next, 3);
        let replies = received(&mut from_worker);
        assert_eq!(
            replies[0],
            FromWorker::Loaded {
                request: next,
                family: Some(Family::DRUMS)
            }
        );
        let steps = replies
            .iter()
            .filter(|reply| matches!(reply, FromWorker::Step { id: 3, .. }))
            .count();
        assert_eq!(steps, 16, "{replies:?}");
        assert_eq!(replies.last(), Some(&FromWorker::Finished { id: 3 }));
    }
}
