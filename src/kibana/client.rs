//! The one place that sends: a [`Client`] holds a checked connection and a
//! [`Transport`], adds the headers every Kibana request needs, maps every failure
//! to the WIT `error` and decodes 2xx JSON answers into wire types.
//!
//! Several requests may be in flight together within one call ([`Flight`]): each is
//! started without waiting for the others' answers, and the answers come back one
//! at a time in the order Kibana gives them, each checked and mapped as
//! [`Client::send`] does. The component stays single-threaded: in `wasi:http` a
//! started request is a `future-incoming-response`, and waiting is one
//! `wasi:io/poll.poll` on all of them (`super::wasi`).

#[allow(unused_imports)]
use crate::rt::prelude::*;

use elastic_security_wire::Answer;
use serde::Serialize;

use super::connection::Settings;
use super::decode::decode;
use super::errors::{invalid_response, redact, status_error, too_large};
use super::transport::{
    InFlight, Method, Outgoing, Response, Transport, TransportError, MAX_RESPONSE_BYTES,
};
use crate::types::{Connection, ErrorInfo, ErrorKind};
use crate::validate::invalid;

/// Sent on every request so Kibana's logs show who called.
pub const USER_AGENT: &str = concat!("elastic-security-component/", env!("CARGO_PKG_VERSION"));
/// The longest path and query sent (Kibana's request head limit is 16 KiB). The
/// operations check their own fields first; this is the last guard.
pub const MAX_PATH_AND_QUERY_BYTES: usize = 14 * 1024;

/// What an operation asks for: a method, a Kibana route and an optional body.
/// (No `Debug`: the body of create-connector holds secrets.)
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Already percent-encoded, starting with `/api/`; the base path and the space
    /// prefix are added by [`Client`].
    pub path_and_query: String,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn get(path_and_query: String) -> Self {
        Request {
            method: Method::Get,
            path_and_query,
            body: None,
        }
    }

    pub fn delete(path_and_query: String) -> Self {
        Request {
            method: Method::Delete,
            path_and_query,
            body: None,
        }
    }

    /// A request with `body` as JSON.
    pub fn json(
        method: Method,
        path_and_query: String,
        body: &impl Serialize,
    ) -> Result<Self, ErrorInfo> {
        Ok(Request {
            method,
            path_and_query,
            body: Some(to_json(body)?.into_bytes()),
        })
    }
}

/// `value` as compact JSON text, for a request body or a query value.
pub fn to_json(value: &impl Serialize) -> Result<String, ErrorInfo> {
    // The bodies are plain structs, strings and lists: writing them cannot fail.
    // Were it to, nothing is sent.
    serde_json::to_string(value).map_err(|err| invalid("request", err))
}

/// A checked connection and a transport: sends Kibana requests, maps errors.
pub struct Client<'a> {
    transport: &'a dyn Transport,
    settings: Settings,
}

impl core::fmt::Debug for Client<'_> {
    // Hand-written so that the authorization header can never be printed.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("origin", &self.settings.origin())
            .field("prefix", &self.settings.prefix)
            .field("timeout_ms", &self.settings.timeout_ms)
            .finish_non_exhaustive()
    }
}

impl<'a> Client<'a> {
    /// Checks `conn` (`invalid-input`, -1, naming the field) and keeps what every
    /// request needs.
    pub fn new(conn: &Connection, transport: &'a dyn Transport) -> Result<Self, ErrorInfo> {
        Ok(Client {
            transport,
            settings: Settings::of(conn)?,
        })
    }

    /// The Kibana space addressed: its id, `default` for the default space.
    pub fn space(&self) -> &str {
        &self.settings.space
    }

    /// Waits before a retry (see [`Transport::pause`]).
    pub fn pause(&self, millis: u32) {
        self.transport.pause(millis);
    }

