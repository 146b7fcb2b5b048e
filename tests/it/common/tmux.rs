//! The app in a real terminal: tmux runs `procure` on a session of its own
//! server, keys are sent with send-keys and the screen is read with
//! capture-pane.

use super::{BIN, Home};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    session: String,
    /// Holds the server's socket; gone with the session.
    dir: tempfile::TempDir,
}

impl Tmux {
    /// The app in a terminal of its own.
    pub fn start(home: &Home, width: u16, height: u16) -> Tmux {
        Tmux::run(home, width, height, "")
    }

    /// `procure ARGS` in a terminal of its own (no ARGS: the app).
    pub fn run(home: &Home, width: u16, height: u16, args: &str) -> Tmux {
        Tmux::run_with(home, width, height, &[], args)
    }

    /// The app with these environment variables set too (`NAME=VALUE`).
    pub fn start_with(home: &Home, width: u16, height: u16, env: &[&str]) -> Tmux {
        Tmux::run_with(home, width, height, env, "")
    }

    fn run_with(home: &Home, width: u16, height: u16, env: &[&str], args: &str) -> Tmux {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let session = format!("procure-test-{}-{width}x{height}-{n}", std::process::id());
        let env = env.join(" ");
        let cmd = format!("env PROCURE_HOME={} TERM=xterm-256color {env} {} {args}", home.path().display(), BIN);
        let tmux = Tmux { session, dir: tempfile::tempdir().unwrap() };
        let st = tmux
            .cmd()
            .args(["new-session", "-d", "-s", &tmux.session, "-x", &width.to_string(), "-y", &height.to_string(), &cmd])
            .status()
            .expect("tmux must be installed (tests/run.sh installs it)");
        assert!(st.success());
        tmux
    }

    /// tmux on this session's own server (its socket in a temporary
    /// folder): the default server is shared with every other tmux user of
    /// the machine, and one that exits as the last of their sessions ends
    /// can fail a `new-session` here.
    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S").arg(self.dir.path().join("socket"));
        c
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let st = self.cmd().args(["send-keys", "-t", &self.session, k]).status().unwrap();
            assert!(st.success());
            // A lone Escape must not merge with the next key into Alt+key.
            let pause = if *k == "Escape" { 600 } else { 60 };
            std::thread::sleep(Duration::from_millis(pause));
        }
    }

    pub fn literal(&self, text: &str) {
        let st = self.cmd().args(["send-keys", "-t", &self.session, "-l", text]).status().unwrap();
        assert!(st.success());
        std::thread::sleep(Duration::from_millis(60));
    }

    /// A bracketed paste as tmux makes it: line ends become CR.
    pub fn paste(&self, text: &str) {
        let buffer = format!("{}-paste", self.session);
        let st = self.cmd().args(["set-buffer", "-b", &buffer, text]).status().unwrap();
        assert!(st.success());
        let st = self.cmd().args(["paste-buffer", "-p", "-d", "-b", &buffer, "-t", &self.session]).status().unwrap();
        assert!(st.success());
        std::thread::sleep(Duration::from_millis(200));
    }

    pub fn screen(&self) -> String {
        let out = self.cmd().args(["capture-pane", "-p", "-t", &self.session]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {text:?}; screen:\n{s}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn alive(&self) -> bool {
        self.cmd().args(["has-session", "-t", &self.session]).status().map(|s| s.success()).unwrap_or(false)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}
