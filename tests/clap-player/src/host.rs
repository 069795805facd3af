//! The CLAP host: loads a bundle, sets parameters by their display text and the render mode,
//! activates the plugin, and plays a [`Scenario`] through it block by block on an audio thread.

use std::ffi::{CStr, CString};
use std::mem::ManuallyDrop;
use std::path::Path;

use clack_extensions::gui::{GuiSize, HostGui, HostGuiImpl};
use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::render::{PluginRender, RenderMode};
use clack_host::events::event_types::{
    NoteOffEvent, NoteOnEvent, ParamValueEvent, TransportEvent, TransportFlags,
};
use clack_host::events::io::EventBuffer;
use clack_host::events::spaces::CoreEventSpace;
use clack_host::events::{EventFlags, Match, Pckn};
use clack_host::prelude::*;
use clack_host::utils::{BeatTime, SecondsTime};

use crate::scenario::{Note, Render, Scenario};

/// Quarter notes in a 4/4 bar.
const BAR_PPQ: f64 = 4.0;

/// A note event the plugin sent, at an absolute sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SentNote {
    /// Absolute sample: the block's start plus the event's offset in it.
    pub sample: u64,
    /// What was sent (a MIDI note-on at velocity 0 counts as an off).
    pub note: Note,
}

/// What every thread of the host shares: nothing.
pub struct PlayerShared;

impl SharedHandler<'_> for PlayerShared {
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {}
}

/// The host side of the editor (`--editor`): the window keeps the editor's size.
impl HostGuiImpl for PlayerShared {
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

/// The host's handlers: it answers no callback.
pub struct Player;

impl HostHandlers for Player {
    type Shared<'a> = PlayerShared;
    type MainThread<'a> = ();
    type AudioProcessor<'a> = ();

    fn declare_extensions(builder: &mut HostExtensions<Self>, _shared: &Self::Shared<'_>) {
        builder.register::<HostGui>();
    }
}

/// A plugin loaded from a bundle, not yet active.
pub struct LoadedPlugin {
    instance: PluginInstance<Player>,
    /// Never unloaded: a plugin may leave threads behind that still run its code at exit.
    _entry: ManuallyDrop<PluginEntry>,
}

impl LoadedPlugin {
    /// Loads the bundle at `path` and creates an instance of its first plugin, or of `id`.
    pub fn load(path: &Path, id: Option<&str>) -> Result<LoadedPlugin, String> {
        // SAFETY: loading a plugin runs its code; the user names the bundle to trust.
        let entry = unsafe { PluginEntry::load(path) }
            .map_err(|e| format!("loading {}: {e}", path.display()))?;
        let factory = entry
            .get_plugin_factory()
            .ok_or_else(|| format!("{} has no plugin factory", path.display()))?;
        let ids: Vec<CString> = factory
            .plugin_descriptors()
            .filter_map(|d| d.id().map(CStr::to_owned))
            .collect();
        let id = match id {
            Some(id) => ids
                .into_iter()
                .find(|known| known.to_bytes() == id.as_bytes())
                .ok_or_else(|| format!("{} holds no plugin {id:?}", path.display()))?,
            None => ids
                .into_iter()
                .next()
                .ok_or_else(|| format!("{} holds no plugin", path.display()))?,
        };
        let host_info = HostInfo::new("antiphon-clap-player", "Antiphon", "", "0.1.0")
            .map_err(|e| format!("host info: {e}"))?;
        let instance =
            PluginInstance::<Player>::new(|_| PlayerShared, |_| (), &entry, &id, &host_info)
                .map_err(|e| format!("creating {id:?}: {e}"))?;
        Ok(LoadedPlugin {
            instance,
            _entry: ManuallyDrop::new(entry),
        })
    }

