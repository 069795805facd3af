//! A headless X display for editor tests: starts Xvfb, makes a host window for the plugin's
//! editor to embed into (as a DAW's plugin window), and reads back what is on screen.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    ConnectionExt, CreateWindowAux, ImageFormat, ImageOrder, MapState, Window, WindowClass,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

/// The Debian packages the editor test needs: the X server, and the X11/GL libraries the editor
/// loads when its window opens.
pub const INSTALL_COMMAND: &str = "apt-get install -y xvfb libgl1 libgl1-mesa-dri libglx-mesa0 \
     libx11-6 libx11-xcb1 libxcb1 libxcursor1 libxrandr2 libxi6 libxkbcommon0 libxkbcommon-x11-0";

/// Size of the virtual screen, in pixels: room for an editor at 2× scale.
pub const SCREEN_WIDTH: u16 = 2560;
/// See [`SCREEN_WIDTH`].
pub const SCREEN_HEIGHT: u16 = 1700;

/// A running Xvfb server, stopped on drop.
pub struct HeadlessDisplay {
    server: Child,
    name: String,
}

impl HeadlessDisplay {
    /// Starts Xvfb on a free display number and waits until it accepts connections. Panics with
    /// the install command when Xvfb is missing.
    pub fn start() -> HeadlessDisplay {
        let mut server = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg(format!("{SCREEN_WIDTH}x{SCREEN_HEIGHT}x24"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "the editor screenshot test needs Xvfb, which did not start ({e}); \
                     install it with `{INSTALL_COMMAND}` (.ci/run does this)"
                )
            });
        // Xvfb writes its display number once it is ready.
        let mut number = String::new();
        let stdout = server.stdout.take().expect("piped");
        BufReader::new(stdout)
            .read_line(&mut number)
            .expect("reading Xvfb's display number");
        let number = number.trim();
        if number.is_empty() {
            let status = server.wait();
            panic!("Xvfb exited before it was ready ({status:?}); run `Xvfb -displayfd 1` by hand");
        }
        HeadlessDisplay {
            server,
            name: format!(":{number}"),
        }
    }

    /// The display name, e.g. ":1", for `DISPLAY`.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for HeadlessDisplay {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// A connection to a display's screen, to read back what it shows.
pub struct Screen {
    connection: RustConnection,
    root: Window,
    black_pixel: u32,
}

impl Screen {
    /// Connects to `display`.
    pub fn connect(display: &HeadlessDisplay) -> Screen {
        let (connection, screen_number) =
            x11rb::connect(Some(display.name())).expect("connecting to Xvfb");
        let screen = &connection.setup().roots[screen_number];
        let (root, black_pixel) = (screen.root, screen.black_pixel);
        Screen {
            connection,
            root,
            black_pixel,
        }
    }

    /// What the screen shows in the `width` × `height` pixels at its top left.
    pub fn capture(&self, width: u16, height: u16) -> Screenshot {
        self.capture_window(self.root, width, height)
    }

    /// Every viewable window of exactly `width` × `height` pixels, at any depth of the tree.
    pub fn windows_of_size(&self, width: u16, height: u16) -> Vec<Window> {
        let mut found = Vec::new();
        let mut unvisited = vec![self.root];
        while let Some(window) = unvisited.pop() {
            let Ok(tree) = self.connection.query_tree(window).map(|c| c.reply()) else {
                continue;
            };
            for child in tree.map(|t| t.children).unwrap_or_default() {
                let geometry = self.connection.get_geometry(child).map(|c| c.reply());
                let attributes = self
                    .connection
                    .get_window_attributes(child)
                    .map(|c| c.reply());
                if let (Ok(Ok(geometry)), Ok(Ok(attributes))) = (geometry, attributes)
                    && (geometry.width, geometry.height) == (width, height)
                    && attributes.map_state == MapState::VIEWABLE
                {
                    found.push(child);
                }
                unvisited.push(child);
            }
        }
        found
    }

    /// The `width` × `height` pixels at the top left of `window` (the screen's root, or a
    /// viewable window, which X draws into even where it is off screen).
    pub fn capture_window(&self, window: Window, width: u16, height: u16) -> Screenshot {
        let setup = self.connection.setup();
        let reply = self
            .connection
            .get_image(ImageFormat::Z_PIXMAP, window, 0, 0, width, height, !0)
            .expect("asking for the screen's pixels")
            .reply()
            .expect("reading the screen's pixels");
        let bits_per_pixel = setup
            .pixmap_formats
            .iter()
            .find(|format| format.depth == reply.depth)
            .map(|format| format.bits_per_pixel);
        assert_eq!(
            bits_per_pixel,
            Some(32),
            "a 24-bit screen stores 32-bit pixels"
        );
        assert_eq!(setup.image_byte_order, ImageOrder::LSB_FIRST);
        // Little-endian 0x00RRGGBB: bytes B, G, R, unused.
        let rgb = reply
            .data
            .chunks_exact(4)
            .flat_map(|pixel| [pixel[2], pixel[1], pixel[0]])
            .collect();
        Screenshot {
            width: u32::from(width),
            height: u32::from(height),
            rgb,
        }
    }
}

