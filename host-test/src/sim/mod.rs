//! A stateful, in-memory Kibana simulator (Cases, Comments, Connectors) served over
//! plain HTTP/1.1 on `std::net`, for end-to-end tests and the `stub` CLI command.
//!
//! Behaviour follows Kibana 8.x/9.x closely enough for a client to be tested against it:
//! `kbn-xsrf` check, API-key/Basic auth, spaces (`/s/{space}`), validation with Kibana's
//! messages, optimistic concurrency via `version`, 406 for no-op updates, all-or-nothing
//! bulk delete, the routes removed in 9.0, and injectable faults.

mod cases;
mod comments;
mod connectors;
mod json;
mod router;
mod server;
mod util;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{json, Value};

/// How the simulator behaves.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Accepted `Authorization: ApiKey <k>` values.
    pub api_keys: Vec<String>,
    /// Accepted HTTP Basic `(username, password)` pairs.
    pub users: Vec<(String, String)>,
    /// Existing spaces; any other `/s/{space}` answers 404. `default` always exists.
    pub spaces: Vec<String>,
    /// 8 or 9. On 9 the routes removed in Kibana 9.0 answer 404 and `includeComments` is
    /// ignored.
    pub major_version: u32,
    /// Without Platinum, cases with non-empty `assignees` are refused with 403.
    pub platinum: bool,
    /// Mimic Kibana's incremental-id task: a new case's version changes right after
    /// creation, so an update with the create's version gets 409.
    pub bump_version_after_create: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            api_keys: vec!["sim-api-key".into()],
            users: vec![("elastic".into(), "changeme".into())],
            spaces: vec!["default".into(), "security".into(), "soc-team".into()],
            major_version: 9,
            platinum: false,
            bump_version_after_create: false,
        }
    }
}

/// One request as the simulator received it.
#[derive(Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path only, still percent-encoded as received.
    pub path: String,
    /// Raw query string without `?`; `""` if none.
    pub query: String,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first header with that (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The query as percent-decoded pairs (`+` is a space), in order, repeats kept.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        util::parse_query_lossy(&self.query)
    }

    /// The percent-decoded path.
    pub fn decoded_path(&self) -> String {
        util::percent_decode_lossy(&self.path, false)
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(String, String)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|(k, v)| {
                        let secret = matches!(
                            k.as_str(),
                            "authorization" | "proxy-authorization" | "cookie"
                        );
                        (k.as_str(), if secret { "<redacted>" } else { v.as_str() })
                    }))
                    .finish()
            }
        }
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &Headers(&self.headers))
            // Bodies can carry connector secrets: only their size is shown.
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// A fault served instead of the normal answer to the next request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally: queued before another fault, it lets that one hit a later
    /// request (e.g. the write after a read).
    Pass,
    /// 500 with Kibana's JSON error body.
    Status500,
    /// That status with that exact raw body, `content-type: application/json`.
    Status(u16, String),
    /// 502 with an nginx-style HTML page.
    Html502,
    /// 200, JSON content type, a body that is not JSON.
    InvalidJson200,
    /// 200 with valid JSON of the wrong shape.
    WrongShape200,
    /// Sleep that long, then answer normally.
    Slow(Duration),
    /// Send headers, `content-length` and half of a body, stall that long, then close.
    StallBody(Duration),
    /// Close the connection without answering.
    Drop,
}

/// A running simulator. Dropping it stops the server (best effort).
pub struct Simulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    listener_thread: Option<JoinHandle<()>>,
}

impl Simulator {
    /// Default configuration on `127.0.0.1:0`.
    pub fn start() -> std::io::Result<Simulator> {
        Simulator::start_with(SimConfig::default(), "127.0.0.1:0")
    }