    /// The headers of a request: auth, `kbn-xsrf` on every non-GET (Kibana refuses
    /// writes without it, API-key auth included), JSON content type and length.
    fn headers(&self, method: Method, body: Option<&[u8]>) -> Vec<(String, String)> {
        let mut headers = vec![
            ("accept".to_owned(), "application/json".to_owned()),
            ("user-agent".to_owned(), USER_AGENT.to_owned()),
        ];
        if let Some(value) = &self.settings.authorization {
            headers.push(("authorization".to_owned(), value.clone()));
        }
        if method != Method::Get {
            headers.push(("kbn-xsrf".to_owned(), "true".to_owned()));
        }
        match body {
            Some(body) => {
                headers.push(("content-type".to_owned(), "application/json".to_owned()));
                headers.push(("content-length".to_owned(), body.len().to_string()));
            }
            // NOTE: a body-less POST/PATCH still states its length. Without it, the
            // host's HTTP client sends no length at all and some servers wait for a
            // body that never comes.
            None if matches!(method, Method::Post | Method::Patch) => {
                headers.push(("content-length".to_owned(), "0".to_owned()));
            }
            None => {}
        }
        headers
    }

    /// Sends `request`. 2xx → the response; anything else → the mapped `error`.
    pub fn send(&self, request: &Request) -> Result<Response, ErrorInfo> {
        let (path, headers) = self.prepare(request)?;
        let answer = self
            .transport
            .send(&self.outgoing(request, &path, &headers));
        self.answer(answer)
    }

