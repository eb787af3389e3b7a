//! What a transport is: one HTTP request out, the whole answer back; or several
//! out together ([`InFlight`]), their answers back in whatever order they come. The
//! component sends through `wasi:http` ([`super::wasi`]), the unit tests through a
//! fake, and host-test's benchmark through a native client.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use alloc::collections::VecDeque;

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

/// Requests in flight together: each is handed over by [`InFlight::start`] without
/// waiting for its answer, and [`InFlight::next`] gives the answers one at a time in
/// the order they come. Dropping it abandons the requests still unanswered.
pub trait InFlight {
    /// Hands `request` over; `tag` names it in the answer [`InFlight::next`] gives.
    /// A request that cannot be sent is answered with its error by `next`, as any.
    fn start(&mut self, tag: usize, request: &Outgoing<'_>);

    /// Waits for the next answer of a started request (the whole answer, at most
    /// [`MAX_RESPONSE_BYTES`]), whichever comes first; `None` when none is in flight.
    fn next(&mut self) -> Option<(usize, Result<Response, TransportError>)>;
}

/// Sends one request and reads the whole answer (at most [`MAX_RESPONSE_BYTES`]).
pub trait Transport {
    fn send(&self, request: &Outgoing<'_>) -> Result<Response, TransportError>;

    /// Requests in flight together through this transport. A transport that can
    /// have only one request open sends each as it is started ([`OneAtATime`]),
    /// which is what this default does.
    fn in_flight(&self) -> Box<dyn InFlight + '_> {
        Box::new(OneAtATime {
            transport: self,
            answers: VecDeque::new(),
        })
    }

    /// Waits `millis` milliseconds (a retry's backoff). Transports without a clock
    /// (the unit tests' fake) return at once.
    fn pause(&self, _millis: u32) {}
}

/// [`InFlight`] over a transport that has one request open at a time: each request
/// is sent when it is started, and its answer kept for `next`.
pub struct OneAtATime<'t, T: Transport + ?Sized> {
    transport: &'t T,
    answers: VecDeque<(usize, Result<Response, TransportError>)>,
}

impl<T: Transport + ?Sized> InFlight for OneAtATime<'_, T> {
    fn start(&mut self, tag: usize, request: &Outgoing<'_>) {
        let answer = self.transport.send(request);
        self.answers.push_back((tag, answer));
    }

    fn next(&mut self) -> Option<(usize, Result<Response, TransportError>)> {
        self.answers.pop_front()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers every request at once with its path as the body.
    struct Echo;

    impl Transport for Echo {
        fn send(&self, request: &Outgoing<'_>) -> Result<Response, TransportError> {
            Ok(Response {
                status: 200,
                body: request.path_and_query.as_bytes().to_vec(),
            })
        }
    }

    #[test]
    fn one_at_a_time_sends_each_request_as_it_is_started() {
        let request = |path| Outgoing {
            method: Method::Get,
            scheme: Scheme::Https,
            authority: "kibana.example",
            path_and_query: path,
            headers: &[],
            body: None,
            timeout_ms: 1000,
        };
        let mut flight = Echo.in_flight();
        flight.start(7, &request("/a"));
        flight.start(3, &request("/b"));
        let answer =
            |(tag, answer): (usize, Result<Response, TransportError>)| (tag, answer.unwrap().body);
        assert_eq!(flight.next().map(answer), Some((7, b"/a".to_vec())));
        assert_eq!(flight.next().map(answer), Some((3, b"/b".to_vec())));
        assert!(flight.next().is_none());
    }
}
