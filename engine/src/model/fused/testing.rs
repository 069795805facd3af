//! What the fused kernels' tests share: networks with random weights of any shape, windows of
//! the real fixtures, and the error measure the kernels are held to.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;

use crate::encoding::EventId;
use crate::encoding::groove::GrooveValues;
use crate::families::Family;
use crate::model::config::ModelConfig;
use crate::model::fused::params::ParamLayout;
use crate::model::loaded::Model;
use crate::model::net::Net;
use crate::performance::Performance;
use crate::rng::SplitMix64;
use crate::window_cuts::WindowStarts;

/// Every weight of `config` uniform in `±scale` (biases too, so every path carries a value).
pub(crate) fn random_tensors(
    config: &ModelConfig,
    scale: f32,
    seed: u64,
) -> HashMap<String, Tensor> {
    let mut rng = SplitMix64::new(seed);
    ParamLayout::new(config)
        .entries()
        .iter()
        .map(|entry| {
            let values: Vec<f32> = entry
                .range
                .clone()
                .map(|_| (2.0 * rng.next_f32() - 1.0) * scale)
                .collect();
            let tensor = Tensor::from_vec(values, entry.shape.as_slice(), &Device::Cpu).unwrap();
            (entry.name.clone(), tensor)
        })
        .collect()
}

/// A candle network of `config` with [`random_tensors`].
pub(crate) fn random_net(config: &ModelConfig, scale: f32, seed: u64) -> Net {
    let vb = VarBuilder::from_tensors(
        random_tensors(config, scale, seed),
        DType::F32,
        &Device::Cpu,
    );
    Net::load(vb, config).unwrap()
}

/// A loaded model of `config` (a groove head included) with [`random_tensors`], through a
/// model folder's bytes.
pub(crate) fn random_model(config: &ModelConfig, scale: f32, seed: u64) -> Model {
    let (config, weights) = random_model_files(config, scale, seed);
    Model::from_bytes(&config, &weights).unwrap()
}

/// [`random_model`]'s files: `config.json` and `model.safetensors`.
pub(crate) fn random_model_files(
    config: &ModelConfig,
    scale: f32,
    seed: u64,
) -> (Vec<u8>, Vec<u8>) {
    let tensors = random_tensors(config, scale, seed);
    let layout = ParamLayout::new(config);
    let params = layout.gather(|name| Ok(tensors[name].clone())).unwrap();
    let weights = safetensors::serialize(layout.tensors(&params).unwrap(), None).unwrap();
    (serde_json::to_vec(config).unwrap(), weights)
}

/// Windows of at most `steps` events from the fixture files of `family` (GMD grooves for drums,
/// folk tunes for melodies), at most `per_file` from each.
pub(crate) fn fixture_windows(family: Family, steps: usize, per_file: usize) -> Vec<Vec<EventId>> {
    fixture_performances(family)
        .iter()
        .flat_map(|performance| {
            let mut windows = performance.windows(steps, WindowStarts::Tiled);
            windows.retain(|w| w.len() >= 2);
            windows.truncate(per_file);
            windows
        })
        .collect()
}

/// [`fixture_windows`] of the drum fixtures, with their grooves.
pub(crate) fn fixture_groove_windows(
    steps: usize,
    per_file: usize,
) -> (Vec<Vec<EventId>>, Vec<Vec<GrooveValues>>) {
    fixture_performances(Family::DRUMS)
        .iter()
        .flat_map(|performance| {
            let grooves = performance
                .groove_windows(steps, WindowStarts::Tiled)
                .expect("drums");
            let mut windows: Vec<_> = performance
                .windows(steps, WindowStarts::Tiled)
                .into_iter()
                .zip(grooves)
                .collect();
            windows.retain(|(w, _)| w.len() >= 2);
            windows.truncate(per_file);
            windows
        })
        .unzip()
}

/// The fixture files of `family`, in name order.
fn fixture_performances(family: Family) -> Vec<Performance> {
    let folder = if family == Family::DRUMS {
        "groove"
    } else {
        "folk"
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(folder);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "mid"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            Performance::read(family, &std::fs::read(path).unwrap())
                .unwrap()
                .0
        })
        .collect()
}

/// The system allocator, counting the allocations each thread makes: the test build's global
/// allocator, so a test can show that a step allocates nothing.
struct CountingAllocator;

thread_local! {
    /// Allocations by this thread so far; const-initialised, so reading it never allocates.
    static ALLOCATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: the caller's guarantees are the system allocator's.
        unsafe { std::alloc::System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: as above.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        // SAFETY: as above.
        unsafe { std::alloc::System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// How many allocations this thread made while running `f`.
pub(crate) fn allocations_during(f: impl FnOnce()) -> u64 {
    let before = ALLOCATIONS.with(std::cell::Cell::get);
    f();
    ALLOCATIONS.with(std::cell::Cell::get) - before
}
