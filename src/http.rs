//! The one place that knows HTTP: validating the `connection`, building the URL and
//! headers, sending through a [`Transport`], mapping every failure to the WIT
//! `error`, and decoding 2xx JSON bodies. It knows nothing about wasi: the wasm
//! component plugs in `wasi_http::WasiTransport`, unit tests a fake.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::json::{self, Value};
use crate::wire::{FromJson, ToJson};

use crate::types::{Auth, Connection, Error, ErrorKind};
use crate::validate::invalid;

/// The largest answer read from Kibana (the WIT promises 32 MiB).
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;
/// `connection.timeout-ms` when none is given.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// The largest `connection.timeout-ms` accepted (10 minutes).
pub const MAX_TIMEOUT_MS: u32 = 600_000;
/// Sent on every request so Kibana's logs show who called.
pub const USER_AGENT: &str = "elastic-security-component/0.1.0";
/// How much of a non-JSON error body is quoted in a message.
const MAX_QUOTE_CHARS: usize = 512;
/// Kibana's own `message` is passed on whole up to this many characters (its
/// validation messages are far shorter); no more than ~1 KB of any body is quoted.
const MAX_KIBANA_MESSAGE_CHARS: usize = 1024;
/// Replaces credentials and secrets found in a message.
const REDACTED: &str = "<redacted>";
/// The longest API key, username or password accepted. Credentials travel in the
/// `authorization` header, and Kibana's server refuses a request head over 16 KiB
/// (Node.js `maxHeaderSize`); the wasm runtime itself traps on oversized headers.
pub const MAX_CREDENTIAL_BYTES: usize = 4096;
/// The longest `connection.base-url` accepted.
pub const MAX_BASE_URL_BYTES: usize = 2048;
/// The longest path and query sent (Kibana's request head limit is 16 KiB). The
/// operations check their own fields first; this is the last guard.
pub const MAX_PATH_AND_QUERY_BYTES: usize = 14 * 1024;

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

/// What a resource module asks for: a method, a Kibana route and an optional body.
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

    /// A request with a JSON body. (Writing JSON cannot fail.)
    pub fn json(method: Method, path_and_query: String, body: &impl ToJson) -> Self {
        Request {
            method,
            path_and_query,
            body: Some(body.to_json().to_json().into_bytes()),
        }
    }
}

/// An HTTP answer: any status, the whole body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
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

/// Why a transport got no (usable) HTTP answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// Nothing within the timeout.
    Timeout,
    /// No answer; the text names the cause for humans ("connection refused").
    Unreachable(String),
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

/// A validated connection and a transport: sends Kibana requests, maps errors.
pub struct Client<'a> {
    transport: &'a dyn Transport,
    scheme: Scheme,
    authority: String,
    /// Base path plus `/s/{space}` (or nothing), without a trailing `/`.
    prefix: String,
    /// The space id, `default` for the default space.
    space: String,
    authorization: Option<String>,
    /// Credential strings that must never appear in a message.
    secrets: Vec<String>,
    timeout_ms: u32,
}

impl core::fmt::Debug for Client<'_> {
    // Hand-written so that the authorization header can never be printed.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("origin", &self.origin())
            .field("prefix", &self.prefix)
            .field("timeout_ms", &self.timeout_ms)
            .finish_non_exhaustive()
    }
}

impl<'a> Client<'a> {
    /// Waits before a retry (see [`Transport::pause`]).
    pub fn pause(&self, millis: u32) {
        self.transport.pause(millis);
    }

    /// Validates `conn` (`invalid-input`, -1, naming the field) and keeps what every
    /// request needs.
    pub fn new(conn: &Connection, transport: &'a dyn Transport) -> Result<Self, Error> {
        let (scheme, authority, base_path) = parse_base_url(&conn.base_url)?;
        let space = parse_space(conn.space_id.as_deref())?;
        let timeout_ms = parse_timeout(conn.timeout_ms)?;
        let (authorization, secrets) = parse_auth(conn.auth.as_ref())?;
        let prefix = match &space {
            Some(space) => format!("{base_path}/s/{space}"),
            None => base_path,
        };
        Ok(Client {
            transport,
            scheme,
            authority,
            prefix,
            space: space.unwrap_or_else(|| "default".into()),
            authorization,
            secrets,
            timeout_ms,
        })
    }