    /// Sets the parameter displayed as `name` to what the plugin makes of `text`, through
    /// `params.flush()` while inactive, as a host restoring a song does.
    pub fn set_param(&mut self, name: &str, text: &str) -> Result<(), String> {
        let handle = self.instance.plugin_handle();
        let params: PluginParams = handle
            .get_extension()
            .ok_or("the plugin has no params extension")?;
        let mut buffer = ParamInfoBuffer::new();
        let mut names = Vec::new();
        let mut found = None;
        for index in 0..params.count(&handle) {
            let Some(info) = params.get_info(&handle, index, &mut buffer) else {
                continue;
            };
            let shown = String::from_utf8_lossy(info.name)
                .trim_end_matches('\0')
                .to_owned();
            if shown == name {
                found = Some(info.id);
                break;
            }
            names.push(shown);
        }
        let id = found.ok_or_else(|| format!("no parameter {name:?}; the plugin has {names:?}"))?;
        let typed = CString::new(text).map_err(|_| format!("{text:?} holds a NUL"))?;
        let value = params
            .text_to_value(&handle, id, &typed)
            .ok_or_else(|| format!("{name} does not accept {text:?}"))?;
        let mut events = EventBuffer::new();
        events.push(&ParamValueEvent::new(0, id, Pckn::match_all(), value));
        let mut handle = self
            .instance
            .inactive_plugin_handle()
            .ok_or("parameters are set before activation")?;
        params.flush(&mut handle, &events.as_input(), &mut OutputEvents::void());
        Ok(())
    }

    /// Tells the plugin how it renders.
    pub fn set_render(&mut self, render: Render) -> Result<(), String> {
        let mode = match render {
            Render::Offline => RenderMode::Offline,
            Render::Realtime => RenderMode::Realtime,
        };
        let handle = self.instance.plugin_handle();
        let extension: PluginRender = handle
            .get_extension()
            .ok_or("the plugin has no render extension")?;
        extension
            .set(&handle, mode)
            .map_err(|e| format!("the plugin refuses the render mode: {e}"))
    }

    /// Activates the plugin for `scenario`.
    pub fn activate(
        &mut self,
        scenario: &Scenario,
    ) -> Result<StoppedPluginAudioProcessor<Player>, String> {
        let configuration = PluginAudioConfiguration {
            sample_rate: scenario.sample_rate_hz,
            min_frames_count: 1,
            max_frames_count: scenario.block_samples,
        };
        self.instance
            .activate(|_, _| (), configuration)
            .map_err(|e| format!("activating: {e}"))
    }

    /// Deactivates the plugin.
    pub fn deactivate(&mut self, processor: StoppedPluginAudioProcessor<Player>) {
        self.instance.deactivate(processor);
    }

    /// The plugin's main-thread handle, for its editor.
    #[cfg(windows)]
    pub fn handle(&mut self) -> PluginMainThreadHandle<'_> {
        self.instance.plugin_handle()
    }
}

/// Plays `scenario` through the activated plugin on an audio thread of its own. Returns every
/// note the plugin sent; the processor comes back even when processing failed.
pub fn play(
    processor: StoppedPluginAudioProcessor<Player>,
    scenario: &Scenario,
) -> (
    StoppedPluginAudioProcessor<Player>,
    Result<Vec<SentNote>, String>,
) {
    std::thread::scope(|scope| {
        scope
            .spawn(|| play_blocks(processor, scenario))
            .join()
            .unwrap_or_else(|_| {
                // The processor went with the thread: the plugin cannot be deactivated.
                eprintln!("antiphon-clap-player: the audio thread panicked");
                std::process::exit(2)
            })
    })
}

