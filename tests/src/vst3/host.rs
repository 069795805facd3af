//! [`Vst3Host`]: the built `Antiphon.vst3` driven as a VST3 DAW drives it, with the same
//! scenarios and outputs as the CLAP [`PluginHost`](crate::host::PluginHost).

use std::collections::HashMap;

use vst3::Steinberg::Vst::BusDirections_::{kInput, kOutput};
use vst3::Steinberg::Vst::MediaTypes_::{kAudio, kEvent};
use vst3::Steinberg::Vst::ParameterInfo_::ParameterFlags_::kIsReadOnly;
use vst3::Steinberg::Vst::ProcessModes_::{kOffline, kRealtime};
use vst3::Steinberg::Vst::SpeakerArr::kStereo;
use vst3::Steinberg::Vst::SymbolicSampleSizes_::kSample32;
use vst3::Steinberg::Vst::{
    IAudioProcessor, IAudioProcessorTrait, IComponent, IComponentHandler, IComponentTrait,
    IEditController, IEditControllerTrait, IHostApplication, IMidiMapping, IMidiMappingTrait,
    ParamID, ParamValue, ParameterInfo, ProcessSetup, SpeakerArrangement, String128,
};
use vst3::Steinberg::{FUnknown, IPluginBaseTrait, TUID, kResultOk};
use vst3::{ComPtr, ComWrapper};

use super::context::{ComponentHandler, HostApplication};
use super::library::Module;
use super::process::{Processing, Vst3Input};
use super::strings::{from_utf16, to_utf16};
use crate::bundle;
use crate::events::{Input, TimedInput, TimedOutput};
use crate::scenario::{Render, Scenario};

/// The name of the plugin's class in the module's factory.
pub const PLUGIN_NAME: &str = "Antiphon";

/// A parameter as the edit controller lists it.
#[derive(Debug, Clone, Copy)]
struct Param {
    id: ParamID,
    /// Steps between the ends of the range; 0 for a continuous parameter.
    step_count: i32,
}

/// How the plugin was activated.
#[derive(Debug, Clone, Copy)]
struct Activation {
    sample_rate_hz: f64,
    max_block_samples: u32,
    process_mode: i32,
}

/// The plugin loaded into the VST3 test host.
pub struct Vst3Host {
    component: ComPtr<IComponent>,
    processor: ComPtr<IAudioProcessor>,
    controller: ComPtr<IEditController>,
    midi_mapping: ComPtr<IMidiMapping>,
    /// The parameters a user sees (not the hidden MIDI-controller ones), by title.
    params_by_name: HashMap<String, Param>,
    /// Every parameter id the controller lists, in its order.
    all_param_ids: Vec<ParamID>,
    activation: Option<Activation>,
    _handler: ComWrapper<ComponentHandler>,
    _application: ComWrapper<HostApplication>,
    /// Last: the plugin's objects are released before the module's factory.
    _module: Module,
}

impl Vst3Host {
    /// Loads `Antiphon.vst3` (building it if needed), creates and initialises its component and
    /// sets up its buses: the stereo (silent) audio output of its first layout and the event
    /// buses in and out.
    pub fn load() -> Vst3Host {
        let module = Module::load(bundle::vst3_bundle());
        let component = module.create_component(PLUGIN_NAME);
        let application = ComWrapper::new(HostApplication);
        let handler = ComWrapper::new(ComponentHandler);
        let context = application
            .as_com_ref::<IHostApplication>()
            .expect("an IHostApplication")
            .upcast::<FUnknown>();
        // SAFETY: the host application outlives the component (it is dropped after it).
        assert_eq!(unsafe { component.initialize(context.as_ptr()) }, kResultOk);
        let mut controller_cid: TUID = [0; 16];
        // SAFETY: a plain call on the initialised component, with a place for the id.
        let separate = unsafe { component.getControllerClassId(&mut controller_cid) } == kResultOk;
        assert!(
            !separate,
            "nice-plug's component is its own edit controller; a separate one is not supported"
        );
        let controller = component
            .cast::<IEditController>()
            .expect("the component is its own edit controller");
        let processor = component
            .cast::<IAudioProcessor>()
            .expect("the component is an audio processor");
        let midi_mapping = component
            .cast::<IMidiMapping>()
            .expect("the component maps MIDI controllers to parameters");
        let handler_ref = handler
            .as_com_ref::<IComponentHandler>()
            .expect("an IComponentHandler");
        // SAFETY: the handler outlives the controller's use of it (unset on drop).
        assert_eq!(
            unsafe { controller.setComponentHandler(handler_ref.as_ptr()) },
            kResultOk
        );
        set_up_buses(&component, &processor);
        let (params_by_name, all_param_ids) = read_params(&controller);
        Vst3Host {
            component,
            processor,
            controller,
            midi_mapping,
            params_by_name,
            all_param_ids,
            activation: None,
            _handler: handler,
            _application: application,
            _module: module,
        }
    }