    /// The Kibana space addressed: its id, `default` for the default space.
    pub fn space(&self) -> &str {
        &self.space
    }

    fn origin(&self) -> String {
        format!("{}://{}", self.scheme.as_str(), self.authority)
    }

    /// The headers of a request: auth, `kbn-xsrf` on every non-GET (Kibana refuses
    /// writes without it, API-key auth included), JSON content type and length.
    fn headers(&self, method: Method, body: Option<&[u8]>) -> Vec<(String, String)> {
        let mut headers = vec![
            ("accept".to_owned(), "application/json".to_owned()),
            ("user-agent".to_owned(), USER_AGENT.to_owned()),
        ];
        if let Some(value) = &self.authorization {
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
            // A body-less POST/PATCH still states its length: without it some
            // servers wait for a body (see notes/wasi-http-bodies.md).
            None if matches!(method, Method::Post | Method::Patch) => {
                headers.push(("content-length".to_owned(), "0".to_owned()));
            }
            None => {}
        }
        headers
    }

    /// Sends `request`. 2xx → the response; anything else → the mapped `error`.
    pub fn send(&self, request: &Request) -> Result<Response, Error> {
        let path = format!("{}{}", self.prefix, request.path_and_query);
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
        let body = request.body.as_deref();
        let headers = self.headers(request.method, body);
        let outgoing = Outgoing {
            method: request.method,
            scheme: self.scheme,
            authority: &self.authority,
            path_and_query: &path,
            headers: &headers,
            body,
            timeout_ms: self.timeout_ms,
        };
        let result = match self.transport.send(&outgoing) {
            Err(TransportError::Timeout) => Err(Error {
                status_code: 0,
                kind: ErrorKind::Timeout,
                message: format!("no answer from Kibana within {} ms", self.timeout_ms),
            }),
            Err(TransportError::Unreachable(cause)) => Err(Error {
                status_code: 0,
                kind: ErrorKind::Unreachable,
                message: format!("could not reach Kibana at {}: {cause}", self.origin()),
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
    /// names what was expected (`a case`).
    pub fn call<W: FromJson, T>(
        &self,
        request: &Request,
        what: &str,
        convert: impl FnOnce(W) -> Result<T, String>,
    ) -> Result<T, Error> {
        let response = self.send(request)?;
        // The decoded value borrows the body's strings: it is read here, where the
        // body lives.
        let answer = self.answer(&response, what)?;
        W::from_json(answer)
            .and_then(convert)
            .map_err(|detail| self.invalid_answer(response.status, what, &detail))
    }

    /// Reads a 2xx body as JSON: the part of [`Client::call`] that does not depend
    /// on its types, kept out of line so its many instances share it.
    #[inline(never)]
    fn answer<'r>(&self, response: &'r Response, what: &str) -> Result<Value<'r>, Error> {
        crate::wire::parse(&response.body)
            .map_err(|detail| self.invalid_answer(response.status, what, &detail))
    }

    /// The (redacted) error of an answer that is not `what`.
    #[inline(never)]
    fn invalid_answer(&self, status: u16, what: &str, detail: &str) -> Error {
        self.redact(invalid_response(status, what, detail))
    }

    /// `GET path_and_query`, decoding the JSON answer.
    pub fn get_json<W: FromJson>(&self, path_and_query: String, what: &str) -> Result<W, Error> {
        self.call(&Request::get(path_and_query), what, Ok)
    }

    /// A request with a JSON body, decoding the JSON answer.
    pub fn send_json<W: FromJson>(
        &self,
        method: Method,
        path_and_query: String,
        body: &impl ToJson,
        what: &str,
    ) -> Result<W, Error> {
        self.call(&Request::json(method, path_and_query, body), what, Ok)
    }

    /// Removes every credential of the connection from the message.
    fn redact(&self, err: Error) -> Error {
        let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
        redact(err, &secrets)
    }
}

/// Replaces every occurrence of each (non-empty) secret in the message.
pub fn redact(mut err: Error, secrets: &[&str]) -> Error {
    for secret in secrets {
        if !secret.is_empty() && err.message.contains(secret) {
            err.message = err.message.replace(secret, REDACTED);
        }
    }
    err
}

/// A 2xx answer whose body is not what the route promises.
pub fn invalid_response(status: u16, what: &str, detail: &str) -> Error {
    let message = format!("Kibana answered {status} but the body is not {what}: {detail}");
    Error {
        status_code: 502,
        kind: ErrorKind::InvalidResponse,
        message: truncate_chars(&message, MAX_QUOTE_CHARS),
    }
}

fn too_large() -> Error {
    Error {
        status_code: 502,
        kind: ErrorKind::InvalidResponse,
        message: format!(
            "Kibana's answer is larger than the {} MiB this component reads",
            MAX_RESPONSE_BYTES / (1024 * 1024)
        ),
    }
}

/// The error kind of a non-2xx status.
pub fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        400 => ErrorKind::BadRequest,
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        406 => ErrorKind::NotAcceptable,
        409 => ErrorKind::Conflict,
        500..=599 => ErrorKind::ServerError,
        600.. => ErrorKind::ServerError,
        // Other 4xx, and 1xx/3xx: a redirect means the base URL is not Kibana's.
        _ => ErrorKind::ClientError,
    }
}