/// Plays `scenario` block by block; the processor comes back even when processing failed.
fn play_blocks(
    processor: StoppedPluginAudioProcessor<Player>,
    scenario: &Scenario,
) -> (
    StoppedPluginAudioProcessor<Player>,
    Result<Vec<SentNote>, String>,
) {
    let mut processor = match processor.start_processing() {
        Ok(started) => started,
        Err(e) => {
            let failed = Err(format!("starting to process: {e}"));
            return (e.into_stopped_processor(), failed);
        }
    };
    let max_block = scenario.block_samples as usize;
    let mut left = vec![0.0f32; max_block];
    let mut right = vec![0.0f32; max_block];
    let mut output_ports = AudioPorts::with_capacity(2, 1);
    let mut input_events = EventBuffer::with_capacity(64);
    let mut output_events = EventBuffer::with_capacity(64);
    let mut sent = Vec::new();
    let mut next_note = 0;
    let mut start = 0;
    while start < scenario.length_samples {
        let end = (start + u64::from(scenario.block_samples)).min(scenario.length_samples);
        let len = (end - start) as usize;
        input_events.clear();
        output_events.clear();
        while let Some(timed) = scenario.notes.get(next_note).filter(|n| n.sample < end) {
            push_note(&mut input_events, (timed.sample - start) as u32, timed.note);
            next_note += 1;
        }
        let transport = transport_event(scenario, start);
        let mut output_audio = output_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                [&mut left[..len], &mut right[..len]].into_iter(),
            ),
        }]);
        if let Err(e) = processor.process(
            &InputAudioBuffers::empty(),
            &mut output_audio,
            &input_events.as_input(),
            &mut output_events.as_output(),
            Some(start),
            Some(&transport),
        ) {
            let failed = Err(format!("process() failed in block {start}..{end}: {e}"));
            return (processor.stop_processing(), failed);
        }
        sent.extend(output_events.iter().filter_map(|event| {
            Some(SentNote {
                sample: start + u64::from(event.header().time()),
                note: decode_note(event)?,
            })
        }));
        start = end;
    }
    (processor.stop_processing(), Ok(sent))
}

/// The 4/4 transport, playing at a steady tempo from song position 0, at `sample`.
fn transport_event(scenario: &Scenario, sample: u64) -> TransportEvent {
    let pos_ppq = scenario.ppq_at(sample);
    let bar = (pos_ppq / BAR_PPQ + 1e-9).floor();
    TransportEvent {
        header: EventHeader::new_core(0, EventFlags::empty()),
        flags: TransportFlags::HAS_TEMPO
            | TransportFlags::HAS_BEATS_TIMELINE
            | TransportFlags::HAS_SECONDS_TIMELINE
            | TransportFlags::HAS_TIME_SIGNATURE
            | TransportFlags::IS_PLAYING,
        song_pos_beats: BeatTime::from_float(pos_ppq),
        song_pos_seconds: SecondsTime::from_float(pos_ppq * 60.0 / scenario.tempo_bpm),
        tempo: scenario.tempo_bpm,
        tempo_inc: 0.0,
        loop_start_beats: BeatTime::from_float(0.0),
        loop_end_beats: BeatTime::from_float(0.0),
        loop_start_seconds: SecondsTime::from_float(0.0),
        loop_end_seconds: SecondsTime::from_float(0.0),
        bar_start: BeatTime::from_float(bar * BAR_PPQ),
        bar_number: bar as i32,
        time_signature_numerator: 4,
        time_signature_denominator: 4,
    }
}

fn push_note(buffer: &mut EventBuffer, offset: u32, note: Note) {
    let pckn =
        |channel: u8, key: u8| Pckn::new(0u16, u16::from(channel), u16::from(key), Match::All);
    match note {
        Note::On {
            channel,
            key,
            velocity,
        } => buffer.push(&NoteOnEvent::new(offset, pckn(channel, key), velocity)),
        Note::Off { channel, key } => {
            buffer.push(&NoteOffEvent::new(offset, pckn(channel, key), 0.0))
        }
    }
}

/// The note in a CLAP note event or a MIDI 1.0 note message; `None` for anything else.
fn decode_note(event: &UnknownEvent) -> Option<Note> {
    let byte = |value: i16| u8::try_from(value).ok();
    match event.as_core_event()? {
        CoreEventSpace::NoteOn(e) => Some(Note::On {
            channel: byte(e.pckn().raw_channel())?,
            key: byte(e.pckn().raw_key())?,
            velocity: e.velocity(),
        }),
        CoreEventSpace::NoteOff(e) => Some(Note::Off {
            channel: byte(e.pckn().raw_channel())?,
            key: byte(e.pckn().raw_key())?,
        }),
        CoreEventSpace::Midi(e) => {
            let [status, key, velocity] = e.data();
            let channel = status & 0x0F;
            match status & 0xF0 {
                0x90 if velocity > 0 => Some(Note::On {
                    channel,
                    key,
                    velocity: f64::from(velocity) / 127.0,
                }),
                0x80 | 0x90 => Some(Note::Off { channel, key }),
                _ => None,
            }
        }
        _ => None,
    }
}
