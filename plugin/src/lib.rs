//! Antiphon as a CLAP and VST3 MIDI effect: a thin layer that maps host events and transport onto
//! the engine and back.

use std::num::NonZeroU32;
use std::sync::Arc;

use antiphon_engine::transport::Transport;
use nice_plug::prelude::*;

mod params;
mod transport;

pub use params::AntiphonParams;

/// The plugin instance. Construction is cheap: hosts build instances while scanning.
pub struct Antiphon {
    params: Arc<AntiphonParams>,
    /// The transport as read at the start of the last block.
    transport: Transport,
}

impl Default for Antiphon {
    fn default() -> Self {
        Self {
            params: Arc::new(AntiphonParams::default()),
            transport: Transport::Stopped,
        }
    }
}

impl Plugin for Antiphon {
    const NAME: &'static str = "Antiphon";
    const VENDOR: &'static str = "Antiphon";
    const URL: &'static str = env!("CARGO_PKG_REPOSITORY");
    const EMAIL: &'static str = "antiphon@example.invalid";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    // Ableton Live hosts VST3 MIDI generators only as instruments, so the first layout has a
    // (silent) stereo output; hosts that take pure MIDI effects can pick the second.
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        AudioIOLayout {
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout::const_default(),
    ];

    const MIDI_INPUT: MidiConfig = MidiConfig::MidiCCs;
    const MIDI_OUTPUT: MidiConfig = MidiConfig::MidiCCs;
    const SAMPLE_ACCURATE_AUTOMATION: bool = true;

    type Editor = ();
    type SysExMessage = ();
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        self.transport = transport::read(context.transport());
        let passthrough = self.params.passthrough.value();
        while let Some(event) = context.next_event() {
            if passthrough {
                // A full host buffer drops the event; there is nowhere to wait.
                let _ = context.try_send_event(event);
            }
        }
        for channel in buffer.as_slice() {
            channel.fill(0.0);
        }
        ProcessStatus::Normal
    }
}

impl ClapPlugin for Antiphon {
    const CLAP_ID: &'static str = "org.antiphon.antiphon";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Plays call and response with you: an LSTM answers the phrases you play");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[ClapFeature::NoteEffect, ClapFeature::Utility];
}

impl Vst3Plugin for Antiphon {
    const VST3_CLASS_ID: [u8; 16] = *b"AntiphonCallResp";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Instrument, Vst3SubCategory::Generator];
}

nice_export_clap!(Antiphon);
nice_export_vst3!(Antiphon);