/// The standard reason phrase of the statuses Kibana and proxies commonly answer.
fn reason_phrase(status: u16) -> &'static str {
    match status {
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// `HTTP 404 Not Found` (or `HTTP 599` when the status has no common phrase).
fn status_line(status: u16, reason: &str) -> String {
    if reason.trim().is_empty() {
        format!("HTTP {status}")
    } else {
        format!(
            "HTTP {status} {}",
            truncate_chars(reason.trim(), MAX_QUOTE_CHARS)
        )
    }
}

/// Maps a non-2xx answer: Kibana's JSON `message` when there is one, else the
/// status with Kibana's `error` or the reason phrase, else a short quote of a
/// non-JSON body (an HTML page from a proxy, say).
pub fn status_error(status: u16, body: &[u8]) -> Error {
    let message = match json::parse(body) {
        Ok(Value::Object(map)) => match map.get("message") {
            Some(Value::String(text)) if !text.trim().is_empty() => {
                truncate_chars(text, MAX_KIBANA_MESSAGE_CHARS)
            }
            _ => match map.get("error") {
                Some(Value::String(error)) if !error.trim().is_empty() => {
                    status_line(status, error)
                }
                _ => status_line(status, reason_phrase(status)),
            },
        },
        Ok(_) => status_line(status, reason_phrase(status)),
        Err(_) => {
            let quote = quote_body(body);
            if quote.is_empty() {
                status_line(status, reason_phrase(status))
            } else {
                format!("HTTP {status}: {quote}")
            }
        }
    };
    Error {
        status_code: i32::from(status),
        kind: kind_for_status(status),
        message,
    }
}

/// The start of a body as text: whitespace runs collapsed to one space, at most
/// 512 characters.
pub fn quote_body(body: &[u8]) -> String {
    // Enough bytes for 512 characters even with much whitespace, without copying a
    // 32 MiB page.
    let head = body.get(..body.len().min(64 * 1024)).unwrap_or(body);
    let text = String::from_utf8_lossy(head);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate_chars(&collapsed, MAX_QUOTE_CHARS)
}

/// At most `max` characters (never splits a character).
pub fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text.get(..end).unwrap_or(text).to_owned(),
        None => text.to_owned(),
    }
}

