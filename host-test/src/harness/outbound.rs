//! What the component may reach, and how: the harness's `wasi:http` `send_request`
//! hook.
//!
//! - **Allow-list.** Each call may reach one origin (scheme, host, port): the one of
//!   the Kibana URL it was given. Any other destination is refused by the host before
//!   a socket is opened, and the component reports "the runtime denied the outgoing
//!   request".
//! - **TLS.** `https://` uses rustls with the webpki roots, plus the CA certificates
//!   the embedder trusts (`--ca-file` in the CLI) for self-signed clusters.
//! - **Keep-alive.** With `keep_alive` on, finished HTTP/1.1 connections go back to a
//!   pool shared by every store of the harness, so a busy host reuses them instead of
//!   opening one TCP connection per request. A pooled connection that the server closed
//!   in the meantime is detected before sending, or the unsent request is retried once on
//!   a new connection.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _, Result};
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::{Error as HttpError, RequestOptions, WasiBody, WasiHttpHooks};

/// Kibana's wasi:http default when the component gives no timeout: ten minutes, like
/// wasmtime's own sender.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// Idle connections kept per origin.
const MAX_IDLE_PER_ORIGIN: usize = 32;
/// An idle connection older than this is closed rather than reused (Kibana's own
/// keep-alive timeout is 120 s; proxies are often shorter).
const MAX_IDLE_AGE: Duration = Duration::from_secs(30);

/// Scheme, host and port: what the allow-list compares and the pool is keyed by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub tls: bool,
    /// Lowercase; an IPv6 address without brackets.
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// The origin of a base URL such as `https://kibana.example:5601/prefix`.
    pub fn parse(url: &str) -> Option<Origin> {
        let uri: http::Uri = url.parse().ok()?;
        Self::of_uri(&uri)
    }

    pub(crate) fn of_uri(uri: &http::Uri) -> Option<Origin> {
        let tls = match uri.scheme_str()? {
            s if s.eq_ignore_ascii_case("https") => true,
            s if s.eq_ignore_ascii_case("http") => false,
            _ => return None,
        };
        let host = uri
            .host()?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        if host.is_empty() {
            return None;
        }
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        Some(Origin { tls, host, port })
    }
}

/// A connection waiting in the pool, and since when.
type IdleConnection = (SendRequest<WasiBody>, Instant);

/// Everything the hook shares across stores: TLS roots, the pool and counters.
pub struct Outbound {
    tls: Arc<rustls::ClientConfig>,
    keep_alive: bool,
    idle: Mutex<HashMap<Origin, Vec<IdleConnection>>>,
    connections_opened: AtomicU64,
    requests_denied: AtomicU64,
    /// Read each answer's body before handing the response to the component (see
    /// [`prefetch`]); on by default.
    read_ahead: bool,
}

