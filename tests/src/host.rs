//! A minimal CLAP host around clack-host: loads the built bundle, activates it, plays a
//! [`Scenario`] through it block by block, saves/loads its state, and opens its editor in an X11
//! window.

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::mem::ManuallyDrop;

use clack_extensions::gui::{
    GuiApiType, GuiConfiguration, GuiSize, HostGui, HostGuiImpl, PluginGui, Window,
};
use clack_extensions::params::{ParamInfoBuffer, ParamInfoFlags, PluginParams};
use clack_extensions::render::{PluginRender, RenderMode};
use clack_extensions::state::PluginState;
use clack_host::events::event_types::{
    MidiEvent, NoteOffEvent, NoteOnEvent, ParamValueEvent, TransportEvent, TransportFlags,
};
use clack_host::events::io::EventBuffer;
use clack_host::events::spaces::CoreEventSpace;
use clack_host::events::{EventFlags, Match, Pckn};
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};

use crate::blocks::{Pacer, blocks};
use crate::bundle;
use crate::events::{Input, Output, TimedInput, TimedOutput};
use crate::scenario::{Render, Scenario};
use crate::timeline::Timeline;

/// CLAP id of the plugin under test.
pub const PLUGIN_ID: &CStr = c"org.antiphon.antiphon";

struct TestHostShared;

impl SharedHandler<'_> for TestHostShared {
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {}
}

/// The host side of the editor: the test's parent window has a fixed size, so requests are
/// acknowledged and nothing else happens.
impl HostGuiImpl for TestHostShared {
    fn resize_hints_changed(&self) {}
    fn request_resize(&self, _new_size: GuiSize) -> Result<(), HostError> {
        Ok(())
    }
    fn request_show(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn request_hide(&self) -> Result<(), HostError> {
        Ok(())
    }
    fn closed(&self, _was_destroyed: bool) {}
}

struct TestHost;

impl HostHandlers for TestHost {
    type Shared<'a> = TestHostShared;
    type MainThread<'a> = ();
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder.register::<HostGui>();
    }
}

/// The plugin loaded into the test host.
pub struct PluginHost {
    processor: Option<StoppedPluginAudioProcessor<TestHost>>,
    instance: PluginInstance<TestHost>,
    /// Never unloaded: nice-plug leaves threads and thread-local destructors of its own behind
    /// that still point into the library at process exit (unloading it crashes the test process).
    _entry: ManuallyDrop<PluginEntry>,
    params_by_name: HashMap<String, ParamRange>,
    sample_rate_hz: f64,
    max_block_samples: u32,
}

impl PluginHost {
    /// Loads `Antiphon.clap` (building it if needed) and creates an instance.
    pub fn load() -> PluginHost {
        let path = bundle::clap_bundle();
        // SAFETY: the bundle is our own plugin, built from this workspace.
        let entry = unsafe { PluginEntry::load(path) }
            .unwrap_or_else(|e| panic!("loading {}: {e}", path.display()));
        let factory = entry
            .get_plugin_factory()
            .expect("the bundle exposes a plugin factory");
        assert!(
            factory
                .plugin_descriptors()
                .any(|d| d.id() == Some(PLUGIN_ID)),
            "{} does not contain {PLUGIN_ID:?}",
            path.display()
        );
        let host_info =
            HostInfo::new("antiphon-host-tests", "Antiphon", "", "0.1.0").expect("valid host info");
        let mut instance = PluginInstance::<TestHost>::new(
            |_| TestHostShared,
            |_| (),
            &entry,
            PLUGIN_ID,
            &host_info,
        )
        .expect("creating a plugin instance");
        let params_by_name = read_params(&mut instance);
        PluginHost {
            processor: None,
            instance,
            _entry: ManuallyDrop::new(entry),
            params_by_name,
            sample_rate_hz: 0.0,
            max_block_samples: 0,
        }
    }

    /// Tells the plugin whether it renders offline (a bounce) or in real time.
    pub fn set_render(&mut self, render: Render) {
        let mode = match render {
            Render::Offline => RenderMode::Offline,
            Render::Realtime | Render::Paced => RenderMode::Realtime,
        };
        let handle = self.instance.plugin_handle();
        let extension: PluginRender = handle.get_extension().expect("render extension");
        extension
            .set(&handle, mode)
            .expect("the plugin accepts the render mode");
    }

    /// Activates the plugin at `sample_rate_hz` for blocks of up to `max_block_samples`.
    pub fn activate(&mut self, sample_rate_hz: f64, max_block_samples: u32) {
        assert!(self.processor.is_none(), "already active");
        let configuration = PluginAudioConfiguration {
            sample_rate: sample_rate_hz,
            min_frames_count: 1,
            max_frames_count: max_block_samples,
        };
        let processor = self
            .instance
            .activate(|_, _| (), configuration)
            .expect("activating the plugin");
        self.processor = Some(processor);
        self.sample_rate_hz = sample_rate_hz;
        self.max_block_samples = max_block_samples;
    }

