//! The harness for async hosts: the same component, engine, limits and outbound hook
//! as [`Harness`], with every call made with `call_async` on the caller's tokio
//! runtime.
//!
//! Why: in the synchronous harness every wait of the component on the network
//! (`wasi:io/poll` `block`) parks the calling thread and hands the work to
//! wasmtime-wasi's own tokio threads and back (a futex round trip each time, two
//! or three per request). Here such a wait suspends the call's fiber and yields to
//! the runtime, which drives the HTTP connection on the same thread: a busy host
//! runs many calls on a few threads without those hand-offs. A fresh store and
//! instance are still made for every call, from one `InstancePre`.
//!
//! An `AsyncHarness` has its own keep-alive pool, and a pooled connection is driven
//! by the runtime that opened it: use one `AsyncHarness` per tokio runtime (a
//! multi-threaded runtime is one runtime, whatever its number of threads).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use host_test::harness::async_harness::AsyncHarness;
//! use host_test::harness::Harness;
//! let h = AsyncHarness::new(&std::sync::Arc::new(Harness::new()?))?;
//! # let conn: host_test::harness::bindings::Connection = todo!();
//! let input = host_test::harness::async_harness::cases::GetCaseInput {
//!     case_id: "7ab6...".into(),
//!     include_comments: false,
//!     max_in_flight: None,
//! };
//! let case = h.get_case(&conn, &input).await?;
//! # Ok(()) }
//! ```

use std::sync::Arc;

use anyhow::Result;
use wasmtime::component::{
    ComponentExportIndex, ComponentNamedList, Instance as ComponentInstance, Lift, Linker, Lower,
};
use wasmtime::Store;

use super::bindings::{CaseComment, Connection, Error, KibanaCase, Owner};
use super::operations::{settle, with_operations, Exports};
use super::outbound::Outbound;
use super::{outbound_for, Harness, HarnessConfig, HostState, Op};

mod generated {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "elastic-security",
        exports: { default: async },
        with: {
            "automation:elastic-security/types": crate::harness::bindings::automation::elastic_security::types,
        },
    });
}

pub use generated::exports::automation::elastic_security::{
    case_comments, case_tags, cases, connectors,
};
pub use generated::ElasticSecurity as AsyncBindings;

/// A fresh instance with its store, for calls made with `call_async`.
pub struct AsyncInstance {
    pub store: Store<HostState>,
    pub bindings: AsyncBindings,
}

/// Runs calls of the component with `call_async`. Made from a [`Harness`]: it shares
/// that harness's engine (allocator, epoch ticker), compiled component, limits and
/// TLS roots, and keeps a connection pool of its own.
pub struct AsyncHarness {
    harness: Arc<Harness>,
    pre: generated::ElasticSecurityPre<HostState>,
    exports: Exports,
    outbound: Arc<Outbound>,
}

/// One method per operation: [`AsyncHarness::call`] with the operation's function.
/// The outer `Result` is a host failure or a trap; the inner one is the operation's.
macro_rules! async_operations {
    ($($name:ident: $iface:ident $func:literal ($($arg:ident: $ty:ty),*) -> $out:ty;)*) => {
        $(
            pub async fn $name(&self, conn: &Connection, $($arg: $ty),*) -> Op<$out> {
                settle(self.call(conn, &self.exports.$name, (conn, $($arg),*)).await?)
            }
        )*
    };
}

impl AsyncHarness {
    /// Links the async forms of WASI and wasi:http against `harness`'s component.
    pub fn new(harness: &Arc<Harness>) -> Result<Self> {
        let mut linker: Linker<HostState> = Linker::new(harness.engine());
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        let instance_pre = linker.instantiate_pre(harness.component())?;
        let pre = generated::ElasticSecurityPre::new(instance_pre)?;
        Ok(Self {
            harness: harness.clone(),
            pre,
            exports: Exports::find(harness.component())?,
            outbound: outbound_for(harness.config())?,
        })
    }

    pub fn config(&self) -> &HarnessConfig {
        self.harness.config()
    }

    /// This harness's outbound side: connection and refusal counters.
    pub fn outbound(&self) -> &Outbound {
        &self.outbound
    }

    /// A fresh store and instance that may reach `base_url`'s origin and nothing else
    /// (`None`: no outbound request at all).
    pub async fn instantiate(&self, base_url: Option<&str>) -> Result<AsyncInstance> {
        let mut store = self.harness.new_store(base_url, self.outbound.clone());
        let bindings = self.pre.instantiate_async(&mut store).await?;
        Ok(AsyncInstance { store, bindings })
    }

    /// A fresh store and instance as [`AsyncHarness::instantiate`] makes them, with
    /// no export looked up yet: what each operation's call starts from.
    pub async fn instantiate_bare(
        &self,
        base_url: Option<&str>,
    ) -> Result<(Store<HostState>, ComponentInstance)> {
        let mut store = self.harness.new_store(base_url, self.outbound.clone());
        let instance = self
            .pre
            .instance_pre()
            .instantiate_async(&mut store)
            .await?;
        Ok((store, instance))
    }

    /// Calls the function at `index` with `params` in a fresh instance, as
    /// [`Harness`]'s calls do, with `call_async`.
    async fn call<P, T>(
        &self,
        conn: &Connection,
        index: &ComponentExportIndex,
        params: P,
    ) -> Result<std::result::Result<T, Error>>
    where
        P: ComponentNamedList + Lower + Send + Sync,
        (std::result::Result<T, Error>,): ComponentNamedList + Lift + Send + Sync + 'static,
    {
        let (mut store, instance) = self.instantiate_bare(Some(&conn.base_url)).await?;
        let func =
            instance.get_typed_func::<P, (std::result::Result<T, Error>,)>(&mut store, index)?;
        let result = func.call_async(&mut store, params).await;
        self.harness.record_peak(&store);
        Ok(result?.0)
    }

    with_operations!(async_operations);
}
