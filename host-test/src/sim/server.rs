//! The simulator's HTTP/1.1 server, on hyper: keep-alive, bodies by `content-length`
//! or `transfer-encoding: chunked` and `Expect: 100-continue` are hyper's; this module
//! adds Kibana's payload limit, the request log, the headers Kibana answers with, and
//! turns each injected fault ([`Served`]) into what hyper sends.
//!
//! Each connection has a thread of its own, running hyper on a single-threaded tokio
//! runtime, as the server had it before hyper: a connection's requests never wait
//! for another's (requests sent together on N connections are served together,
//! latency included), and no request is handed between threads, so that the
//! benchmark's callers meet the same server as before.

use std::io;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, StatusCode, Version};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Channel, Full, LengthLimitError, Limited};
use hyper::body::{Body as _, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

use super::faults::Served;
use super::request::RecordedRequest;
use super::response::{Response, JSON_CONTENT_TYPE};
use super::{control, router, Shared};

/// Kibana's default payload limit (`server.maxPayload`): 1 MiB.
const MAX_BODY: usize = 1024 * 1024;

/// The body of every answer: whole, or (a stalled fault) sent in parts.
type Body = UnsyncBoxBody<Bytes, io::Error>;

/// The accept loop; ends when the simulator shuts down.
pub(crate) fn serve(listener: std::net::TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // e.g. too many open files: back off a little instead of spinning.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let conn_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("kibana-sim-conn".into())
            .spawn(move || connection(stream, conn_shared));
        if spawned.is_err() {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Serves one connection until either side closes it.
fn connection(stream: std::net::TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let id = shared.next_conn.fetch_add(1, Ordering::Relaxed);
    if let Ok(handle) = stream.try_clone() {
        shared
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, handle);
    }
    let _ = serve_connection(stream, Arc::clone(&shared));
    shared
        .conns
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&id);
}

fn serve_connection(stream: std::net::TcpStream, shared: Arc<Shared>) -> io::Result<()> {
    stream.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let stream = tokio::net::TcpStream::from_std(stream)?;
        let service = service_fn(move |req| answer(req, Arc::clone(&shared)));
        // A connection ends with an error when a fault drops it or the client goes
        // away: neither concerns the server.
        let _ = http1::Builder::new()
            .serve_connection(TokioIo::new(stream), service)
            .await;
        Ok(())
    })
}

/// The service's error: hyper closes the connection without an answer.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the connection is dropped without an answer (injected fault)")
    }
}

impl std::error::Error for Dropped {}

async fn answer(
    req: http::Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<http::Response<Body>, Dropped> {
    let (parts, body) = req.into_parts();
    let keep_alive = wants_keep_alive(parts.version, &parts.headers);
    let mut recorded = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect(),
        body: Vec::new(),
        received: Duration::ZERO,
        serving: 0,
    };

    // Like Kibana, a body declared larger than the limit is refused before it is read;
    // a chunked one, once it has grown past the limit.
    let early = if body.size_hint().lower() > MAX_BODY as u64 {
        Some(too_large())
    } else {
        match Limited::new(body, MAX_BODY).collect().await {
            Ok(collected) => {
                recorded.body = collected.to_bytes().to_vec();
                None
            }
            Err(e) if e.is::<LengthLimitError>() => Some(too_large()),
            Err(_) => Some(Response::bad_request("Invalid request body")),
        }
    };
    if shared.config.control && recorded.path.starts_with(control::PREFIX) {
        return Ok(to_http(control::handle(&shared, &recorded), keep_alive));
    }
    let serving = Serving::enter(&shared);
    let received = Instant::now();
    recorded.received = received.duration_since(shared.started);
    recorded.serving = serving.count;
    // The latency is the time from a request to its answer, the simulator's own work
    // included, as a remote Kibana's answer time includes Kibana's work.
    let answer_at = received + shared.latency();
    if let Some(refusal) = early {
        shared.traffic().requests.push(recorded);
        sleep_until(answer_at).await;
        // The rest of the body is not read: the connection cannot be reused.
        return Ok(to_http(refusal, false));
    }

    let fault = {
        let mut traffic = shared.traffic();
        traffic.requests.push(recorded.clone());
        match traffic
            .targeted
            .iter()
            .position(|(matches, _)| matches(&recorded))
        {
            Some(index) => Some(traffic.targeted.remove(index).1),
            None => traffic.faults.pop_front(),
        }
    };
    match Served::under(fault) {
        Served::Normally(delay) => {
            sleep_until(received + delay).await;
            let response = router::handle(&shared, &recorded);
            sleep_until(answer_at + delay).await;
            Ok(to_http(response, keep_alive))
        }
        Served::Late(delay) => {
            let response = router::handle(&shared, &recorded);
            sleep_until(answer_at + delay).await;
            Ok(to_http(response, keep_alive))
        }
        Served::Answer(response) => {
            sleep_until(answer_at).await;
            Ok(to_http(response, keep_alive))
        }
        Served::StalledBody { body, pause } => {
            sleep_until(answer_at).await;
            Ok(stalled(body, pause))
        }
        Served::Dropped => {
            sleep_until(answer_at).await;
            Err(Dropped)
        }
    }
}