    /// Deactivates the plugin.
    pub fn deactivate(&mut self) {
        let processor = self.processor.take().expect("not active");
        self.instance.deactivate(processor);
    }

    /// Whether the plugin is active.
    pub fn is_active(&self) -> bool {
        self.processor.is_some()
    }

    /// Plays `scenario` through the active plugin on an audio thread and returns everything it
    /// sent out, stamped with absolute host samples.
    pub fn run(&mut self, scenario: &Scenario) -> Vec<TimedOutput> {
        assert_eq!(
            scenario.timeline.sample_rate_hz(),
            self.sample_rate_hz,
            "the scenario and the activation disagree on the sample rate"
        );
        assert!(scenario.block_samples <= self.max_block_samples);
        let inputs = self.resolve_inputs(&scenario.inputs);
        let processor = self.processor.take().expect("activate() before run()");
        let (processor, outputs) = std::thread::scope(|scope| {
            scope
                .spawn(|| play_blocks(processor, scenario, &inputs))
                .join()
                .expect("the audio thread panicked")
        });
        self.processor = Some(processor);
        outputs
    }

    fn resolve_inputs(&mut self, inputs: &[TimedInput]) -> Vec<(u64, ResolvedInput)> {
        let mut resolved: Vec<(u64, ResolvedInput)> = inputs
            .iter()
            .map(|timed| {
                let input = match timed.input {
                    Input::Param { name, text } => ResolvedInput::Param {
                        id: self.param_id(name),
                        value: self.param_value_of(name, text),
                    },
                    Input::ParamFraction { name, fraction } => {
                        let range = self.param_range(name);
                        ResolvedInput::Param {
                            id: range.id,
                            value: range.at(fraction),
                        }
                    }
                    other => ResolvedInput::Midi(other),
                };
                (timed.sample, input)
            })
            .collect();
        // Stable: events at the same sample keep the order the test gave.
        resolved.sort_by_key(|&(sample, _)| sample);
        resolved
    }

    fn param_range(&self, name: &str) -> ParamRange {
        *self.params_by_name.get(name).unwrap_or_else(|| {
            panic!(
                "no parameter named {name:?}; the plugin has {:?}",
                self.params_by_name.keys().collect::<Vec<_>>()
            )
        })
    }

    fn param_id(&self, name: &str) -> ClapId {
        self.param_range(name).id
    }