/// `http(s)://host[:port][/prefix][/]` → scheme, authority, prefix without a
/// trailing `/`.
fn parse_base_url(url: &str) -> Result<(Scheme, String, String), Error> {
    const FIELD: &str = "connection.base-url";
    let url = url.trim();
    if url.is_empty() {
        return Err(invalid(FIELD, "must not be blank"));
    }
    if url.len() > MAX_BASE_URL_BYTES {
        return Err(invalid(
            FIELD,
            format!(
                "must be at most {MAX_BASE_URL_BYTES} bytes (got {})",
                url.len()
            ),
        ));
    }
    let (scheme, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
        (Scheme::Https, rest)
    } else if let Some(rest) = strip_prefix_ignore_case(url, "http://") {
        (Scheme::Http, rest)
    } else {
        return Err(invalid(FIELD, "must start with http:// or https://"));
    };
    if rest.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid(
            FIELD,
            "must not contain spaces or control characters",
        ));
    }
    if rest.contains('?') {
        return Err(invalid(FIELD, "must not contain a query (`?...`)"));
    }
    if rest.contains('#') {
        return Err(invalid(FIELD, "must not contain a fragment (`#...`)"));
    }
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(invalid(
            FIELD,
            "must not contain user information (`user@`); give credentials in connection.auth",
        ));
    }
    validate_authority(authority)?;
    if !path.is_ascii() {
        return Err(invalid(
            FIELD,
            "the path must be ASCII (percent-encode other characters)",
        ));
    }
    let path = path.trim_end_matches('/');
    Ok((scheme, authority.to_owned(), path.to_owned()))
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn validate_authority(authority: &str) -> Result<(), Error> {
    const FIELD: &str = "connection.base-url";
    let no_host = || invalid(FIELD, "must name a host (e.g. https://kibana.example:5601)");
    let (host_ok, port) = if let Some(after_bracket) = authority.strip_prefix('[') {
        let Some(close) = after_bracket.find(']') else {
            return Err(invalid(FIELD, "has an unclosed `[` in its host"));
        };
        let (v6, rest) = after_bracket.split_at(close);
        let rest = rest.get(1..).unwrap_or("");
        let ok = !v6.is_empty()
            && v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        let port = match rest {
            "" => None,
            _ => match rest.strip_prefix(':') {
                Some(port) => Some(port),
                None => return Err(invalid(FIELD, "has characters after its `[...]` host")),
            },
        };
        (ok, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.is_empty() {
            return Err(no_host());
        }
        let ok = host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
        (ok, port)
    };
    if authority.is_empty() || authority == "[]" {
        return Err(no_host());
    }
    if !host_ok {
        return Err(invalid(
            FIELD,
            "has an invalid host (use letters, digits, `-`, `.`; punycode for other names)",
        ));
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.chars().all(|c| c.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p));
        if !valid {
            return Err(invalid(FIELD, "has an invalid port (1 to 65535)"));
        }
    }
    Ok(())
}

/// `none`, empty or `default` → no prefix; else `[a-z0-9_-]{1,255}`.
fn parse_space(space: Option<&str>) -> Result<Option<String>, Error> {
    match space {
        None | Some("") | Some("default") => Ok(None),
        Some(space) => {
            let valid = space.len() <= 255
                && space.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            if valid {
                Ok(Some(space.to_owned()))
            } else {
                Err(invalid(
                    "connection.space-id",
                    "must be 1 to 255 characters from a-z, 0-9, `_` and `-`",
                ))
            }
        }
    }
}

fn parse_timeout(timeout_ms: Option<u32>) -> Result<u32, Error> {
    let timeout = timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    if !(1..=MAX_TIMEOUT_MS).contains(&timeout) {
        return Err(invalid(
            "connection.timeout-ms",
            format!("must be between 1 and {MAX_TIMEOUT_MS} (got {timeout})"),
        ));
    }
    Ok(timeout)
}

