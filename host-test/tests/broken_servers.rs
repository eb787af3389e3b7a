//! Broken servers: every way Kibana (or whatever stands in front of it) can fail to
//! give a usable answer. Each must end in a clear error (status 0, 502 or the HTTP
//! status, the right kind, a message that says what happened and quotes at most a
//! short piece of any body) within the connection's timeout plus a generous margin.
//!
//! The simulator's fault injection covers what it can; the rest is a raw TCP stub on
//! 127.0.0.1 that writes exact bytes. (`cases.rs` already covers Kibana's JSON 500,
//! the sim's HTML 502, an undecodable 200, a dropped connection and a slow answer.)

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use common::*;
use host_test::harness::bindings::{case_comments, cases, connectors, Auth, Connection, ErrorKind};
use host_test::harness::Failure;
use host_test::sim::Fault;

/// `connection.timeout-ms` of these tests.
const TIMEOUT_MS: u32 = 300;
/// Generous: the machine may be loaded; this only catches "waited for the server".
const MARGIN: Duration = Duration::from_secs(3);
/// No message may quote more than this of anything.
const MAX_MESSAGE_BYTES: usize = 1024;

fn conn_to(base_url: String, timeout_ms: u32) -> Connection {
    Connection {
        base_url,
        auth: Some(Auth::ApiKey(API_KEY.into())),
        space_id: None,
        timeout_ms: Some(timeout_ms),
    }
}

/// Runs `op`, expects an error, and checks what every error here must satisfy:
/// returned within the timeout plus margin, a short non-empty message, no secret.
fn failing<T: std::fmt::Debug>(
    timeout_ms: u32,
    op: impl FnOnce() -> anyhow::Result<Result<T, Failure>>,
) -> Failure {
    harness(); // compiled once per test binary: not part of any timing
    let started = Instant::now();
    let result = op().expect("the component must not trap");
    let elapsed = started.elapsed();
    let err = result.expect_err("expected the operation to fail");
    assert!(
        elapsed < Duration::from_millis(timeout_ms.into()) + MARGIN,
        "took {elapsed:?} with timeout-ms {timeout_ms}: {err:?}"
    );
    assert!(
        !err.message.trim().is_empty() && err.message.len() <= MAX_MESSAGE_BYTES,
        "message of {} bytes: {:?}",
        err.message.len(),
        err.message
    );
    assert!(!err.message.contains(API_KEY), "{}", err.message);
    err
}

/// `get-case-status` against `conn`, which must fail.
fn status_err(conn: &Connection) -> Failure {
    let timeout = conn.timeout_ms.unwrap_or(30_000);
    failing(timeout, || harness().get_case_status(conn, "case-1"))
}

fn assert_kind(err: &Failure, status: i32, kind: ErrorKind, says: &[&str]) {
    assert_eq!((err.status_code, err.kind), (status, kind), "{err:?}");
    for words in says {
        assert!(
            err.message.contains(words),
            "message should say {words:?}: {:?}",
            err.message
        );
    }
}

// ------------------------------------------------------------------ raw TCP stub

/// Blocks until the client closes the connection (or the stub's read timeout).
fn wait_for_close(stream: &mut TcpStream) {
    let mut sink = [0u8; 256];
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
}

/// A stub that reads the request, writes `raw`, and closes (FIN).
fn answer(raw: Vec<u8>) -> String {
    stub(move |mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(&raw);
        let _ = stream.flush();
        let _ = stream.shutdown(std::net::Shutdown::Write);
        wait_for_close(&mut stream);
    })
}

/// A complete HTTP/1.1 answer with `content-length`.
fn http(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut raw = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    raw
}

/// A port that nobody listens on (bound, then released).
fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
}

// ------------------------------------------------------------------ no connection

#[test]
fn connection_refused_is_unreachable_and_names_the_server() {
    let addr = free_port();
    let err = status_err(&conn_to(format!("http://{addr}"), TIMEOUT_MS));
    assert_kind(
        &err,
        0,
        ErrorKind::Unreachable,
        &["connection refused", &format!("http://{addr}")],
    );
}

#[test]
fn dns_failure_is_unreachable() {
    let err = status_err(&conn_to("http://kibana.invalid:5601".into(), TIMEOUT_MS));
    assert_kind(
        &err,
        0,
        ErrorKind::Unreachable,
        &["DNS", "http://kibana.invalid:5601"],
    );
}

