//! Loading a data folder and cutting it into windows, with a report of what was used.

use std::path::Path;

use antiphon_engine::dataset::{Dataset, Split, SplitSource};
use antiphon_engine::encoding::EventId;
use antiphon_engine::encoding::groove::GrooveValues;
use antiphon_engine::families::Family;
use antiphon_engine::model::repeat_samples::HeardWindow;
use antiphon_engine::performance::Performance;
use antiphon_engine::window_cuts::WindowStarts;
use anyhow::Context;

/// Loads every MIDI file under `dir` as `family` plays, and prints what was used and skipped,
/// and what reading left out (a melody among the drums is heard as toms and hats; a chord given
/// to a melody model is heard as its top note).
pub fn load_reported(dir: &Path, family: Family) -> anyhow::Result<Dataset> {
    let dataset = Dataset::load(dir, family)
        .with_context(|| format!("cannot load the data folder {}", dir.display()))?;
    eprintln!(
        "{}: {} used ({} train, {} validation, {} test, {} unassigned; split from {}), {} \
         skipped",
        dir.display(),
        files(dataset.files.len()),
        dataset.count(Split::Train),
        dataset.count(Split::Validation),
        dataset.count(Split::Test),
        dataset.count(Split::Unassigned),
        split_source_name(&dataset.split_source),
        dataset.skipped.len()
    );
    for skipped in &dataset.skipped {
        eprintln!("  skipped {skipped}");
    }
    for line in dataset.report.to_string().lines() {
        eprintln!("warning: {}: {line}", dir.display());
    }
    Ok(dataset)
}

/// "1 file", "2 files".
pub fn files(count: usize) -> String {
    if count == 1 {
        "1 file".to_owned()
    } else {
        format!("{count} files")
    }
}

/// How the split was decided, for reports and the model card.
pub fn split_source_name(source: &SplitSource) -> &'static str {
    match source {
        SplitSource::InfoCsv => "the folder's GMD info.csv",
        SplitSource::PathHash => {
            "a hash of each file's path, or of its tune when the family names one (1 in 10 to \
             validation)"
        }
    }
}

/// Bar-aligned windows of at most `steps` 16th steps from every performance, as the model reads
/// them: the family's events per step.
pub fn event_windows(
    performances: &[&Performance],
    steps: usize,
    starts: WindowStarts,
) -> Vec<Vec<EventId>> {
    performances
        .iter()
        .flat_map(|performance| performance.windows(steps, starts))
        .collect()
}

/// The windows of [`event_windows`] with their grooves (drums only).
pub fn groove_windows(
    performances: &[&Performance],
    steps: usize,
    starts: WindowStarts,
) -> Vec<Vec<GrooveValues>> {
    performances
        .iter()
        .flat_map(|performance| {
            performance
                .groove_windows(steps, starts)
                .unwrap_or_default()
        })
        .collect()
}

/// The bar length of each window of [`event_windows`] in events, in order.
pub fn bar_lengths(performances: &[&Performance], steps: usize, starts: WindowStarts) -> Vec<u32> {
    performances
        .iter()
        .flat_map(|performance| {
            let count = performance.windows(steps, starts).len();
            std::iter::repeat_n(performance.events_per_bar(), count)
        })
        .collect()
}

/// Windows of [`event_windows`] as a model hears them, with their grooves (from
/// [`groove_windows`]; none for melodies) and bar lengths (from [`bar_lengths`]).
pub fn heard<'a>(
    windows: &'a [Vec<EventId>],
    grooves: &'a [Vec<GrooveValues>],
    bar_lengths: &[u32],
) -> Vec<HeardWindow<'a>> {
    windows
        .iter()
        .zip(bar_lengths)
        .enumerate()
        .map(|(index, (events, &steps_per_bar))| HeardWindow {
            events,
            grooves: grooves.get(index).map(Vec::as_slice),
            steps_per_bar,
        })
        .collect()
}

/// The windows as slices, as the model and the baseline take them.
pub fn slices(windows: &[Vec<EventId>]) -> Vec<&[EventId]> {
    windows.iter().map(Vec::as_slice).collect()
}

/// Steps scored in `windows` (all but the first of each).
pub fn scored_steps(windows: &[Vec<EventId>]) -> usize {
    windows.iter().map(|w| w.len().saturating_sub(1)).sum()
}
