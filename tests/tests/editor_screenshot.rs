//! The editor in a real window: a host opens it embedded in an X11 window on a headless X server
//! (Xvfb), plays a call and gets the model's answer through the plugin, then reads the screen
//! back, saves it as a PNG and checks that the call and the answer are drawn.
//!
//! Run alone with `cargo test -p antiphon-host-tests --test editor_screenshot`; the pictures land
//! in `target/screenshots/editor.png`, `editor@2x.png` (a host at 2× scale) and
//! `editor-melody.png` (the melody model answering a jig) and `editor-chords.png` (the chords
//! model answering a chorale). Needs Xvfb (see
//! `screen::INSTALL_COMMAND`).

use std::time::{Duration, Instant};

use antiphon_host_tests::bundle::workspace_root;
use antiphon_host_tests::chorales::{CHRIST_IST_ERSTANDEN, play_chorale};
use antiphon_host_tests::phrases::{ROCK_BEAT, play_bars};
use antiphon_host_tests::screen::{HeadlessDisplay, HostWindow, Screenshot};
use antiphon_host_tests::tunes::{JIG_G_MAJOR, play_tune};
use antiphon_host_tests::{PluginHost, Render, Scenario, Timeline};
use clack_extensions::gui::GuiSize;

const RATE: f64 = 48_000.0;

/// Waits for a frame of the open editor (of `size`) with both lanes, and reads it back.
fn capture(window: &HostWindow, size: GuiSize) -> Screenshot {
    let width = u16::try_from(size.width).unwrap();
    let height = u16::try_from(size.height).unwrap();
    // The editor draws on its own thread; wait for a frame with both lanes on it.
    let started = Instant::now();
    while !window.capture(width, height).shows_call_and_answer()
        && started.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(250));
    }
    // A few more frames, so the picture kept is a settled one (the answer's numbers arrive once
    // the model has generated all of it).
    std::thread::sleep(Duration::from_millis(1000));
    window.capture(width, height)
}

#[test]
fn the_editor_shows_a_call_and_its_answer_at_1x_and_2x() {
    let display = HeadlessDisplay::start();
    // SAFETY: this test binary holds this one test, so no other thread reads the environment
    // while it is changed; the editor (loaded below) connects to the display it names.
    unsafe { std::env::set_var("DISPLAY", display.name()) };
    let window = HostWindow::open(&display);

    let mut host = PluginHost::load();
    host.set_param("Seed", "42");
    host.set_param("Max Call Bars", "2");
    host.set_param("Phrase Bars", "2");
    host.set_render(Render::Offline);
    host.activate(RATE, 512);

    // The editor is open while the call is played and answered: it is told only while it shows.
    let size_1x = host.open_editor_x11(window.id(), 1.0);
    assert!(size_1x.width >= 800 && size_1x.height >= 500, "{size_1x:?}");
    // A two-bar call in bars 1–2; the answer fills bars 3–4. Stop in the answer's second bar so
    // the play position stands inside it.
    let timeline = Timeline::playing(RATE, 0.0, 120.0);
    let end = timeline.sample_of_ppq(4.5 * timeline.bar_ppq()).unwrap();
    let mut scenario = Scenario::new(timeline.clone(), 512, end).rendered(Render::Offline);
    scenario.inputs = play_bars(ROCK_BEAT, 2, &timeline, timeline.bar_ppq(), 0);
    let outputs = host.run(&scenario);
    assert!(!outputs.is_empty(), "the model answered");
    let folder = workspace_root().join("target/screenshots");
    let shot = capture(&window, size_1x);
    host.close_editor();
    let path = folder.join("editor.png");
    shot.save_png(&path);
    shot.assert_shows_call_and_answer(1, &path);
    host.deactivate();

    // The melody model answering the first two bars of a jig in 6/8, held to G major: the call
    // and the answer on pitch rows.
    for (name, value) in [
        ("Model", "Melody (folk tunes)"),
        ("Out Channel", "2"),
        ("Key", "G"),
        ("Scale", "Major"),
    ] {
        host.set_param(name, value);
    }
    host.activate(RATE, 512);
    let size = host.open_editor_x11(window.id(), 1.0);
    assert_eq!(size, size_1x);
    let timeline = Timeline::playing(RATE, 0.0, 120.0).with_time_signature(6, 8);
    let end = timeline.sample_of_ppq(4.5 * timeline.bar_ppq()).unwrap();
    let mut scenario = Scenario::new(timeline.clone(), 512, end).rendered(Render::Offline);
    scenario.inputs = play_tune(JIG_G_MAJOR, 24, &timeline, timeline.bar_ppq(), 0);
    assert!(!host.run(&scenario).is_empty(), "the melody model answered");
    let shot = capture(&window, size);
    host.close_editor();
    let path = folder.join("editor-melody.png");
    shot.save_png(&path);
    shot.assert_shows_call_and_answer(1, &path);

    // The chords model answering the first two bars of a chorale, held to F♯ harmonic minor:
    // chords on pitch rows.
    host.deactivate();
    for (name, value) in [
        ("Model", "Chorales (Bach)"),
        ("Key", "F♯"),
        ("Scale", "Harmonic minor"),
    ] {
        host.set_param(name, value);
    }
    host.activate(RATE, 512);
    let size = host.open_editor_x11(window.id(), 1.0);
    let timeline = Timeline::playing(RATE, 0.0, 96.0);
    let end = timeline.sample_of_ppq(4.5 * timeline.bar_ppq()).unwrap();
    let mut scenario = Scenario::new(timeline.clone(), 512, end).rendered(Render::Offline);
    scenario.inputs = play_chorale(CHRIST_IST_ERSTANDEN, 32, &timeline, timeline.bar_ppq(), 0);
    assert!(!host.run(&scenario).is_empty(), "the chords model answered");
    let shot = capture(&window, size);
    host.close_editor();
    let path = folder.join("editor-chords.png");
    shot.save_png(&path);
    shot.assert_shows_call_and_answer(1, &path);

    // Reopened by a high-DPI host: the chords it was told about, everything twice as large.
    let size_2x = host.open_editor_x11(window.id(), 2.0);
    let shot = capture(&window, size_2x);
    host.close_editor();
    let path = folder.join("editor@2x.png");
    shot.save_png(&path);
    assert_eq!(
        (size_2x.width, size_2x.height),
        (2 * size_1x.width, 2 * size_1x.height),
        "the editor scales with the host"
    );
    shot.assert_shows_call_and_answer(2, &path);
    host.deactivate();
}
