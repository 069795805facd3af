//! A call read from a MIDI file, as `respond` and `jam` take it.

use std::path::Path;

use antiphon_engine::families::Family;
use antiphon_engine::performance::Performance;

/// Reads `path` as a performance of `family`, and says on stderr what reading left out.
pub fn read_call(family: Family, path: &Path) -> anyhow::Result<Performance> {
    let (call, report) = Performance::read_file(family, path)?;
    for line in report.to_string().lines() {
        eprintln!("warning: {}: {line}", path.display());
    }
    Ok(call)
}
