//! The model thread: one per plugin instance, started on activation, joined on deactivation.
//! It hears the call step by step, answers when told, and streams the response back one step
//! at a time so the first notes are ready long before the rest.

use std::collections::VecDeque;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use rtrb::{Consumer, Producer};

use crate::encoding::drums::DrumEvent;
use crate::live::feed::{Answered, FeedSender};
use crate::live::listener::{CallListener, Primed};
use crate::live::messages::{FromWorker, Generation, ToWorker};
use crate::live::shelf::ModelShelf;
use crate::model::{DrumModel, ModelError, Sampler};
use crate::phrase::StepSpan;
use crate::phrase::state::WindowId;
use crate::rng::SplitMix64;

/// How long the idle model thread sleeps between looks at its ring.
const POLL_INTERVAL: Duration = Duration::from_millis(1);
/// Recent responses kept for the model to answer itself (mutate).
const RECENT_WINDOWS: usize = 4;

/// What the model thread measures, for the audio thread's lead and for benchmarks.
#[derive(Debug, Default)]
pub struct WorkerStats {
    /// Recent time per LSTM step (exponential average), in microseconds.
    pub step_micros: AtomicU32,
    /// Responses generated since start.
    pub responses: AtomicU32,
    /// For the last answer: microseconds between its first step being ready and the deadline
    /// for it to sound on time (negative: late).
    pub last_margin_micros: AtomicI64,
    /// Answers whose first step missed its deadline.
    pub late_answers: AtomicU32,
}

/// The running model thread. Dropping it stops and joins the thread.
#[derive(Debug)]
pub struct WorkerHandle {
    thread: Option<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
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

/// Starts the model thread.
pub fn spawn(
    shelf: Arc<ModelShelf>,
    inbox: Consumer<ToWorker>,
    outbox: Producer<FromWorker>,
    stats: Arc<WorkerStats>,
    answers: FeedSender<Answered>,
) -> io::Result<WorkerHandle> {
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = stop.clone();
    let thread = std::thread::Builder::new()
        .name("antiphon-model".into())
        .spawn(move || {
            Worker {
                shelf,
                inbox,
                outbox,
                stats,
                answers,
                stop: thread_stop,
                model: None,
                loaded: None,
                listener: None,
                recent: VecDeque::with_capacity(RECENT_WINDOWS),
                fresh_seeds: SplitMix64::new(clock_seed()),
            }
            .run()
        })?;
    Ok(WorkerHandle {
        thread: Some(thread),
        stop,
    })
}

fn clock_seed() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// One answer to generate.
struct Request {
    id: WindowId,
    /// The primer, when answering the player.
    call: Option<StepSpan>,
    /// Steps generated but not played (the call was decided early).
    skip_steps: u32,
    response: StepSpan,
    generation: Generation,
    /// When the first response step must be ready.
    deadline: Instant,
}

struct Worker {
    shelf: Arc<ModelShelf>,
    inbox: Consumer<ToWorker>,
    outbox: Producer<FromWorker>,
    stats: Arc<WorkerStats>,
    answers: FeedSender<Answered>,
    stop: Arc<AtomicBool>,
    /// Shared so a phrase in progress can hold it while the worker sends.
    model: Option<Arc<DrumModel>>,
    /// Slot and folder of the loaded model.
    loaded: Option<(u32, Option<PathBuf>)>,
    listener: Option<CallListener>,
    recent: VecDeque<(WindowId, Vec<DrumEvent>)>,
    fresh_seeds: SplitMix64,
}

impl Worker {
    fn run(mut self) {
        while !self.stop.load(Ordering::Acquire) {
            self.sync_model();
            let mut busy = false;
            while let Ok(message) = self.inbox.pop() {
                busy = true;
                if let Err(error) = self.handle(message) {
                    // A failed step loses this phrase, not the session.
                    eprintln!("antiphon: model thread: {error}");
                    self.listener = None;
                }
            }
            if !busy {
                std::thread::park_timeout(POLL_INTERVAL);
            }
        }
    }

    fn sync_model(&mut self) {
        let requested = self.shelf.requested();
        if self.loaded.as_ref() == Some(&requested) {
            return;
        }
        match self.shelf.load(requested.0) {
            Ok(model) => {
                // The old model is dropped here, on this thread, never on the audio thread.
                let swapped = self.model.replace(Arc::new(model)).is_some();
                if swapped {
                    self.listener = None;
                    self.recent.clear();
                    self.send(FromWorker::ModelChanged);
                }
            }
            Err(error) => eprintln!("antiphon: the shipped model failed to load: {error}"),
        }
        self.loaded = Some(requested);
    }