    /// Requests in flight together through this client (see [`Flight`]).
    pub fn in_flight(&self) -> Flight<'_> {
        Flight::new(self, self.transport.in_flight())
    }

    /// Sends every request with at most `max_in_flight` in flight together (started
    /// in their order); their answers in the order of `requests`, whatever the
    /// order they came in.
    pub fn send_all(
        &self,
        requests: &[Request],
        max_in_flight: u32,
    ) -> Vec<Result<Response, ErrorInfo>> {
        let max = usize::try_from(max_in_flight.max(1)).unwrap_or(1);
        let mut answers: Vec<Option<Result<Response, ErrorInfo>>> =
            requests.iter().map(|_| None).collect();
        let mut flight = self.in_flight();
        let mut waiting = requests.iter().enumerate();
        loop {
            while flight.len() < max {
                let Some((tag, request)) = waiting.next() else {
                    break;
                };
                flight.start(tag, request);
            }
            let Some((tag, answer)) = flight.next() else {
                break;
            };
            if let Some(slot) = answers.get_mut(tag) {
                *slot = Some(answer);
            }
        }
        answers
            .into_iter()
            .map(|answer| answer.unwrap_or_else(|| Err(unanswered())))
            .collect()
    }

    /// The full path and query of `request` and its headers; `invalid-input` when
    /// the URL would be too long (then nothing is sent).
    fn prepare(&self, request: &Request) -> Result<(String, Vec<(String, String)>), ErrorInfo> {
        let path = format!("{}{}", self.settings.prefix, request.path_and_query);
        if path.len() > MAX_PATH_AND_QUERY_BYTES {
            // Not sent: Kibana (or the runtime) would refuse it without an answer
            // that says why.
            return Err(invalid(
                "request",
                format!(
                    "the URL would be {} bytes long; at most {MAX_PATH_AND_QUERY_BYTES} (shorten the ids or filters)",
                    path.len()
                ),
            ));
        }
        let headers = self.headers(request.method, request.body.as_deref());
        Ok((path, headers))
    }

    /// What a transport is given for `request`, with its [`Client::prepare`]d parts.
    fn outgoing<'r>(
        &'r self,
        request: &'r Request,
        path: &'r str,
        headers: &'r [(String, String)],
    ) -> Outgoing<'r> {
        Outgoing {
            method: request.method,
            scheme: self.settings.scheme,
            authority: &self.settings.authority,
            path_and_query: path,
            headers,
            body: request.body.as_deref(),
            timeout_ms: self.settings.timeout_ms,
        }
    }

    /// A transport's answer: 2xx → the response; anything else → the mapped
    /// (redacted) `error`.
    fn answer(&self, answer: Result<Response, TransportError>) -> Result<Response, ErrorInfo> {
        let settings = &self.settings;
        let result = match answer {
            Err(TransportError::Timeout) => Err(ErrorInfo {
                status_code: 0,
                kind: ErrorKind::Timeout,
                message: format!("no answer from Kibana within {} ms", settings.timeout_ms),
            }),
            Err(TransportError::Unreachable(cause)) => Err(ErrorInfo {
                status_code: 0,
                kind: ErrorKind::Unreachable,
                message: format!("could not reach Kibana at {}: {cause}", settings.origin()),
            }),
            Err(TransportError::ConnectionLost(cause)) => Err(ErrorInfo {
                status_code: 0,
                kind: ErrorKind::ConnectionLost,
                message: format!(
                    "lost the connection to Kibana at {}: {cause}",
                    settings.origin()
                ),
            }),
            Err(TransportError::ResponseTooLarge) => Err(too_large()),
            Ok(response) if response.body.len() > MAX_RESPONSE_BYTES => Err(too_large()),
            Ok(response) if (200..300).contains(&response.status) => Ok(response),
            Ok(response) => Err(status_error(response.status, &response.body)),
        };
        result.map_err(|err| self.redact(err))
    }

    /// Sends `request`, decodes the 2xx body as `W` and converts it with `convert`.
    /// A body that does not decode or convert is `invalid-response` (502); `what`
    /// names what was expected (`a valid case`).
    pub fn call<W: Answer, T>(
        &self,
        request: &Request,
        what: &str,
        convert: impl FnOnce(W) -> Result<T, String>,
    ) -> Result<T, ErrorInfo> {
        self.read(self.send(request)?, what, convert)
    }

    /// Decodes a 2xx `response` as `W` and converts it with `convert`, as
    /// [`Client::call`] does.
    pub fn read<W: Answer, T>(
        &self,
        response: Response,
        what: &str,
        convert: impl FnOnce(W) -> Result<T, String>,
    ) -> Result<T, ErrorInfo> {
        decode(&response.body)
            .and_then(convert)
            .map_err(|detail| self.invalid_answer(response.status, what, &detail))
    }

    /// `GET path_and_query`, decoding the JSON answer.
    pub fn get_json<W: Answer>(&self, path_and_query: String, what: &str) -> Result<W, ErrorInfo> {
        self.call(&Request::get(path_and_query), what, Ok)
    }

    /// The (redacted) error of an answer that is not `what`. Out of line: one copy
    /// for every `W` of [`Client::call`].
    #[inline(never)]
    fn invalid_answer(&self, status: u16, what: &str, detail: &str) -> ErrorInfo {
        self.redact(invalid_response(status, what, detail))
    }

    /// Removes every credential of the connection from the message.
    fn redact(&self, err: ErrorInfo) -> ErrorInfo {
        let secrets: Vec<&str> = self.settings.secrets.iter().map(String::as_str).collect();
        redact(err, &secrets)
    }
}

/// Requests in flight together; dropping it abandons those still unanswered.
pub struct Flight<'c> {
    client: &'c Client<'c>,
    requests: Box<dyn InFlight + 'c>,
    /// Requests refused before anything was sent (a URL too long), answered first.
    refused: Vec<(usize, ErrorInfo)>,
    /// Requests handed to the transport and not yet answered.
    open: usize,
}

impl<'c> Flight<'c> {
    fn new(client: &'c Client<'c>, requests: Box<dyn InFlight + 'c>) -> Self {
        Flight {
            client,
            requests,
            refused: Vec::new(),
            open: 0,
        }
    }

    /// Starts `request`; `tag` names it in its answer.
    pub fn start(&mut self, tag: usize, request: &Request) {
        match self.client.prepare(request) {
            Ok((path, headers)) => {
                let outgoing = self.client.outgoing(request, &path, &headers);
                self.requests.start(tag, &outgoing);
                self.open += 1;
            }
            Err(err) => self.refused.push((tag, err)),
        }
    }