/// A top-level window covering the screen, as a host's plugin window.
pub struct HostWindow {
    screen: Screen,
    window: Window,
}

impl HostWindow {
    /// Opens and maps the window on `display`.
    pub fn open(display: &HeadlessDisplay) -> HostWindow {
        let screen = Screen::connect(display);
        let connection = &screen.connection;
        let window = connection.generate_id().expect("an X11 id");
        connection
            .create_window(
                x11rb::COPY_DEPTH_FROM_PARENT,
                window,
                screen.root,
                0,
                0,
                SCREEN_WIDTH,
                SCREEN_HEIGHT,
                0,
                WindowClass::INPUT_OUTPUT,
                0,
                &CreateWindowAux::new().background_pixel(screen.black_pixel),
            )
            .expect("creating the host window");
        connection
            .map_window(window)
            .expect("mapping the host window");
        connection.sync().expect("talking to Xvfb");
        HostWindow { screen, window }
    }

    /// The X11 window id, for the plugin's `set_parent`.
    pub fn id(&self) -> u32 {
        self.window
    }

    /// What the screen shows in the `width` × `height` pixels at the window's top left.
    pub fn capture(&self, width: u16, height: u16) -> Screenshot {
        self.screen.capture(width, height)
    }
}

/// The editor's colours for the call and the response (`plugin/src/editor/theme.rs`).
const CALL_COLOR: [u8; 3] = [0xff, 0xb0, 0x3b];
/// See [`CALL_COLOR`].
const RESPONSE_COLOR: [u8; 3] = [0x3b, 0xd4, 0xf0];
/// Rendering dithers colours by a step or two.
const TOLERANCE: u8 = 4;
/// The hits of a two-bar beat cover far more pixels than this at 1× scale.
const MIN_LANE_PIXELS: usize = 500;

/// Pixels read back from the screen.
pub struct Screenshot {
    /// Width, in pixels.
    pub width: u32,
    /// Height, in pixels.
    pub height: u32,
    /// Row-major RGB bytes.
    pub rgb: Vec<u8>,
}

impl Screenshot {
    /// The number of distinct colours.
    pub fn distinct_colors(&self) -> usize {
        self.pixels().collect::<HashSet<_>>().len()
    }

    /// Pixels within `tolerance` of `color` on every channel (rendering dithers colours a little).
    pub fn count_near(&self, color: [u8; 3], tolerance: u8) -> usize {
        self.pixels()
            .filter(|pixel| {
                pixel
                    .iter()
                    .zip(color)
                    .all(|(&a, b)| a.abs_diff(b) <= tolerance)
            })
            .count()
    }

    /// Writes the screenshot as a PNG.
    pub fn save_png(&self, path: &Path) {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).expect("creating the screenshot's folder");
        }
        let file = std::fs::File::create(path)
            .unwrap_or_else(|e| panic!("creating {}: {e}", path.display()));
        let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .write_header()
            .and_then(|mut writer| writer.write_image_data(&self.rgb))
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    /// Whether the editor's call and answer lanes are both drawn, at 1× scale.
    pub fn shows_call_and_answer(&self) -> bool {
        self.count_near(CALL_COLOR, TOLERANCE) >= MIN_LANE_PIXELS
            && self.count_near(RESPONSE_COLOR, TOLERANCE) >= MIN_LANE_PIXELS
    }

    /// Checks that this is a frame of the editor with the call and the answer in their colours,
    /// drawn `scale` times as large as at 1× (`path` names the saved picture in the failure).
    pub fn assert_shows_call_and_answer(&self, scale: usize, path: &Path) {
        let call = self.count_near(CALL_COLOR, TOLERANCE);
        let response = self.count_near(RESPONSE_COLOR, TOLERANCE);
        let colors = self.distinct_colors();
        println!(
            "{}: call pixels {call}, response pixels {response}, distinct colours {colors}",
            path.display()
        );
        let min_pixels = MIN_LANE_PIXELS * scale * scale;
        assert!(
            colors > 64,
            "a blank or flat frame: {colors} colours ({})",
            path.display()
        );
        assert!(
            call >= min_pixels,
            "the call is not drawn: {call} pixels ({})",
            path.display()
        );
        assert!(
            response >= min_pixels,
            "the answer is not drawn: {response} pixels ({})",
            path.display()
        );
    }

    fn pixels(&self) -> impl Iterator<Item = [u8; 3]> + '_ {
        self.rgb
            .chunks_exact(3)
            .map(|pixel| [pixel[0], pixel[1], pixel[2]])
    }
}
