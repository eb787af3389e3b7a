//! The native client that the benchmark compares the component with: the component's
//! own Rust code (the same request builders, JSON reading and error mapping),
//! compiled natively, sending through the same outbound stack as the harness (hyper,
//! the same keep-alive policy and TLS). The difference between the two is what running
//! as a WebAssembly component costs: instantiation, wasm execution, host crossings.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use elastic_security::kibana::{
    InFlight, Method, Outgoing, Response, Scheme, Transport, TransportError, MAX_RESPONSE_BYTES,
};
use http_body_util::{BodyExt, Full};
use wasmtime_wasi::runtime::AbortOnDropJoinHandle;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions};

use crate::harness::outbound::{Origin, Outbound};

pub struct NativeTransport {
    outbound: Arc<Outbound>,
}

impl NativeTransport {
    pub fn new(keep_alive: bool) -> anyhow::Result<Self> {
        Ok(Self::over(Arc::new(Outbound::new(None, keep_alive)?)))
    }

    /// Over an outbound side shared with others (a harness's: the same pool of
    /// connections).
    pub fn over(outbound: Arc<Outbound>) -> Self {
        Self { outbound }
    }

    pub fn outbound(&self) -> &Outbound {
        &self.outbound
    }
}

impl Transport for NativeTransport {
    fn send(&self, req: &Outgoing<'_>) -> Result<Response, TransportError> {
        let exchange = self.exchange(req);
        wasmtime_wasi::runtime::in_tokio(async move { exchange?.await })
    }

    fn in_flight(&self) -> Box<dyn InFlight + '_> {
        let (answered, answers) = mpsc::channel();
        Box::new(NativeFlight {
            transport: self,
            tasks: Vec::new(),
            answered,
            answers,
            open: 0,
        })
    }
}

/// One request and its whole answer, as a future to run on the runtime.
type Exchange = Pin<Box<dyn Future<Output = Result<Response, TransportError>> + Send>>;

impl NativeTransport {
    /// The request as hyper takes it, sent and read whole by the future returned.
    fn exchange(&self, req: &Outgoing<'_>) -> Result<Exchange, TransportError> {
        let scheme = match req.scheme {
            Scheme::Http => "http",
            Scheme::Https => "https",
        };
        let method = match req.method {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
        };
        let mut builder = http::Request::builder()
            .method(method)
            .uri(format!(
                "{scheme}://{}{}",
                req.authority, req.path_and_query
            ))
            .header(http::header::HOST, req.authority);
        for (name, value) in req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = Full::new(Bytes::copy_from_slice(req.body.unwrap_or_default()))
            .map_err(|never| match never {})
            .boxed_unsync();
        let request = builder
            .body(body)
            .map_err(|e| TransportError::Unreachable(format!("bad request: {e}")))?;
        let origin = Origin::of_uri(request.uri())
            .ok_or_else(|| TransportError::Unreachable("bad URL".into()))?;
        let timeout = Some(Duration::from_millis(u64::from(req.timeout_ms)));
        let options = RequestOptions {
            connect_timeout: timeout,
            first_byte_timeout: timeout,
            between_bytes_timeout: timeout,
        };
        let outbound = self.outbound.clone();
        Ok(Box::pin(async move {
            let response = outbound
                .send(origin, request, Some(options))
                .await
                .map_err(transport_error)?;
            let status = response.status().as_u16();
            let mut body = response.into_body();
            let mut bytes = Vec::new();
            while let Some(frame) = body.frame().await {
                let frame = frame.map_err(transport_error)?;
                if let Ok(data) = frame.into_data() {
                    if bytes.len() + data.len() > MAX_RESPONSE_BYTES {
                        return Err(TransportError::ResponseTooLarge);
                    }
                    bytes.extend_from_slice(&data);
                }
            }
            Ok(Response {
                status,
                body: bytes,
            })
        }))
    }
}

/// Requests in flight together natively: each a task on the runtime that drives
/// the connections (the one wasi:http uses), its answer sent back over a channel.
/// Dropping it aborts the tasks still running.
struct NativeFlight<'t> {
    transport: &'t NativeTransport,
    tasks: Vec<AbortOnDropJoinHandle<()>>,
    answered: Sender<(usize, Result<Response, TransportError>)>,
    answers: Receiver<(usize, Result<Response, TransportError>)>,
    open: usize,
}

impl InFlight for NativeFlight<'_> {
    fn start(&mut self, tag: usize, request: &Outgoing<'_>) {
        self.open += 1;
        let exchange = match self.transport.exchange(request) {
            Ok(exchange) => exchange,
            Err(error) => {
                let _ = self.answered.send((tag, Err(error)));
                return;
            }
        };
        let answered = self.answered.clone();
        self.tasks.push(wasmtime_wasi::runtime::spawn(async move {
            let _ = answered.send((tag, exchange.await));
        }));
    }

    fn next(&mut self) -> Option<(usize, Result<Response, TransportError>)> {
        if self.open == 0 {
            return None;
        }
        self.open -= 1;
        let answer = self.answers.recv().ok();
        self.tasks.retain(|task| !task.is_finished());
        answer
    }
}

/// The same phases as the component's `wasi:http` transport: failing to connect
/// sent nothing; anything later may have reached the server.
fn transport_error(e: HttpError) -> TransportError {
    match e {
        HttpError::ConnectionReadTimeout | HttpError::HttpResponseTimeout => {
            TransportError::Timeout
        }
        e @ (HttpError::ConnectionTimeout
        | HttpError::ConnectionRefused
        | HttpError::DnsError { .. }
        | HttpError::Connect(_)
        | HttpError::DnsTimeout
        | HttpError::Tls(_)
        | HttpError::TlsProtocolError
        | HttpError::TlsCertificateError
        | HttpError::HttpRequestDenied) => TransportError::Unreachable(e.to_string()),
        other => TransportError::ConnectionLost(other.to_string()),
    }
}
