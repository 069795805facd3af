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

/// The bar the transport is in, as a host reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    /// Bar number, counted from the bar line where the current meter took over.
    pub number: i32,
    /// Song position of the bar's start, in quarter notes.
    pub start_ppq: f64,
}

#[derive(Debug, Clone, Copy)]
struct Segment {
    start_sample: u64,
    playing: bool,
    start_ppq: f64,
    tempo_bpm: f64,
    time_signature: (u16, u16),
    /// Song position of a bar line of this segment's meter (where it took over).
    meter_origin_ppq: f64,
}

/// A transport script in absolute host samples (the host's own monotonic sample counter).
#[derive(Debug, Clone)]
pub struct Timeline {
    sample_rate_hz: f64,
    segments: Vec<Segment>,
}

impl Timeline {
    /// Playing from sample 0 at `start_ppq` and `tempo_bpm`, in 4/4.
    pub fn playing(sample_rate_hz: f64, start_ppq: f64, tempo_bpm: f64) -> Timeline {
        Timeline {
            sample_rate_hz,
            segments: vec![Segment {
                start_sample: 0,
                playing: true,
                start_ppq,
                tempo_bpm,
                time_signature: (4, 4),
                meter_origin_ppq: 0.0,
            }],
        }
    }

    /// Stopped at `pos_ppq` from sample 0.
    pub fn stopped(sample_rate_hz: f64, pos_ppq: f64, tempo_bpm: f64) -> Timeline {
        let mut timeline = Timeline::playing(sample_rate_hz, pos_ppq, tempo_bpm);
        timeline.segments[0].playing = false;
        timeline
    }

    /// Uses another time signature from the start (until a meter change).
    pub fn with_time_signature(mut self, numerator: u16, denominator: u16) -> Timeline {
        self.segments[0].time_signature = (numerator, denominator);
        self
    }

    /// A new segment from `sample` on, continuing the one before it unless `change` says.
    fn change_at(self, sample: u64, change: impl FnOnce(&mut Segment)) -> Timeline {
        let state = self.state_at(sample);
        let mut segment = Segment {
            start_sample: sample,
            start_ppq: state.pos_ppq,
            ..self.segments[self.segment_index_at(sample)]
        };
        change(&mut segment);
        self.push(segment)
    }

    /// The tempo changes at `sample`; the position runs on continuously.
    pub fn tempo_change_at(self, sample: u64, tempo_bpm: f64) -> Timeline {
        self.change_at(sample, |segment| segment.tempo_bpm = tempo_bpm)
    }

    /// The time signature changes at `sample`, whose position becomes a bar line of the new
    /// meter (hosts put meter changes on bar lines; a fuzzer may put them anywhere).
    pub fn meter_change_at(self, sample: u64, numerator: u16, denominator: u16) -> Timeline {
        self.change_at(sample, |segment| {
            segment.time_signature = (numerator, denominator);
            segment.meter_origin_ppq = segment.start_ppq;
        })
    }

    /// The position jumps to `pos_ppq` at `sample` (a loop wrap or a relocation).
    pub fn jump_at(self, sample: u64, pos_ppq: f64) -> Timeline {
        self.change_at(sample, |segment| segment.start_ppq = pos_ppq)
    }

    /// The transport stops at `sample` and stays where it stopped.
    pub fn stop_at(self, sample: u64) -> Timeline {
        self.change_at(sample, |segment| segment.playing = false)
    }

    /// The transport starts again at `sample`, from `pos_ppq`.
    pub fn start_at(self, sample: u64, pos_ppq: f64) -> Timeline {
        self.change_at(sample, |segment| {
            segment.playing = true;
            segment.start_ppq = pos_ppq;
        })
    }

    /// The transport starts again at `sample` from `pos_ppq`, a bar line of `time_signature`, at
    /// `tempo_bpm`: a new song, as after the user relocates, sets tempo and meter, and plays.
    pub fn restart_at(
        self,
        sample: u64,
        pos_ppq: f64,
        tempo_bpm: f64,
        time_signature: (u16, u16),
    ) -> Timeline {
        self.change_at(sample, |segment| {
            segment.playing = true;
            segment.start_ppq = pos_ppq;
            segment.tempo_bpm = tempo_bpm;
            segment.time_signature = time_signature;
            segment.meter_origin_ppq = pos_ppq;
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

    /// The time signature at `sample`, as (numerator, denominator).
    pub fn time_signature_at(&self, sample: u64) -> (u16, u16) {
        self.segments[self.segment_index_at(sample)].time_signature
    }

    /// Length of one bar of the opening time signature, in quarter notes.
    pub fn bar_ppq(&self) -> f64 {
        bar_ppq(self.segments[0].time_signature)
    }

    /// The bar the transport is in at `sample`.
    pub fn bar_at(&self, sample: u64) -> Bar {
        let segment = self.segments[self.segment_index_at(sample)];
        let bar_ppq = bar_ppq(segment.time_signature);
        let bars =
            ((self.state_at(sample).pos_ppq - segment.meter_origin_ppq) / bar_ppq + 1e-9).floor();
        Bar {
            number: bars as i32,
            start_ppq: segment.meter_origin_ppq + bars * bar_ppq,
        }
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
        self.sample_of_ppq_from(0, pos_ppq)
    }

    /// [`Timeline::sample_of_ppq`], searching the segments that start at or after `from_sample`
    /// (where the transport restarted) only.
    pub fn sample_of_ppq_from(&self, from_sample: u64, pos_ppq: f64) -> Option<u64> {
        self.segments.iter().enumerate().find_map(|(i, segment)| {
            if !segment.playing || segment.start_sample < from_sample {
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

fn bar_ppq((numerator, denominator): (u16, u16)) -> f64 {
    f64::from(numerator) * 4.0 / f64::from(denominator)
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
    fn a_meter_change_starts_its_bars_where_it_happens() {
        // Two bars of 4/4 (8 quarters, 192 000 samples), then 3/4.
        let timeline = Timeline::playing(48_000.0, 0.0, 120.0).meter_change_at(192_000, 3, 4);
        assert_eq!(timeline.time_signature_at(191_999), (4, 4));
        assert_eq!(timeline.time_signature_at(192_000), (3, 4));
        let bar = timeline.bar_at(192_000 + 4 * 24_000);
        assert_eq!(
            bar.start_ppq, 11.0,
            "the second 3/4 bar starts 3 quarters after the change"
        );
        assert_eq!(bar.number, 1);
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
