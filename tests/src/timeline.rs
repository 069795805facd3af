//! A scripted host transport: tempo changes, relocations (loop jumps) and stops at given samples,
//! and the exact arithmetic a test needs to know where a musical position falls in samples.

/// Tolerance, in samples, for positions that land on a sample boundary: CLAP carries beat
/// positions in fixed point (2^-31 beats), so a bar line computed by the plugin may sit a hair
/// off the exact value.
pub const SAMPLE_EPSILON: f64 = 1e-3;

/// The host's transport as seen at one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransportState {
    /// Whether the transport is running.
    pub playing: bool,
    /// Song position, in quarter notes.
    pub pos_ppq: f64,
    /// Tempo, in quarter notes per minute.
    pub tempo_bpm: f64,
    /// Song position in seconds, as a host derives it from the tempo map (approximate after
    /// jumps; Antiphon does not read it).
    pub pos_secs: f64,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    start_sample: u64,
    playing: bool,
    start_ppq: f64,
    tempo_bpm: f64,
}

/// A transport script in absolute host samples (the host's own monotonic sample counter).
#[derive(Debug, Clone)]
pub struct Timeline {
    sample_rate_hz: f64,
    time_signature: (u16, u16),
    segments: Vec<Segment>,
}

impl Timeline {
    /// Playing from sample 0 at `start_ppq` and `tempo_bpm`, in 4/4.
    pub fn playing(sample_rate_hz: f64, start_ppq: f64, tempo_bpm: f64) -> Timeline {
        Timeline {
            sample_rate_hz,
            time_signature: (4, 4),
            segments: vec![Segment {
                start_sample: 0,
                playing: true,
                start_ppq,
                tempo_bpm,
            }],
        }
    }

    /// Stopped at `pos_ppq` from sample 0.
    pub fn stopped(sample_rate_hz: f64, pos_ppq: f64, tempo_bpm: f64) -> Timeline {
        let mut timeline = Timeline::playing(sample_rate_hz, pos_ppq, tempo_bpm);
        timeline.segments[0].playing = false;
        timeline
    }

    /// Uses another time signature throughout.
    pub fn with_time_signature(mut self, numerator: u16, denominator: u16) -> Timeline {
        self.time_signature = (numerator, denominator);
        self
    }

    /// The tempo changes at `sample`; the position runs on continuously.
    pub fn tempo_change_at(self, sample: u64, tempo_bpm: f64) -> Timeline {
        let state = self.state_at(sample);
        self.push(Segment {
            start_sample: sample,
            playing: state.playing,
            start_ppq: state.pos_ppq,
            tempo_bpm,
        })
    }

    /// The position jumps to `pos_ppq` at `sample` (a loop wrap or a relocation).
    pub fn jump_at(self, sample: u64, pos_ppq: f64) -> Timeline {
        let state = self.state_at(sample);
        self.push(Segment {
            start_sample: sample,
            playing: state.playing,
            start_ppq: pos_ppq,
            tempo_bpm: state.tempo_bpm,
        })
    }

    /// The transport stops at `sample` and stays where it stopped.
    pub fn stop_at(self, sample: u64) -> Timeline {
        let state = self.state_at(sample);
        self.push(Segment {
            start_sample: sample,
            playing: false,
            start_ppq: state.pos_ppq,
            tempo_bpm: state.tempo_bpm,
        })
    }

    /// The transport starts again at `sample`, from `pos_ppq`.
    pub fn start_at(self, sample: u64, pos_ppq: f64) -> Timeline {
        let state = self.state_at(sample);
        self.push(Segment {
            start_sample: sample,
            playing: true,
            start_ppq: pos_ppq,
            tempo_bpm: state.tempo_bpm,
        })
    }

    fn push(mut self, segment: Segment) -> Timeline {
        assert!(
            self.segments
                .last()
                .is_none_or(|last| last.start_sample < segment.start_sample),
            "timeline changes must be scripted in order"
        );
        self.segments.push(segment);
        self
    }

    /// The sample rate the timeline counts in.
    pub fn sample_rate_hz(&self) -> f64 {
        self.sample_rate_hz
    }

