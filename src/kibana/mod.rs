//! Talking to Kibana: the checked connection, the one client that sends, the
//! transport it sends through (`wasi:http` in the component), the mapping of every
//! failure to the WIT `error`, the routes, and the JSON shapes all interfaces share.
//! The interface modules (`cases`, `case_comments`, ...) build requests and convert
//! answers; only this module touches HTTP.

pub mod client;
pub mod connection;
pub mod errors;
pub mod routes;
pub mod transport;
#[cfg(target_arch = "wasm32")]
pub mod wasi;
pub mod wire;

pub use client::{Client, Request};
pub use transport::{
    Method, Outgoing, Response, Scheme, Transport, TransportError, MAX_RESPONSE_BYTES,
};
