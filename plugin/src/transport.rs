//! Host transport → the engine's [`Transport`].

use antiphon_engine::transport::{Position, TimeSignature, Transport};
use nice_plug::prelude::Transport as HostTransport;

/// Host positions are fixed-point in CLAP (2^-31 beats); a bar start may read a hair past the
/// position it contains.
const PPQ_TOLERANCE: f64 = 1e-6;

/// Reads the host's transport for this block. Anything the engine cannot keep time with (not
/// playing, no tempo or position, nonsense values) reads as [`Transport::Stopped`].
pub fn read(host: &HostTransport) -> Transport {
    if !host.playing {
        return Transport::Stopped;
    }
    let time_signature = host
        .time_sig_numerator
        .zip(host.time_sig_denominator)
        .and_then(|(n, d)| TimeSignature::from_host(n, d))
        .unwrap_or(TimeSignature::FOUR_FOUR);
    let (Some(tempo_bpm), Some(pos_ppq)) = (host.tempo, host.pos_beats()) else {
        return Transport::Stopped;
    };
    if !(tempo_bpm.is_finite() && tempo_bpm > 0.0 && pos_ppq.is_finite()) {
        return Transport::Stopped;
    }
    let bar_ppq = time_signature.bar_ppq();
    let bar_start_ppq = host
        .bar_start_pos_beats
        .filter(|start| {
            start.is_finite() && *start <= pos_ppq + PPQ_TOLERANCE && pos_ppq - start < bar_ppq
        })
        .unwrap_or_else(|| (pos_ppq / bar_ppq).floor() * bar_ppq);
    Transport::Playing(Position {
        tempo_bpm,
        pos_ppq,
        bar_start_ppq,
        time_signature,
    })
}
