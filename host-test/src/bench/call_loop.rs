//! One operation in a loop, for profilers (`perf record`, `valgrind`): the same calls
//! as `elastic-security bench`, one way at a time. Run by `examples/call_loop.rs`:
//!
//! ```sh
//! cargo build --release --example call_loop
//! perf record -g target/release/examples/call_loop fresh 20000
//! ```
//!
//! Modes: `fresh` (a fresh instance per call, pooled, as the bench), `reused` (one
//! instance for every call), `async` (the async harness, current-thread runtime),
//! `native` (the same Rust code natively), `instantiate` (instantiation alone),
//! `instantiate-compare` (all exports looked up against none),
//! `threads`, `native-threads` and `async-threads` (`THREADS` callers, default 16;
//! the async ones tasks on a runtime with a thread per core), `compare`
//! (fresh-instance calls through several harnesses, interleaved: one per component
//! of `COMPONENTS=a.wasm,b.wasm` (default: the built one) and per setting of
//! `KEEP_RESIDENT=bytes,bytes`, or `READ_AHEAD=compare`; `OP=many` for
//! get-many-cases of 100 cases), and `read-all` (get-many-cases with ReturnAll of
//! `CASES` cases, default 10,000, `MAX_IN_FLIGHT` pages together, default 1, the
//! simulator answering `LATENCY_MS` after each request, default 0; with the default
//! values, the time per page is the work of a page on both sides).
//! `COMPONENT=file.wasm` loads another build, `KEEP_RESIDENT=bytes` sets the pool
//! (the first of a list), `POOLING=off` allocates each instance on demand (as
//! `valgrind` needs: the pool reserves more address space than it allows).
//!
//! Every mode ends with the CPU time (all threads, the simulator's included), page
//! faults and context switches of the process per call, counted around the calls.

use std::sync::Arc;
use std::time::Instant;

use super::native::NativeTransport;
use super::usage::Usage;
use super::{async_in, host_in, rotation};
use crate::harness::async_harness::AsyncHarness;
use crate::harness::bindings::{cases, Auth, Connection};
use crate::harness::{Harness, HarnessConfig};
use crate::sim::{SimConfig, Simulator};
use anyhow::{bail, Context, Result};