impl Outbound {
    /// `extra_ca_pem`: PEM certificates to trust besides the webpki roots.
    pub fn new(extra_ca_pem: Option<&[u8]>, keep_alive: bool) -> Result<Self> {
        let mut roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.into(),
        };
        if let Some(pem) = extra_ca_pem {
            let mut added = 0;
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.context("the CA file is not valid PEM")?;
                roots
                    .add(cert)
                    .context("the CA file holds a certificate rustls cannot use")?;
                added += 1;
            }
            if added == 0 {
                bail!("the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .context("TLS configuration")?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self {
            tls: Arc::new(tls),
            keep_alive,
            idle: Mutex::new(HashMap::new()),
            connections_opened: AtomicU64::new(0),
            requests_denied: AtomicU64::new(0),
            read_ahead: true,
        })
    }

    /// Whether the hook reads each answer's body ahead (see [`prefetch`]).
    pub fn with_read_ahead(mut self, on: bool) -> Self {
        self.read_ahead = on;
        self
    }

    /// TCP connections opened so far (new ones only, not reuses).
    pub fn connections_opened(&self) -> u64 {
        self.connections_opened.load(Ordering::Relaxed)
    }

    /// Requests refused because their destination was not the allowed origin.
    pub fn requests_denied(&self) -> u64 {
        self.requests_denied.load(Ordering::Relaxed)
    }

    fn take_idle(&self, origin: &Origin) -> Option<SendRequest<WasiBody>> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let list = idle.get_mut(origin)?;
        while let Some((sender, since)) = list.pop() {
            if !sender.is_closed() && since.elapsed() < MAX_IDLE_AGE {
                return Some(sender);
            }
        }
        None
    }

    fn put_idle(&self, origin: Origin, sender: SendRequest<WasiBody>) {
        if !self.keep_alive || sender.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let list = idle.entry(origin).or_default();
        list.retain(|(s, since)| !s.is_closed() && since.elapsed() < MAX_IDLE_AGE);
        if list.len() < MAX_IDLE_PER_ORIGIN {
            list.push((sender, Instant::now()));
        }
    }

    async fn connect(
        &self,
        origin: &Origin,
        timeout: Duration,
    ) -> Result<SendRequest<WasiBody>, HttpError> {
        let addrs = tokio::net::lookup_host((origin.host.as_str(), origin.port))
            .await
            .map_err(|_| HttpError::DnsError {
                rcode: Some(format!("cannot resolve host {}", origin.host)),
                info_code: None,
            })?;
        let addrs: Vec<_> = addrs.collect();
        let tcp = match tokio::time::timeout(timeout, TcpStream::connect(&addrs[..])).await {
            Err(_) => return Err(HttpError::ConnectionTimeout),
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                return Err(HttpError::ConnectionRefused)
            }
            Ok(Err(e)) => return Err(HttpError::Connect(e)),
            Ok(Ok(tcp)) => tcp,
        };
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Stream> = if origin.tls {
            let name = ServerName::try_from(origin.host.clone())
                .map_err(|_| HttpError::TlsProtocolError)?;
            let connector = tokio_rustls::TlsConnector::from(self.tls.clone());
            match tokio::time::timeout(timeout, connector.connect(name, tcp)).await {
                Err(_) => return Err(HttpError::ConnectionTimeout),
                Ok(Err(e)) => return Err(tls_error(e)),
                Ok(Ok(tls)) => Box::new(tls),
            }
        } else {
            Box::new(tcp)
        };
        let (sender, conn) = tokio::time::timeout(
            timeout,
            hyper::client::conn::http1::Builder::new().handshake(TokioIo::new(stream)),
        )
        .await
        .map_err(|_| HttpError::ConnectionTimeout)??;
        self.connections_opened.fetch_add(1, Ordering::Relaxed);
        // The connection runs on the wasi runtime until both sides are done with it.
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(sender)
    }

    /// Sends one request to `origin` (already allowed) with this pool and TLS setup.
    pub(crate) async fn send(
        self: Arc<Self>,
        origin: Origin,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Result<http::Response<WasiBody>, HttpError> {
        let connect_timeout = options
            .and_then(|o| o.connect_timeout)
            .unwrap_or(DEFAULT_TIMEOUT);
        let first_byte_timeout = options
            .and_then(|o| o.first_byte_timeout)
            .unwrap_or(DEFAULT_TIMEOUT);
        let between_bytes_timeout = options
            .and_then(|o| o.between_bytes_timeout)
            .unwrap_or(DEFAULT_TIMEOUT)
            .max(Duration::from_nanos(1));

        // On the wire the request line carries only the path (no proxy here).
        let path = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .to_owned();
        *request.uri_mut() = http::Uri::builder()
            .path_and_query(path)
            .build()
            .map_err(|_| HttpError::HttpRequestUriInvalid)?;

        let started = Instant::now();
        let mut request = Some(request);
        let mut reused = self.keep_alive;
        loop {
            let Some(req) = request.take() else {
                return Err(HttpError::InternalError(Some("request lost".into())));
            };
            let pooled = if reused {
                self.take_idle(&origin)
            } else {
                None
            };
            let was_pooled = pooled.is_some();
            let mut sender = match pooled {
                Some(sender) => sender,
                None => self.connect(&origin, connect_timeout).await?,
            };
            if was_pooled && sender.ready().await.is_err() {
                // Closed while idle: nothing was sent; try again with a new connection.
                request = Some(req);
                reused = false;
                continue;
            }
            let remaining = first_byte_timeout.saturating_sub(started.elapsed());
            let answer = tokio::time::timeout(remaining, sender.try_send_request(req)).await;
            let response = match answer {
                Err(_) => return Err(HttpError::ConnectionReadTimeout),
                Ok(Ok(response)) => response,
                Ok(Err(mut e)) => match e.take_message() {
                    // Not sent (the pooled connection went away): once more on a new one.
                    Some(unsent) if was_pooled => {
                        request = Some(unsent);
                        reused = false;
                        continue;
                    }
                    _ => return Err(hyper_error(e.into_error())),
                },
            };
            let mut interval = tokio::time::interval(between_bytes_timeout);
            interval.reset();
            let give_back = Some((self.clone(), origin.clone(), sender));
            return Ok(response.map(|incoming| {
                ResponseBody {
                    incoming,
                    interval,
                    give_back,
                }
                .boxed_unsync()
            }));
        }
    }
}