    /// Sets up processing at `sample_rate_hz` for blocks of up to `max_block_samples`, rendered
    /// as `render` says (realtime or offline), and activates the component.
    pub fn activate(&mut self, sample_rate_hz: f64, max_block_samples: u32, render: Render) {
        assert!(self.activation.is_none(), "already active");
        let process_mode = process_mode(render);
        let mut setup = ProcessSetup {
            processMode: process_mode,
            symbolicSampleSize: kSample32 as i32,
            maxSamplesPerBlock: max_block_samples as i32,
            sampleRate: sample_rate_hz,
        };
        // SAFETY: plain calls on the inactive component, with a setup that outlives the call.
        unsafe {
            assert_eq!(self.processor.setupProcessing(&mut setup), kResultOk);
            assert_eq!(self.component.setActive(1), kResultOk, "activating");
        }
        self.activation = Some(Activation {
            sample_rate_hz,
            max_block_samples,
            process_mode,
        });
    }

    /// Deactivates the component.
    pub fn deactivate(&mut self) {
        self.activation.take().expect("not active");
        // SAFETY: a plain call on the active component, with no process call running.
        assert_eq!(unsafe { self.component.setActive(0) }, kResultOk);
    }

    /// Whether the component is active.
    pub fn is_active(&self) -> bool {
        self.activation.is_some()
    }

    /// Plays `scenario` through the active plugin on an audio thread and returns everything it
    /// sent out, stamped with absolute host samples. The scenario's render mode must match the
    /// activation's.
    pub fn run(&mut self, scenario: &Scenario) -> Vec<TimedOutput> {
        self.play(scenario, None)
    }

    /// Plays `scenario` as [`run`](Self::run) does, and in the block holding sample
    /// `burst_sample` also sends a change of every parameter the controller lists (the plugin's
    /// own and its MIDI-controller ones), each to the value the controller reports, at that
    /// sample: a host restoring a session blindly (Ardour 7.3 sent all 2,101 in one process call
    /// while the MIDI-controller parameters reported other values than their defaults).
    pub fn run_with_restore_burst(
        &mut self,
        scenario: &Scenario,
        burst_sample: u64,
    ) -> Vec<TimedOutput> {
        self.play(scenario, Some(burst_sample))
    }

    fn play(&mut self, scenario: &Scenario, burst_sample: Option<u64>) -> Vec<TimedOutput> {
        let activation = self.activation.expect("activate() before run()");
        assert_eq!(
            scenario.timeline.sample_rate_hz(),
            activation.sample_rate_hz,
            "the scenario and the activation disagree on the sample rate"
        );
        assert!(scenario.block_samples <= activation.max_block_samples);
        assert_eq!(
            process_mode(scenario.render),
            activation.process_mode,
            "the scenario and the activation disagree on the render mode"
        );
        let mut inputs = self.resolve_inputs(&scenario.inputs);
        if let Some(sample) = burst_sample {
            inputs.push((sample, Vst3Input::RestoreBurst));
        }
        // Stable: events at the same sample keep the order the test gave.
        inputs.sort_by_key(|&(sample, _)| sample);
        let processing = Processing {
            processor: &self.processor,
            controller: &self.controller,
            process_mode: activation.process_mode,
            all_param_ids: &self.all_param_ids,
        };
        std::thread::scope(|scope| {
            scope
                .spawn(|| processing.play(scenario, &inputs))
                .join()
                .expect("the audio thread panicked")
        })
    }

