//! Host-side bindings of the `elastic-security` world, generated from `wit/`.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "elastic-security",
});

pub use automation::elastic_security::types::*;
pub use exports::automation::elastic_security::{case_comments, case_tags, cases, connectors};
