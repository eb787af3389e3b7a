//! What this process has used so far: CPU time (user and system, all threads),
//! minor page faults and context switches, from `getrusage`. The benchmark reads it
//! around calls, never inside the timed part.

use std::time::Duration;

/// Totals for the whole process since it started.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    pub cpu: Duration,
    pub minor_faults: u64,
    pub context_switches: u64,
}

impl Usage {
    /// This process's totals now; `None` if the system does not say.
    pub fn now() -> Option<Usage> {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: `getrusage` writes one `rusage` to the pointer it is given, which
        // points to a zeroed `rusage` of this process's stack.
        let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
        if rc != 0 {
            return None;
        }
        // SAFETY: zeroed, then filled by a successful `getrusage`.
        let usage = unsafe { usage.assume_init() };
        let time = |t: libc::timeval| {
            Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
                + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
        };
        let count = |n: libc::c_long| u64::try_from(n).unwrap_or(0);
        Some(Usage {
            cpu: time(usage.ru_utime) + time(usage.ru_stime),
            minor_faults: count(usage.ru_minflt),
            context_switches: count(usage.ru_nvcsw) + count(usage.ru_nivcsw),
        })
    }

    /// What was used between `earlier` and `self`.
    pub fn since(&self, earlier: &Usage) -> Usage {
        Usage {
            cpu: self.cpu.saturating_sub(earlier.cpu),
            minor_faults: self.minor_faults.saturating_sub(earlier.minor_faults),
            context_switches: self
                .context_switches
                .saturating_sub(earlier.context_switches),
        }
    }

    /// Per call of `calls`: CPU µs, page faults, context switches, for a report.
    pub fn per_call(&self, calls: usize) -> String {
        let calls = calls.max(1) as f64;
        format!(
            "{:.1} µs of CPU, {:.2} page faults, {:.2} context switches per call",
            self.cpu.as_secs_f64() * 1e6 / calls,
            self.minor_faults as f64 / calls,
            self.context_switches as f64 / calls
        )
    }
}
