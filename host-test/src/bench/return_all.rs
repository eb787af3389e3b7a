//! The benchmark's return-all section: `get-many-cases` with `ReturnAll` against a
//! simulator whose every answer takes `latency` (a Kibana across a network), with 1
//! to N pages in flight together, through the component and through the same Rust
//! code run natively over the same pool of connections (the harness's). Also the
//! component's peak linear memory and the process's resident memory for one call.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use elastic_security as guest;

use super::native::NativeTransport;
use super::{guest_conn, guest_in, host_conn, host_in, ok, rotation, seed, stats};
use crate::harness::{Harness, HarnessConfig};
use crate::sim::{SimConfig, Simulator};

/// What the return-all section runs.
#[derive(Clone, Debug)]
pub struct ReturnAllOptions {
    /// Every answer's latency.
    pub latency: Duration,
    /// The numbers of cases read, each from a space holding exactly that many.
    pub sizes: Vec<u32>,
    /// The `max-in-flight` values compared.
    pub in_flight: Vec<u32>,
    /// Timed calls per size, value and side.
    pub repeats: usize,
}

/// The latency of the full benchmark (and `bench --latency`'s default).
pub const DEFAULT_LATENCY: Duration = Duration::from_millis(20);

impl ReturnAllOptions {
    pub fn full(latency: Duration) -> Self {
        Self {
            latency,
            sizes: vec![2_000, 10_000],
            in_flight: vec![1, 4, 8],
            repeats: 9,
        }
    }

    /// Small and quick: proves the section works, measures nothing.
    pub fn smoke() -> Self {
        Self {
            latency: Duration::from_millis(2),
            sizes: vec![250],
            in_flight: vec![1, 4],
            repeats: 1,
        }
    }
}

/// The spaces the sizes are seeded in, one per size.
const SPACES: [&str; 2] = ["security", "soc-team"];

/// One side's `get-many-cases` of every case of `space`, up to `limit`, with
/// `max_in_flight`: the number of cases returned.
type ReadAll<'a> = &'a dyn Fn(&str, u32, u32) -> Result<usize>;

