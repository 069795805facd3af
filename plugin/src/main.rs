//! The standalone Antiphon: the plugin with its own audio and MIDI ports (JACK, or ALSA audio and
//! MIDI), its own transport at `--tempo` (or JACK's transport), and its editor as the window.
//! `--help` lists the options.

use antiphon_plugin::Antiphon;
use nice_plug::prelude::*;

fn main() {
    nice_export_standalone::<Antiphon>();
}
