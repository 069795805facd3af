//! The host's clock as the editor reads it from the performer's [`Monitor`], and the stretch of
//! song the piano roll shows around the play position. No drawing here.

use std::sync::atomic::Ordering;

use antiphon_engine::hit::STEPS_PER_QUARTER;
use antiphon_engine::live::monitor::Monitor;
use antiphon_engine::phrase::Meter;

/// Steps per bar assumed before the host has played (4/4).
const DEFAULT_STEPS_PER_BAR: u32 = 16;

/// One reading of the monitor's atomics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// Whether the transport plays.
    pub playing: bool,
    /// The play position, in 16th steps (fractional).
    pub position_steps: f64,
    /// Host tempo, in quarter notes per minute (0 before the host has played).
    pub tempo_bpm: f64,
    /// The bar grid.
    pub meter: Meter,
}

impl Clock {
    /// The clock before anything has played: song start, 4/4.
    pub fn at_rest() -> Clock {
        Clock {
            playing: false,
            position_steps: 0.0,
            tempo_bpm: 0.0,
            meter: Meter::new(0, DEFAULT_STEPS_PER_BAR),
        }
    }

    /// Reads `monitor` (lock-free: atomics the audio thread writes).
    pub fn read(monitor: &Monitor) -> Clock {
        let steps_per_bar = match monitor.steps_per_bar.load(Ordering::Relaxed) {
            0 => DEFAULT_STEPS_PER_BAR,
            steps => steps,
        };
        Clock {
            playing: monitor.playing.load(Ordering::Relaxed),
            position_steps: monitor.pos_ppq.load(Ordering::Relaxed) * f64::from(STEPS_PER_QUARTER),
            tempo_bpm: monitor.tempo_bpm.load(Ordering::Relaxed),
            meter: Meter::new(
                monitor.bar_origin_step.load(Ordering::Relaxed),
                steps_per_bar,
            ),
        }
    }

    /// Steps in one bar.
    pub fn steps_per_bar(&self) -> u32 {
        self.meter.steps_per_bar()
    }

    /// The step the play position is in.
    pub fn step(&self) -> i64 {
        self.position_steps.floor() as i64
    }

    /// Bar and beat of the play position, counted from 1 as hosts show them.
    pub fn bar_and_beat(&self) -> (i64, u32) {
        let bar_line = self.meter.bar_line_at_or_before(self.step());
        let bar = bar_line.div_euclid(i64::from(self.steps_per_bar())) + 1;
        let beat = (self.step() - bar_line) as u32 / STEPS_PER_QUARTER + 1;
        (bar, beat)
    }

    /// Whole bars from the play position to `step` (a bar line), rounded up; 0 once reached.
    pub fn bars_until(&self, step: i64) -> u32 {
        let steps = step as f64 - self.position_steps;
        if steps <= 0.0 {
            return 0;
        }
        (steps / f64::from(self.steps_per_bar())).ceil() as u32
    }
}

/// The stretch of song the piano roll shows: it scrolls with the play position, which stays at a
/// fixed place so the coming bars (where the answer will land) are in view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// First step shown (left edge), fractional.
    pub start_steps: f64,
    /// One past the last step shown (right edge), fractional.
    pub end_steps: f64,
}

impl View {
    /// `bars` bars, `ahead_bars` of them after the play position.
    pub fn following(clock: &Clock, bars: u32, ahead_bars: u32) -> View {
        let bar = f64::from(clock.steps_per_bar());
        let end_steps = clock.position_steps + f64::from(ahead_bars) * bar;
        View {
            start_steps: end_steps - f64::from(bars) * bar,
            end_steps,
        }
    }

    /// Steps shown.
    pub fn len_steps(&self) -> f64 {
        self.end_steps - self.start_steps
    }

    /// Where `step` lies across the view, 0 at the left edge and 1 at the right.
    pub fn fraction(&self, step: f64) -> f64 {
        (step - self.start_steps) / self.len_steps()
    }

    /// The whole steps that are at least partly visible.
    pub fn steps(&self) -> std::ops::Range<i64> {
        self.start_steps.floor() as i64..self.end_steps.ceil() as i64
    }

    /// The bar lines inside the view, with their bar numbers counted from 1.
    pub fn bar_lines(&self, meter: &Meter) -> impl Iterator<Item = (i64, i64)> + '_ {
        let steps_per_bar = i64::from(meter.steps_per_bar());
        let first = meter.bar_line_at_or_before(self.start_steps.ceil() as i64);
        let first = if (first as f64) < self.start_steps {
            first + steps_per_bar
        } else {
            first
        };
        (0..)
            .map(move |n| first + n * steps_per_bar)
            .take_while(|&step| (step as f64) < self.end_steps)
            .map(move |step| (step, step.div_euclid(steps_per_bar) + 1))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;

    fn clock_at(position_steps: f64) -> Clock {
        Clock {
            position_steps,
            playing: true,
            tempo_bpm: 120.0,
            meter: Meter::new(0, 16),
        }
    }

    #[test]
    fn reads_the_monitor() {
        let monitor = Monitor::default();
        assert_eq!(Clock::read(&monitor).steps_per_bar(), 16, "4/4 before play");
        monitor.playing.store(true, Ordering::Relaxed);
        monitor.pos_ppq.store(13.5, Ordering::Relaxed);
        monitor.tempo_bpm.store(97.0, Ordering::Relaxed);
        monitor.steps_per_bar.store(12, Ordering::Relaxed);
        monitor.bar_origin_step.store(0, Ordering::Relaxed);
        let clock = Clock::read(&monitor);
        assert!(clock.playing);
        assert_eq!(clock.position_steps, 54.0);
        assert_eq!(clock.tempo_bpm, 97.0);
        assert_eq!(clock.step(), 54);
        // 3/4: bars of 12 steps; step 54 is in bar 5 (48..60), beat 2.
        assert_eq!(clock.bar_and_beat(), (5, 2));
    }

    #[test]
    fn bars_until_a_bar_line_round_up() {
        let clock = clock_at(20.0);
        assert_eq!(clock.bars_until(32), 1);
        assert_eq!(clock.bars_until(48), 2);
        assert_eq!(clock.bars_until(20), 0);
        assert_eq!(clock.bars_until(16), 0);
    }

    #[test]
    fn the_view_keeps_the_play_position_in_place_with_bars_ahead() {
        let view = View::following(&clock_at(40.0), 8, 2);
        assert_eq!(view.end_steps, 72.0);
        assert_eq!(view.start_steps, 72.0 - 128.0);
        assert_eq!(view.fraction(40.0), 0.75);
        let later = View::following(&clock_at(41.5), 8, 2);
        assert_eq!(later.fraction(41.5), 0.75, "the play position stays put");
    }

    #[test]
    fn bar_lines_inside_the_view_with_their_numbers() {
        let view = View {
            start_steps: 10.5,
            end_steps: 48.0,
        };
        let lines: Vec<_> = view.bar_lines(&Meter::new(0, 16)).collect();
        assert_eq!(lines, [(16, 2), (32, 3)]);
        let before_song_start = View {
            start_steps: -20.0,
            end_steps: 1.0,
        };
        let lines: Vec<_> = before_song_start.bar_lines(&Meter::new(0, 16)).collect();
        assert_eq!(lines, [(-16, 0), (0, 1)]);
        assert_eq!(view.steps(), 10..48);
    }
}
