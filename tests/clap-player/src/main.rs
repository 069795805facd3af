//! `antiphon-clap-player [--editor] BUNDLE SCENARIO [PLUGIN_ID]`: loads a CLAP bundle, plays the
//! scenario file through its plugin (see [`scenario`] for the format) and prints every note the
//! plugin sends, one a line, at its absolute sample:
//!
//! ```text
//! on 288000 9 36 0.7874015748031497   # sample, channel (0-15), key, velocity (0-1)
//! off 289500 9 36
//! ```
//!
//! Built for Linux and for Windows from the same source, it plays the same scenario through the
//! Linux bundle and, under Wine, through the Windows one, so the two can be compared note for
//! note (`tests/tests/windows.rs`).
//!
//! With `--editor` (the Windows build only), the plugin's editor is open in a window of the
//! player's while the scenario plays; after the notes the player prints `editor WIDTH HEIGHT` and
//! keeps the editor on screen, still active, until its stdin closes.

#[cfg(windows)]
mod editor;
mod host;
mod scenario;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::host::{LoadedPlugin, SentNote};
use crate::scenario::{Note, Scenario};

const USAGE: &str = "usage: antiphon-clap-player [--editor] BUNDLE.clap SCENARIO.txt [PLUGIN_ID]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("antiphon-clap-player: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args_os().skip(1).peekable();
    let editor = args.next_if(|arg| arg == "--editor").is_some();
    let (Some(bundle), Some(scenario_path)) = (args.next(), args.next()) else {
        return Err(USAGE.to_owned());
    };
    let plugin_id = args
        .next()
        .map(|id| {
            id.into_string()
                .map_err(|_| "the plugin id is not UTF-8".to_owned())
        })
        .transpose()?;
    let scenario_path = PathBuf::from(scenario_path);
    let text = std::fs::read_to_string(&scenario_path)
        .map_err(|e| format!("reading {}: {e}", scenario_path.display()))?;
    let scenario =
        Scenario::parse(&text).map_err(|e| format!("{}: {e}", scenario_path.display()))?;

    let mut plugin = LoadedPlugin::load(&PathBuf::from(bundle), plugin_id.as_deref())?;
    for (name, text) in &scenario.params {
        plugin.set_param(name, text)?;
    }
    plugin.set_render(scenario.render)?;
    let processor = plugin.activate(&scenario)?;
    if editor {
        play_with_editor(&mut plugin, processor, &scenario)
    } else {
        let (processor, sent) = host::play(processor, &scenario);
        plugin.deactivate(processor);
        sent.and_then(|sent| print_notes(&sent))
    }
}

/// Plays the scenario with the editor open, prints the notes and shows the editor until stdin
/// closes, the plugin still active (so the editor keeps what it was told).
#[cfg(windows)]
fn play_with_editor(
    plugin: &mut LoadedPlugin,
    processor: clack_host::prelude::StoppedPluginAudioProcessor<host::Player>,
    scenario: &Scenario,
) -> Result<(), String> {
    let editor = match editor::Editor::open(plugin) {
        Ok(editor) => editor,
        Err(e) => {
            plugin.deactivate(processor);
            return Err(e);
        }
    };
    let (processor, sent) = host::play(processor, scenario);
    let shown = sent.and_then(|sent| {
        print_notes(&sent)?;
        let size = editor.size();
        println!("editor {} {}", size.width, size.height);
        std::io::stdout()
            .flush()
            .map_err(|e| format!("writing: {e}"))?;
        editor.show_until_stdin_closes();
        Ok(())
    });
    editor.close(plugin);
    plugin.deactivate(processor);
    shown
}

#[cfg(not(windows))]
fn play_with_editor(
    plugin: &mut LoadedPlugin,
    processor: clack_host::prelude::StoppedPluginAudioProcessor<host::Player>,
    _: &Scenario,
) -> Result<(), String> {
    plugin.deactivate(processor);
    Err("--editor: this player embeds editors only in its Windows build".to_owned())
}

/// Prints every note the plugin sent, one a line.
fn print_notes(sent: &[SentNote]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    for note in sent {
        let written = match note.note {
            Note::On {
                channel,
                key,
                velocity,
            } => writeln!(out, "on {} {channel} {key} {velocity}", note.sample),
            Note::Off { channel, key } => writeln!(out, "off {} {channel} {key}", note.sample),
        };
        written.map_err(|e| format!("writing the notes: {e}"))?;
    }
    out.flush().map_err(|e| format!("writing the notes: {e}"))
}