/// The `authorization` value and the strings to redact from messages. The
/// messages never quote the credential itself.
fn parse_auth(auth: Option<&Auth>) -> Result<(Option<String>, Vec<String>), Error> {
    // A CR/LF in a header value would split the request: refuse any control char.
    // Oversized values would be refused by Kibana, or trap the runtime.
    let no_control = |field: &str, value: &str| {
        if value.chars().any(char::is_control) {
            Err(invalid(field, "must not contain control characters"))
        } else if value.len() > MAX_CREDENTIAL_BYTES {
            Err(invalid(
                field,
                format!(
                    "must be at most {MAX_CREDENTIAL_BYTES} bytes (got {})",
                    value.len()
                ),
            ))
        } else {
            Ok(())
        }
    };
    match auth {
        None => Ok((None, Vec::new())),
        Some(Auth::ApiKey(key)) => {
            const FIELD: &str = "connection.auth.api-key";
            no_control(FIELD, key)?;
            let key = key.trim();
            if key.is_empty() {
                return Err(invalid(FIELD, "must not be blank"));
            }
            // The key is sent as is: Kibana's keys are base64 (`id:api_key`
            // encoded), so anything but visible ASCII is a paste error.
            if !key.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(invalid(
                    FIELD,
                    "must be the base64 `encoded` key: visible ASCII characters, no spaces",
                ));
            }
            Ok((Some(format!("ApiKey {key}")), vec![key.to_owned()]))
        }
        Some(Auth::Basic(basic)) => {
            no_control("connection.auth.username", &basic.username)?;
            no_control("connection.auth.password", &basic.password)?;
            if basic.username.trim().is_empty() {
                return Err(invalid("connection.auth.username", "must not be blank"));
            }
            if basic.username.contains(':') {
                return Err(invalid("connection.auth.username", "must not contain `:`"));
            }
            let token = base64(format!("{}:{}", basic.username, basic.password).as_bytes());
            let mut secrets = vec![token.clone()];
            if !basic.password.is_empty() {
                secrets.push(basic.password.clone());
            }
            Ok((Some(format!("Basic {token}")), secrets))
        }
    }
}

