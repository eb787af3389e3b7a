//! A stateful, in-memory Kibana simulator (Cases, Comments, their alerts and
//! activity, Connectors) served over
//! HTTP/1.1 with hyper, for end-to-end tests and the `stub` CLI command.
//!
//! Behaviour follows Kibana 8.x/9.x closely enough for a client to be tested against it:
//! `kbn-xsrf` check, API-key/Basic auth, spaces (`/s/{space}`), validation with Kibana's
//! messages, optimistic concurrency via `version`, 406 for no-op updates, all-or-nothing
//! bulk delete, the routes removed in 9.0, and injectable faults. Every request is kept
//! in a log ([`Simulator::requests`]) for tests to check what Kibana received, with
//! when it came and how many requests were being served then. A latency
//! ([`SimConfig::latency`]) is the time from every request to its answer, the
//! simulator's own work included, as a remote Kibana's answer time includes Kibana's;
//! requests on different connections are served concurrently (a thread per
//! connection).

mod alerts;
mod case_comments;
mod cases;
mod connectors;
mod control;
mod faults;
mod json;
mod request;
mod response;
mod router;
mod saved_objects;
mod server;
mod url;
mod user_actions;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use faults::Fault;
pub use request::RecordedRequest;

use saved_objects::{now_ms, user_json, Case, Comment, Ids, UserAction};

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
    /// Serve the control routes under `/_sim/` (faults, the request log), for a
    /// test in another process: see `control.rs`.
    pub control: bool,
    /// How long every answer takes from its request, the simulator's own work
    /// included (and any fault's delay added), as a Kibana across a network would;
    /// zero by default. [`Simulator::set_latency`] changes
    /// it while the simulator runs.
    pub latency: Duration,
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
            control: false,
            latency: Duration::ZERO,
        }
    }
}

/// A running simulator. Dropping it stops the server and closes its connections.
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
            latency_nanos: AtomicU64::new(nanos(config.latency)),
            config,
            state: RwLock::new(State::default()),
            traffic: Mutex::new(Traffic::default()),
            shutdown: AtomicBool::new(false),
            conns: Mutex::new(HashMap::new()),
            next_conn: AtomicU64::new(0),
            serving: AtomicUsize::new(0),
            started: Instant::now(),
        });
        let serving = Arc::clone(&shared);
        let listener_thread = std::thread::Builder::new()
            .name("kibana-sim-accept".into())
            .spawn(move || server::serve(listener, serving))?;
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
        self.shared.traffic().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.shared.traffic().requests.clear();
    }

    /// Queue a fault for the next request (FIFO; each fault is used once).
    pub fn inject(&self, fault: Fault) {
        self.shared.traffic().faults.push_back(fault);
    }

    /// A fault for the first request that `matches` (used once), whenever it comes:
    /// for requests whose order of arrival is not known, such as those sent
    /// together. Such faults are looked at before the queue of [`Simulator::inject`].
    pub fn inject_where(
        &self,
        matches: impl Fn(&RecordedRequest) -> bool + Send + Sync + 'static,
        fault: Fault,
    ) {
        self.shared
            .traffic()
            .targeted
            .push((Box::new(matches), fault));
    }

    /// Sets how long every answer takes from now on (see [`SimConfig::latency`]).
    pub fn set_latency(&self, latency: Duration) {
        self.shared.set_latency(latency);
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
        case.updated_at = Some(now_ms());
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
        // Each connection's hyper task then reads the end of its stream and stops.
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

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// What the server's threads share.
pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    /// [`SimConfig::latency`] as it is now, in nanoseconds.
    pub(crate) latency_nanos: AtomicU64,
    /// Requests received and not yet answered.
    pub(crate) serving: AtomicUsize,
    /// When the simulator started: requests' times are kept from it.
    pub(crate) started: Instant,
    /// Written under the write lock; `_find` of cases, the heaviest read and what
    /// return-all sends together, reads under the read lock, so that pages asked for
    /// together are worked out together.
    pub(crate) state: RwLock<State>,
    /// The request log and the faults to come, behind a lock of their own: logging a
    /// request never waits for another request's work on the state.
    pub(crate) traffic: Mutex<Traffic>,
    pub(crate) shutdown: AtomicBool,
    /// A handle on every open connection, to close them when the simulator stops.
    pub(crate) conns: Mutex<HashMap<u64, TcpStream>>,
    pub(crate) next_conn: AtomicU64,
}

impl Shared {
    pub(crate) fn lock_state(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn read_state(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn traffic(&self) -> MutexGuard<'_, Traffic> {
        self.traffic.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn latency(&self) -> Duration {
        Duration::from_nanos(self.latency_nanos.load(Ordering::Relaxed))
    }

    pub(crate) fn set_latency(&self, latency: Duration) {
        self.latency_nanos.store(nanos(latency), Ordering::Relaxed);
    }
}

/// A fault for the first request a predicate matches.
pub(crate) type Targeted = (Box<dyn Fn(&RecordedRequest) -> bool + Send + Sync>, Fault);

/// The requests received, and the faults that coming requests will meet.
#[derive(Default)]
pub(crate) struct Traffic {
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) targeted: Vec<Targeted>,
}

/// Kibana's saved objects and the ids given out, shared by all spaces.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) ids: Ids,
    pub(crate) spaces: HashMap<String, SpaceData>,
}

/// One space's saved objects.
#[derive(Default)]
pub(crate) struct SpaceData {
    pub(crate) cases: Vec<Case>,
    pub(crate) comments: Vec<Comment>,
    pub(crate) connectors: Vec<connectors::Connector>,
    pub(crate) user_actions: Vec<UserAction>,
    pub(crate) next_incremental_id: u64,
}