/// A listener whose accept queue is full makes Linux drop further SYNs: the
/// connect hangs and only the connect timeout ends it. std listens with a backlog
/// of 128, so 129 unaccepted connections fill the queue; the first connect that
/// times out proves it.
#[test]
fn connect_timeout_when_the_accept_queue_is_full() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut held = Vec::new();
    let mut full = false;
    for _ in 0..4096 {
        match TcpStream::connect_timeout(&addr, Duration::from_millis(200)) {
            Ok(stream) => held.push(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                full = true;
                break;
            }
            Err(e) => panic!("unexpected connect error while filling the queue: {e}"),
        }
    }
    assert!(
        full,
        "the accept queue never filled after {} connections",
        held.len()
    );

    // A timeout, even of the connect: hosts do not all report that one only
    // before sending, so a read may be retried and a create may not.
    let conn = conn_to(format!("http://{addr}"), TIMEOUT_MS);
    let err = status_err(&conn);
    assert_kind(&err, 0, ErrorKind::Timeout, &["300 ms"]);
    assert!(err.retryable, "{err:?}");
    let err = failing(TIMEOUT_MS, || {
        harness().create_case(&conn, &common::case_input("never sent"))
    });
    assert_kind(&err, 0, ErrorKind::Timeout, &["300 ms"]);
    assert!(!err.retryable, "{err:?}");
    drop(held);
    drop(listener);
}

// ------------------------------------------------------------------ no (whole) answer

#[test]
fn headers_that_never_come_are_a_timeout() {
    // Reads the request, then says nothing.
    let silent = stub(|mut stream| {
        read_request(&mut stream);
        wait_for_close(&mut stream);
    });
    let err = status_err(&conn_to(silent, TIMEOUT_MS));
    assert_kind(&err, 0, ErrorKind::Timeout, &["no answer", "300 ms"]);

    // The status line and one header, then nothing: the head never completes.
    let half_head = stub(|mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n");
        let _ = stream.flush();
        wait_for_close(&mut stream);
    });
    let err = status_err(&conn_to(half_head, TIMEOUT_MS));
    assert_kind(&err, 0, ErrorKind::Timeout, &["300 ms"]);
}

#[test]
fn a_body_that_stalls_is_a_timeout() {
    // The simulator sends the head and half the body, then stalls for 10 s.
    let kit = Kit::new();
    kit.sim.inject(Fault::StallBody(Duration::from_secs(10)));
    let conn = Connection {
        timeout_ms: Some(TIMEOUT_MS),
        ..kit.conn()
    };
    let err = status_err(&conn);
    assert_kind(&err, 0, ErrorKind::Timeout, &["300 ms"]);
    // The read reached Kibana once; the answer never completed. A read is safe
    // to repeat.
    assert_eq!(kit.routes(), ["GET /api/cases/case-1"]);
    assert!(err.retryable, "{err:?}");

    // A create carried out whose answer comes too late: a repeat would create a
    // second case, so it is permanent.
    kit.sim.inject(Fault::LateAnswer(Duration::from_secs(10)));
    let err = failing(TIMEOUT_MS, || {
        harness().create_case(&conn, &common::case_input("stalled"))
    });
    assert_kind(&err, 0, ErrorKind::Timeout, &["300 ms"]);
    assert!(!err.retryable, "{err:?}");
    assert_eq!(kit.sim.case_count("default"), 1);

    // The same with a chunked body whose next chunk never comes.
    let chunked = stub(|mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n6\r\n{\"id\":\r\n",
        );
        let _ = stream.flush();
        wait_for_close(&mut stream);
    });
    let err = status_err(&conn_to(chunked, TIMEOUT_MS));
    assert_kind(&err, 0, ErrorKind::Timeout, &["300 ms"]);
}

