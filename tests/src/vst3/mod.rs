//! A minimal VST3 host: loads the built `Antiphon.vst3`, drives it as a VST3 DAW does (one
//! component that is also its edit controller, `setupProcessing`, `setActive`, `setProcessing`,
//! then `process()` with a transport, note events, parameter changes and silent output buffers)
//! and plays the same [`Scenario`](crate::Scenario)s as the CLAP host.

mod changes;
mod context;
mod events;
mod host;
mod library;
mod process;
mod strings;

pub use host::{PLUGIN_NAME, Vst3Host};
