//! Test helpers: a fake [`Transport`] that records requests and answers from a
//! queue or a function, with requests in flight together answered in the order a
//! test chooses; Kibana's example payloads, and a default connection.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use serde_json::Value;

use crate::kibana::{InFlight, Method, Outgoing, Response, Scheme, Transport, TransportError};
use crate::types::{Auth, Connection, ErrorInfo};

/// The API key of [`conn`].
pub const API_KEY: &str = "c2VjcmV0LWlkOnNlY3JldC1hcGkta2V5";

const CASES_EXAMPLES: &str = include_str!("../fixtures/kibana-cases-examples.json");
const CONNECTORS_EXAMPLES: &str = include_str!("../fixtures/kibana-connectors-examples.json");

/// One example of Kibana's Cases API bundle, by name.
pub fn cases_fixture(key: &str) -> Value {
    let all: Value = serde_json::from_str(CASES_EXAMPLES).unwrap();
    all.get(key)
        .cloned()
        .unwrap_or_else(|| panic!("no fixture {key}"))
}

/// One example of Kibana's Connectors API bundle, by name.
pub fn connectors_fixture(key: &str) -> Value {
    let all: Value = serde_json::from_str(CONNECTORS_EXAMPLES).unwrap();
    all.get(key)
        .cloned()
        .unwrap_or_else(|| panic!("no fixture {key}"))
}

pub fn fixture_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// `https://kibana.example:5601`, API key [`API_KEY`], default space and timeout.
pub fn conn() -> Connection {
    Connection {
        base_url: "https://kibana.example:5601".into(),
        auth: Some(Auth::ApiKey(API_KEY.into())),
        space_id: None,
        timeout_ms: None,
    }
}

/// [`conn`] in another space.
pub fn conn_in_space(space: &str) -> Connection {
    Connection {
        space_id: Some(space.into()),
        ..conn()
    }
}

/// A request as the fake transport received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    pub scheme: Scheme,
    pub authority: String,
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub timeout_ms: u32,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_json(&self) -> Value {
        serde_json::from_slice(self.body.as_deref().expect("a body")).unwrap()
    }

    /// `GET /api/cases/x`.
    pub fn line(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path_and_query)
    }

    /// Asserts the headers every request carries and that `kbn-xsrf` is present
    /// exactly on non-GET requests.
    pub fn assert_standard_headers(&self) {
        assert_eq!(
            self.header("authorization"),
            Some(format!("ApiKey {API_KEY}").as_str())
        );
        assert_eq!(self.header("accept"), Some("application/json"));
        assert_eq!(
            self.header("user-agent"),
            Some(crate::kibana::client::USER_AGENT)
        );
        if self.method == Method::Get {
            assert_eq!(self.header("kbn-xsrf"), None, "{}", self.line());
            assert_eq!(self.body, None);
        } else {
            assert_eq!(self.header("kbn-xsrf"), Some("true"), "{}", self.line());
        }
        match &self.body {
            Some(body) => {
                assert_eq!(self.header("content-type"), Some("application/json"));
                assert_eq!(
                    self.header("content-length"),
                    Some(body.len().to_string().as_str())
                );
            }
            None => assert_eq!(self.header("content-type"), None),
        }
    }
}

/// Which of the requests in flight together the fake answers first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// The one started first (as a server answering in turn would).
    #[default]
    Oldest,
    /// The one started last: every answer but the last overtakes an earlier request.
    Newest,
}

type Serve = Box<dyn Fn(&Recorded) -> Result<Response, TransportError>>;

/// Records every request; answers from a queue (an empty queue is unreachable), or
/// with a function of the request ([`FakeTransport::serve`]).
#[derive(Default)]
pub struct FakeTransport {
    requests: RefCell<Vec<Recorded>>,
    answers: RefCell<VecDeque<Result<Response, TransportError>>>,
    serve: Option<Serve>,
    order: Order,
    events: RefCell<Vec<String>>,
    open: Cell<usize>,
    most_open: Cell<usize>,
}

impl FakeTransport {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn reply(self, status: u16, body: &str) -> Self {
        self.reply_bytes(status, body.as_bytes().to_vec())
    }

    pub fn reply_json(self, status: u16, body: &Value) -> Self {
        self.reply_bytes(status, fixture_bytes(body))
    }

    pub fn reply_bytes(self, status: u16, body: Vec<u8>) -> Self {
        self.answers
            .borrow_mut()
            .push_back(Ok(Response { status, body }));
        self
    }

    pub fn fail(self, error: TransportError) -> Self {
        self.answers.borrow_mut().push_back(Err(error));
        self
    }

    /// Answers every request with `serve(request)` instead of the queue.
    pub fn serve(
        mut self,
        serve: impl Fn(&Recorded) -> Result<Response, TransportError> + 'static,
    ) -> Self {
        self.serve = Some(Box::new(serve));
        self
    }