#[test]
fn a_reset_mid_body_is_a_lost_connection() {
    // The head and part of the body go out, then the connection is reset: Linux
    // sends RST when a socket is closed with unread data, so the stub leaves the
    // last byte of the request unread.
    let url = stub(|mut stream| {
        let mut seen = Vec::new();
        let mut byte = [0u8; 1];
        while !seen.ends_with(b"\r\n\r") && matches!(stream.read(&mut byte), Ok(1)) {
            seen.push(byte[0]);
        }
        let mut raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n\r\n{\"id\":\"x\",\"title\":\"".to_vec();
        raw.extend_from_slice(&[b'a'; 500]);
        let _ = stream.write_all(&raw);
        let _ = stream.flush();
        std::thread::sleep(Duration::from_millis(200));
        drop(stream);
    });
    let err = status_err(&conn_to(url, 5_000));
    assert_kind(
        &err,
        0,
        ErrorKind::ConnectionLost,
        &["lost the connection to Kibana"],
    );
    assert!(err.retryable, "a read may be repeated: {err:?}");
    // Mid-body as a rule; on a loaded machine the reset may overtake the head.
    assert!(
        err.message.contains("the answer broke off") || err.message.contains("reset"),
        "{}",
        err.message
    );
}

#[test]
fn a_body_shorter_than_its_content_length_is_a_lost_connection() {
    // content-length promises 2000 bytes; 60 come, then the server closes.
    let url = stub(|mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2000\r\n\r\n{\"id\":\"case-1\",\"title\":\"cut short\",\"status\":\"open\",\"owner\":",
        );
        let _ = stream.flush();
        let _ = stream.shutdown(std::net::Shutdown::Both);
    });
    let err = status_err(&conn_to(url, TIMEOUT_MS));
    assert_kind(
        &err,
        0,
        ErrorKind::ConnectionLost,
        &["lost the connection to Kibana", "the answer broke off"],
    );

    // A chunked body that ends without its last chunk.
    let url = stub(|mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n6\r\n{\"id\":\r\n",
        );
        let _ = stream.flush();
        let _ = stream.shutdown(std::net::Shutdown::Both);
    });
    let err = status_err(&conn_to(url, TIMEOUT_MS));
    assert_kind(
        &err,
        0,
        ErrorKind::ConnectionLost,
        &["lost the connection to Kibana", "the answer broke off"],
    );
}

// ------------------------------------------------------------------ answers that make no sense

#[test]
fn complete_but_truncated_json_is_invalid_response() {
    let body = br#"{"page":1,"per_page":20,"total":1,"cases":[{"id":"a","title":"Phish"#;
    let url = answer(http("200 OK", "application/json", body));
    let conn = conn_to(url, TIMEOUT_MS);
    let input = many_cases();
    let err = failing(TIMEOUT_MS, || harness().get_many_cases(&conn, &input));
    assert_kind(
        &err,
        502,
        ErrorKind::InvalidResponse,
        &["Kibana answered 200", "page of cases", "EOF"],
    );
}

#[test]
fn html_with_200_is_invalid_response_and_not_quoted_at_length() {
    // An SSO proxy's login page, 100 KB, answered with 200.
    let page = format!(
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body>{}</body></html>",
        "<p>Please sign in to continue.</p>\n".repeat(3000)
    );
    let url = answer(http("200 OK", "text/html; charset=utf-8", page.as_bytes()));
    let err = status_err(&conn_to(url, TIMEOUT_MS));
    assert_kind(
        &err,
        502,
        ErrorKind::InvalidResponse,
        &["Kibana answered 200 but the body is not a valid case"],
    );
    assert!(err.message.chars().count() <= 512, "{}", err.message);
}

