//! Child processes a test starts and must not leave behind.

use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A process stopped when dropped: asked to terminate (so that `jackd` unregisters its server
/// from JACK's shared-memory registry, which holds only a few), killed if it lingers.
pub(crate) struct Running(pub(crate) Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let exited = wait_for_within(Duration::from_secs(5), || self.0.try_wait().ok().flatten());
        if exited.is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// `probe` polled every 20 ms until it gives a value, for at most `limit`.
pub(crate) fn wait_for_within<T>(
    limit: Duration,
    mut probe: impl FnMut() -> Option<T>,
) -> Option<T> {
    let started = Instant::now();
    loop {
        if let Some(value) = probe() {
            return Some(value);
        }
        if started.elapsed() > limit {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
