//! Host-side bindings of the `elastic-security` world, generated from `wit/`.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "elastic-security",
});

pub use automation::elastic_security::types::*;
pub use exports::automation::elastic_security::{case_comments, case_tags, cases, connectors};

// The world's exports in the order `world.wit` declares them.
interface_loaders!(
    interface0 => cases,
    interface1 => case_comments,
    interface2 => case_tags,
    interface3 => connectors,
);

/// A fresh instance of `pre`'s component, with only interface `I` loaded.
pub fn instantiate_interface<T: 'static, I: Interface>(
    pre: &ElasticSecurityPre<T>,
    mut store: impl wasmtime::AsContextMut<Data = T>,
) -> wasmtime::Result<I> {
    let instance = pre.instance_pre().instantiate(&mut store)?;
    I::load(pre, store, &instance)
}
