//! The training progress bar: loss, steps per second and time left.

use antiphon_engine::train::TrainEvent;
use indicatif::{ProgressBar, ProgressStyle};

/// Batches between progress lines when there is no terminal to draw the bar on.
const LOG_EVERY_BATCHES: usize = 50;

/// Turns training events into an `indicatif` bar and a line per epoch.
pub struct TrainProgress {
    bar: ProgressBar,
}

impl TrainProgress {
    /// A bar that appears when training starts.
    pub fn new() -> TrainProgress {
        TrainProgress {
            bar: ProgressBar::hidden(),
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
                if self.bar.is_hidden() && batches_done.is_multiple_of(LOG_EVERY_BATCHES) {
                    eprintln!("batch {batches_done}: {message}");
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
                let line = format!(
                    "epoch {:3}: train {:.4}  valid {valid}  accuracy {accuracy}  lr {:.2e}  \
                     {:.1} min{}",
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
