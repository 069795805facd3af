//! `antiphon respond --learn-from`: the given calls learned from before the answer, as the
//! plugin learns from a session's calls in an offline render (the same learner, thread and
//! pace, and the same mixture played), so that the command line hears what a bounce would.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use antiphon_engine::answer::whole_bars;
use antiphon_engine::learn::HeardCall;
use antiphon_engine::learn::record::LearnedOn;
use antiphon_engine::learn::session::SessionLearning;
use antiphon_engine::learn::thread::{self, Pace};
use antiphon_engine::model::Model;
use anyhow::Context;

use crate::cli::call_file::read_call;

/// The longest the learner may take over one call.
const CALL_LIMIT: Duration = Duration::from_secs(600);

/// `model` adapted to the calls in `files` (each a call from its first bar line) and mixed with
/// itself as the plugin plays it; says on stderr what was learned and what a song keeps of it.
pub fn learned(model: Model, files: &[PathBuf]) -> anyhow::Result<Arc<Model>> {
    let model = Arc::new(model);
    let family = model.family();
    let per_step = family.events_per_step();
    let learning = Arc::new(SessionLearning::default());
    let on = LearnedOn {
        slot: 0,
        folder: None,
    };
    learning.use_model(on, model.clone());
    let _learner = thread::spawn(learning.clone(), Pace::OFFLINE)
        .context("cannot start the learner thread")?;
    for path in files {
        let call = read_call(family, path)?;
        let bar = call.steps_per_bar() as usize * per_step;
        let events = whole_bars(call.ids(), bar);
        let grooves = call.grooves().map(|mut grooves| {
            grooves.resize(events.len(), Default::default());
            grooves
        });
        learning.hear(&HeardCall {
            events,
            grooves,
            steps_per_bar: bar as u32,
        });
        anyhow::ensure!(
            learning.wait_until_caught_up(CALL_LIMIT, || true),
            "learning from {} took longer than {} s",
            path.display(),
            CALL_LIMIT.as_secs()
        );
    }
    let view = learning.view();
    if let Some(fault) = view.fault {
        anyhow::bail!("learning failed: {fault}");
    }
    let bytes = learning.map_record(|record| serde_json::to_string(record).map(|j| j.len()))?;
    eprintln!(
        "learned from {} calls ({:.0} bars) in {} steps; a song keeps this in {bytes} bytes",
        view.calls, view.bars, view.steps
    );
    for (n, score) in view.history.iter().enumerate() {
        eprintln!(
            "  call {}: ln p per event {:.3} loaded, {:.3} adapted before it",
            n + 1,
            score.loaded,
            score.adapted
        );
    }
    eprintln!("the adapted model answers, mixed step by step with the loaded one");
    learning
        .answering()
        .context("the learner published no adapted model")
}
