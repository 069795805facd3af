//! The host's musical clock as the engine sees it at the start of each block.

/// A time signature, e.g. 4/4 or 6/8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSignature {
    /// Beats per bar.
    pub numerator: u8,
    /// The note value of one beat (4 = quarter, 8 = eighth).
    pub denominator: u8,
}

impl TimeSignature {
    /// Common time.
    pub const FOUR_FOUR: TimeSignature = TimeSignature {
        numerator: 4,
        denominator: 4,
    };

    /// Builds a time signature from host values, rejecting nonsense (zero or negative values,
    /// denominators that are not a power of two).
    pub fn from_host(numerator: i32, denominator: i32) -> Option<TimeSignature> {
        let numerator = u8::try_from(numerator).ok().filter(|&n| n > 0)?;
        let denominator = u8::try_from(denominator)
            .ok()
            .filter(|&d| d.is_power_of_two() && d <= 64)?;
        Some(TimeSignature {
            numerator,
            denominator,
        })
    }

    /// Length of one bar in quarter notes.
    pub fn bar_ppq(self) -> f64 {
        f64::from(self.numerator) * 4.0 / f64::from(self.denominator)
    }
}

/// Where a playing transport is at the first sample of a block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    /// Tempo, in quarter notes per minute.
    pub tempo_bpm: f64,
    /// Song position of the block's first sample, in quarter notes.
    pub pos_ppq: f64,
    /// Start of the bar that contains `pos_ppq`, in quarter notes.
    pub bar_start_ppq: f64,
    /// The current time signature.
    pub time_signature: TimeSignature,
}

impl Position {
    /// How many samples one quarter note lasts at this tempo.
    pub fn samples_per_quarter(&self, sample_rate_hz: f64) -> f64 {
        sample_rate_hz * 60.0 / self.tempo_bpm
    }

    /// The song position, in quarter notes, of the sample `offset_samples` into the block.
    pub fn ppq_at(&self, offset_samples: u32, sample_rate_hz: f64) -> f64 {
        self.pos_ppq + f64::from(offset_samples) / self.samples_per_quarter(sample_rate_hz)
    }
}

/// The host transport for one block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transport {
    /// Stopped, or the host gave no usable position or tempo: the engine stays idle.
    Stopped,
    /// Playing at a known position.
    Playing(Position),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_lengths_in_quarters() {
        assert_eq!(TimeSignature::FOUR_FOUR.bar_ppq(), 4.0);
        assert_eq!(TimeSignature::from_host(6, 8).unwrap().bar_ppq(), 3.0);
        assert_eq!(TimeSignature::from_host(5, 4).unwrap().bar_ppq(), 5.0);
    }

    #[test]
    fn nonsense_signatures_are_rejected() {
        assert_eq!(TimeSignature::from_host(0, 4), None);
        assert_eq!(TimeSignature::from_host(4, 3), None);
        assert_eq!(TimeSignature::from_host(-4, 4), None);
        assert_eq!(TimeSignature::from_host(300, 4), None);
    }

    #[test]
    fn positions_advance_with_samples() {
        let position = Position {
            tempo_bpm: 120.0,
            pos_ppq: 8.0,
            bar_start_ppq: 8.0,
            time_signature: TimeSignature::FOUR_FOUR,
        };
        assert_eq!(position.samples_per_quarter(48_000.0), 24_000.0);
        assert_eq!(position.ppq_at(12_000, 48_000.0), 8.5);
    }
}