pub fn run(opts: &ReturnAllOptions, out: &mut String) -> Result<()> {
    if opts.sizes.len() > SPACES.len() {
        bail!("at most {} sizes", SPACES.len());
    }
    let sim = Simulator::start_with(SimConfig::default(), "127.0.0.1:0")
        .context("cannot start the simulator")?;
    let url = sim.url();
    let h = Harness::with_config(HarnessConfig {
        pooling: Some(16),
        ..HarnessConfig::default()
    })?;
    let native = NativeTransport::over(h.shared_outbound());
    // Made before the latency is set, so that making them is quick.
    for (&size, space) in opts.sizes.iter().zip(SPACES) {
        seed(&h, &url, space, size as usize, "listed")?;
    }
    sim.set_latency(opts.latency);

    let component: ReadAll = &|space, limit, max_in_flight| {
        let input = host_in::all(limit, max_in_flight);
        let page = ok(
            "get-many-cases",
            h.get_many_cases(&host_conn(&url, space), &input)?,
        )?;
        Ok(page.cases.len())
    };
    let native_side: ReadAll = &|space, limit, max_in_flight| {
        let conn = guest_conn(&url, space);
        let client = ok("connection", guest::kibana::Client::new(&conn, &native))?;
        let input = guest_in::all(limit, max_in_flight);
        let page = ok(
            "get-many-cases",
            guest::cases::get_many_cases(&client, input),
        )?;
        Ok(page.cases.len())
    };
    let sides = [component, native_side];

    let latency_ms = opts.latency.as_secs_f64() * 1e3;
    let _ = writeln!(
        out,
        "\nReturn all (get-many-cases, ReturnAll, pages of 100) against the simulator with \
         {latency_ms:.0} ms of latency on every answer; {} timed calls per row and side, the \
         sides taking turns. Component: a fresh instance per call (pooling); native: the same \
         Rust code over the same pool of connections. The floor is ceil(pages / N) x latency \
         (page 1 is read alone first, so the least possible is one latency more). CPU: this \
         process's, simulator included, in 10 ms ticks.\n",
        opts.repeats
    );
    let _ = writeln!(
        out,
        "| cases | N (max-in-flight) | floor ms | component median ms | x floor | native median ms | x floor | component / native | CPU ms per call, component / native |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (&size, space) in opts.sizes.iter().zip(SPACES) {
        let pages = size.div_ceil(100);
        for &n in &opts.in_flight {
            let mut times: [Vec<f64>; 2] = Default::default();
            let mut cpu: [Vec<f64>; 2] = Default::default();
            for round in 0..opts.repeats + 1 {
                for k in rotation(sides.len(), round) {
                    let cpu_before = process_cpu_ms();
                    let started = Instant::now();
                    let read = sides[k](space, size, n)?;
                    let took = started.elapsed().as_secs_f64() * 1e3;
                    let cpu_used = process_cpu_ms().zip(cpu_before).map(|(a, b)| a - b);
                    if read != size as usize {
                        bail!("get-many-cases returned {read} cases, expected {size}");
                    }
                    // The first round warms both sides up (connections, code).
                    if round > 0 {
                        times[k].push(took);
                        cpu[k].extend(cpu_used);
                    }
                }
            }
            let [(c, _), (nat, _)] = times.map(stats);
            let [(c_cpu, _), (nat_cpu, _)] = cpu.map(stats);
            let floor = f64::from(pages.div_ceil(n)) * latency_ms;
            let _ = writeln!(
                out,
                "| {size} | {n} | {floor:.0} | {c:.0} | {:.2} | {nat:.0} | {:.2} | {:.2} | {c_cpu:.0} / {nat_cpu:.0} |",
                c / floor,
                nat / floor,
                c / nat.max(f64::MIN_POSITIVE)
            );
        }
    }

    // Memory for the largest size, at each N: the component's peak linear memory
    // (what the instance asked for), and the process's resident memory before the
    // call and at its peak during it (the simulator's cases are in the process too).
    let last = opts.sizes.len().checked_sub(1);
    let (Some(&size), Some(space)) = (opts.sizes.last(), last.and_then(|i| SPACES.get(i))) else {
        return Ok(());
    };
    let _ = writeln!(
        out,
        "\nMemory for one return-all of {size} cases: the component's peak linear memory, and \
         this process's resident memory (VmRSS before the call, VmHWM during it, reset by \
         /proc/self/clear_refs):\n"
    );
    let _ = writeln!(
        out,
        "| N | component peak linear memory MiB | resident before MiB | resident peak MiB (component) | resident peak MiB (native) |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|");
    for &n in &opts.in_flight {
        let before = resident().map(|r| r.now);
        h.take_peak_memory();
        let component_peak = resident_peak(|| component(space, size, n))?;
        let linear = h.take_peak_memory();
        let native_peak = resident_peak(|| native_side(space, size, n))?;
        let _ = writeln!(
            out,
            "| {n} | {:.1} | {} | {} | {} |",
            linear as f64 / MIB,
            mib(before),
            mib(component_peak),
            mib(native_peak),
        );
    }
    Ok(())
}

const MIB: f64 = (1 << 20) as f64;

/// The CPU time this process has used (user and system, every thread: the
/// simulator's too), in milliseconds; Linux's `/proc/self/stat` counts it in ticks
/// of 10 ms (`USER_HZ`). `None` elsewhere.
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name: state is the first, utime the twelfth.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) * 10.0)
}

fn mib(bytes: Option<u64>) -> String {
    bytes.map_or("n/a".into(), |b| format!("{:.1}", b as f64 / MIB))
}

/// This process's resident memory now and at its peak since the last reset (Linux's
/// `/proc/self/status`; `None` elsewhere).
struct Resident {
    now: u64,
    peak: u64,
}

fn resident() -> Option<Resident> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib = |key: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(key))?;
        line.split_whitespace().nth(1)?.parse::<u64>().ok()
    };
    Some(Resident {
        now: kib("VmRSS:")? * 1024,
        peak: kib("VmHWM:")? * 1024,
    })
}

/// The resident peak during `f`: the peak is reset first (writing 5 to
/// `/proc/self/clear_refs`); `None` where that cannot be done.
fn resident_peak(f: impl FnOnce() -> Result<usize>) -> Result<Option<u64>> {
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    f()?;
    Ok(resident().filter(|_| reset).map(|r| r.peak))
}
