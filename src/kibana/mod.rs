//! Talking to Kibana: the checked connection, the one client that sends, the
//! transport it sends through (`wasi:http` in the component), the mapping of every
//! failure to the WIT `error`, the routes, and Kibana's enums as the WIT's. Kibana's
//! JSON itself is the `elastic_security_wire` crate (`wire/`).
//! The interface modules (`cases`, `case_comments`, ...) build requests and convert
//! answers; only this module touches HTTP.

pub mod client;
pub mod connection;
pub mod decode;
pub mod enums;
pub mod errors;
pub mod routes;
pub mod transport;
#[cfg(target_arch = "wasm32")]
pub mod wasi;

pub use client::{Client, Flight, Request};
pub use transport::{
    InFlight, Method, Outgoing, Response, Scheme, Transport, TransportError, MAX_RESPONSE_BYTES,
};

/// A count from Kibana as a WIT `u32` (saturating; Kibana's counts are far lower).
pub fn count(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