    /// Display names of every parameter.
    pub fn param_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.params_by_name.keys().cloned().collect();
        names.sort();
        names
    }

    /// The parameter's value as the plugin displays it (e.g. "2 bars", "On").
    pub fn param_text(&mut self, name: &str) -> String {
        let id = self.param_id(name);
        let handle = self.instance.plugin_handle();
        let params: PluginParams = handle.get_extension().expect("params extension");
        let value = params
            .get_value(&handle, id)
            .expect("a value for a listed parameter");
        let mut buffer = [0u8; 256];
        let text = params
            .value_to_text(&handle, id, value, &mut buffer)
            .expect("the plugin formats its own values");
        String::from_utf8_lossy(text).into_owned()
    }

    /// What the plugin makes of `text` typed into parameter `name`, in its CLAP value domain.
    pub fn param_value_of(&mut self, name: &str, text: &str) -> f64 {
        let id = self.param_id(name);
        let handle = self.instance.plugin_handle();
        let params: PluginParams = handle.get_extension().expect("params extension");
        let text = CString::new(text).expect("no NUL in parameter text");
        params
            .text_to_value(&handle, id, &text)
            .unwrap_or_else(|| panic!("{name} does not accept {text:?}"))
    }

    /// Sets a parameter, typed as a user would (e.g. "2", "On", "0.5"), while the plugin is
    /// inactive, through `params.flush()`.
    pub fn set_param(&mut self, name: &str, text: &str) {
        let id = self.param_id(name);
        let value = self.param_value_of(name, text);
        let mut events = EventBuffer::new();
        events.push(&ParamValueEvent::new(0, id, Pckn::match_all(), value));
        let mut handle = self
            .instance
            .inactive_plugin_handle()
            .expect("set_param() needs an inactive plugin");
        let params: PluginParams = handle.get_extension().expect("params extension");
        params.flush(&mut handle, &events.as_input(), &mut OutputEvents::void());
    }

    /// Opens the plugin's editor embedded in the X11 window `parent` at the host's display
    /// `scale` (1.0, or e.g. 2.0 on a high-DPI screen), through the CLAP gui extension as a Linux
    /// host does it, and returns the editor's size in pixels.
    pub fn open_editor_x11(&mut self, parent: u32, scale: f64) -> GuiSize {
        let handle = self.instance.plugin_handle();
        let gui: PluginGui = handle.get_extension().expect("the plugin has an editor");
        let configuration = GuiConfiguration {
            api_type: GuiApiType::X11,
            is_floating: false,
        };
        assert!(gui.is_api_supported(&handle, configuration));
        gui.create(&handle, configuration)
            .expect("the plugin creates its editor");
        let unscaled = gui.get_size(&handle).expect("the editor has a size");
        let mut size = unscaled;
        if scale != 1.0 {
            gui.set_scale(&handle, scale)
                .expect("the plugin takes the host's scale");
            // The editor's window thread applies the scale; wait for the size to follow.
            let started = std::time::Instant::now();
            while size == unscaled && started.elapsed() < std::time::Duration::from_secs(10) {
                std::thread::sleep(std::time::Duration::from_millis(20));
                size = gui.get_size(&handle).expect("the editor has a size");
            }
        }
        // SAFETY: the caller keeps `parent` alive until `close_editor()`.
        unsafe { gui.set_parent(&handle, Window::from_x11_handle(parent.into())) }
            .expect("the editor embeds into the parent window");
        gui.show(&handle).expect("the editor shows");
        size
    }

    /// Closes the editor opened by [`open_editor_x11`](Self::open_editor_x11).
    pub fn close_editor(&mut self) {
        let handle = self.instance.plugin_handle();
        let gui: PluginGui = handle.get_extension().expect("the plugin has an editor");
        gui.destroy(&handle);
    }

    /// The plugin's saved state, as a host stores it in a song.
    pub fn save_state(&mut self) -> Vec<u8> {
        let handle = self.instance.plugin_handle();
        let state: PluginState = handle.get_extension().expect("state extension");
        let mut bytes = Vec::new();
        state.save(&handle, &mut bytes).expect("saving state");
        bytes
    }

    /// Loads a saved state; `Err` when the plugin refuses it.
    pub fn load_state(&mut self, mut bytes: &[u8]) -> Result<(), String> {
        let handle = self.instance.plugin_handle();
        let state: PluginState = handle.get_extension().expect("state extension");
        state.load(&handle, &mut bytes).map_err(|e| e.to_string())
    }
}