    /// Start on `addr` (e.g. `127.0.0.1:0` or `127.0.0.1:5601`).
    pub fn start_with(config: SimConfig, addr: &str) -> std::io::Result<Simulator> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(State::new()),
            shutdown: AtomicBool::new(false),
            conns: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(0),
        });
        let thread_shared = Arc::clone(&shared);
        let listener_thread = std::thread::Builder::new()
            .name("kibana-sim-accept".into())
            .spawn(move || server::serve(listener, thread_shared))?;
        Ok(Simulator {
            shared,
            addr,
            listener_thread: Some(listener_thread),
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far, in order (rejected ones included).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock_state().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.shared.lock_state().requests.clear();
    }

    /// Queue a fault for the next request (FIFO; each fault is used once).
    pub fn inject(&self, fault: Fault) {
        self.shared.lock_state().faults.push_back(fault);
    }

    /// Number of cases in a space.
    pub fn case_count(&self, space: &str) -> usize {
        self.shared
            .lock_state()
            .spaces
            .get(space)
            .map_or(0, |s| s.cases.len())
    }

    /// Bump a case's version as if someone else had edited it. `false` if it is missing.
    pub fn touch_case(&self, space: &str, case_id: &str) -> bool {
        let mut guard = self.shared.lock_state();
        let state = &mut *guard;
        let Some(space) = state.spaces.get_mut(space) else {
            return false;
        };
        let Some(case) = space.cases.iter_mut().find(|c| c.id == case_id) else {
            return false;
        };
        case.version = state.ids.next_version();
        case.updated_at = Some(util::now_ms());
        case.updated_by = Some(user_json("elastic"));
        true
    }

    /// Serve until the process ends.
    pub fn run_forever(self) -> ! {
        loop {
            std::thread::park();
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loop with a throw-away connection.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let woke = TcpStream::connect_timeout(&wake, Duration::from_millis(500)).is_ok();
        if let Some(handle) = self.listener_thread.take() {
            if woke {
                let _ = handle.join();
            }
        }
        let conns = self
            .shared
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .collect::<Vec<_>>();
        for (_, stream) in conns {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// What the server threads share.
pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    pub(crate) state: Mutex<State>,
    pub(crate) shutdown: AtomicBool,
    pub(crate) conns: Mutex<HashMap<u64, TcpStream>>,
    pub(crate) next_conn: AtomicU64,
}

impl Shared {
    pub(crate) fn lock_state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Counters and the id generator, shared by all spaces.
pub(crate) struct Ids {
    version: u64,
    seq: u64,
    rng: util::Rng,
}

impl Ids {
    /// The next saved-object version number (global, like Elasticsearch's seq_no).
    pub(crate) fn next_version(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    /// A monotonically increasing sequence number (creation order, sort tie-breaker).
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub(crate) fn new_id(&mut self) -> String {
        self.rng.uuid()
    }
}

/// All mutable simulator state, behind one mutex.
pub(crate) struct State {
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) ids: Ids,
    pub(crate) spaces: HashMap<String, SpaceData>,
}

impl State {
    fn new() -> State {
        State {
            requests: Vec::new(),
            faults: VecDeque::new(),
            ids: Ids {
                version: 0,
                seq: 0,
                rng: util::Rng::seeded(),
            },
            spaces: HashMap::new(),
        }
    }
}

/// One space's saved objects.
#[derive(Default)]
pub(crate) struct SpaceData {
    pub(crate) cases: Vec<cases::Case>,
    pub(crate) comments: Vec<comments::Comment>,
    pub(crate) connectors: Vec<connectors::Connector>,
    pub(crate) next_incremental_id: u64,
}

/// The saved-object version string Kibana shows: base64 of `[N,1]`.
pub(crate) fn version_string(n: u64) -> String {
    util::base64_encode(format!("[{n},1]").as_bytes())
}

/// A Kibana user object (`created_by`, `updated_by`, ...).
pub(crate) fn user_json(username: &str) -> Value {
    json!({
        "username": username,
        "full_name": null,
        "email": null,
        "profile_uid": util::profile_uid(username),
    })
}

/// An answer produced by a route handler.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) body: Vec<u8>,
}

pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

impl Response {
    pub(crate) fn json(status: u16, value: &Value) -> Response {
        Response {
            status,
            content_type: Some(JSON_CONTENT_TYPE),
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    pub(crate) fn ok(value: &Value) -> Response {
        Response::json(200, value)
    }

    /// Kibana's error body `{"statusCode":N,"error":"<reason>","message":"..."}`.
    pub(crate) fn error(status: u16, message: impl Into<String>) -> Response {
        Response::json(
            status,
            &json!({
                "statusCode": status,
                "error": util::reason_phrase(status),
                "message": message.into(),
            }),
        )
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Response {
        Response::error(400, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Response {
        Response::error(404, message)
    }

    pub(crate) fn no_content() -> Response {
        Response {
            status: 204,
            content_type: None,
            body: Vec::new(),
        }
    }

    pub(crate) fn raw(
        status: u16,
        content_type: &'static str,
        body: impl Into<Vec<u8>>,
    ) -> Response {
        Response {
            status,
            content_type: Some(content_type),
            body: body.into(),
        }
    }
}

/// A handler's result: `Err` carries an error answer, so `?` can be used for validation.
pub(crate) type Handled = Result<Response, Response>;

/// Per-request context given to route handlers.
pub(crate) struct Ctx<'a> {
    pub(crate) config: &'a SimConfig,
    pub(crate) req: &'a RecordedRequest,
    /// The space addressed (`default` without `/s/` prefix).
    pub(crate) space: String,
    /// The authenticated user name (`elastic` for API keys).
    pub(crate) username: String,
    /// Decoded query pairs.
    pub(crate) query: Vec<(String, String)>,
}

impl Ctx<'_> {
    pub(crate) fn user(&self) -> Value {
        user_json(&self.username)
    }

    /// All values of a query key.
    pub(crate) fn query_all(&self, key: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The last value of a query key.
    pub(crate) fn query_one(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// 400 when the query has a key outside `allowed`.
    pub(crate) fn check_query_keys(&self, allowed: &[&str]) -> Result<(), Response> {
        let mut unknown: Vec<&str> = Vec::new();
        for (k, _) in &self.query {
            if !allowed.contains(&k.as_str()) && !unknown.contains(&k.as_str()) {
                unknown.push(k);
            }
        }
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(Response::bad_request(format!(
                "invalid keys \"{}\"",
                unknown.join(",")
            )))
        }
    }
}
