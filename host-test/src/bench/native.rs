//! The native client that the benchmark compares the component with: the component's
//! own Rust code (the same request builders, JSON reading and error mapping),
//! compiled natively, sending through the same outbound stack as the harness (hyper,
//! the same keep-alive policy and TLS). The difference between the two is what running
//! as a WebAssembly component costs: instantiation, wasm execution, host crossings.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use elastic_security::kibana::{
    Method, Outgoing, Response, Scheme, Transport, TransportError, MAX_RESPONSE_BYTES,
};
use http_body_util::{BodyExt, Full};
use wasmtime_wasi_http::{Error as HttpError, RequestOptions};

use crate::harness::outbound::{Origin, Outbound};

pub struct NativeTransport {
    outbound: Arc<Outbound>,
}

impl NativeTransport {
    pub fn new(keep_alive: bool) -> anyhow::Result<Self> {
        Ok(Self {
            outbound: Arc::new(Outbound::new(None, keep_alive)?),
        })
    }

    pub fn outbound(&self) -> &Outbound {
        &self.outbound
    }
}

impl Transport for NativeTransport {
    fn send(&self, req: &Outgoing<'_>) -> Result<Response, TransportError> {
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
        wasmtime_wasi::runtime::in_tokio(async move {
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
        })
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