#[test]
fn valid_json_of_the_wrong_shape_is_invalid_response() {
    let kit = Kit::new();
    let conn = Connection {
        timeout_ms: Some(TIMEOUT_MS),
        ..kit.conn()
    };
    for body in [
        "",
        "null",
        "[]",
        "\"a string\"",
        "42",
        r#"{"id":1}"#,
        r#"{"id":"a","status":"open"}"#,
        r#"{"id":"a","status":"resolved","owner":"securitySolution"}"#,
        r#"{"id":"a","status":"open","owner":"securitySolution","severity":"apocalyptic"}"#,
        r#"{"id":"a","status":"open","owner":"securitySolution","tags":"not-a-list"}"#,
        r#"{"id":"a","status":"open","owner":"securitySolution","totalComment":-1}"#,
    ] {
        kit.sim.inject(Fault::Status(200, body.into()));
        let err = status_err(&conn);
        assert_kind(
            &err,
            502,
            ErrorKind::InvalidResponse,
            &["Kibana answered 200 but the body is not a valid case"],
        );
    }

    // A page whose `cases` is not a list; a comment page without `comments`.
    kit.sim
        .inject(Fault::Status(200, r#"{"cases":{"id":"a"}}"#.into()));
    let input = many_cases();
    let err = failing(TIMEOUT_MS, || kit.h.get_many_cases(&conn, &input));
    assert_kind(&err, 502, ErrorKind::InvalidResponse, &["page of cases"]);

    kit.sim
        .inject(Fault::Status(200, r#"{"page":1,"total":3}"#.into()));
    let input = case_comments::GetManyCommentsInput {
        case_id: "case-1".into(),
        page: None,
        per_page: None,
        return_all: false,
        limit: None,
        max_in_flight: None,
    };
    let err = failing(TIMEOUT_MS, || kit.h.get_many_comments(&conn, &input));
    assert_kind(&err, 502, ErrorKind::InvalidResponse, &["comments"]);

    // A comment answered with a case.
    kit.sim.inject(Fault::Status(
        200,
        r#"{"title":"a case","status":"open","owner":"cases"}"#.into(),
    ));
    let err = failing(TIMEOUT_MS, || {
        kit.h.get_comment(&conn, "case-1", "comment-1")
    });
    assert_kind(
        &err,
        502,
        ErrorKind::InvalidResponse,
        &["Kibana answered 200"],
    );
}

// ------------------------------------------------------------------ error statuses

const NGINX_413: &str = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n";

#[test]
fn proxy_html_error_pages_are_quoted_briefly() {
    // nginx refusing a write (the request, body included, is read first).
    let url = answer(http(
        "413 Request Entity Too Large",
        "text/html",
        NGINX_413.as_bytes(),
    ));
    let conn = conn_to(url, TIMEOUT_MS);
    let err = failing(TIMEOUT_MS, || {
        harness().create_case(&conn, &case_input("Big"))
    });
    assert_kind(
        &err,
        413,
        ErrorKind::ClientError,
        &["HTTP 413: <html>", "413 Request Entity Too Large", "nginx"],
    );
    assert!(!err.message.contains('\n'), "whitespace collapsed: {err:?}");

    // A 502 page of 200 KB: only its start is quoted.
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "upstream connect error or disconnect/reset before headers. ".repeat(3500)
    );
    let url = answer(http("502 Bad Gateway", "text/html", page.as_bytes()));
    let err = status_err(&conn_to(url, TIMEOUT_MS));
    assert_kind(
        &err,
        502,
        ErrorKind::ServerError,
        &["HTTP 502: <html><head><title>502 Bad Gateway</title>"],
    );
    assert!(
        err.message.chars().count() <= "HTTP 502: ".len() + 512,
        "{}",
        err.message
    );
}

#[test]
fn error_json_without_message_names_the_status() {
    let kit = Kit::new();
    let conn = Connection {
        timeout_ms: Some(TIMEOUT_MS),
        ..kit.conn()
    };
    for (status, body, kind, want) in [
        (
            503,
            r#"{"statusCode":503,"error":"Service Unavailable"}"#,
            ErrorKind::ServerError,
            "HTTP 503 Service Unavailable",
        ),
        (
            400,
            r#"{"errors":[{"code":"bad"}]}"#,
            ErrorKind::BadRequest,
            "HTTP 400 Bad Request",
        ),
        (
            500,
            r#"{"message":""}"#,
            ErrorKind::ServerError,
            "HTTP 500 Internal Server Error",
        ),
        (
            429,
            r#"["slow down"]"#,
            ErrorKind::ClientError,
            "HTTP 429 Too Many Requests",
        ),
        (504, "", ErrorKind::ServerError, "HTTP 504 Gateway Timeout"),
        (302, "", ErrorKind::ClientError, "HTTP 302 Found"),
    ] {
        kit.sim.inject(Fault::Status(status, body.into()));
        let err = status_err(&conn);
        assert_eq!(
            (err.status_code, err.kind, err.message.as_str()),
            (i32::from(status), kind, want)
        );
    }
}

#[test]
fn kibana_messages_are_passed_on_but_bounded() {
    // Kibana's own `message` is passed on whole up to 1024 characters (it is the
    // most useful thing to show); a huge one is cut.
    let kit = Kit::new();
    let conn = Connection {
        timeout_ms: Some(TIMEOUT_MS),
        ..kit.conn()
    };
    let long = "x".repeat(100_000);
    kit.sim.inject(Fault::Status(
        500,
        serde_json::json!({"statusCode": 500, "message": long}).to_string(),
    ));
    let started = Instant::now();
    let err = kit
        .h
        .get_case_status(&conn, "case-1")
        .unwrap()
        .expect_err("500");
    assert!(started.elapsed() < Duration::from_millis(TIMEOUT_MS.into()) + MARGIN);
    assert_eq!((err.status_code, err.kind), (500, ErrorKind::ServerError));
    assert_eq!(err.message.chars().count(), 1024);
}

// ------------------------------------------------------------------ too much

#[test]
fn a_50_mb_answer_is_refused_at_32_mib() {
    const SIZE: usize = 50 * 1024 * 1024;
    let url = stub(|mut stream| {
        read_request(&mut stream);
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {SIZE}\r\n\r\n"
        );
        let _ = stream.write_all(head.as_bytes());
        // `[` then spaces: valid JSON so far, whatever is read of it.
        let mut chunk = vec![b' '; 64 * 1024];
        chunk[0] = b'[';
        let mut sent = 0;
        while sent < SIZE {
            if stream.write_all(&chunk).is_err() {
                break; // the component stopped reading and closed
            }
            chunk[0] = b' ';
            sent += chunk.len();
        }
    });
    // Reading 32 MiB takes a moment on a loaded machine: the timeout is between
    // bytes, so the bound is the generous margin on top of the timeout.
    let err = status_err(&conn_to(url, 2_000));
    assert_kind(
        &err,
        502,
        ErrorKind::InvalidResponse,
        &["larger than the 32 MiB"],
    );
}

// ------------------------------------------------------------------ deep answers

/// `levels` lists, one inside the other.
fn nested(levels: usize) -> String {
    format!("{}{}", "[".repeat(levels), "]".repeat(levels))
}

/// JSON nested as deep as serde_json reads (128 levels, the answer's own
/// included) where a member may hold any JSON, and far deeper where it is only
/// skipped: every reader in the component is bounded, and its stack holds the
/// deepest of them (the test would trap otherwise).
#[test]
fn deeply_nested_answers_never_trap() {
    let kit = Kit::new();
    let conn = Connection {
        timeout_ms: Some(TIMEOUT_MS),
        ..kit.conn()
    };
    // A comment's `comment` holds any JSON: read as text, or nothing.
    kit.sim.inject(Fault::Status(
        200,
        format!(r#"{{"id":"c","comment":{}}}"#, nested(126)),
    ));
    let comment = kit.h.get_comment(&conn, "case-1", "c");
    let comment = comment.expect("the component must not trap").expect("read");
    assert_eq!(comment.comment, "");

    // One level more is refused, as invalid-response, with the member's path.
    kit.sim.inject(Fault::Status(
        200,
        format!(r#"{{"id":"c","comment":{}}}"#, nested(200)),
    ));
    let err = failing(TIMEOUT_MS, || kit.h.get_comment(&conn, "case-1", "c"));
    assert_kind(
        &err,
        502,
        ErrorKind::InvalidResponse,
        &["comment[0][0]", "recursion limit exceeded"],
    );

    // An activity's payload is kept as written.
    let payload = nested(125);
    kit.sim.inject(Fault::Status(
        200,
        format!(r#"{{"userActions":[{{"id":"a","payload":{payload}}}]}}"#),
    ));
    let input = cases::GetCaseActivityInput {
        case_id: "case-1".into(),
        page: None,
        per_page: None,
        sort_order: None,
        types: vec![],
    };
    let page = kit.h.get_case_activity(&conn, &input);
    let page = page.expect("the component must not trap").expect("read");
    assert_eq!(page.activity[0].payload, payload);

    // An unknown member that never ends: skipped without recursion however deep;
    // the error's path is found by walking the answer again, to serde_json's limit.
    kit.sim.inject(Fault::Status(
        200,
        format!(r#"{{"id":"x","extra":{}"#, "[".repeat(100_000)),
    ));
    let err = status_err(&conn);
    assert_kind(&err, 502, ErrorKind::InvalidResponse, &["extra[0][0]"]);

    // Secrets nested as deep as they may be are walked for their strings, which
    // never show up in a message.
    let depth = 126;
    let secrets = format!(
        "{}\"{SECRET_LEAF}\"{}",
        r#"{"k":"#.repeat(depth),
        "}".repeat(depth)
    );
    kit.sim.inject(Fault::Status(
        400,
        format!(r#"{{"message":"bad {SECRET_LEAF}"}}"#),
    ));
    let input = connectors::CreateConnectorInput {
        name: "deep".into(),
        connector_type_id: ".webhook".into(),
        config: None,
        secrets: Some(secrets),
        description: None,
    };
    let err = failing(TIMEOUT_MS, || kit.h.create_connector(&conn, &input));
    assert_kind(&err, 400, ErrorKind::BadRequest, &["bad <redacted>"]);
    assert!(!err.message.contains(SECRET_LEAF), "{}", err.message);
}

/// A secret deep inside a connector's secrets.
const SECRET_LEAF: &str = "s3cr3t-leaf";