/// Runs `args`: the mode, then the number of calls (default 10,000).
pub fn run(args: &[String]) -> Result<()> {
    let (mode, calls) = match args {
        [mode, calls] => (mode.as_str(), calls.parse::<usize>().context("calls")?),
        [mode] => (mode.as_str(), 10_000),
        _ => bail!(
            "usage: call_loop fresh|reused|async|native|instantiate|instantiate-compare|threads|native-threads|async-threads|compare|read-all [calls]"
        ),
    };
    let sim = Simulator::start_with(SimConfig::default(), "127.0.0.1:0")?;
    let url = sim.url();
    let conn = Connection {
        base_url: url.clone(),
        auth: Some(Auth::ApiKey("sim-api-key".into())),
        space_id: None,
        timeout_ms: Some(10_000),
    };
    // COMPONENT=file.wasm: another build; KEEP_RESIDENT=bytes: the pool's setting;
    // POOLING=off: on-demand allocation.
    let keep_resident = match std::env::var("KEEP_RESIDENT") {
        Ok(list) => list
            .split(',')
            .map(|bytes| bytes.trim().parse::<usize>().context("KEEP_RESIDENT"))
            .collect::<Result<Vec<_>>>()?,
        Err(_) => Vec::new(),
    };
    let mut config = HarnessConfig {
        pooling: (std::env::var("POOLING").as_deref() != Ok("off")).then_some(16),
        ..HarnessConfig::default()
    };
    if let Some(&bytes) = keep_resident.first() {
        config.keep_resident = bytes;
    }
    let h = Arc::new(match std::env::var_os("COMPONENT") {
        Some(path) => Harness::from_file_with(path.as_ref(), config)?,
        None => Harness::with_config(config)?,
    });
    let create = cases::CreateCaseInput {
        description: Some("a case read in a loop".into()),
        ..host_in::create("loop", 0)
    };
    let id = h
        .create_case(&conn, &create)?
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .kibana_case
        .case_id;
    let input = host_in::get(&id);
    // OP=many (compare mode): get-many-cases of 100 cases with long descriptions.
    let many = std::env::var("OP").as_deref() == Ok("many");
    if many {
        for i in 0..100 {
            let input = cases::CreateCaseInput {
                description: Some(format!("{i}: {}", "a realistic description. ".repeat(20))),
                ..create.clone()
            };
            h.create_case(&conn, &input)?
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        }
    }
    let many_input = host_in::many();
    // read-all mode: `CASES` cases (default 10,000) in the space `security`, read with
    // ReturnAll and `MAX_IN_FLIGHT` pages together (default 1), the simulator
    // answering `LATENCY_MS` after each request (default 0: then a call is nothing
    // but the work of its pages, the simulator's and the component's).
    let all_conn = Connection {
        space_id: Some("security".into()),
        ..conn.clone()
    };
    let mut all_input = host_in::all(0, 1);
    if mode == "read-all" {
        let cases = env_number("CASES", 10_000)?;
        for i in 0..cases {
            h.create_case(
                &all_conn,
                &host_in::create(&format!("listed {i}"), i as usize),
            )?
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        }
        all_input = host_in::all(cases, env_number("MAX_IN_FLIGHT", 1)?);
        sim.set_latency(std::time::Duration::from_millis(u64::from(env_number(
            "LATENCY_MS",
            0,
        )?)));
    }
    let before = Usage::now();
    let started = Instant::now();
    let mut counted = calls;
    match mode {
        "fresh" => {
            for _ in 0..calls {
                h.get_case(&conn, &input)?
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
        }
        "threads" => {
            counted = on_threads(calls, || {
                h.get_case(&conn, &input).unwrap().unwrap();
            })
        }
        "native-threads" => {
            let t = NativeTransport::new(true)?;
            counted = on_threads(calls, || native_get_case(&t, &url, &id).unwrap());
        }
        "read-all" => {
            let expected = all_input.limit.unwrap_or(0).min(10_000) as usize;
            for _ in 0..calls {
                let read = h
                    .get_many_cases(&all_conn, &all_input)?
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?
                    .cases
                    .len();
                if read != expected {
                    bail!("read-all: {read} cases read, {expected} expected");
                }
            }
            let pages = all_input.limit.unwrap_or(0).div_ceil(100).max(1);
            let per_page =
                started.elapsed().as_secs_f64() * 1e3 / (calls as f64 * f64::from(pages));
            println!("read-all: {pages} pages per call, {per_page:.2} ms per page (mean)");
        }
        "reused" => {
            let mut i = h.instantiate(Some(&url))?;
            for _ in 0..calls {
                i.bindings
                    .automation_elastic_security_cases()
                    .call_get_case(&mut i.store, &conn, &input)?
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
        }
        "async" => {
            let a = AsyncHarness::new(&h)?;
            let input = async_in::get(&id);
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            for _ in 0..calls {
                rt.block_on(a.get_case(&conn, &input))?
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            }
        }
        "async-threads" => {
            // THREADS tasks on a runtime with one thread per core, as the bench's
            // throughput rows run the async harness.
            let a = Arc::new(AsyncHarness::new(&h)?);
            let n = threads();
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(cores)
                .enable_all()
                .build()?;
            let started = Instant::now();
            rt.block_on(async {
                let tasks: Vec<_> = (0..n)
                    .map(|_| {
                        let (a, conn, input) = (a.clone(), conn.clone(), async_in::get(&id));
                        tokio::spawn(async move {
                            for _ in 0..calls {
                                a.get_case(&conn, &input)
                                    .await?
                                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                            }
                            Ok::<_, anyhow::Error>(())
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await??;
                }
                Ok::<_, anyhow::Error>(())
            })?;
            let rate = (n * calls) as f64 / started.elapsed().as_secs_f64();
            println!("{n} tasks: {rate:.0} calls per second");
            counted = n * calls;
        }
        "native" => {
            let t = NativeTransport::new(true)?;
            for _ in 0..calls {
                native_get_case(&t, &url, &id)?;
            }
        }
        "instantiate" => {
            for _ in 0..calls {
                drop(h.instantiate(Some(&url))?);
            }
        }
        "instantiate-compare" => {
            // All 20 exports looked up (`instantiate`) against none
            // (`instantiate_bare`, which an operation's call starts from),
            // interleaved; medians.
            let mut times = [Vec::with_capacity(calls), Vec::with_capacity(calls)];
            for i in 0..calls {
                for k in rotation(2, i) {
                    let t = Instant::now();
                    if k == 0 {
                        drop(h.instantiate(Some(&url))?);
                    } else {
                        drop(h.instantiate_bare(Some(&url))?);
                    }
                    times[k].push(t.elapsed().as_secs_f64() * 1e6);
                }
            }
            for (name, mut t) in ["all exports", "no export"].into_iter().zip(times) {
                t.sort_by(f64::total_cmp);
                println!("{name}: median {:.1} µs", t[t.len() / 2]);
            }
            counted = calls * 2;
        }
        "compare" => {
            // Fresh-instance calls through each harness, interleaved; medians, so
            // that the machine's noise falls on all alike. One harness per component
            // of COMPONENTS (default: the built one) and per setting of
            // KEEP_RESIDENT; or READ_AHEAD=compare: the built component with and
            // without read-ahead.
            let mut harnesses = Vec::new();
            if std::env::var("READ_AHEAD").as_deref() == Ok("compare") {
                for read_ahead in [true, false] {
                    let config = HarnessConfig {
                        read_ahead,
                        ..h.config().clone()
                    };
                    harnesses.push((
                        format!("read_ahead={read_ahead}"),
                        Harness::with_config(config)?,
                    ));
                }
            } else {
                let files = std::env::var("COMPONENTS").ok();
                let files: Vec<Option<&str>> = match &files {
                    Some(list) => list.split(',').map(Some).collect(),
                    None => vec![None],
                };
                let settings = match keep_resident.as_slice() {
                    [] | [_] => vec![None],
                    list => list.iter().copied().map(Some).collect(),
                };
                for file in &files {
                    for setting in &settings {
                        let mut config = h.config().clone();
                        let mut name = file.unwrap_or("the built component").to_owned();
                        if let Some(bytes) = setting {
                            config.keep_resident = *bytes;
                            name = format!("{name}, keep_resident={bytes}");
                        }
                        let harness = match file {
                            Some(file) => Harness::from_file_with(file.as_ref(), config)?,
                            None => Harness::with_config(config)?,
                        };
                        harnesses.push((name, harness));
                    }
                }
            }
            let mut times = vec![Vec::with_capacity(calls); harnesses.len()];
            let mut faults = vec![0u64; harnesses.len()];
            for i in 0..calls {
                for k in rotation(harnesses.len(), i) {
                    let h = &harnesses[k].1;
                    let before = Usage::now();
                    let t = Instant::now();
                    if many {
                        h.get_many_cases(&conn, &many_input)?
                            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                    } else {
                        h.get_case(&conn, &input)?
                            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                    }
                    times[k].push(t.elapsed().as_secs_f64() * 1e6);
                    if let (Some(before), Some(after)) = (before, Usage::now()) {
                        faults[k] += after.since(&before).minor_faults;
                    }
                }
            }
            for (((name, _), mut t), faults) in harnesses.iter().zip(times).zip(faults) {
                t.sort_by(f64::total_cmp);
                let median = t[t.len() / 2];
                let p90 = t[t.len() * 9 / 10];
                let faults = faults as f64 / calls as f64;
                println!(
                    "{name}: median {median:.1} µs, p90 {p90:.1} µs, {faults:.2} page faults per call"
                );
            }
            counted = calls * harnesses.len();
        }
        other => bail!("unknown mode {other}"),
    }
    let per_call = started.elapsed().as_secs_f64() * 1e6 / counted as f64;
    println!("{mode}: {counted} calls, {per_call:.1} µs per call (mean)");
    if let (Some(before), Some(after)) = (before, Usage::now()) {
        println!("{mode}: {}", after.since(&before).per_call(counted));
    }
    Ok(())
}

/// The number in the environment variable `name`, or `default`.
fn env_number(name: &str, default: u32) -> Result<u32> {
    match std::env::var(name) {
        Ok(value) => value.trim().parse().with_context(|| name.to_owned()),
        Err(_) => Ok(default),
    }
}

/// How many callers the `threads` modes run: `THREADS`, 16 by default.
fn threads() -> usize {
    std::env::var("THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
}

/// One get-case through the component's own code, natively.
fn native_get_case(t: &NativeTransport, url: &str, id: &str) -> Result<()> {
    let conn = elastic_security::types::Connection {
        base_url: url.into(),
        auth: Some(elastic_security::types::Auth::ApiKey("sim-api-key".into())),
        space_id: None,
        timeout_ms: Some(10_000),
    };
    let client =
        elastic_security::kibana::Client::new(&conn, t).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let input = elastic_security::api::cases::GetCaseInput {
        case_id: id.into(),
        include_comments: false,
        max_in_flight: None,
    };
    elastic_security::cases::get_case(&client, input).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(())
}

/// THREADS callers (default 16), each making `calls` calls of `one`; prints the rate
/// and returns the number of calls made.
fn on_threads(calls: usize, one: impl Fn() + Sync) -> usize {
    let n = threads();
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..n {
            s.spawn(|| (0..calls).for_each(|_| one()));
        }
    });
    let rate = (n * calls) as f64 / started.elapsed().as_secs_f64();
    println!("{n} threads: {rate:.0} calls per second");
    n * calls
}
