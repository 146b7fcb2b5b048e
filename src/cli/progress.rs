//! The sync's progress line on a terminal: parts done of the total, and
//! how long the rest will take at the pace so far.

use procure_client::service::sync::SyncStep;
use std::io::Write;
use std::time::{Duration, Instant};

pub struct SyncLine {
    show: bool,
    phase: String,
    started: Instant,
}

/// `1234567` → `1,234,567`.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn eta(elapsed: Duration, done: usize, total: usize) -> Option<Duration> {
    if done == 0 || done >= total || elapsed < Duration::from_millis(500) {
        return None;
    }
    Some(elapsed.mul_f64((total - done) as f64 / done as f64))
}

/// What the line says for a step, `elapsed` into its phase.
pub fn describe(step: SyncStep<'_>, elapsed: Duration) -> String {
    if step.what == "index" {
        return match step.total {
            Some(t) => format!("building the search index of {} parts", grouped(t)),
            None => "building the search index".into(),
        };
    }
    let unit = if step.what == "prices" { "prices" } else { "parts" };
    match step.total.filter(|&t| t > 0) {
        Some(total) => {
            let pct = (step.done.min(total) * 100) / total;
            let left = match eta(elapsed, step.done, total) {
                Some(d) => format!(", about {} s left", d.as_secs() + 1),
                None => String::new(),
            };
            format!("syncing {}: {} of {} {unit} ({pct} %){left}", step.what, grouped(step.done), grouped(total))
        }
        None => format!("syncing {}: {} {unit}", step.what, grouped(step.done)),
    }
}

impl SyncLine {
    pub fn new(show: bool) -> Self {
        SyncLine { show, phase: String::new(), started: Instant::now() }
    }

    pub fn update(&mut self, step: SyncStep<'_>) {
        if !self.show {
            return;
        }
        if self.phase != step.what {
            self.phase = step.what.to_string();
            self.started = Instant::now();
        }
        let mut e = std::io::stderr().lock();
        let _ = write!(e, "\r\x1b[2K{}", describe(step, self.started.elapsed()));
        let _ = e.flush();
    }

    pub fn clear(&self) {
        if self.show {
            eprint!("\r\x1b[2K");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn done_of_total_with_the_time_left() {
        let step = SyncStep { what: "catalog", done: 250_000, total: Some(1_000_000) };
        assert_eq!(
            describe(step, Duration::from_secs(3)),
            "syncing catalog: 250,000 of 1,000,000 parts (25 %), about 10 s left"
        );
        let step = SyncStep { what: "prices", done: 5_000, total: None };
        assert_eq!(describe(step, Duration::from_secs(1)), "syncing prices: 5,000 prices");
        let step = SyncStep { what: "catalog", done: 0, total: Some(10) };
        assert_eq!(describe(step, Duration::ZERO), "syncing catalog: 0 of 10 parts (0 %)");
    }
}
