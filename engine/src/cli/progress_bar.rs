//! The training progress bar: loss, steps per second and time left.

use std::time::{Duration, Instant};

use antiphon_engine::train::TrainEvent;
use indicatif::{ProgressBar, ProgressStyle};

/// Time between progress lines when there is no terminal to draw the bar on (a log file): often
/// enough to see a run is alive, rarely enough to keep the log readable.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// Turns training events into an `indicatif` bar and a line per epoch.
pub struct TrainProgress {
    bar: ProgressBar,
    log_pace: LogPace,
}

impl TrainProgress {
    /// A bar that appears when training starts.
    pub fn new() -> TrainProgress {
        TrainProgress {
            bar: ProgressBar::hidden(),
            log_pace: LogPace::new(LOG_EVERY),
        }
    }

    /// Shows one training event.
    pub fn show(&mut self, event: &TrainEvent) {
        match event {
            TrainEvent::Started { total_batches, .. } => {
                self.bar = ProgressBar::new(*total_batches as u64);
                self.bar.set_style(
                    ProgressStyle::with_template(
                        "{bar:30} {pos}/{len} batches  {msg}  [{elapsed_precise} elapsed, ETA {eta}]",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
            }
            TrainEvent::Batch {
                epoch,
                batches_done,
                loss_per_step,
                steps_per_sec,
            } => {
                let message =
                    format!("epoch {epoch}  loss {loss_per_step:.3}  {steps_per_sec:.0} steps/s");
                // Without a terminal (a log file) the bar is hidden: print a line now and then.
                if self.bar.is_hidden() && self.log_pace.due(Instant::now()) {
                    eprintln!(
                        "batch {batches_done}/{}: {message}",
                        self.bar.length().unwrap_or(0)
                    );
                }
                self.bar.set_position(*batches_done as u64);
                self.bar.set_message(message);
            }
            TrainEvent::Epoch(record) => {
                let valid = record
                    .valid_nll_per_step
                    .map_or("—".to_owned(), |nll| format!("{nll:.4}"));
                let accuracy = record
                    .valid_accuracy
                    .map_or("—".to_owned(), |a| format!("{:.1} %", 100.0 * a));
                let groove = record.valid_groove_mae.map_or(String::new(), |mae| {
                    format!(
                        "  velocity_mae {:.2}  timing_mae {:.4}",
                        mae.velocity, mae.timing
                    )
                });
                let line = format!(
                    "epoch {:3}: train {:.4}  valid {valid}  accuracy {accuracy}{groove}  lr \
                     {:.2e}  {:.1} min{}",
                    record.epoch,
                    record.train_nll_per_step,
                    record.learning_rate,
                    record.elapsed_secs / 60.0,
                    if record.saved { "  saved" } else { "" }
                );
                self.bar.suspend(|| eprintln!("{line}"));
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// When the next progress line is due: at the first batch, so a log shows at once that training
/// runs, then once per interval however long a batch takes.
struct LogPace {
    every: Duration,
    last: Option<Instant>,
}

impl LogPace {
    fn new(every: Duration) -> LogPace {
        LogPace { every, last: None }
    }

    /// Whether a line is due at `now`; if so, the next one is due an interval later.
    fn due(&mut self, now: Instant) -> bool {
        match self.last {
            Some(last) if now.duration_since(last) < self.every => false,
            _ => {
                self.last = Some(now);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_at_the_first_batch_then_one_per_interval() {
        let start = Instant::now();
        let at = |secs: u64| start + Duration::from_secs(secs);
        let mut pace = LogPace::new(Duration::from_secs(10));
        let printed: Vec<u64> = [0, 1, 9, 10, 12, 19, 20, 45, 46]
            .into_iter()
            .filter(|&secs| pace.due(at(secs)))
            .collect();
        assert_eq!(printed, [0, 10, 20, 45]);
    }
}