    fn resolve_inputs(&self, inputs: &[TimedInput]) -> Vec<(u64, Vst3Input)> {
        inputs
            .iter()
            .map(|timed| {
                let input = match timed.input {
                    Input::Param { name, text } => Vst3Input::Automation {
                        id: self.param(name).id,
                        value: self.param_value_of(name, text),
                    },
                    Input::ParamFraction { name, fraction } => {
                        let param = self.param(name);
                        let mut value = fraction.clamp(0.0, 1.0);
                        if param.step_count > 0 {
                            let steps = f64::from(param.step_count);
                            value = (value * steps).round() / steps;
                        }
                        Vst3Input::Automation {
                            id: param.id,
                            value,
                        }
                    }
                    Input::Cc { channel, cc, value } => Vst3Input::Controller {
                        id: self.midi_controller_param(channel, cc),
                        value: f64::from(value) / 127.0,
                    },
                    note @ (Input::NoteOn { .. } | Input::NoteOff { .. }) => Vst3Input::Note(note),
                };
                (timed.sample, input)
            })
            .collect()
    }

    /// The parameter the plugin takes MIDI controller `cc` on `channel` as, asked as a DAW asks.
    fn midi_controller_param(&self, channel: u8, cc: u8) -> ParamID {
        let mut id: ParamID = 0;
        // SAFETY: a plain call on the live component, with a place for the id.
        let result = unsafe {
            self.midi_mapping.getMidiControllerAssignment(
                0,
                i16::from(channel),
                i16::from(cc),
                &mut id,
            )
        };
        assert_eq!(
            result, kResultOk,
            "no parameter for CC {cc} on channel {channel}"
        );
        id
    }

    fn param(&self, name: &str) -> Param {
        *self.params_by_name.get(name).unwrap_or_else(|| {
            panic!(
                "no parameter named {name:?}; the plugin has {:?}",
                self.param_names()
            )
        })
    }

    /// Titles of every parameter a user sees (the hidden MIDI-controller ones left out).
    pub fn param_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.params_by_name.keys().cloned().collect();
        names.sort();
        names
    }

    /// How many parameters the edit controller lists, the hidden MIDI-controller ones included.
    pub fn param_count(&self) -> usize {
        self.all_param_ids.len()
    }

    /// Every parameter whose value the controller reports is not the default it declares, as
    /// (title, declared default, reported value). A host that compares the two when it loads a
    /// session (Ardour) sends each one that differs to `process()`: on a plugin fresh from its
    /// defaults this must be empty.
    pub fn params_off_their_default(&self) -> Vec<(String, ParamValue, ParamValue)> {
        let mut off = Vec::new();
        // SAFETY: plain calls on the live controller; `ParameterInfo` is plain C data, all zeros
        // a valid value, filled by the controller.
        unsafe {
            for index in 0..self.controller.getParameterCount() {
                let mut info: ParameterInfo = std::mem::zeroed();
                assert_eq!(
                    self.controller.getParameterInfo(index, &mut info),
                    kResultOk
                );
                let reported = self.controller.getParamNormalized(info.id);
                if reported != info.defaultNormalizedValue {
                    off.push((
                        from_utf16(&info.title),
                        info.defaultNormalizedValue,
                        reported,
                    ));
                }
            }
        }
        off
    }

    /// The parameter's value as the controller displays it (e.g. "2 bars", "On").
    pub fn param_text(&self, name: &str) -> String {
        let id = self.param(name).id;
        let mut text: String128 = [0; 128];
        // SAFETY: plain calls on the live controller, with a `String128` to fill.
        let result = unsafe {
            let value = self.controller.getParamNormalized(id);
            self.controller.getParamStringByValue(id, value, &mut text)
        };
        assert_eq!(result, kResultOk, "{name} formats its value");
        from_utf16(&text)
    }

    /// What the controller makes of `text` typed into parameter `name`, normalized.
    pub fn param_value_of(&self, name: &str, text: &str) -> ParamValue {
        let id = self.param(name).id;
        let mut chars = to_utf16(text);
        let mut value: ParamValue = 0.0;
        // SAFETY: a plain call on the live controller, with a NUL-terminated string and a place
        // for the value, both outliving the call.
        let result = unsafe {
            self.controller
                .getParamValueByString(id, chars.as_mut_ptr(), &mut value)
        };
        assert_eq!(result, kResultOk, "{name} does not accept {text:?}");
        value
    }

    /// Sets a parameter, typed as a user would (e.g. "2", "On", "0.5"), while the plugin is
    /// inactive, on the edit controller (nice-plug's controller sets the parameter itself while
    /// the plugin does not process).
    pub fn set_param(&mut self, name: &str, text: &str) {
        assert!(!self.is_active(), "set_param() needs an inactive plugin");
        let id = self.param(name).id;
        let value = self.param_value_of(name, text);
        // SAFETY: a plain call on the live controller.
        let result = unsafe { self.controller.setParamNormalized(id, value) };
        assert_eq!(result, kResultOk, "setting {name} to {text:?}");
    }
}

