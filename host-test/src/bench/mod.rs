//! `elastic-security bench`: the component in wasmtime against the same Rust code
//! compiled natively ([`native`]), on the same work, in the same run, against the
//! in-process simulator. Calls of the two sides alternate, so that the machine's
//! noise falls on both alike; the ratios are what to read, not the absolute times.
//! [`return_all`] reads thousands of cases from a simulator with latency, with pages
//! in flight together. [`call_loop`] runs one operation in a loop, for profilers.

pub mod call_loop;
pub mod native;
pub mod return_all;
pub mod usage;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use elastic_security as guest;

use crate::harness::async_harness::AsyncHarness;
use crate::harness::bindings as host;
use crate::harness::{Harness, HarnessConfig, BUILT_COMPONENT};
use crate::sim::{SimConfig, Simulator};
use native::NativeTransport;
use return_all::ReturnAllOptions;
use usage::Usage;

/// How much to run.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Timed calls per operation and side.
    pub iterations: usize,
    /// Calls each side makes in a row before the next side's turn (per-call tables).
    pub block: usize,
    /// Calls per caller in each throughput round.
    pub throughput_calls: usize,
    /// Concurrent callers for the throughput rounds.
    pub callers: Vec<usize>,
    /// Instantiations timed per allocator.
    pub instantiations: usize,
    /// Loads timed per form (compiled, precompiled).
    pub loads: usize,
    /// The return-all section.
    pub return_all: ReturnAllOptions,
}

impl BenchOptions {
    pub fn full() -> Self {
        Self {
            iterations: 1000,
            block: DEFAULT_BLOCK,
            throughput_calls: 400,
            callers: vec![1, 4, 16],
            instantiations: 5000,
            loads: 3,
            return_all: ReturnAllOptions::full(return_all::DEFAULT_LATENCY),
        }
    }

    /// A few calls of everything: proves the benchmark works, measures nothing.
    pub fn smoke() -> Self {
        Self {
            iterations: 5,
            block: 2,
            throughput_calls: 5,
            callers: vec![1, 4],
            instantiations: 20,
            loads: 1,
            return_all: ReturnAllOptions::smoke(),
        }
    }
}

/// Calls per side in a row in the per-call tables. Alternating the sides at every
/// call (a block of 1) added about 100 µs to every call of every side on this machine
/// (native get-case 225 µs interleaved against 100–140 µs in a loop), which hides
/// the component's fixed costs; in blocks each side runs warm, as it would on a
/// busy host, and the blocks still take turns so that the machine's noise falls on
/// all sides alike.
pub const DEFAULT_BLOCK: usize = 25;

const API_KEY: &str = "sim-api-key";
const MANY: u32 = 100;

/// Realistic text: a few hundred characters, like an analyst's case description.
fn description(i: usize) -> String {
    format!(
        "Case {i}: several users in finance reported a credential-harvesting email \
         impersonating the payroll provider. The link leads to a look-alike login page \
         hosted on a newly registered domain. Mail gateway logs show 37 recipients; 4 \
         clicked, 1 entered credentials (password reset done, MFA re-enrolled). IOCs: \
         sender domain, URL, landing page hash. Next: block the domain, hunt for other \
         recipients, check sign-in logs for the affected account since the click."
    )
}

fn host_conn(url: &str, space: &str) -> host::Connection {
    host::Connection {
        base_url: url.into(),
        auth: Some(host::Auth::ApiKey(API_KEY.into())),
        space_id: Some(space.into()),
        timeout_ms: Some(10_000),
    }
}

fn guest_conn(url: &str, space: &str) -> guest::types::Connection {
    guest::types::Connection {
        base_url: url.into(),
        auth: Some(guest::types::Auth::ApiKey(API_KEY.into())),
        space_id: Some(space.into()),
        timeout_ms: Some(10_000),
    }
}

