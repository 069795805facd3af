//! Antiphon as a CLAP and VST3 MIDI effect: a thin layer that maps host events, transport and
//! parameters onto the engine's performer and back.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use antiphon_engine::live::feed::FeedReceiver;
use antiphon_engine::live::io::Input;
use antiphon_engine::live::monitor::Monitor;
use antiphon_engine::live::performer::Performer;
use antiphon_engine::live::shelf::{ModelShelf, UserModels};
use antiphon_engine::shipped::SHIPPED_MODELS;
use antiphon_engine::transport::Transport;
use nice_plug::prelude::*;
use nice_plug_egui::EguiEditorState;
use parking_lot::Mutex;

mod editor;
mod host_events;
mod params;
mod state_migration;
#[cfg(test)]
mod test_model;
#[cfg(test)]
mod test_support;
mod transport;

pub use params::AntiphonParams;

/// The plugin instance. Construction is cheap (hosts build instances while scanning): the model
/// loads on the model thread, which starts on activation.
pub struct Antiphon {
    params: Arc<AntiphonParams>,
    shelf: Arc<ModelShelf>,
    /// Present while active; owns the model thread.
    performer: Option<Performer>,
    /// This block's host events, kept so passed-through events go out exactly as they came.
    /// Allocated on activation.
    events: Vec<NoteEvent<()>>,
    /// The same events as the engine sees them. Allocated on activation.
    inputs: Vec<Input>,
    /// Set while the editor shows: only then does the performer report to it.
    editor_open: Arc<AtomicBool>,
    /// The editor's end of the performer's report, replaced on each activation. Locked by the
    /// main and editor threads only, never by the audio thread.
    feed: Arc<Mutex<Option<FeedReceiver>>>,
    /// The performer's published numbers (transport position, meter…), for the editor; replaced
    /// on each activation, locked by the main and editor threads only.
    monitor: Arc<Mutex<Option<Arc<Monitor>>>>,
    /// The editor window's size and scale.
    editor_state: Arc<EguiEditorState>,
}

impl Default for Antiphon {
    fn default() -> Self {
        let user_models = UserModels::default();
        // The model thread's problems go to the host's log (nice-plug's logger) besides the editor.
        let log = Arc::new(|message: &str| nice_error!("{message}"));
        let shelf = Arc::new(ModelShelf::new(
            SHIPPED_MODELS.to_vec(),
            user_models.clone(),
            log,
        ));
        Self {
            params: Arc::new(AntiphonParams::new(shelf.clone(), user_models)),
            shelf,
            performer: None,
            events: Vec::new(),
            inputs: Vec::new(),
            editor_open: Arc::new(AtomicBool::new(false)),
            feed: Arc::new(Mutex::new(None)),
            monitor: Arc::new(Mutex::new(None)),
            editor_state: editor::default_state(),
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
    // Room, reserved on activation, for a change of every parameter a VST3 host sees (ours and
    // nice-plug's 2,080 MIDI-controller ones) in one process call, as a host restoring a session
    // may send, besides a block's notes: beyond it nice-plug allocates on the audio thread.
    const INPUT_EVENT_CAPACITY: usize = 4096;

    type Editor = editor::AntiphonEditor;
    type SysExMessage = ();
    type BackgroundTask = ();

    fn filter_state(state: &mut PluginState) {
        state_migration::migrate(state);
    }

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        editor::create(
            editor::EditorLink {
                params: self.params.clone(),
                shelf: self.shelf.clone(),
                feed: self.feed.clone(),
                monitor: self.monitor.clone(),
                editor_open: self.editor_open.clone(),
            },
            self.editor_state.clone(),
        )
    }

    fn activate(
        &mut self,
        _audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        // Every allocation the audio thread will use happens here, on the main thread.
        self.performer = None;
        // A song's state may have put other model folders on the shelf: the audio thread hears
        // each slot's family from the start.
        self.shelf.refresh_families();
        let offline = buffer_config.process_mode == ProcessMode::Offline;
        match Performer::start(
            self.shelf.clone(),
            self.params.learned.0.clone(),
            self.params.model.value() as u32,
            f64::from(buffer_config.sample_rate),
            offline,
            self.editor_open.clone(),
        ) {
            Ok((performer, feed)) => {
                *self.monitor.lock() = Some(performer.monitor());
                self.performer = Some(performer);
                *self.feed.lock() = Some(feed);
            }
            Err(error) => {
                nice_error!("Antiphon could not start its model thread: {error}");
                return false;
            }
        }
        self.events = Vec::with_capacity(Self::INPUT_EVENT_CAPACITY);
        self.inputs = Vec::with_capacity(Self::INPUT_EVENT_CAPACITY);
        true
    }

    fn deactivate(&mut self) {
        // Joins the model thread, on the main thread.
        self.performer = None;
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        for channel in buffer.as_slice() {
            channel.fill(0.0);
        }
        self.events.clear();
        self.inputs.clear();
        while let Some(event) = context.next_event() {
            // Beyond the capacity reserved on activation, events are dropped rather than
            // allocating on the audio thread.
            if self.events.len() < self.events.capacity() {
                self.inputs.push(host_events::to_input(&event));
                self.events.push(event);
            }
        }
        let Some(performer) = &mut self.performer else {
            return ProcessStatus::Normal;
        };

        let mut settings = self.params.settings();
        let transport = if self.params.bypass.value() {
            // Bypassed: everything passes, the performer stops (closing its notes).
            settings.passthrough = true;
            Transport::Stopped
        } else {
            transport::read(context.transport())
        };
        let events = &self.events;
        performer.process(
            transport,
            buffer.samples() as u32,
            &self.inputs,
            &settings,
            |output| {
                let event = host_events::to_host(output.offset, output.kind, events);
                // A full host buffer drops the event; there is nowhere to wait.
                let _ = context.try_send_event(event);
            },
        );
        ProcessStatus::KeepAlive
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