/// Standard base64 with padding (RFC 4648 §4), for HTTP Basic.
pub fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let symbol = |index: u32| {
        let index = usize::try_from(index & 63).unwrap_or(0);
        ALPHABET.get(index).map_or('=', |&b| char::from(b))
    };
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b0 = u32::from(chunk.first().copied().unwrap_or(0));
        let b1 = u32::from(chunk.get(1).copied().unwrap_or(0));
        let b2 = u32::from(chunk.get(2).copied().unwrap_or(0));
        let triple = (b0 << 16) | (b1 << 8) | b2;
        out.push(symbol(triple >> 18));
        out.push(symbol(triple >> 12));
        out.push(if chunk.len() > 1 {
            symbol(triple >> 6)
        } else {
            '='
        });
        out.push(if chunk.len() > 2 { symbol(triple) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;
    use crate::types::BasicCredentials;

    fn client_err(conn: Connection) -> Error {
        let transport = FakeTransport::new();
        let err = Client::new(&conn, &transport).unwrap_err();
        assert_eq!(err.status_code, -1);
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(transport.requests().is_empty());
        err
    }

    fn with_url(url: &str) -> Connection {
        Connection {
            base_url: url.into(),
            ..conn()
        }
    }

    #[test]
    fn base64_rfc4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"elastic:changeme"), "ZWxhc3RpYzpjaGFuZ2VtZQ==");
    }

    #[test]
    fn connection_base_url_rules() {
        for (url, expected) in [
            (
                "kibana:5601",
                "connection.base-url: must start with http:// or https://",
            ),
            (
                "ftp://kibana",
                "connection.base-url: must start with http:// or https://",
            ),
            ("", "connection.base-url: must not be blank"),
            (
                "https://k/?a=b",
                "connection.base-url: must not contain a query (`?...`)",
            ),
            (
                "https://k/#x",
                "connection.base-url: must not contain a fragment (`#...`)",
            ),
            (
                "https://",
                "connection.base-url: must name a host (e.g. https://kibana.example:5601)",
            ),
            (
                "https://:5601",
                "connection.base-url: must name a host (e.g. https://kibana.example:5601)",
            ),
            (
                "https://k:0",
                "connection.base-url: has an invalid port (1 to 65535)",
            ),
            (
                "https://k:99999",
                "connection.base-url: has an invalid port (1 to 65535)",
            ),
            (
                "https://k:",
                "connection.base-url: has an invalid port (1 to 65535)",
            ),
            (
                "https://k\r\n.example",
                "connection.base-url: must not contain spaces or control characters",
            ),
        ] {
            assert_eq!(client_err(with_url(url)).message, expected, "{url}");
        }
        assert_eq!(
            client_err(with_url(&format!("https://k/{}", "p".repeat(2048)))).message,
            "connection.base-url: must be at most 2048 bytes (got 2058)"
        );
        let err = client_err(with_url("https://user:pw-secret@kibana.example"));
        assert!(err
            .message
            .starts_with("connection.base-url: must not contain user information"));
        assert!(!err.message.contains("pw-secret"));
    }

    #[test]
    fn connection_base_url_prefix_kept_and_trailing_slash_ignored() {
        let transport = FakeTransport::new().reply(200, "{}");
        let conn = Connection {
            base_url: "HTTP://[::1]:8080/kibana/".into(),
            space_id: Some("soc-team".into()),
            ..conn()
        };
        let client = Client::new(&conn, &transport).unwrap();
        client.send(&Request::get("/api/cases/x".into())).unwrap();
        let req = transport.only_request();
        assert_eq!(req.scheme, Scheme::Http);
        assert_eq!(req.authority, "[::1]:8080");
        assert_eq!(req.path_and_query, "/kibana/s/soc-team/api/cases/x");
        assert_eq!(client.space(), "soc-team");
    }

    #[test]
    fn connection_space_rules() {
        for space in [None, Some(""), Some("default")] {
            let transport = FakeTransport::new().reply(200, "{}");
            let conn = Connection {
                space_id: space.map(str::to_owned),
                ..conn()
            };
            let client = Client::new(&conn, &transport).unwrap();
            client.send(&Request::get("/api/cases/x".into())).unwrap();
            assert_eq!(transport.only_request().path_and_query, "/api/cases/x");
            assert_eq!(client.space(), "default");
        }
        for space in ["Sec", "a/b", "a b", &"x".repeat(256)] {
            let err = client_err(Connection {
                space_id: Some(space.to_owned()),
                ..conn()
            });
            assert!(err
                .message
                .starts_with("connection.space-id: must be 1 to 255"));
        }
    }

    #[test]
    fn connection_timeout_rules() {
        for t in [0, 600_001] {
            let err = client_err(Connection {
                timeout_ms: Some(t),
                ..conn()
            });
            assert_eq!(
                err.message,
                format!("connection.timeout-ms: must be between 1 and 600000 (got {t})")
            );
        }
        let transport = FakeTransport::new().reply(200, "{}").reply(200, "{}");
        let client = Client::new(&conn(), &transport).unwrap();
        client.send(&Request::get("/api/x".into())).unwrap();
        assert_eq!(transport.only_request().timeout_ms, 30_000);
    }

    #[test]
    fn connection_credentials_rules() {
        let api = |key: &str| Connection {
            auth: Some(Auth::ApiKey(key.into())),
            ..conn()
        };
        let basic = |user: &str, pass: &str| Connection {
            auth: Some(Auth::Basic(BasicCredentials {
                username: user.into(),
                password: pass.into(),
            })),
            ..conn()
        };
        let err = client_err(api("secret-key\r\nx-evil: 1"));
        assert_eq!(
            err.message,
            "connection.auth.api-key: must not contain control characters"
        );
        assert!(!format!("{err:?}").contains("secret-key"));
        assert_eq!(
            client_err(api("  ")).message,
            "connection.auth.api-key: must not be blank"
        );
        assert_eq!(
            client_err(basic("", "pw")).message,
            "connection.auth.username: must not be blank"
        );
        assert_eq!(
            client_err(basic("  ", "pw")).message,
            "connection.auth.username: must not be blank"
        );
        for key in ["key with space", "ключ", "k\u{a0}k"] {
            let err = client_err(api(key));
            assert_eq!(
                err.message,
                "connection.auth.api-key: must be the base64 `encoded` key: visible ASCII characters, no spaces"
            );
            assert!(!err.message.contains(key));
        }
        // Megabyte credentials are refused (the runtime would trap on the header).
        let huge = "k".repeat(2 * 1024 * 1024);
        assert_eq!(
            client_err(api(&huge)).message,
            "connection.auth.api-key: must be at most 4096 bytes (got 2097152)"
        );
        assert!(client_err(basic(&huge, "pw"))
            .message
            .starts_with("connection.auth.username: must be at most 4096 bytes"));
        assert!(client_err(basic("elastic", &huge))
            .message
            .starts_with("connection.auth.password: must be at most 4096 bytes"));
        // A password of any printable characters is fine (it is base64-encoded).
        let transport = FakeTransport::new();
        assert!(Client::new(&basic("elastic", "pä ss:wörd 🔑"), &transport).is_ok());
        assert_eq!(
            client_err(basic("a:b", "pw")).message,
            "connection.auth.username: must not contain `:`"
        );
        let err = client_err(basic("elastic", "hunter2\n"));
        assert_eq!(
            err.message,
            "connection.auth.password: must not contain control characters"
        );
        assert!(!format!("{err:?}").contains("hunter2"));
    }

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
        let body = json::parse(br#"{"a": 1}"#).unwrap();
        client
            .send(&Request::json(Method::Post, "/api/x".into(), &body))
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
    fn send_error_json_message_passed_on() {
        let err = status_error(
            401,
            fixture_bytes(&cases_fixture("response_401")).as_slice(),
        );
        assert_eq!(err.status_code, 401);
        assert_eq!(err.kind, ErrorKind::Unauthorized);
        assert_eq!(
            err.message,
            "Unable to authenticate with the provided credentials."
        );
    }

    #[test]
    fn send_error_kinds() {
        for (status, kind) in [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Unauthorized),
            (403, ErrorKind::Forbidden),
            (404, ErrorKind::NotFound),
            (406, ErrorKind::NotAcceptable),
            (409, ErrorKind::Conflict),
            (413, ErrorKind::ClientError),
            (429, ErrorKind::ClientError),
            (302, ErrorKind::ClientError),
            (500, ErrorKind::ServerError),
            (503, ErrorKind::ServerError),
        ] {
            let err = status_error(status, b"");
            assert_eq!(err.kind, kind, "{status}");
            assert_eq!(err.status_code, i32::from(status));
        }
        assert_eq!(status_error(404, b"").message, "HTTP 404 Not Found");
        assert_eq!(status_error(599, b"  ").message, "HTTP 599");
    }

    #[test]
    fn send_error_json_without_message() {
        assert_eq!(
            status_error(
                500,
                br#"{"statusCode":500,"error":"Internal Server Error"}"#
            )
            .message,
            "HTTP 500 Internal Server Error"
        );
        assert_eq!(
            status_error(503, br#"{"x":1}"#).message,
            "HTTP 503 Service Unavailable"
        );
        assert_eq!(
            status_error(400, br#"["a"]"#).message,
            "HTTP 400 Bad Request"
        );
    }

    #[test]
    fn send_error_html_quoted_at_most_512_chars() {
        let html = format!(
            "<html>\n  <head><title>502 Bad Gateway</title></head>\n\t<body>{}</body></html>",
            "x".repeat(2000)
        );
        let err = status_error(502, html.as_bytes());
        assert_eq!(err.kind, ErrorKind::ServerError);
        assert!(err
            .message
            .starts_with("HTTP 502: <html> <head><title>502 Bad Gateway</title></head> <body>xxx"));
        assert_eq!(err.message.chars().count(), "HTTP 502: ".len() + 512);
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
    fn call_invalid_json_is_502() {
        let transport = FakeTransport::new().reply(200, "<html>oops</html>");
        let client = Client::new(&conn(), &transport).unwrap();
        let err = client
            .get_json::<json::Map>("/api/x".into(), "a valid case")
            .unwrap_err();
        assert_eq!(err.status_code, 502);
        assert_eq!(err.kind, ErrorKind::InvalidResponse);
        assert!(err
            .message
            .starts_with("Kibana answered 200 but the body is not a valid case: "));
        assert!(err.message.chars().count() <= 512);
    }

    #[test]
    fn truncate_chars_respects_char_boundaries() {
        assert_eq!(truncate_chars("héllo", 2), "hé");
        assert_eq!(truncate_chars("hé", 5), "hé");
    }
}