/// The bench's inputs, built the same way for each of the three sets of generated
/// types that hold them: the synchronous bindings, the async bindings and the guest
/// crate itself (the native side).
macro_rules! inputs {
    ($name:ident, $cases:path, $types:path) => {
        pub mod $name {
            use super::{description, MANY};
            use $cases as cases;
            use $types as types;

            pub fn get(id: &str) -> cases::GetCaseInput {
                cases::GetCaseInput {
                    case_id: id.into(),
                    include_comments: false,
                    max_in_flight: None,
                }
            }

            /// The first page of `MANY` cases, every filter left to its default.
            pub fn many() -> cases::GetManyCasesInput {
                cases::GetManyCasesInput {
                    page: Some(1),
                    per_page: Some(MANY),
                    sort_field: None,
                    sort_order: None,
                    search: None,
                    search_fields: vec![],
                    status: None,
                    owners: vec![],
                    assignees: vec![],
                    return_all: false,
                    limit: None,
                    max_in_flight: None,
                }
            }

            /// Every case, up to `limit`, with `max_in_flight` pages together.
            pub fn all(limit: u32, max_in_flight: u32) -> cases::GetManyCasesInput {
                cases::GetManyCasesInput {
                    return_all: true,
                    limit: Some(limit),
                    max_in_flight: Some(max_in_flight),
                    ..many()
                }
            }

            pub fn create(title: &str, i: usize) -> cases::CreateCaseInput {
                cases::CreateCaseInput {
                    title: title.into(),
                    owner: types::Owner::SecuritySolution,
                    description: Some(description(i)),
                    connector_id: None,
                    connector_name: None,
                    connector_type: None,
                    severity: Some(types::Severity::High),
                    tags: vec!["phishing".into(), "email".into()],
                    assignees: vec![],
                    idempotency_key: None,
                }
            }

            /// A new title for case `id` at `version`, nothing else changed.
            pub fn retitle(id: &str, version: &str, title: String) -> cases::UpdateCaseInput {
                cases::UpdateCaseInput {
                    case_id: id.into(),
                    version: version.into(),
                    title: Some(title),
                    description: None,
                    status: None,
                    severity: None,
                    tags: None,
                    assignees: None,
                }
            }
        }
    };
}

inputs!(
    host_in,
    crate::harness::bindings::cases,
    crate::harness::bindings
);
inputs!(
    async_in,
    crate::harness::async_harness::cases,
    crate::harness::bindings
);
inputs!(
    guest_in,
    elastic_security::api::cases,
    elastic_security::types
);

/// One side of the comparison: runs operation `op` for iteration `i`.
trait Side {
    fn get_case(&mut self, id: &str) -> Result<()>;
    fn create_case(&mut self, i: usize) -> Result<()>;
    fn update_case(&mut self, i: usize) -> Result<()>;
    fn add_tag(&mut self, i: usize) -> Result<()>;
    fn get_many_cases(&mut self) -> Result<()>;
}

fn ok<T, E: std::fmt::Debug>(what: &str, r: std::result::Result<T, E>) -> Result<T> {
    r.map_err(|e| anyhow::anyhow!("{what}: {e:?}"))
}

struct ComponentSide<'a> {
    h: &'a Harness,
    url: String,
    /// (case id, version) for update-case; cases for add-tag.
    update: (String, String),
    tag_cases: Vec<String>,
}

impl Side for ComponentSide<'_> {
    fn get_case(&mut self, id: &str) -> Result<()> {
        let conn = host_conn(&self.url, "default");
        ok("get-case", self.h.get_case(&conn, &host_in::get(id))?)?;
        Ok(())
    }

    fn create_case(&mut self, i: usize) -> Result<()> {
        let input = host_in::create(&format!("component {i}"), i);
        let conn = host_conn(&self.url, "soc-team");
        ok("create-case", self.h.create_case(&conn, &input)?)?;
        Ok(())
    }

    fn update_case(&mut self, i: usize) -> Result<()> {
        let (id, version) = &self.update;
        let input = host_in::retitle(id, version, format!("component update {i}"));
        let conn = host_conn(&self.url, "default");
        self.update.1 = ok("update-case", self.h.update_case(&conn, &input)?)?.version;
        Ok(())
    }

    fn add_tag(&mut self, i: usize) -> Result<()> {
        let id = &self.tag_cases[i % self.tag_cases.len()];
        let conn = host_conn(&self.url, "default");
        ok("add-tag", self.h.add_tag(&conn, id, &[format!("c-{i}")])?)?;
        Ok(())
    }

    fn get_many_cases(&mut self) -> Result<()> {
        let conn = host_conn(&self.url, "security");
        let page = ok(
            "get-many-cases",
            self.h.get_many_cases(&conn, &host_in::many())?,
        )?;
        check_many(page.cases.len())
    }
}

