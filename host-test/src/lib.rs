//! Native side of elastic-security: the wasmtime harness that runs the component, the
//! stateful Kibana simulator, the operation table behind the CLI, and the CLI itself.

pub mod api;
pub mod async_harness;
pub mod bench;
pub mod bindings;
pub mod cli;
pub mod harness;
pub mod native;
pub mod ops;
pub mod outbound;
pub mod sim;