    fn handle(&mut self, message: ToWorker) -> Result<(), ModelError> {
        let Some(model) = self.model.clone() else {
            return Ok(());
        };
        let model = model.as_ref();
        match message {
            ToWorker::Reset => self.listener = None,
            ToWorker::CallStarted {
                start,
                steps_per_bar,
            } => self.listener = Some(CallListener::new(model, start, steps_per_bar)?),
            ToWorker::CallStep { step, event } => {
                if let Some(listener) = &mut self.listener {
                    let started = Instant::now();
                    listener.hear(model, step, event)?;
                    self.record_step_time(started.elapsed(), 1);
                }
            }
            ToWorker::Respond {
                id,
                primer,
                skip_steps,
                response,
                generation,
                deadline,
            } => {
                let primed = match self.listener.take() {
                    Some(mut listener) if listener.start() == primer.start => {
                        listener.primed_until(model, primer.end)?
                    }
                    _ => CallListener::new(model, primer.start, 1)?
                        .primed_until(model, primer.start)?,
                };
                let request = Request {
                    id,
                    call: Some(primer),
                    skip_steps,
                    response,
                    generation,
                    deadline,
                };
                self.answer(request, primed)?;
            }
            ToWorker::Continue {
                id,
                source_id,
                response,
                generation,
                deadline,
            } => {
                let Some((_, source)) = self.recent.iter().find(|(w, _)| *w == source_id) else {
                    self.send(FromWorker::Finished { id });
                    return Ok(());
                };
                let source = source.clone();
                let mut listener = CallListener::new(model, 0, 1)?;
                for (position, &event) in source.iter().enumerate() {
                    listener.hear(model, position as i64, event)?;
                }
                let primed = listener.primed_until(model, source.len() as i64)?;
                let request = Request {
                    id,
                    call: None,
                    skip_steps: 0,
                    response,
                    generation,
                    deadline,
                };
                self.answer(request, primed)?;
            }
        }
        Ok(())
    }

    fn answer(&mut self, request: Request, primed: Primed) -> Result<(), ModelError> {
        let Request {
            id,
            call,
            skip_steps,
            response,
            generation,
            deadline,
        } = request;
        let Some(model) = self.model.clone() else {
            return Ok(());
        };
        let seed = match generation.seed {
            // Reproducible: the same seed and the same bar give the same take.
            Some(seed) => {
                SplitMix64::new((u64::from(seed.get()) << 32) ^ response.start as u64).next_u64()
            }
            None => self.fresh_seeds.next_u64(),
        };
        let mut sampler = Sampler::new(seed);
        let Primed {
            mut state,
            mut last,
            mut position_steps,
            log_likelihood: call_log_likelihood,
        } = primed;
        let mut log_likelihood = 0.0;
        let total_steps = skip_steps as usize + response.len_steps();
        let mut events = Vec::with_capacity(response.len_steps());
        let started = Instant::now();
        for index in 0..total_steps {
            let log_probs = model.step(&mut state, last, position_steps)?;
            let (event, log_prob) = sampler.sample(&log_probs, generation.temperature);
            last = event;
            position_steps += 1;
            let Some(played) = index.checked_sub(skip_steps as usize) else {
                continue;
            };
            if played == 0 {
                self.record_margin(deadline);
            }
            log_likelihood += log_prob;
            events.push(event);
            self.send(FromWorker::Step {
                id,
                step: response.start + played as i64,
                event,
            });
        }
        self.record_step_time(started.elapsed(), total_steps);
        self.send(FromWorker::Finished { id });
        self.answers.send(Answered {
            id,
            call,
            call_log_likelihood,
            response,
            log_likelihood,
        });
        self.stats.responses.fetch_add(1, Ordering::Relaxed);
        if self.recent.len() == RECENT_WINDOWS {
            self.recent.pop_front();
        }
        self.recent.push_back((id, events));
        Ok(())
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

    fn record_step_time(&self, elapsed: Duration, steps: usize) {
        if steps == 0 {
            return;
        }
        let micros = (elapsed.as_micros() / steps as u128).min(u128::from(u32::MAX)) as u32;
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
