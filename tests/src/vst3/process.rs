//! The audio thread of the VST3 test host: plays a scenario block by block through
//! `IAudioProcessor::process()`, as a DAW's engine does.

use vst3::Steinberg::Vst::ProcessContext_::StatesAndFlags_::{
    kBarPositionValid, kContTimeValid, kPlaying, kProjectTimeMusicValid, kTempoValid, kTimeSigValid,
};
use vst3::Steinberg::Vst::SymbolicSampleSizes_::kSample32;
use vst3::Steinberg::Vst::{
    AudioBusBuffers, AudioBusBuffers__type0, IAudioProcessor, IAudioProcessorTrait,
    IEditController, IEditControllerTrait, IEventList, IParameterChanges, ParamID, ParamValue,
    ProcessContext, ProcessData,
};
use vst3::Steinberg::kResultOk;
use vst3::{ComPtr, ComWrapper};

use super::changes::ParameterChanges;
use super::events::{EventList, decode_output, note_event};
use crate::blocks::{Pacer, blocks};
use crate::events::{Input, TimedOutput};
use crate::scenario::Scenario;
use crate::timeline::Timeline;

/// What the output buffers hold before each call: a host's buffers hold whatever was there, so
/// the plugin must write its silence.
const STALE_SAMPLE: f32 = 0.25;
/// Room in each event list before it grows.
const EVENT_CAPACITY: usize = 1024;

/// An input as the VST3 host sends it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Vst3Input {
    /// A note on or off, into the input event list.
    Note(Input),
    /// Automation: given to the edit controller and queued for the processor.
    Automation { id: ParamID, value: ParamValue },
    /// A MIDI control change, as a change of the parameter the plugin maps it to.
    Controller { id: ParamID, value: ParamValue },
    /// A change of every parameter the controller lists, each to its current value, as a host
    /// sends on restoring a session.
    RestoreBurst,
}

/// The plugin's interfaces the audio thread calls.
pub(crate) struct Processing<'a> {
    pub(crate) processor: &'a ComPtr<IAudioProcessor>,
    pub(crate) controller: &'a ComPtr<IEditController>,
    /// `ProcessModes` value given in `setupProcessing`.
    pub(crate) process_mode: i32,
    /// Every parameter id the controller lists, for [`Vst3Input::RestoreBurst`].
    pub(crate) all_param_ids: &'a [ParamID],
}

