//! The wasmtime side: compiles the component once, links WASI and wasi:http, and runs
//! every call in a fresh store made from one `InstancePre`.

use std::path::Path;

use anyhow::{Context, Result};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::bindings::{ElasticSecurity, ElasticSecurityPre};

/// The component that this build of host-test produced (built by `build.rs`).
pub static BUILT_COMPONENT: &[u8] = include_bytes!(env!("ELASTIC_SECURITY_COMPONENT"));

/// Where `build.rs` left the component, for messages and for tools that want the file.
pub const BUILT_COMPONENT_PATH: &str = env!("ELASTIC_SECURITY_COMPONENT");

/// Per-call host state: WASI with nothing granted (no files, no env, no stdio) plus
/// wasi:http.
pub struct HostState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
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
            hooks: Default::default(),
        }
    }
}

/// A compiled, linked component, ready to run calls.
pub struct Harness {
    engine: Engine,
    pre: ElasticSecurityPre<HostState>,
}

/// A running instance with its store: valid for one call (or a few related ones).
pub struct Instance {
    pub store: Store<HostState>,
    pub bindings: ElasticSecurity,
}

impl Harness {
    /// The component this build produced.
    pub fn new() -> Result<Self> {
        Self::from_bytes(BUILT_COMPONENT)
    }

    /// A component file (`.wasm`) of the user's choice.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read component {}", path.display()))?;
        Self::from_bytes(&bytes)
            .with_context(|| format!("cannot load component {}", path.display()))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        let engine = Engine::new(&config).map_err(to_anyhow)?;
        let component = Component::from_binary(&engine, bytes).map_err(to_anyhow)?;
        let mut linker: Linker<HostState> = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(to_anyhow)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_sync(&mut linker).map_err(to_anyhow)?;
        let instance_pre = linker.instantiate_pre(&component).map_err(to_anyhow)?;
        let pre = ElasticSecurityPre::new(instance_pre).map_err(to_anyhow)?;
        Ok(Self { engine, pre })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// A fresh store and instance.
    pub fn instantiate(&self) -> Result<Instance> {
        let state = HostState {
            wasi: WasiCtxBuilder::new().build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
        };
        let mut store = Store::new(&self.engine, state);
        let bindings = self.pre.instantiate(&mut store).map_err(to_anyhow)?;
        Ok(Instance { store, bindings })
    }

    /// Runs `f` against a fresh instance. An `Err` here is a host failure or a trap,
    /// never an operation's own error (those come back inside `R`).
    pub fn call<R>(
        &self,
        f: impl FnOnce(&ElasticSecurity, &mut Store<HostState>) -> wasmtime::Result<R>,
    ) -> Result<R> {
        let mut instance = self.instantiate()?;
        f(&instance.bindings, &mut instance.store).map_err(to_anyhow)
    }
}

/// `wasmtime::Error` is not `anyhow::Error` in wasmtime 48: keep its full chain.
pub fn to_anyhow(e: wasmtime::Error) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}