/// The component through the async harness, each call run to completion on a
/// current-thread tokio runtime (the calling thread drives the connection too).
struct AsyncSide<'a> {
    h: &'a AsyncHarness,
    rt: &'a tokio::runtime::Runtime,
    url: String,
    update: (String, String),
    tag_cases: Vec<String>,
}

impl Side for AsyncSide<'_> {
    fn get_case(&mut self, id: &str) -> Result<()> {
        let conn = host_conn(&self.url, "default");
        let r = self
            .rt
            .block_on(self.h.get_case(&conn, &async_in::get(id)))?;
        ok("get-case", r)?;
        Ok(())
    }

    fn create_case(&mut self, i: usize) -> Result<()> {
        let input = async_in::create(&format!("async {i}"), i);
        let conn = host_conn(&self.url, "soc-team");
        ok(
            "create-case",
            self.rt.block_on(self.h.create_case(&conn, &input))?,
        )?;
        Ok(())
    }

    fn update_case(&mut self, i: usize) -> Result<()> {
        let (id, version) = &self.update;
        let input = async_in::retitle(id, version, format!("async update {i}"));
        let conn = host_conn(&self.url, "default");
        let r = self.rt.block_on(self.h.update_case(&conn, &input))?;
        self.update.1 = ok("update-case", r)?.version;
        Ok(())
    }

    fn add_tag(&mut self, i: usize) -> Result<()> {
        let id = &self.tag_cases[i % self.tag_cases.len()];
        let conn = host_conn(&self.url, "default");
        let r = self
            .rt
            .block_on(self.h.add_tag(&conn, id, &[format!("a-{i}")]))?;
        ok("add-tag", r)?;
        Ok(())
    }

    fn get_many_cases(&mut self) -> Result<()> {
        let conn = host_conn(&self.url, "security");
        let r = self
            .rt
            .block_on(self.h.get_many_cases(&conn, &async_in::many()))?;
        check_many(ok("get-many-cases", r)?.cases.len())
    }
}

struct NativeSide {
    t: NativeTransport,
    url: String,
    update: (String, String),
    tag_cases: Vec<String>,
}

impl NativeSide {
    fn with<T>(
        &self,
        space: &str,
        f: impl FnOnce(&guest::kibana::Client) -> std::result::Result<T, guest::types::ErrorInfo>,
    ) -> Result<T> {
        let conn = guest_conn(&self.url, space);
        let client = ok("connection", guest::kibana::Client::new(&conn, &self.t))?;
        ok("native call", f(&client))
    }
}

impl Side for NativeSide {
    fn get_case(&mut self, id: &str) -> Result<()> {
        self.with("default", |c| guest::cases::get_case(c, guest_in::get(id)))?;
        Ok(())
    }

    fn create_case(&mut self, i: usize) -> Result<()> {
        let input = guest_in::create(&format!("native {i}"), i);
        self.with("soc-team", |c| guest::cases::create_case(c, input))?;
        Ok(())
    }

    fn update_case(&mut self, i: usize) -> Result<()> {
        let (id, version) = &self.update;
        let input = guest_in::retitle(id, version, format!("native update {i}"));
        let case = self.with("default", |c| guest::cases::update_case(c, input))?;
        self.update.1 = case.version;
        Ok(())
    }

    fn add_tag(&mut self, i: usize) -> Result<()> {
        let id = self.tag_cases[i % self.tag_cases.len()].clone();
        let tags = vec![format!("n-{i}")];
        self.with("default", |c| guest::case_tags::add_tag(c, &id, &tags))?;
        Ok(())
    }

    fn get_many_cases(&mut self) -> Result<()> {
        let page = self.with("security", |c| {
            guest::cases::get_many_cases(c, guest_in::many())
        })?;
        check_many(page.cases.len())
    }
}

fn check_many(returned: usize) -> Result<()> {
    if returned != MANY as usize {
        bail!("get-many-cases returned {returned} cases, expected {MANY}");
    }
    Ok(())
}

/// The order of `n` interleaved sides in round `i`: each goes first in turn, since a
/// call made right after another one runs slower (5–8 % here, measured).
pub fn rotation(n: usize, i: usize) -> impl Iterator<Item = usize> {
    (0..n).map(move |k| (k + i) % n)
}

