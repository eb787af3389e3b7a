//! What a transport is: one HTTP request out, the whole answer back. The component
//! sends through `wasi:http` ([`super::wasi`]), the unit tests through a fake, and
//! host-test's benchmark through a native client.

#[allow(unused_imports)]
use crate::rt::prelude::*;

/// The largest answer read from Kibana (the WIT promises 32 MiB).
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// The HTTP methods Kibana's Cases and Connectors APIs need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// The URL scheme of `connection.base-url`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Everything a transport needs to send one request. (No `Debug`: the headers
/// hold the credentials.)
pub struct Outgoing<'a> {
    pub method: Method,
    pub scheme: Scheme,
    /// `host[:port]`.
    pub authority: &'a str,
    /// The full path (base path, space prefix, route) and query.
    pub path_and_query: &'a str,
    /// Lowercase names.
    pub headers: &'a [(String, String)],
    pub body: Option<&'a [u8]>,
    /// For connecting, the first byte and between bytes.
    pub timeout_ms: u32,
}

/// An HTTP answer: any status, the whole body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Why a transport got no (usable) HTTP answer. The variants keep apart what
/// happened before anything was sent from what happened after, which decides
/// whether a call may be repeated (the WIT `error`'s rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// Nothing was sent: no connection (refused, DNS, TLS), or the host refused
    /// the request. The text names the cause for humans ("connection refused").
    Unreachable(String),
    /// No answer within the timeout; the request may have been sent (a connect
    /// timeout counts here too: not every host reports one only before sending).
    Timeout,
    /// The connection broke after the request was sent, at least in part: reset,
    /// closed, or the answer broke off. The text names the cause.
    ConnectionLost(String),
    /// The answer was larger than [`MAX_RESPONSE_BYTES`].
    ResponseTooLarge,
}

/// Sends one request and reads the whole answer (at most [`MAX_RESPONSE_BYTES`]).
pub trait Transport {
    fn send(&self, request: &Outgoing<'_>) -> Result<Response, TransportError>;

    /// Waits `millis` milliseconds (a retry's backoff). Transports without a clock
    /// (the unit tests' fake) return at once.
    fn pause(&self, _millis: u32) {}
}

/// The transport of a native build, where there is no wasi:http: every call is
/// unreachable. It exists so that the component's glue type-checks natively.
#[cfg(not(target_arch = "wasm32"))]
pub struct Unsupported;

#[cfg(not(target_arch = "wasm32"))]
impl Transport for Unsupported {
    fn send(&self, _request: &Outgoing<'_>) -> Result<Response, TransportError> {
        Err(TransportError::Unreachable(
            "wasi:http is only available in the wasm32-wasip2 component".into(),
        ))
    }
}