    /// The time signature, as (numerator, denominator).
    pub fn time_signature(&self) -> (u16, u16) {
        self.time_signature
    }

    /// Length of one bar in quarter notes.
    pub fn bar_ppq(&self) -> f64 {
        f64::from(self.time_signature.0) * 4.0 / f64::from(self.time_signature.1)
    }

    /// Samples where the transport changes; hosts start a new block there.
    pub fn change_samples(&self) -> impl Iterator<Item = u64> + '_ {
        self.segments.iter().skip(1).map(|s| s.start_sample)
    }

    fn segment_index_at(&self, sample: u64) -> usize {
        self.segments
            .iter()
            .rposition(|s| s.start_sample <= sample)
            .expect("the first segment starts at sample 0")
    }

    /// The transport at `sample`.
    pub fn state_at(&self, sample: u64) -> TransportState {
        let index = self.segment_index_at(sample);
        let segment = self.segments[index];
        let elapsed_secs = (sample - segment.start_sample) as f64 / self.sample_rate_hz;
        let pos_ppq = if segment.playing {
            segment.start_ppq + elapsed_secs * segment.tempo_bpm / 60.0
        } else {
            segment.start_ppq
        };
        TransportState {
            playing: segment.playing,
            pos_ppq,
            tempo_bpm: segment.tempo_bpm,
            pos_secs: pos_ppq * 60.0 / segment.tempo_bpm,
        }
    }

    /// The first sample at or after which the playing transport has reached `pos_ppq`, searching
    /// the script in order; `None` if it never does.
    pub fn sample_of_ppq(&self, pos_ppq: f64) -> Option<u64> {
        self.segments.iter().enumerate().find_map(|(i, segment)| {
            if !segment.playing {
                return None;
            }
            let end_sample = self.segments.get(i + 1).map(|next| next.start_sample);
            let samples_per_quarter = self.sample_rate_hz * 60.0 / segment.tempo_bpm;
            let offset = ((pos_ppq - segment.start_ppq) * samples_per_quarter - SAMPLE_EPSILON)
                .ceil()
                .max(0.0);
            let sample = segment.start_sample + offset as u64;
            let reached = pos_ppq >= segment.start_ppq - SAMPLE_EPSILON / samples_per_quarter;
            (reached && end_sample.is_none_or(|end| sample < end)).then_some(sample)
        })
    }

    /// The sample of bar line `bar` (bar 0 starts at position 0), the first time it is played.
    pub fn sample_of_bar(&self, bar: u32) -> Option<u64> {
        self.sample_of_ppq(f64::from(bar) * self.bar_ppq())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_lines_at_steady_tempo() {
        let timeline = Timeline::playing(48_000.0, 0.0, 120.0);
        assert_eq!(timeline.sample_of_bar(0), Some(0));
        assert_eq!(timeline.sample_of_bar(1), Some(96_000));
        assert_eq!(timeline.sample_of_bar(3), Some(288_000));
    }

    #[test]
    fn tempo_change_keeps_position_continuous() {
        // One bar at 120 BPM (96 000 samples), then 60 BPM: the next bar takes 192 000 samples.
        let timeline = Timeline::playing(48_000.0, 0.0, 120.0).tempo_change_at(96_000, 60.0);
        assert_eq!(timeline.state_at(96_000).pos_ppq, 4.0);
        assert_eq!(timeline.sample_of_bar(2), Some(96_000 + 192_000));
    }

    #[test]
    fn jumps_and_stops() {
        let timeline = Timeline::playing(48_000.0, 0.0, 120.0)
            .jump_at(96_000, 0.0)
            .stop_at(150_000);
        assert_eq!(timeline.state_at(96_000).pos_ppq, 0.0);
        assert!(!timeline.state_at(150_000).playing);
        // The loop wraps on bar 1's line, so bar 1 is never played; beat 2 is, before the wrap.
        assert_eq!(timeline.sample_of_bar(1), None);
        assert_eq!(timeline.sample_of_ppq(2.0), Some(48_000));
        assert_eq!(
            timeline.change_samples().collect::<Vec<_>>(),
            [96_000, 150_000]
        );
    }
}