/// Waits until `deadline`, if it is still to come.
async fn sleep_until(deadline: Instant) {
    if deadline > Instant::now() {
        tokio::time::sleep_until(deadline.into()).await;
    }
}

/// A request being served: counted from when it is received until its answer is
/// handed to hyper (or the connection goes away).
struct Serving<'s> {
    shared: &'s Shared,
    /// Requests being served when this one was received, itself included.
    count: usize,
}

impl<'s> Serving<'s> {
    fn enter(shared: &'s Shared) -> Self {
        let count = shared.serving.fetch_add(1, Ordering::SeqCst) + 1;
        Serving { shared, count }
    }
}

impl Drop for Serving<'_> {
    fn drop(&mut self) {
        self.shared.serving.fetch_sub(1, Ordering::SeqCst);
    }
}

fn too_large() -> Response {
    Response::error(
        413,
        format!("Payload content length greater than maximum allowed: {MAX_BODY}"),
    )
}

/// Whether the client asked to keep the connection open (HTTP/1.1 unless `close`,
/// HTTP/1.0 only with `keep-alive`): the answer says so in its `connection` header,
/// as Kibana's does.
fn wants_keep_alive(version: Version, headers: &HeaderMap) -> bool {
    let has = |token: &str| {
        headers
            .get_all(CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    };
    if version == Version::HTTP_10 {
        has("keep-alive")
    } else {
        !has("close")
    }
}

/// A handler's answer as hyper sends it, with the headers Kibana adds.
fn to_http(response: Response, keep_alive: bool) -> http::Response<Body> {
    let (status, content_type) = (response.status, response.content_type);
    let body = Full::new(Bytes::from(response.body))
        .map_err(|never| match never {})
        .boxed_unsync();
    let mut answer = http::Response::new(body);
    *answer.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = answer.headers_mut();
    if let Some(content_type) = content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache, no-store, must-revalidate"),
    );
    headers.insert("kbn-name", HeaderValue::from_static("kibana-sim"));
    headers.insert(
        CONNECTION,
        HeaderValue::from_static(if keep_alive { "keep-alive" } else { "close" }),
    );
    answer
}

/// `Fault::StallBody`: the head with the whole body's `content-length`, half the
/// body, then nothing for `pause`; then the body fails, and hyper closes the
/// connection with the answer incomplete.
fn stalled(body: Vec<u8>, pause: Duration) -> http::Response<Body> {
    let length = body.len();
    let (mut sender, channel) = Channel::<Bytes, io::Error>::new(1);
    tokio::spawn(async move {
        let half = Bytes::from(body).slice(..length / 2);
        if sender.send_data(half).await.is_ok() {
            tokio::time::sleep(pause).await;
            sender.abort(io::Error::other("the stalled body is never completed"));
        }
    });
    let mut answer = http::Response::new(channel.boxed_unsync());
    let headers = answer.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_CONTENT_TYPE));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(CONNECTION, HeaderValue::from_static("close"));
    answer
}