trait Stream: AsyncRead + AsyncWrite + Send + Sync + Unpin + 'static {}
impl<T> Stream for T where T: AsyncRead + AsyncWrite + Send + Sync + Unpin + 'static {}

fn tls_error(e: std::io::Error) -> HttpError {
    let certificate = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|r| {
            matches!(
                r,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            )
        });
    if certificate {
        HttpError::TlsCertificateError
    } else {
        HttpError::Tls(e)
    }
}

fn hyper_error(e: hyper::Error) -> HttpError {
    if e.is_timeout() {
        HttpError::HttpResponseTimeout
    } else if e.is_incomplete_message() || e.is_canceled() {
        HttpError::ConnectionTerminated
    } else {
        HttpError::Hyper(e)
    }
}

/// The response body: enforces the between-bytes timeout and, at its end, gives the
/// connection back to the pool.
struct ResponseBody {
    incoming: Incoming,
    interval: tokio::time::Interval,
    give_back: Option<(Arc<Outbound>, Origin, SendRequest<WasiBody>)>,
}

impl http_body::Body for ResponseBody {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, HttpError>>> {
        match Pin::new(&mut self.incoming).poll_frame(cx) {
            Poll::Ready(None) => {
                if let Some((outbound, origin, sender)) = self.give_back.take() {
                    outbound.put_idle(origin, sender);
                }
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(e))) => {
                self.give_back = None;
                Poll::Ready(Some(Err(hyper_error(e))))
            }
            Poll::Ready(Some(Ok(frame))) => {
                self.interval.reset();
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                ready!(self.interval.poll_tick(cx));
                self.give_back = None;
                Poll::Ready(Some(Err(HttpError::ConnectionReadTimeout)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.incoming.size_hint()
    }
}

/// How much of an answer the hook reads ahead: the component's own cap on an answer
/// (32 MiB) and one byte more, so that it still sees an answer that is too large.
const PREFETCH_LIMIT: usize = elastic_security::kibana::MAX_RESPONSE_BYTES + 1;
/// How long the hook reads ahead: a body still arriving after this is streamed, so
/// that the component runs again and the host's call deadline (checked while the
/// component runs) can stop a server that trickles bytes forever.
const PREFETCH_TIME: Duration = Duration::from_millis(50);

/// Reads the answer's body before the response is handed to the component (up to
/// [`PREFETCH_LIMIT`] bytes; the rest, if any, is streamed as usual).
///
/// Why: the component reads every answer whole. Handed a streaming body, each of
/// its waits for more bytes is a hand-off between the calling thread and the
/// runtime's thread that drives the connection; read ahead here, on that thread, the
/// response and its body arrive in one wake-up. Timeouts are unchanged (the
/// between-bytes timeout runs while reading ahead), and a body that breaks off
/// reaches the component as the same error after the bytes that came before it.
/// Reading ahead stops after [`PREFETCH_TIME`]; the rest is streamed.
async fn prefetch(response: http::Response<WasiBody>) -> http::Response<WasiBody> {
    let (parts, mut body) = response.into_parts();
    let mut frames = VecDeque::new();
    let mut error = None;
    // Frames until the end, an error or the size limit: `true` if the body ended.
    let read = async {
        let mut size = 0usize;
        while size < PREFETCH_LIMIT {
            match body.frame().await {
                None => return true,
                Some(Err(e)) => {
                    error = Some(e);
                    return true;
                }
                Some(Ok(frame)) => {
                    size = size.saturating_add(frame.data_ref().map_or(0, Bytes::len));
                    frames.push_back(frame);
                }
            }
        }
        false
    };
    // One timer for the whole read. Cancel-safe: a `frame()` dropped unfinished has
    // taken nothing, and the frames read so far stay in `frames`.
    let deadline = tokio::time::Instant::now() + PREFETCH_TIME;
    let ended = tokio::time::timeout_at(deadline, read)
        .await
        .unwrap_or(false);
    let body = Prefetched {
        frames,
        error,
        rest: (!ended).then_some(body),
    };
    http::Response::from_parts(parts, body.boxed_unsync())
}

/// A body read ahead by [`prefetch`]: its frames, then its error or the rest.
struct Prefetched {
    frames: VecDeque<http_body::Frame<Bytes>>,
    error: Option<HttpError>,
    rest: Option<WasiBody>,
}

impl http_body::Body for Prefetched {
    type Data = Bytes;
    type Error = HttpError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, HttpError>>> {
        if let Some(frame) = self.frames.pop_front() {
            return Poll::Ready(Some(Ok(frame)));
        }
        if let Some(e) = self.error.take() {
            return Poll::Ready(Some(Err(e)));
        }
        match self.rest.as_mut() {
            Some(rest) => Pin::new(rest).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.frames.is_empty()
            && self.error.is_none()
            && self.rest.as_ref().is_none_or(|rest| rest.is_end_stream())
    }
}

/// The per-store hook: one allowed origin (or none: every request refused).
pub struct OutboundHooks {
    allowed: Option<Origin>,
    outbound: Arc<Outbound>,
}

impl OutboundHooks {
    pub fn new(outbound: Arc<Outbound>, allowed: Option<Origin>) -> Self {
        Self { allowed, outbound }
    }
}

type IoFuture = Box<dyn Future<Output = Result<(), HttpError>> + Send>;

impl WasiHttpHooks for OutboundHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _fut: IoFuture,
    ) -> Box<dyn Future<Output = Result<(http::Response<WasiBody>, IoFuture), HttpError>> + Send>
    {
        let origin = Origin::of_uri(request.uri());
        let allowed = matches!((&origin, &self.allowed), (Some(o), Some(a)) if o == a);
        let Some(origin) = origin.filter(|_| allowed) else {
            self.outbound
                .requests_denied
                .fetch_add(1, Ordering::Relaxed);
            return Box::new(async { Err(HttpError::HttpRequestDenied) });
        };
        let outbound = self.outbound.clone();
        Box::new(async move {
            let read_ahead = outbound.read_ahead;
            let response = outbound.send(origin, request, options).await?;
            let response = if read_ahead {
                prefetch(response).await
            } else {
                response
            };
            Ok((response, Box::new(async { Ok(()) }) as IoFuture))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_make_default_ports_explicit_and_compare_case_insensitively() {
        let a = Origin::parse("http://Kibana.Example/prefix").unwrap();
        assert_eq!(
            a,
            Origin {
                tls: false,
                host: "kibana.example".into(),
                port: 80
            }
        );
        assert_eq!(Origin::parse("https://h").unwrap().port, 443);
        assert_eq!(Origin::parse("https://h:9243/x").unwrap().port, 9243);
        assert_eq!(Origin::parse("http://[::1]:5601").unwrap().host, "::1");
        assert_ne!(
            Origin::parse("http://h:5601"),
            Origin::parse("https://h:5601")
        );
        assert_eq!(Origin::parse("ftp://h"), None);
        assert_eq!(Origin::parse("not a url"), None);
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        let err = Outbound::new(Some(b"hello"), true).err().unwrap();
        assert!(err.to_string().contains("no PEM certificate"), "{err:#}");
        assert!(Outbound::new(None, true).is_ok());
    }
}
