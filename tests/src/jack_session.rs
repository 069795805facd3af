//! A JACK session for the standalone Antiphon: Debian's `jackd` with its dummy driver (no sound
//! card), the standalone running against it, and JACK clients that play MIDI into it and record
//! what it sends, stamped with JACK transport frames.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use jack::{
    AsyncClient, Client, ClientOptions, Control, MidiIn, MidiOut, ProcessScope, RawMidi,
    TransportState,
};
use parking_lot::Mutex;

use crate::running::{Running, wait_for_within};

/// The JACK server's sample rate.
pub const RATE: u32 = 48_000;
/// Frames per JACK period: 21 ms, so that without realtime scheduling a client woken late on a
/// busy two-core machine still finishes its period (at 256 frames CI lost a period's messages).
const PERIOD: u32 = 1024;
/// How long the server and the standalone may take to come up.
const STARTUP: Duration = Duration::from_secs(20);
/// How long the standalone is given to load its model after its ports appear, before the
/// transport rolls: notes played while the model loads pass through unheard.
const SETTLE: Duration = Duration::from_secs(5);

/// What the recorder heard, and how many periods JACK's graph missed while the transport rolled
/// (an xrun: a client did not finish its period in time, so messages of that period may be lost).
#[derive(Debug, Clone)]
pub struct Recording {
    pub messages: Vec<FramedMidi>,
    pub xruns: usize,
}

/// A MIDI message at a transport frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FramedMidi {
    /// JACK transport frame.
    pub frame: u64,
    /// The message's three bytes.
    pub bytes: [u8; 3],
}

/// `jackd` on a server name of its own, the standalone Antiphon on it, and this test's two
/// clients: one plays into Antiphon, the other records it (one client doing both would make a
/// cycle in JACK's graph, which JACK breaks with a period of delay).
pub struct JackSession {
    // Dropped in this order: the clients, the standalone, then the server.
    player: Option<AsyncClient<(), Player>>,
    recorder: Option<AsyncClient<XrunCounter, Recorder>>,
    recorded: Arc<Mutex<Vec<FramedMidi>>>,
    xruns: Arc<AtomicUsize>,
    _standalone: Running,
    _server: Running,
}

impl JackSession {
    /// Starts `jackd` (server `server_name`), then `standalone` against it with `args`, then the
    /// clients that play `call` (rolling the transport from frame 0) into the standalone's MIDI
    /// input and record its MIDI output.
    pub fn start(
        server_name: &str,
        standalone: &Path,
        args: &[&str],
        call: Vec<FramedMidi>,
    ) -> JackSession {
        let server = Running(
            Command::new("jackd")
                .args(["--no-realtime", "--name", server_name, "-d", "dummy"])
                .args(["-r", &RATE.to_string(), "-p", &PERIOD.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!("cannot start jackd ({e}): install Debian's jackd2 (scripts/test does)")
                }),
        );
        // SAFETY: this test binary runs one test, and sets the variable before it starts a
        // JACK client (the only readers).
        unsafe { std::env::set_var("JACK_DEFAULT_SERVER", server_name) };
        let client = |name| {
            wait_for(|| Client::new(name, ClientOptions::NO_START_SERVER).ok())
                .expect("jackd comes up")
                .0
        };
        let (player, recorder) = (client("antiphon-call"), client("antiphon-listen"));
        let standalone = Running(
            Command::new(standalone)
                .args(["--backend", "jack"])
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("the standalone starts"),
        );
        wait_for(|| player.port_by_name("antiphon:midi_output")).expect("Antiphon's ports appear");

        let recorded = Arc::new(Mutex::new(Vec::with_capacity(4096)));
        let player_handler = Player {
            out: player
                .register_port("out", MidiOut::default())
                .expect("a MIDI out port"),
            call,
        };
        let recorder_handler = Recorder {
            input: recorder
                .register_port("in", MidiIn::default())
                .expect("a MIDI in port"),
            recorded: recorded.clone(),
        };
        let xruns = Arc::new(AtomicUsize::new(0));
        player.transport().locate(0).expect("the transport moves");
        let player = player
            .activate_async((), player_handler)
            .expect("the player runs");
        let recorder = recorder
            .activate_async(
                XrunCounter {
                    xruns: xruns.clone(),
                },
                recorder_handler,
            )
            .expect("the recorder runs");
        let ours = player.as_client();
        // The standalone's ports may appear before its client is active: connecting waits.
        let connect = |from, to| wait_for(|| ours.connect_ports_by_name(from, to).ok());
        connect("antiphon-call:out", "antiphon:midi_input").expect("the call goes into Antiphon");
        connect("antiphon:midi_output", "antiphon-listen:in")
            .expect("Antiphon's output is recorded");
        std::thread::sleep(SETTLE);
        ours.transport().start().expect("the transport rolls");
        JackSession {
            player: Some(player),
            recorder: Some(recorder),
            recorded,
            xruns,
            _standalone: standalone,
            _server: server,
        }
    }