impl Drop for Vst3Host {
    fn drop(&mut self) {
        // SAFETY: the teardown a host does, in order, on live objects; no process call runs.
        unsafe {
            if self.activation.take().is_some() {
                self.component.setActive(0);
            }
            self.controller.setComponentHandler(std::ptr::null_mut());
            self.component.terminate();
        }
    }
}

/// The VST3 process mode of a render: a paced host is a realtime one.
fn process_mode(render: Render) -> i32 {
    let mode = match render {
        Render::Offline => kOffline,
        Render::Realtime | Render::Paced => kRealtime,
    };
    mode as i32
}

/// Chooses the plugin's stereo output layout and activates every bus, as a DAW does before
/// activating the component.
fn set_up_buses(component: &ComPtr<IComponent>, processor: &ComPtr<IAudioProcessor>) {
    // SAFETY: plain calls on the initialised, inactive component; the arrangements outlive the
    // call (the input one is an empty list, but nice-plug refuses a null pointer).
    unsafe {
        assert_eq!(
            processor.canProcessSampleSize(kSample32 as i32),
            kResultOk,
            "32-bit float processing"
        );
        let mut no_inputs: [SpeakerArrangement; 1] = [0];
        let mut outputs: [SpeakerArrangement; 1] = [kStereo];
        assert_eq!(
            processor.setBusArrangements(no_inputs.as_mut_ptr(), 0, outputs.as_mut_ptr(), 1),
            kResultOk,
            "a silent stereo output and no audio input"
        );
        for media in [kAudio, kEvent] {
            for direction in [kInput, kOutput] {
                let (media, direction) = (media as i32, direction as i32);
                for bus in 0..component.getBusCount(media, direction) {
                    assert_eq!(
                        component.activateBus(media, direction, bus, 1),
                        kResultOk,
                        "activating bus {bus} (media {media}, direction {direction})"
                    );
                }
            }
        }
    }
}

/// The parameters a user sees, by title, and every parameter id the controller lists.
fn read_params(controller: &ComPtr<IEditController>) -> (HashMap<String, Param>, Vec<ParamID>) {
    let mut by_name = HashMap::new();
    let mut all_ids = Vec::new();
    // SAFETY: plain calls on the live controller; `ParameterInfo` is plain C data, all zeros a
    // valid value, filled by the controller.
    unsafe {
        for index in 0..controller.getParameterCount() {
            let mut info: ParameterInfo = std::mem::zeroed();
            assert_eq!(controller.getParameterInfo(index, &mut info), kResultOk);
            all_ids.push(info.id);
            // nice-plug lists its MIDI-controller parameters read-only and hidden.
            if info.flags & kIsReadOnly == 0 {
                let param = Param {
                    id: info.id,
                    step_count: info.stepCount,
                };
                by_name.insert(from_utf16(&info.title), param);
            }
        }
    }
    (by_name, all_ids)
}