    /// Answers requests in flight together in this order.
    pub fn answering(mut self, order: Order) -> Self {
        self.order = order;
        self
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.borrow().clone()
    }

    pub fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "{:?}", requests);
        requests.into_iter().next().unwrap()
    }

    /// `METHOD path` of every request, in order.
    pub fn lines(&self) -> Vec<String> {
        self.requests().iter().map(Recorded::line).collect()
    }

    /// `start`, `answer` or `abandon` (dropped unanswered) and `METHOD path` of
    /// every request, in the order they happened.
    pub fn events(&self) -> Vec<String> {
        self.events.borrow().clone()
    }

    /// The most requests that were in flight together.
    pub fn most_in_flight(&self) -> usize {
        self.most_open.get()
    }

    /// Records `request` as started; its answer.
    fn start(&self, request: &Outgoing<'_>) -> (String, Result<Response, TransportError>) {
        let recorded = Recorded {
            method: request.method,
            scheme: request.scheme,
            authority: request.authority.to_owned(),
            path_and_query: request.path_and_query.to_owned(),
            headers: request.headers.to_vec(),
            body: request.body.map(<[u8]>::to_vec),
            timeout_ms: request.timeout_ms,
        };
        let line = recorded.line();
        self.events.borrow_mut().push(format!("start {line}"));
        self.open.set(self.open.get() + 1);
        self.most_open
            .set(self.most_open.get().max(self.open.get()));
        let answer = match &self.serve {
            Some(serve) => serve(&recorded),
            None => self
                .answers
                .borrow_mut()
                .pop_front()
                .unwrap_or_else(|| Err(TransportError::Unreachable("no answer queued".into()))),
        };
        self.requests.borrow_mut().push(recorded);
        (line, answer)
    }

    /// Records the answer to the request `line` as given.
    fn answered(&self, line: &str) {
        self.events.borrow_mut().push(format!("answer {line}"));
        self.open.set(self.open.get() - 1);
    }
}

impl Transport for FakeTransport {
    fn send(&self, request: &Outgoing<'_>) -> Result<Response, TransportError> {
        let (line, answer) = self.start(request);
        self.answered(&line);
        answer
    }

    fn in_flight(&self) -> Box<dyn InFlight + '_> {
        Box::new(FakeFlight {
            fake: self,
            open: Vec::new(),
        })
    }
}

/// Requests in flight together through a [`FakeTransport`], answered in its
/// [`Order`]. Dropped with requests open, those are never answered.
struct FakeFlight<'f> {
    fake: &'f FakeTransport,
    open: Vec<(usize, String, Result<Response, TransportError>)>,
}

impl InFlight for FakeFlight<'_> {
    fn start(&mut self, tag: usize, request: &Outgoing<'_>) {
        let (line, answer) = self.fake.start(request);
        self.open.push((tag, line, answer));
    }

    fn next(&mut self) -> Option<(usize, Result<Response, TransportError>)> {
        let index = match self.fake.order {
            Order::Oldest => 0,
            Order::Newest => self.open.len().checked_sub(1)?,
        };
        if index >= self.open.len() {
            return None;
        }
        let (tag, line, answer) = self.open.remove(index);
        self.fake.answered(&line);
        Some((tag, answer))
    }
}

impl Drop for FakeFlight<'_> {
    fn drop(&mut self) {
        for (_, line, _) in self.open.drain(..) {
            self.fake
                .events
                .borrow_mut()
                .push(format!("abandon {line}"));
            self.fake.open.set(self.fake.open.get() - 1);
        }
    }
}

/// Asserts that `secret` appears nowhere in the error, Debug form included.
pub fn assert_no_secret(err: &ErrorInfo, secret: &str) {
    let debug = format!("{err:?}");
    assert!(!debug.contains(secret), "secret leaked: {debug}");
    assert!(
        !err.message.contains(secret),
        "secret leaked: {}",
        err.message
    );
}

/// Asserts an `invalid-input` error whose message starts with `prefix`.
pub fn assert_invalid(err: &ErrorInfo, prefix: &str) {
    assert_eq!(err.status_code, -1, "{err:?}");
    assert_eq!(err.kind, crate::types::ErrorKind::InvalidInput, "{err:?}");
    assert!(
        err.message.starts_with(prefix),
        "{:?} does not start with {prefix:?}",
        err.message
    );
}

/// Runs one operation with a client over `transport` and the test connection.
pub fn run<T>(
    transport: &FakeTransport,
    op: impl FnOnce(&crate::kibana::Client) -> Result<T, crate::types::ErrorInfo>,
) -> Result<T, crate::types::ErrorInfo> {
    let client = crate::kibana::Client::new(&conn(), transport).unwrap();
    op(&client)
}