impl Processing<'_> {
    /// Plays `scenario` with `inputs` (sorted by sample) between `setProcessing(true)` and
    /// `setProcessing(false)`, and returns what came out, stamped with absolute samples.
    pub(crate) fn play(
        &self,
        scenario: &Scenario,
        inputs: &[(u64, Vst3Input)],
    ) -> Vec<TimedOutput> {
        let max_block = scenario.block_samples as usize;
        let mut left = vec![0.0f32; max_block];
        let mut right = vec![0.0f32; max_block];
        let input_events = ComWrapper::new(EventList::with_capacity(EVENT_CAPACITY));
        let output_events = ComWrapper::new(EventList::with_capacity(EVENT_CAPACITY));
        let changes = ComWrapper::new(ParameterChanges::with_capacity(self.all_param_ids.len()));
        let mut outputs = Vec::new();
        let mut next_input = 0;

        // SAFETY: the plugin is set up and active (checked by the caller); processing starts on
        // the thread that will call `process()`.
        assert_eq!(unsafe { self.processor.setProcessing(1) }, kResultOk);
        let pacer = Pacer::start(scenario);
        for (start, end) in blocks(scenario) {
            pacer.wait_for_block(start, end);
            let len = (end - start) as usize;
            input_events.clear();
            output_events.clear();
            changes.clear();
            while let Some(&(sample, input)) = inputs.get(next_input).filter(|(s, _)| *s < end) {
                let offset = (sample - start) as i32;
                let pos_ppq = scenario.timeline.state_at(sample).pos_ppq;
                self.send(input, offset, pos_ppq, &input_events, &changes);
                next_input += 1;
            }
            left[..len].fill(STALE_SAMPLE);
            right[..len].fill(STALE_SAMPLE);
            let mut channels = [left.as_mut_ptr(), right.as_mut_ptr()];
            let mut output_bus = AudioBusBuffers {
                numChannels: 2,
                silenceFlags: 0,
                __field0: AudioBusBuffers__type0 {
                    channelBuffers32: channels.as_mut_ptr(),
                },
            };
            let mut context = process_context(&scenario.timeline, start);
            let mut data = ProcessData {
                processMode: self.process_mode,
                symbolicSampleSize: kSample32 as i32,
                numSamples: len as i32,
                numInputs: 0,
                numOutputs: 1,
                inputs: std::ptr::null_mut(),
                outputs: &mut output_bus,
                inputParameterChanges: changes
                    .as_com_ref::<IParameterChanges>()
                    .expect("an IParameterChanges")
                    .as_ptr(),
                outputParameterChanges: std::ptr::null_mut(),
                inputEvents: input_events
                    .as_com_ref::<IEventList>()
                    .expect("an IEventList")
                    .as_ptr(),
                outputEvents: output_events
                    .as_com_ref::<IEventList>()
                    .expect("an IEventList")
                    .as_ptr(),
                processContext: &mut context,
            };
            // SAFETY: every pointer in `data` points at a live object of this frame for the
            // call: the two channels hold `len` samples, the lists and context outlive it.
            let result = unsafe { self.processor.process(&mut data) };
            assert_eq!(
                result, kResultOk,
                "process() failed in block {start}..{end}"
            );
            assert!(
                left[..len].iter().chain(&right[..len]).all(|&s| s == 0.0),
                "a MIDI effect's audio output must be silent"
            );
            for event in output_events.events().iter() {
                let offset = event.sampleOffset;
                assert!(
                    usize::try_from(offset).is_ok_and(|offset| offset < len),
                    "event stamped at offset {offset} in a block of {len} samples"
                );
                if let Some(output) = decode_output(event) {
                    outputs.push(TimedOutput {
                        sample: start + offset as u64,
                        output,
                    });
                }
            }
        }
        // SAFETY: as for `setProcessing(1)`.
        assert_eq!(unsafe { self.processor.setProcessing(0) }, kResultOk);
        outputs
    }

    /// Puts `input` into this block's lists, `offset` samples into it.
    fn send(
        &self,
        input: Vst3Input,
        offset: i32,
        pos_ppq: f64,
        events: &EventList,
        changes: &ParameterChanges,
    ) {
        match input {
            Vst3Input::Note(note) => {
                events.push(note_event(note, offset, pos_ppq).expect("a note input"));
            }
            Vst3Input::Automation { id, value } => {
                // A DAW shows automation on the controller as it plays it to the processor.
                // SAFETY: a plain call on the live controller.
                let result = unsafe { self.controller.setParamNormalized(id, value) };
                assert_eq!(result, kResultOk, "setParamNormalized({id}, {value})");
                changes.add_point(id, offset, value);
            }
            Vst3Input::Controller { id, value } => changes.add_point(id, offset, value),
            Vst3Input::RestoreBurst => {
                for &id in self.all_param_ids {
                    // SAFETY: a plain call on the live controller.
                    let value = unsafe { self.controller.getParamNormalized(id) };
                    changes.add_point(id, offset, value);
                }
            }
        }
    }
}

/// The transport at `sample` as a VST3 host describes it for the block starting there.
fn process_context(timeline: &Timeline, sample: u64) -> ProcessContext {
    let state = timeline.state_at(sample);
    let bar = timeline.bar_at(sample);
    let (numerator, denominator) = timeline.time_signature_at(sample);
    let sample_rate_hz = timeline.sample_rate_hz();
    // SAFETY: `ProcessContext` is plain C data; all zeros is a valid value (no chord, no SMPTE),
    // and the fields the plugin reads are set below.
    let mut context: ProcessContext = unsafe { std::mem::zeroed() };
    context.state = kTempoValid
        | kTimeSigValid
        | kProjectTimeMusicValid
        | kBarPositionValid
        | kContTimeValid
        | if state.playing { kPlaying } else { 0 };
    context.sampleRate = sample_rate_hz;
    context.projectTimeSamples = (state.pos_secs * sample_rate_hz).round() as i64;
    context.continousTimeSamples = sample as i64;
    context.projectTimeMusic = state.pos_ppq;
    context.barPositionMusic = bar.start_ppq;
    context.tempo = state.tempo_bpm;
    context.timeSigNumerator = i32::from(numerator);
    context.timeSigDenominator = i32::from(denominator);
    context
}