/// Median and 99th percentile of a sample, in microseconds.
fn stats(mut micros: Vec<f64>) -> (f64, f64) {
    if micros.is_empty() {
        return (0.0, 0.0);
    }
    micros.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| micros[((micros.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

/// `callers` threads, each calling `one` `calls` times: calls per second in all.
fn calls_per_second(
    callers: usize,
    calls: usize,
    one: impl Fn() -> Result<()> + Sync,
) -> Result<f64> {
    let started = Instant::now();
    std::thread::scope(|s| -> Result<()> {
        let handles: Vec<_> = (0..callers)
            .map(|_| {
                s.spawn(|| -> Result<()> {
                    for _ in 0..calls {
                        one()?;
                    }
                    Ok(())
                })
            })
            .collect();
        for handle in handles {
            handle
                .join()
                .map_err(|_| anyhow::anyhow!("a caller panicked"))??;
        }
        Ok(())
    })?;
    Ok((callers * calls) as f64 / started.elapsed().as_secs_f64())
}

/// Page faults taken during calls, read around (not inside) the timed part.
#[derive(Default)]
struct Faults {
    total: Option<u64>,
}

impl Faults {
    fn count<T>(&mut self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let before = Usage::now();
        let result = f()?;
        if let (Some(before), Some(after)) = (before, Usage::now()) {
            *self.total.get_or_insert(0) += after.since(&before).minor_faults;
        }
        Ok(result)
    }

    fn per_call(&self, calls: usize) -> String {
        match self.total {
            Some(total) if calls > 0 => format!("{:.1}", total as f64 / calls as f64),
            _ => "n/a".into(),
        }
    }
}

fn timed(f: impl FnOnce() -> Result<()>) -> Result<f64> {
    let t = Instant::now();
    f()?;
    Ok(t.elapsed().as_secs_f64() * 1e6)
}

/// Makes `n` cases through the component (setup, not timed) and returns their ids.
fn seed(h: &Harness, url: &str, space: &str, n: usize, prefix: &str) -> Result<Vec<String>> {
    (0..n)
        .map(|i| {
            let input = host_in::create(&format!("{prefix} {i}"), i);
            let case = ok("seed", h.create_case(&host_conn(url, space), &input)?)?;
            Ok(case.kibana_case.case_id)
        })
        .collect()
}

pub fn run(opts: &BenchOptions) -> Result<String> {
    let mut out = String::new();
    let sim = Simulator::start_with(SimConfig::default(), "127.0.0.1:0")
        .context("cannot start the simulator")?;
    let url = sim.url();
    let h = Harness::with_config(HarnessConfig::default())?;
    let pooled = Arc::new(Harness::with_config(HarnessConfig {
        pooling: Some(64),
        ..HarnessConfig::default()
    })?);
    let async_harness = AsyncHarness::new(&pooled)?;
    let local = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")?;

    // Seed: 100 cases in `security` for get-many-cases, a few in `default`.
    seed(&h, &url, "security", MANY as usize, "listed")?;
    let get_id = seed(&h, &url, "default", 1, "read")?.remove(0);
    let per_case = 150; // tags per case stay under Kibana's 200
    let tag_cases = opts.iterations.div_ceil(per_case).max(1);
    let updated = |h: &Harness| -> Result<(String, String)> {
        let conn = host_conn(&url, "default");
        let case = ok(
            "seed",
            h.create_case(&conn, &host_in::create("updated", 0))?,
        )?
        .kibana_case;
        Ok((case.case_id, case.version))
    };
    let mut component = ComponentSide {
        h: &pooled,
        url: url.clone(),
        update: updated(&h)?,
        tag_cases: seed(&h, &url, "default", tag_cases, "tag-c")?,
    };
    let mut asynchronous = AsyncSide {
        h: &async_harness,
        rt: &local,
        url: url.clone(),
        update: updated(&h)?,
        tag_cases: seed(&h, &url, "default", tag_cases, "tag-a")?,
    };
    let mut native = NativeSide {
        t: NativeTransport::new(true)?,
        url: url.clone(),
        update: updated(&h)?,
        tag_cases: seed(&h, &url, "default", tag_cases, "tag-n")?,
    };

    let _ = writeln!(
        out,
        "elastic-security bench: {} timed calls per operation and side, in blocks of {} \
         calls per side, the sides taking turns. Component: a fresh store and instance \
         per call from InstancePre (pooling allocator), keep-alive pool; through the \
         synchronous harness, and through the async harness on a current-thread tokio \
         runtime. Native: the same Rust code compiled natively, same HTTP stack and \
         pool policy.\n",
        opts.iterations,
        opts.block.max(1)
    );
    let _ = writeln!(
        out,
        "| operation | component (sync) median µs | p99 µs | component (async) median µs | p99 µs | native median µs | p99 µs | ratio sync / native | ratio async / native | page faults per call: sync / async / native |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");

    type Op<'a> = &'a dyn Fn(&mut dyn Side, usize) -> Result<()>;
    let get: Op = &|s, _| s.get_case(&get_id);
    let create: Op = &|s, i| s.create_case(i);
    let update: Op = &|s, i| s.update_case(i);
    let tag: Op = &|s, i| s.add_tag(i);
    let many: Op = &|s, _| s.get_many_cases();
    let ops: [(&str, Op); 5] = [
        ("get-case", get),
        ("create-case", create),
        ("update-case", update),
        ("add-tag", tag),
        ("get-many-cases (100 cases)", many),
    ];
    let warmup = (opts.iterations / 10).clamp(2, 50);
    for (name, op) in ops {
        let mut sides: [&mut dyn Side; 3] = [&mut component, &mut asynchronous, &mut native];
        for i in 0..warmup {
            for side in sides.iter_mut() {
                op(&mut **side, 1_000_000 + i)?;
            }
        }
        let mut times: [Vec<f64>; 3] = Default::default();
        let mut faults: [Faults; 3] = Default::default();
        let block = opts.block.max(1);
        for round in 0..opts.iterations.div_ceil(block) {
            for k in rotation(sides.len(), round) {
                let side = &mut *sides[k];
                for i in round * block..((round + 1) * block).min(opts.iterations) {
                    times[k].push(faults[k].count(|| timed(|| op(side, i)))?);
                }
            }
        }
        let [(sm, sp), (am, ap), (nm, np)] = times.map(stats);
        let _ = writeln!(
            out,
            "| {name} | {sm:.0} | {sp:.0} | {am:.0} | {ap:.0} | {nm:.0} | {np:.0} | {:.2} | {:.2} | {} / {} / {} |",
            sm / nm.max(f64::MIN_POSITIVE),
            am / nm.max(f64::MIN_POSITIVE),
            faults[0].per_call(opts.iterations),
            faults[1].per_call(opts.iterations),
            faults[2].per_call(opts.iterations),
        );
    }

    // Where the time goes: the same calls on one instance made beforehand (no
    // instantiation in the timed part), next to instantiation alone.
    {
        let mut inst = pooled.instantiate(Some(&url))?;
        let get_input = host_in::get(&get_id);
        let many_input = host_in::many();
        let default_conn = host_conn(&url, "default");
        let security_conn = host_conn(&url, "security");
        let mut get = Vec::with_capacity(opts.iterations);
        for _ in 0..warmup + opts.iterations {
            let t = Instant::now();
            let r = inst
                .bindings
                .automation_elastic_security_cases()
                .call_get_case(&mut inst.store, &default_conn, &get_input)?;
            get.push(t.elapsed().as_secs_f64() * 1e6);
            ok("get-case", r)?;
        }
        let mut many = Vec::with_capacity(opts.iterations);
        for _ in 0..warmup + opts.iterations {
            let t = Instant::now();
            let r = inst
                .bindings
                .automation_elastic_security_cases()
                .call_get_many_cases(&mut inst.store, &security_conn, &many_input)?;
            many.push(t.elapsed().as_secs_f64() * 1e6);
            ok("get-many-cases", r)?;
        }
        let (g, _) = stats(get.split_off(warmup));
        let (m, _) = stats(many.split_off(warmup));
        let _ = writeln!(
            out,
            "\nThe same calls on one instance made beforehand (no instantiation timed): \
             get-case median {g:.0} µs, get-many-cases (100) median {m:.0} µs."
        );
    }

    // What the host's settings do to a fresh-instance call: get-case through harnesses
    // made for this table, each first given one get-many-cases call (a large call
    // leaves many written pages in its memory slot, which later calls in that slot
    // meet), calls interleaved.
    {
        let with = |change: &dyn Fn(&mut HarnessConfig)| -> Result<Harness> {
            let mut config = HarnessConfig {
                pooling: Some(64),
                ..HarnessConfig::default()
            };
            change(&mut config);
            let harness = Harness::with_config(config)?;
            let page = harness.get_many_cases(&host_conn(&url, "security"), &host_in::many())?;
            check_many(ok("get-many-cases", page)?.cases.len())?;
            Ok(harness)
        };
        let default_kept = crate::harness::DEFAULT_KEEP_RESIDENT >> 10;
        let rows = [
            (
                format!("pooling, up to {default_kept} KiB of written pages kept resident, answers read ahead (the default)"),
                with(&|_| {})?,
            ),
            (
                "the same, answers streamed to the component".to_owned(),
                with(&|c| c.read_ahead = false)?,
            ),
            (
                "the same, up to 2 MiB kept resident".to_owned(),
                with(&|c| c.keep_resident = 2 << 20)?,
            ),
            (
                "the same, memory returned to the kernel after each call".to_owned(),
                with(&|c| c.keep_resident = 0)?,
            ),
            (
                "on-demand allocator (mmap per instance)".to_owned(),
                with(&|c| c.pooling = None)?,
            ),
        ];
        let input = host_in::get(&get_id);
        let conn = host_conn(&url, "default");
        let sides: Vec<(&str, &Harness)> = rows.iter().map(|(n, h)| (n.as_str(), h)).collect();
        let mut times: Vec<Vec<f64>> = vec![Vec::new(); sides.len()];
        let mut faults: Vec<Faults> = (0..sides.len()).map(|_| Faults::default()).collect();
        for i in 0..warmup + opts.iterations {
            for k in rotation(sides.len(), i) {
                let harness = sides[k].1;
                let t = faults[k].count(|| {
                    timed(|| ok("get-case", harness.get_case(&conn, &input)?).map(drop))
                })?;
                if i >= warmup {
                    times[k].push(t);
                }
            }
        }
        let _ = writeln!(
            out,
            "\nget-case, fresh instance per call, by host setting:\n"
        );
        let _ = writeln!(
            out,
            "| host setting | median µs | p99 µs | page faults per call |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|");
        for ((name, _), (t, f)) in sides.iter().zip(times.into_iter().zip(&faults)) {
            let (m, p) = stats(t);
            let _ = writeln!(
                out,
                "| {name} | {m:.0} | {p:.0} | {} |",
                f.per_call(warmup + opts.iterations)
            );
        }
    }

    // Throughput: N callers, each making `throughput_calls` get-case calls.
    let _ = writeln!(
        out,
        "\nThroughput, get-case, calls per second (each caller makes {} calls):\n",
        opts.throughput_calls
    );
    let _ = writeln!(
        out,
        "| callers | component, sync harness | component, async harness | component, sync, new connection per call | native | ratio sync / native | ratio async / native |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|");
    let fresh = Harness::with_config(HarnessConfig {
        pooling: Some(64),
        keep_alive: false,
        ..HarnessConfig::default()
    })?;
    let shared_native = Arc::new(NativeTransport::new(true)?);
    // The async harness's callers are tasks on a runtime with one thread per core.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .enable_all()
        .build()
        .context("cannot start a tokio runtime")?;
    let shared_async = Arc::new(AsyncHarness::new(&pooled)?);
    for &n in &opts.callers {
        let calls = opts.throughput_calls;
        let get_input = host_in::get(&get_id);
        let host_default = host_conn(&url, "default");
        let guest_default = guest_conn(&url, "default");
        let component_rate = |harness: &Harness| {
            calls_per_second(n, calls, || {
                ok("get-case", harness.get_case(&host_default, &get_input)?)?;
                Ok(())
            })
        };
        let native_rate = || {
            calls_per_second(n, calls, || {
                let client = ok(
                    "connection",
                    guest::kibana::Client::new(&guest_default, &*shared_native),
                )?;
                ok(
                    "get-case",
                    guest::cases::get_case(&client, guest_in::get(&get_id)),
                )?;
                Ok(())
            })
        };
        let async_rate = || -> Result<f64> {
            let started = Instant::now();
            multi.block_on(async {
                let tasks: Vec<_> = (0..n)
                    .map(|_| {
                        let h = shared_async.clone();
                        let conn = host_default.clone();
                        let input = async_in::get(&get_id);
                        tokio::spawn(async move {
                            for _ in 0..calls {
                                ok("get-case", h.get_case(&conn, &input).await?)?;
                            }
                            Ok::<_, anyhow::Error>(())
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.context("a caller task failed")??;
                }
                Ok::<_, anyhow::Error>(())
            })?;
            Ok((n * calls) as f64 / started.elapsed().as_secs_f64())
        };
        let c = component_rate(&pooled)?;
        let a = async_rate()?;
        let nat = native_rate()?;
        let f = component_rate(&fresh)?;
        let _ = writeln!(
            out,
            "| {n} | {c:.0} | {a:.0} | {f:.0} | {nat:.0} | {:.2} | {:.2} |",
            c / nat.max(f64::MIN_POSITIVE),
            a / nat.max(f64::MIN_POSITIVE)
        );
    }
    let _ = writeln!(
        out,
        "\nTCP connections opened: component with keep-alive {} (sync) and {} (async), without \
         keep-alive {}; native {}.",
        pooled.outbound().connections_opened(),
        async_harness.outbound().connections_opened()
            + shared_async.outbound().connections_opened(),
        fresh.outbound().connections_opened(),
        shared_native.outbound().connections_opened() + native.t.outbound().connections_opened()
    );

    // Instantiation from InstancePre: store + instance, then drop.
    let _ = writeln!(
        out,
        "\nInstantiation from InstancePre ({} each):\n",
        opts.instantiations
    );
    let _ = writeln!(
        out,
        "| allocator | no export looked up (an operation then looks up its one function): median µs | p99 µs | all 20 exports looked up: median µs | p99 µs |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for (name, harness) in [("on-demand (default)", &h), ("pooling (64 slots)", &pooled)] {
        let mut one = Vec::with_capacity(opts.instantiations);
        let mut all = Vec::with_capacity(opts.instantiations);
        for i in 0..opts.instantiations {
            for k in rotation(2, i) {
                if k == 0 {
                    one.push(timed(|| harness.instantiate_bare(Some(&url)).map(drop))?);
                } else {
                    all.push(timed(|| harness.instantiate(Some(&url)).map(drop))?);
                }
            }
        }
        let ((om, op), (am, ap)) = (stats(one), stats(all));
        let _ = writeln!(out, "| {name} | {om:.1} | {op:.1} | {am:.1} | {ap:.1} |");
    }

    // Load: compile vs deserialize a precompiled image.
    let precompiled = crate::harness::precompile(BUILT_COMPONENT)?;
    let mut compile = Vec::new();
    let mut load = Vec::new();
    for _ in 0..opts.loads {
        compile.push(timed(|| Harness::from_bytes(BUILT_COMPONENT).map(drop))? / 1000.0);
        load.push(timed(|| Harness::from_bytes(&precompiled).map(drop))? / 1000.0);
    }
    let (cm, _) = stats(compile);
    let (lm, _) = stats(load);
    let _ = writeln!(
        out,
        "\nLoad (engine + component + linker + InstancePre): compiled from .wasm {cm:.1} ms, \
         from a precompiled .cwasm {lm:.1} ms ({:.0}x faster; .cwasm {} bytes).",
        cm / lm.max(f64::MIN_POSITIVE),
        precompiled.len()
    );

    // Peak linear memory per call.
    let _ = writeln!(out, "\nPeak linear memory per call (bytes):\n");
    let _ = writeln!(out, "| operation | peak |");
    let _ = writeln!(out, "|---|---:|");
    h.take_peak_memory();
    let mut probe = ComponentSide {
        h: &h,
        url: url.clone(),
        update: component.update.clone(),
        tag_cases: component.tag_cases.clone(),
    };
    for (name, op) in ops {
        op(&mut probe, 2_000_000)?;
        let _ = writeln!(out, "| {name} | {} |", h.take_peak_memory());
    }

    return_all::run(&opts.return_all, &mut out)?;

    let _ = writeln!(out, "\nComponent size: {} bytes.", BUILT_COMPONENT.len());
    Ok(out)
}