    /// Waits until the transport has passed `frame`, then returns everything recorded.
    pub fn record_until(&mut self, frame: u64) -> Recording {
        let player = self.player.as_ref().expect("running");
        let rolled = wait_for_within(
            Duration::from_secs_f64(frame as f64 / f64::from(RATE) + 20.0),
            || {
                let position = player.as_client().transport().query().ok()?;
                (u64::from(position.pos.frame()) > frame).then_some(())
            },
        );
        assert!(rolled.is_some(), "the JACK transport reached frame {frame}");
        if let Some(player) = self.player.take() {
            let _ = player.deactivate();
        }
        if let Some(recorder) = self.recorder.take() {
            let _ = recorder.deactivate();
        }
        Recording {
            messages: self.recorded.lock().clone(),
            xruns: self.xruns.load(Ordering::Relaxed),
        }
    }
}

/// The transport frame at the start of this period, if the transport rolls.
fn rolling_frame(client: &Client) -> Option<u64> {
    let transport = client.transport().query().ok()?;
    (transport.state == TransportState::Rolling).then(|| u64::from(transport.pos.frame()))
}

/// Counts the xruns JACK reports while the transport rolls.
struct XrunCounter {
    xruns: Arc<AtomicUsize>,
}

impl jack::NotificationHandler for XrunCounter {
    fn xrun(&mut self, client: &Client) -> Control {
        if rolling_frame(client).is_some() {
            self.xruns.fetch_add(1, Ordering::Relaxed);
        }
        Control::Continue
    }
}

/// Plays the call's messages in the periods whose transport frames hold them.
pub struct Player {
    out: jack::Port<MidiOut>,
    call: Vec<FramedMidi>,
}

impl jack::ProcessHandler for Player {
    fn process(&mut self, client: &Client, scope: &ProcessScope) -> Control {
        let Some(start) = rolling_frame(client) else {
            return Control::Continue;
        };
        let end = start + u64::from(scope.n_frames());
        let mut writer = self.out.writer(scope);
        for message in self.call.iter().filter(|m| (start..end).contains(&m.frame)) {
            let _ = writer.write(&RawMidi {
                time: (message.frame - start) as u32,
                bytes: &message.bytes,
            });
        }
        Control::Continue
    }
}

/// Records what Antiphon sends, at transport frames.
pub struct Recorder {
    input: jack::Port<MidiIn>,
    recorded: Arc<Mutex<Vec<FramedMidi>>>,
}

impl jack::ProcessHandler for Recorder {
    fn process(&mut self, client: &Client, scope: &ProcessScope) -> Control {
        let Some(start) = rolling_frame(client) else {
            return Control::Continue;
        };
        let mut recorded = self.recorded.lock();
        for message in self.input.iter(scope) {
            if let [status, data1, data2] = *message.bytes {
                recorded.push(FramedMidi {
                    frame: start + u64::from(message.time),
                    bytes: [status, data1, data2],
                });
            }
        }
        Control::Continue
    }
}

/// `probe` polled until it gives a value, for at most [`STARTUP`].
fn wait_for<T>(probe: impl FnMut() -> Option<T>) -> Option<T> {
    wait_for_within(STARTUP, probe)
}
