//! Reading a process's CPU time and resident memory from `/proc`.

use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`, 100 if unknown).
pub fn clock_ticks() -> u64 {
    static TICKS: OnceLock<u64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|&t| t > 0)
            .unwrap_or(100)
    })
}

/// User + system CPU time of every thread of `pid` so far (`"self"` for this process).
///
/// # Errors
///
/// `/proc/<pid>/stat` is unreadable or malformed.
pub fn cpu_time(pid: &str) -> std::io::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, r)| r)
        .ok_or_else(|| std::io::Error::other("malformed stat"))?;
    // After ')': state(3) ppid(4) ... utime(14) stime(15), i.e. indexes 11 and 12 here.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| -> std::io::Result<u64> {
        fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| std::io::Error::other("malformed stat"))
    };
    let total = ticks(11)? + ticks(12)?;
    let hz = clock_ticks();
    Ok(Duration::from_secs(total / hz) + Duration::from_nanos((total % hz) * 1_000_000_000 / hz))
}

/// Resident set size of `pid` in KiB (`VmRSS` of `/proc/<pid>/status`).
///
/// # Errors
///
/// `/proc/<pid>/status` is unreadable or has no `VmRSS` line.
pub fn rss_kib(pid: &str) -> std::io::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| std::io::Error::other("no VmRSS"))
}
