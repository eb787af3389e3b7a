//! Running the component in wasmtime: [`Harness`] compiles it once, links WASI and
//! wasi:http, and runs every call in a fresh store made from one `InstancePre`;
//! [`async_harness`] does the same for hosts that are themselves async; [`outbound`]
//! is the `send_request` hook that decides what a call may reach; [`bindings`] are
//! the host-side types generated from `wit/`.

pub mod async_harness;
pub mod bindings;
mod operations;
pub mod outbound;

pub use operations::{settle, Failure, Op};

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use std::sync::atomic::{AtomicUsize, Ordering};
use wasmtime::component::{
    Component, ComponentExportIndex, ComponentNamedList, Instance as ComponentInstance, Lift,
    Linker, Lower, ResourceTable,
};

use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Precompiled,
    ResourceLimiter, Store, StoreLimits, StoreLimitsBuilder,
};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use bindings::{
    case_comments, case_tags, cases, connectors, CaseComment, Connection, ElasticSecurity,
    ElasticSecurityPre, Error, KibanaCase, Owner,
};
use operations::{with_operations, Exports};
use outbound::{Origin, Outbound, OutboundHooks};

/// One method per operation: [`Harness::call`] with the operation's function.
macro_rules! sync_operations {
    ($($name:ident: $iface:ident $func:literal ($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        $(
            pub fn $name(&self, conn: &Connection, $($arg: $ty),*) -> Op<$out> {
                settle(self.call(conn, &self.exports.$name, (conn, $($arg),*))?)
            }
        )*
    };
}

/// The component that this build of host-test produced (built by `build.rs`).
pub static BUILT_COMPONENT: &[u8] = include_bytes!(env!("ELASTIC_SECURITY_COMPONENT"));

/// Where `build.rs` left the component, for messages and for tools that want the file.
pub const BUILT_COMPONENT_PATH: &str = env!("ELASTIC_SECURITY_COMPONENT");

/// How often the epoch ticks: the resolution of `call_deadline`.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The default of [`HarnessConfig::keep_resident`]: the first 256 KiB of the
/// component's memory, which hold all that a small call touches (its 128 KiB stack,
/// its data, the start of its heap). Measured with `call_loop` (BENCHMARKS.md): a
/// small call takes 0.45 page faults at 256 KiB, 4.4 at 128 KiB, 8.3 at 0; 512 KiB
/// or more costs small calls the reset of pages they never touch, and saves a page
/// of 100 cases 33 of its 36 faults.
pub const DEFAULT_KEEP_RESIDENT: usize = 256 << 10;

/// What the host grants one call, and how it reaches Kibana.
#[derive(Clone, Debug)]
pub struct HarnessConfig {
    /// Linear memory one instance may grow to; past it the call traps (256 MiB by
    /// default: room for the component's 32 MiB answer cap and its decoded form).
    pub max_memory_bytes: usize,
    /// Wall-clock budget for one call's own WebAssembly execution, checked whenever
    /// the component runs (epoch interruption); past it the call traps. The
    /// component's `timeout-ms` bounds each wait on the network; this bounds the whole.
    pub call_deadline: Duration,
    /// PEM CA certificates to trust besides the webpki roots (self-signed clusters).
    pub ca_pem: Option<Vec<u8>>,
    /// Reuse HTTP/1.1 connections across calls (a pool shared by all stores).
    pub keep_alive: bool,
    /// Instances from wasmtime's pooling allocator (slots made once, reused), at most
    /// this many at the same time; `None`: on-demand allocation (mmap per instance).
    pub pooling: Option<u32>,
    /// With pooling: how much of a slot's linear memory stays mapped between calls
    /// (bytes). On Linux 6.7 and later wasmtime asks the kernel which of the slot's
    /// pages were written (`PAGEMAP_SCAN`), from the start of memory, and resets up to
    /// this much of them in place, returning the rest to the kernel; the next call
    /// then takes no page faults on them. Elsewhere it resets the first this-many
    /// bytes with `memset`. 0: return everything to the kernel after each call.
    /// (Some kernels, this project's 6.18 among them, report every page of a 2 MiB
    /// range that has a page table as written, so that the first this-many bytes are
    /// reset whatever was written.)
    pub keep_resident: usize,
    /// Read each answer's body on the runtime's thread before handing the response
    /// to the component (one wake-up of the calling thread per request instead of
    /// one per wait for more bytes); up to the component's 32 MiB cap.
    pub read_ahead: bool,
    /// Environment variables every call's component sees (`wasi:cli/environment`);
    /// read only for `auth::api-key-env`. Empty by default.
    pub env: Vec<(String, String)>,
}

impl Default for HarnessConfig {
    fn default() -> Self {
        Self {
            max_memory_bytes: 256 << 20,
            call_deadline: Duration::from_secs(300),
            ca_pem: None,
            keep_alive: true,
            pooling: None,
            keep_resident: DEFAULT_KEEP_RESIDENT,
            read_ahead: true,
            env: Vec::new(),
        }
    }
}

/// Per-call host state: WASI with nothing granted (no files, no stdio, only the
/// environment variables of [`HarnessConfig::env`]) plus
/// wasi:http limited to one origin, and the store's resource limits.
pub struct HostState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    hooks: OutboundHooks,
    table: ResourceTable,
    limits: PeakLimits,
}

/// The store's limits, recording the largest linear memory the instance asked for.
struct PeakLimits {
    inner: StoreLimits,
    peak: usize,
}

impl ResourceLimiter for PeakLimits {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let granted = self.inner.memory_growing(current, desired, maximum)?;
        if granted {
            self.peak = self.peak.max(desired);
        }
        Ok(granted)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.inner.table_growing(current, desired, maximum)
    }

    fn memory_grow_failed(&mut self, error: wasmtime::Error) -> wasmtime::Result<()> {
        self.inner.memory_grow_failed(error)
    }

    fn instances(&self) -> usize {
        self.inner.instances()
    }

    fn tables(&self) -> usize {
        self.inner.tables()
    }

    fn memories(&self) -> usize {
        self.inner.memories()
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// A compiled, linked component, ready to run calls.
pub struct Harness {
    engine: Engine,
    component: Component,
    pre: ElasticSecurityPre<HostState>,
    exports: Exports,
    config: HarnessConfig,
    outbound: Arc<Outbound>,
    peak_memory: AtomicUsize,
}

/// A running instance with its store: valid for one call (or a few related ones).
pub struct Instance {
    pub store: Store<HostState>,
    pub bindings: ElasticSecurity,
}

impl Harness {
    /// The component this build produced, with the default limits.
    pub fn new() -> Result<Self> {
        Self::from_bytes(BUILT_COMPONENT)
    }

    /// A component file (`.wasm`) of the user's choice.
    pub fn from_file(path: &Path) -> Result<Self> {
        Self::from_file_with(path, HarnessConfig::default())
    }

    pub fn from_file_with(path: &Path, config: HarnessConfig) -> Result<Self> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read component {}", path.display()))?;
        Self::from_bytes_with(&bytes, config)
            .with_context(|| format!("cannot load component {}", path.display()))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        Self::from_bytes_with(bytes, HarnessConfig::default())
    }

    /// The built component with other limits or TLS roots.
    pub fn with_config(config: HarnessConfig) -> Result<Self> {
        Self::from_bytes_with(BUILT_COMPONENT, config)
    }

    pub fn from_bytes_with(bytes: &[u8], config: HarnessConfig) -> Result<Self> {
        let mut engine_settings = engine_config();
        if let Some(slots) = config.pooling {
            let mut pool = PoolingAllocationConfig::new();
            pool.total_component_instances(slots)
                .total_core_instances(slots.saturating_mul(4))
                .total_memories(slots.saturating_mul(2))
                .total_tables(slots.saturating_mul(2))
                .max_memory_size(config.max_memory_bytes)
                .pagemap_scan(Enabled::Auto)
                .linear_memory_keep_resident(config.keep_resident)
                .table_keep_resident(config.keep_resident.min(64 << 10));
            engine_settings.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        }
        let engine = Engine::new(&engine_settings)?;
        let component = if Engine::detect_precompiled(bytes) == Some(Precompiled::Component) {
            // SAFETY: a precompiled component is machine code run as-is; wasmtime checks
            // that it was made by this wasmtime version with compatible settings, and
            // the CLI documents that only files made by `elastic-security precompile`
            // (or `wasmtime compile` with the same settings) are to be loaded.
            unsafe { Component::deserialize(&engine, bytes) }?
        } else {
            Component::from_binary(&engine, bytes)?
        };
        let mut linker: Linker<HostState> = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker)?;
        let instance_pre = linker.instantiate_pre(&component)?;
        let pre = ElasticSecurityPre::new(instance_pre)?;
        let exports = Exports::find(&component)?;
        let outbound = outbound_for(&config)?;
        start_epoch_ticker(&engine);
        Ok(Self {
            engine,
            component,
            pre,
            exports,
            config,
            outbound,
            peak_memory: AtomicUsize::new(0),
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The compiled component (for an [`async_harness::AsyncHarness`] on the same
    /// engine).
    pub fn component(&self) -> &Component {
        &self.component
    }

    /// A store for one call: WASI with nothing granted, wasi:http limited to
    /// `base_url`'s origin and sent through `outbound`, the memory limit and the call
    /// deadline.
    pub(crate) fn new_store(
        &self,
        base_url: Option<&str>,
        outbound: Arc<Outbound>,
    ) -> Store<HostState> {
        let state = HostState {
            wasi: WasiCtxBuilder::new().envs(&self.config.env).build(),
            http: WasiHttpCtx::new(),
            hooks: OutboundHooks::new(outbound, base_url.and_then(Origin::parse)),
            table: ResourceTable::new(),
            limits: PeakLimits {
                inner: StoreLimitsBuilder::new()
                    .memory_size(self.config.max_memory_bytes)
                    .trap_on_grow_failure(true)
                    .build(),
                peak: 0,
            },
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        let ticks = self.config.call_deadline.as_millis() / EPOCH_TICK.as_millis();
        store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX).max(1));
        store.epoch_deadline_trap();
        store
    }

    /// Records the largest linear memory a finished call's store asked for.
    pub(crate) fn record_peak(&self, store: &Store<HostState>) {
        self.peak_memory
            .fetch_max(store.data().limits.peak, Ordering::Relaxed);
    }

    pub fn config(&self) -> &HarnessConfig {
        &self.config
    }

    /// The outbound side: connection and refusal counters.
    pub fn outbound(&self) -> &Outbound {
        &self.outbound
    }

    /// The outbound side, shared: a native client sending through it uses the same
    /// pool of connections as the calls (the benchmark's).
    pub fn shared_outbound(&self) -> Arc<Outbound> {
        self.outbound.clone()
    }

    /// A fresh store and instance that may reach `base_url`'s origin and nothing else
    /// (`None`: no outbound request at all).
    pub fn instantiate(&self, base_url: Option<&str>) -> Result<Instance> {
        let mut store = self.new_store(base_url, self.outbound.clone());
        let bindings = self.pre.instantiate(&mut store)?;
        Ok(Instance { store, bindings })
    }

    /// A fresh store and instance as [`Harness::instantiate`] makes them, with no
    /// export looked up yet: what each operation's call starts from.
    pub fn instantiate_bare(
        &self,
        base_url: Option<&str>,
    ) -> Result<(Store<HostState>, ComponentInstance)> {
        let mut store = self.new_store(base_url, self.outbound.clone());
        let instance = self.pre.instance_pre().instantiate(&mut store)?;
        Ok((store, instance))
    }

    /// Calls the function at `index` with `params` in a fresh instance that may
    /// reach the origin of `conn.base-url`, looking up and type-checking only that
    /// function (see [`Exports`]). An `Err` here is a host failure or a trap (a
    /// memory limit or the deadline), never an operation's own error (that is the
    /// inner `Result`).
    fn call<P, T>(
        &self,
        conn: &Connection,
        index: &ComponentExportIndex,
        params: P,
    ) -> Result<std::result::Result<T, Error>>
    where
        P: ComponentNamedList + Lower,
        (std::result::Result<T, Error>,): ComponentNamedList + Lift,
    {
        let (mut store, instance) = self.instantiate_bare(Some(&conn.base_url))?;
        let func =
            instance.get_typed_func::<P, (std::result::Result<T, Error>,)>(&mut store, index)?;
        let result = func.call(&mut store, params);
        self.record_peak(&store);
        Ok(result?.0)
    }

    /// The largest linear memory any call asked for since the last time this was
    /// read (bytes), and starts counting again.
    pub fn take_peak_memory(&self) -> usize {
        self.peak_memory.swap(0, Ordering::Relaxed)
    }

    with_operations!(sync_operations);
}

/// The outbound side `config` asks for: its TLS roots, keep-alive and read-ahead.
pub(crate) fn outbound_for(config: &HarnessConfig) -> Result<Arc<Outbound>> {
    let outbound = Outbound::new(config.ca_pem.as_deref(), config.keep_alive)?;
    Ok(Arc::new(outbound.with_read_ahead(config.read_ahead)))
}

/// Compiles a component ahead of time for this host (`.cwasm`): loading it skips
/// Cranelift, for fast cold starts. Only this wasmtime version with the same engine
/// settings can load it.
pub fn precompile(component: &[u8]) -> Result<Vec<u8>> {
    let engine = Engine::new(&engine_config())?;
    engine
        .precompile_component(component)
        .map_err(anyhow::Error::from)
}

/// The engine settings every harness uses: the component model and epoch interruption.
/// With `ELASTIC_SECURITY_PERF_MAP` set, the engine also writes `/tmp/perf-PID.map`,
/// so that `perf report` names the component's functions (for profiling only).
pub fn engine_config() -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    if std::env::var_os("ELASTIC_SECURITY_PERF_MAP").is_some() {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    config
}

/// Advances the engine's epoch every `EPOCH_TICK` until the engine is dropped.
fn start_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("epoch-ticker".into())
        .spawn(move || loop {
            std::thread::sleep(EPOCH_TICK);
            match weak.upgrade() {
                Some(engine) => engine.increment_epoch(),
                None => break,
            }
        })
        .ok();
}