    /// Requests started and not yet answered.
    pub fn len(&self) -> usize {
        self.open + self.refused.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The answers of the started requests: each (2xx, or the mapped `error`) with its
/// tag, in the order they come; `None` when none is in flight (more may be started
/// and waited for after that).
impl Iterator for Flight<'_> {
    type Item = (usize, Result<Response, ErrorInfo>);

    fn next(&mut self) -> Option<Self::Item> {
        if let Some((tag, err)) = self.refused.pop() {
            return Some((tag, Err(err)));
        }
        let (tag, answer) = self.requests.next()?;
        self.open = self.open.saturating_sub(1);
        Some((tag, self.client.answer(answer)))
    }
}

/// A started request the transport never answered (no transport does that).
#[cold]
fn unanswered() -> ErrorInfo {
    ErrorInfo {
        status_code: 0,
        kind: ErrorKind::ConnectionLost,
        message: "the runtime gave no answer to the request".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use crate::types::{Auth, BasicCredentials};

    #[test]
    fn send_headers_get_has_no_xsrf_and_basic_auth() {
        let transport = FakeTransport::new().reply(200, "{}");
        let conn = Connection {
            auth: Some(Auth::Basic(BasicCredentials {
                username: "elastic".into(),
                password: "changeme".into(),
            })),
            ..conn()
        };
        let client = Client::new(&conn, &transport).unwrap();
        client.send(&Request::get("/api/x".into())).unwrap();
        let req = transport.only_request();
        assert_eq!(
            req.header("authorization"),
            Some("Basic ZWxhc3RpYzpjaGFuZ2VtZQ==")
        );
        assert_eq!(req.header("kbn-xsrf"), None);
        assert_eq!(req.header("accept"), Some("application/json"));
        assert_eq!(req.header("user-agent"), Some(USER_AGENT));
        assert_eq!(req.header("content-length"), None);
        assert_eq!(req.header("content-type"), None);
    }

    #[test]
    fn send_headers_write_has_xsrf_and_length() {
        let transport = FakeTransport::new()
            .reply(200, "{}")
            .reply(204, "")
            .reply(200, "{}");
        let conn = Connection {
            auth: None,
            ..conn()
        };
        let client = Client::new(&conn, &transport).unwrap();
        let body = serde_json::json!({"a": 1});
        client
            .send(&Request::json(Method::Post, "/api/x".into(), &body).unwrap())
            .unwrap();
        client.send(&Request::delete("/api/x".into())).unwrap();
        client
            .send(&Request {
                method: Method::Post,
                path_and_query: "/api/y".into(),
                body: None,
            })
            .unwrap();
        let reqs = transport.requests();
        assert_eq!(reqs[0].header("kbn-xsrf"), Some("true"));
        assert_eq!(reqs[0].header("content-type"), Some("application/json"));
        assert_eq!(reqs[0].header("content-length"), Some("7"));
        assert_eq!(reqs[0].header("authorization"), None);
        assert_eq!(reqs[1].header("kbn-xsrf"), Some("true"));
        assert_eq!(reqs[1].header("content-length"), None);
        assert_eq!(reqs[1].body, None);
        assert_eq!(reqs[2].header("content-length"), Some("0"));
    }

    #[test]
    fn send_transport_errors() {
        let transport = FakeTransport::new()
            .fail(TransportError::Timeout)
            .fail(TransportError::Unreachable("connection refused".into()))
            .fail(TransportError::ResponseTooLarge);
        let conn = Connection {
            timeout_ms: Some(1500),
            ..conn()
        };
        let client = Client::new(&conn, &transport).unwrap();
        let get = || client.send(&Request::get("/api/x".into())).unwrap_err();
        let err = get();
        assert_eq!((err.status_code, err.kind), (0, ErrorKind::Timeout));
        assert_eq!(err.message, "no answer from Kibana within 1500 ms");
        let err = get();
        assert_eq!((err.status_code, err.kind), (0, ErrorKind::Unreachable));
        assert_eq!(
            err.message,
            "could not reach Kibana at https://kibana.example:5601: connection refused"
        );
        let err = get();
        assert_eq!(
            (err.status_code, err.kind),
            (502, ErrorKind::InvalidResponse)
        );
        assert!(err.message.contains("32 MiB"));
    }

    #[test]
    fn send_oversized_body_from_transport_is_502() {
        let transport = FakeTransport::new().reply_bytes(200, vec![b' '; MAX_RESPONSE_BYTES + 1]);
        let client = Client::new(&conn(), &transport).unwrap();
        let err = client.send(&Request::get("/api/x".into())).unwrap_err();
        assert_eq!(err.status_code, 502);
        assert!(err.message.contains("32 MiB"));
    }

    #[test]
    fn send_credentials_never_in_messages() {
        // A hostile proxy echoing the authorization header back.
        let transport = FakeTransport::new()
            .reply(401, &format!("bad header ApiKey {API_KEY}"))
            .fail(TransportError::Unreachable(format!(
                "reset after {API_KEY}"
            )));
        let client = Client::new(&conn(), &transport).unwrap();
        for _ in 0..2 {
            let err = client.send(&Request::get("/api/x".into())).unwrap_err();
            assert_no_secret(&err, API_KEY);
            assert!(err.message.contains("<redacted>"));
        }
    }

    #[test]
    fn send_overlong_url_is_refused_unsent() {
        let transport = FakeTransport::new();
        let client = Client::new(&conn_in_space("soc-team"), &transport).unwrap();
        let err = client
            .send(&Request::get(format!(
                "/api/cases/{}",
                "x".repeat(14 * 1024)
            )))
            .unwrap_err();
        assert_eq!((err.status_code, err.kind), (-1, ErrorKind::InvalidInput));
        assert!(
            err.message.starts_with("request: the URL would be"),
            "{}",
            err.message
        );
        assert!(transport.requests().is_empty());
    }

    #[test]
    fn send_all_answers_in_the_order_of_the_requests_and_refuses_an_overlong_url() {
        let transport = FakeTransport::new()
            .serve(|request| {
                let status = match request.path_and_query.ends_with("/b") {
                    true => 404,
                    false => 200,
                };
                Ok(Response {
                    status,
                    body: b"{}".to_vec(),
                })
            })
            .answering(Order::Newest);
        let client = Client::new(&conn(), &transport).unwrap();
        let requests = [
            Request::get("/api/a".into()),
            Request::get(format!("/api/{}", "x".repeat(15 * 1024))),
            Request::get("/api/b".into()),
        ];
        let answers = client.send_all(&requests, 4);
        assert_eq!(answers.len(), 3);
        assert_eq!(answers[0].as_ref().unwrap().status, 200);
        assert_invalid(
            answers[1].as_ref().unwrap_err(),
            "request: the URL would be",
        );
        assert_eq!(answers[2].as_ref().unwrap_err().status_code, 404);
        // The overlong one was never sent; the other two were in flight together.
        assert_eq!(transport.lines(), ["GET /api/a", "GET /api/b"]);
        assert_eq!(transport.most_in_flight(), 2);
    }

    #[test]
    fn call_invalid_json_is_502() {
        let transport = FakeTransport::new().reply(200, "<html>oops</html>");
        let client = Client::new(&conn(), &transport).unwrap();
        let err = client
            .get_json::<elastic_security_wire::cases::Case>("/api/x".into(), "a valid case")
            .unwrap_err();
        assert_eq!(err.status_code, 502);
        assert_eq!(err.kind, ErrorKind::InvalidResponse);
        assert!(err
            .message
            .starts_with("Kibana answered 200 but the body is not a valid case: "));
        assert!(err.message.chars().count() <= 512);
    }
}