impl Drop for PluginHost {
    fn drop(&mut self) {
        if let Some(processor) = self.processor.take() {
            self.instance.deactivate(processor);
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum ResolvedInput {
    Midi(Input),
    Param { id: ClapId, value: f64 },
}

/// A parameter's CLAP id and value range.
#[derive(Debug, Clone, Copy)]
struct ParamRange {
    id: ClapId,
    min: f64,
    max: f64,
    stepped: bool,
}

impl ParamRange {
    /// The value `fraction` of the way from min to max, on a step when the parameter has steps.
    fn at(&self, fraction: f64) -> f64 {
        let value = self.min + fraction.clamp(0.0, 1.0) * (self.max - self.min);
        if self.stepped { value.round() } else { value }
    }
}

fn read_params(instance: &mut PluginInstance<TestHost>) -> HashMap<String, ParamRange> {
    let handle = instance.plugin_handle();
    let Some(params) = handle.get_extension::<PluginParams>() else {
        return HashMap::new();
    };
    let mut buffer = ParamInfoBuffer::new();
    (0..params.count(&handle))
        .filter_map(|index| {
            let info = params.get_info(&handle, index, &mut buffer)?;
            let name = String::from_utf8_lossy(info.name)
                .trim_end_matches('\0')
                .to_string();
            let range = ParamRange {
                id: info.id,
                min: info.min_value,
                max: info.max_value,
                stepped: info.flags.contains(ParamInfoFlags::IS_STEPPED),
            };
            Some((name, range))
        })
        .collect()
}

fn transport_event(timeline: &Timeline, sample: u64) -> TransportEvent {
    let state = timeline.state_at(sample);
    let bar = timeline.bar_at(sample);
    let mut flags = TransportFlags::HAS_TEMPO
        | TransportFlags::HAS_BEATS_TIMELINE
        | TransportFlags::HAS_SECONDS_TIMELINE
        | TransportFlags::HAS_TIME_SIGNATURE;
    if state.playing {
        flags |= TransportFlags::IS_PLAYING;
    }
    let (numerator, denominator) = timeline.time_signature_at(sample);
    TransportEvent {
        header: EventHeader::new_core(0, EventFlags::empty()),
        flags,
        song_pos_beats: BeatTime::from_float(state.pos_ppq),
        song_pos_seconds: SecondsTime::from_float(state.pos_secs),
        tempo: state.tempo_bpm,
        tempo_inc: 0.0,
        loop_start_beats: BeatTime::from_float(0.0),
        loop_end_beats: BeatTime::from_float(0.0),
        loop_start_seconds: SecondsTime::from_float(0.0),
        loop_end_seconds: SecondsTime::from_float(0.0),
        bar_start: BeatTime::from_float(bar.start_ppq),
        bar_number: bar.number,
        time_signature_numerator: numerator,
        time_signature_denominator: denominator,
    }
}

fn push_input(buffer: &mut EventBuffer, offset: u32, input: ResolvedInput) {
    let pckn =
        |channel: u8, key: u8| Pckn::new(0u16, u16::from(channel), u16::from(key), Match::All);
    match input {
        ResolvedInput::Midi(Input::NoteOn {
            channel,
            key,
            velocity,
        }) => buffer.push(&NoteOnEvent::new(offset, pckn(channel, key), velocity)),
        ResolvedInput::Midi(Input::NoteOff { channel, key }) => {
            buffer.push(&NoteOffEvent::new(offset, pckn(channel, key), 0.0))
        }
        ResolvedInput::Midi(Input::Cc { channel, cc, value }) => {
            buffer.push(&MidiEvent::new(offset, 0, [0xB0 | channel, cc, value]))
        }
        ResolvedInput::Midi(Input::Param { .. } | Input::ParamFraction { .. }) => {
            unreachable!("resolved to an id")
        }
        ResolvedInput::Param { id, value } => {
            buffer.push(&ParamValueEvent::new(offset, id, Pckn::match_all(), value))
        }
    }
}

fn decode_output(event: &UnknownEvent) -> Option<Output> {
    let byte = |value: i16| u8::try_from(value).expect("a concrete channel/key");
    match event.as_core_event()? {
        CoreEventSpace::NoteOn(e) => Some(Output::NoteOn {
            channel: byte(e.pckn().raw_channel()),
            key: byte(e.pckn().raw_key()),
            velocity: e.velocity(),
        }),
        CoreEventSpace::NoteOff(e) => Some(Output::NoteOff {
            channel: byte(e.pckn().raw_channel()),
            key: byte(e.pckn().raw_key()),
        }),
        CoreEventSpace::Midi(e) => {
            let [status, data1, data2] = e.data();
            let channel = status & 0x0F;
            match status & 0xF0 {
                0x90 if data2 > 0 => Some(Output::NoteOn {
                    channel,
                    key: data1,
                    velocity: f64::from(data2) / 127.0,
                }),
                0x80 | 0x90 => Some(Output::NoteOff {
                    channel,
                    key: data1,
                }),
                _ => Some(Output::Midi(e.data())),
            }
        }
        _ => None,
    }
}

fn play_blocks(
    processor: StoppedPluginAudioProcessor<TestHost>,
    scenario: &Scenario,
    inputs: &[(u64, ResolvedInput)],
) -> (StoppedPluginAudioProcessor<TestHost>, Vec<TimedOutput>) {
    let mut processor = processor.start_processing().expect("starting processing");
    let max_block = scenario.block_samples as usize;
    let mut left = vec![0.0f32; max_block];
    let mut right = vec![0.0f32; max_block];
    let mut output_ports = AudioPorts::with_capacity(2, 1);
    let mut input_events = EventBuffer::with_capacity(64);
    let mut output_events = EventBuffer::with_capacity(64);
    let mut outputs = Vec::new();
    let mut next_input = 0;
    let pacer = Pacer::start(scenario);

    for (start, end) in blocks(scenario) {
        pacer.wait_for_block(start, end);
        let len = (end - start) as usize;
        input_events.clear();
        output_events.clear();
        while let Some(&(sample, input)) = inputs.get(next_input).filter(|(s, _)| *s < end) {
            push_input(&mut input_events, (sample - start) as u32, input);
            next_input += 1;
        }
        let transport = transport_event(&scenario.timeline, start);
        let mut output_audio = output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                [&mut left[..len], &mut right[..len]].into_iter(),
            ),
        }]);
        processor
            .process(
                &InputAudioBuffers::empty(),
                &mut output_audio,
                &input_events.as_input(),
                &mut output_events.as_output(),
                Some(start),
                Some(&transport),
            )
            .unwrap_or_else(|e| panic!("process() failed in block {start}..{end}: {e}"));
        assert!(
            left[..len].iter().chain(&right[..len]).all(|&s| s == 0.0),
            "a MIDI effect's audio output must be silent"
        );
        for event in output_events.iter() {
            let offset = event.header().time();
            assert!(
                (offset as usize) < len,
                "event stamped at offset {offset} in a block of {len} samples"
            );
            if let Some(output) = decode_output(event) {
                outputs.push(TimedOutput {
                    sample: start + u64::from(offset),
                    output,
                });
            }
        }
    }
    (processor.stop_processing(), outputs)
}
