//! A small HTTP/1.1 server on `std::net`: thread per connection, keep-alive, bodies by
//! `content-length` or `transfer-encoding: chunked`, `Expect: 100-continue`, and the
//! injected faults.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::{router, util, Fault, RecordedRequest, Response, Shared, JSON_CONTENT_TYPE};

/// Kibana's default payload limit (`server.maxPayload`): 1 MiB.
pub(crate) const MAX_BODY: u64 = 1024 * 1024;
const MAX_LINE: u64 = 16 * 1024;
const MAX_HEADER_BYTES: usize = 64 * 1024;
const MAX_HEADERS: usize = 200;

/// The accept loop; ends when the simulator shuts down.
pub(crate) fn serve(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let stream = match stream {
            Ok(s) => s,
            Err(_) => {
                // e.g. too many open files: back off a little instead of spinning.
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let conn_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("kibana-sim-conn".into())
            .spawn(move || handle_connection(stream, &conn_shared));
        if spawned.is_err() {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn handle_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let id = shared.next_conn.fetch_add(1, Ordering::Relaxed);
    if let Ok(clone) = stream.try_clone() {
        shared
            .conns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, clone);
    }
    let _ = connection_loop(&stream, shared);
    shared
        .conns
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&id);
    let _ = stream.shutdown(Shutdown::Both);
}

/// What reading one request produced.
enum Incoming {
    /// The peer closed the connection (cleanly, between requests, or mid-request).
    Closed,
    /// A request that cannot be served: answer and close. The request is recorded if
    /// enough of it was read.
    Reject(Response, Option<RecordedRequest>),
    /// A complete request; `bool` = keep the connection alive afterwards.
    Request(RecordedRequest, bool),
}

fn connection_loop(stream: &TcpStream, shared: &Shared) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        if shared.shutdown.load(Ordering::SeqCst) {
            return Ok(());
        }
        let (req, keep_alive) = match read_request(&mut reader, &mut writer)? {
            Incoming::Closed => return Ok(()),
            Incoming::Reject(resp, req) => {
                if let Some(req) = req {
                    shared.lock_state().requests.push(req);
                }
                write_response(&mut writer, &resp, false)?;
                drain(stream);
                return Ok(());
            }
            Incoming::Request(req, keep_alive) => (req, keep_alive),
        };

        let fault = {
            let mut state = shared.lock_state();
            state.requests.push(req.clone());
            state.faults.pop_front()
        };
        let resp = match fault {
            None | Some(Fault::Pass) => router::handle(shared, &req),
            Some(Fault::Drop) => return Ok(()),
            Some(Fault::StallBody(pause)) => {
                let body = stalled_body();
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: {JSON_CONTENT_TYPE}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                writer.write_all(head.as_bytes())?;
                writer.write_all(&body[..body.len() / 2])?;
                writer.flush()?;
                std::thread::sleep(pause);
                return Ok(());
            }
            Some(Fault::Slow(pause)) => {
                std::thread::sleep(pause);
                router::handle(shared, &req)
            }
            Some(other) => fault_response(&other),
        };
        write_response(&mut writer, &resp, keep_alive)?;
        if !keep_alive {
            return Ok(());
        }
    }
}

/// After an early answer (e.g. 413), read and discard what the client still sends, so
/// that closing does not reset the connection before the client has read the answer.
fn drain(stream: &TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(300)));
    let mut sink = [0u8; 16 * 1024];
    let mut total = 0usize;
    let mut reader = stream;
    while total < 64 * 1024 * 1024 {
        match reader.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n,
        }
    }
}

/// The fixed answer whose body is cut in half by `Fault::StallBody`.
fn stalled_body() -> Vec<u8> {
    let value = json!({
        "id": "stalled-response",
        "title": "This body is never completed",
        "description": "x".repeat(512),
    });
    serde_json::to_vec(&value).unwrap_or_default()
}

fn fault_response(fault: &Fault) -> Response {
    match fault {
        Fault::Status500 => Response::error(500, "An internal server error occurred."),
        Fault::Status(status, body) => Response::raw(*status, JSON_CONTENT_TYPE, body.as_bytes()),
        Fault::Html502 => Response::raw(
            502,
            "text/html",
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        ),
        Fault::InvalidJson200 => Response::raw(200, JSON_CONTENT_TYPE, "{\"id\": \"x\", \"title\": "),
        Fault::WrongShape200 => Response::raw(200, JSON_CONTENT_TYPE, "{\"unexpected\": true}"),
        // Handled by the caller; a plain 500 if ever reached.
        Fault::Pass | Fault::Slow(_) | Fault::StallBody(_) | Fault::Drop => {
            Response::error(500, "An internal server error occurred.")
        }
    }
}

fn write_response(w: &mut impl Write, resp: &Response, keep_alive: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        resp.status,
        util::reason_phrase(resp.status)
    );
    let bodiless = resp.status == 204 || resp.status == 304 || (100..200).contains(&resp.status);
    if !bodiless {
        if let Some(ct) = resp.content_type {
            head.push_str(&format!("content-type: {ct}\r\n"));
        }
        head.push_str(&format!("content-length: {}\r\n", resp.body.len()));
    }
    head.push_str("cache-control: private, no-cache, no-store, must-revalidate\r\n");
    head.push_str("kbn-name: kibana-sim\r\n");
    head.push_str(if keep_alive {
        "connection: keep-alive\r\n\r\n"
    } else {
        "connection: close\r\n\r\n"
    });
    let mut out = head.into_bytes();
    if !bodiless {
        out.extend_from_slice(&resp.body);
    }
    w.write_all(&out)?;
    w.flush()
}

/// Read one line (up to and including `\n`), at most `MAX_LINE` bytes.
/// `Ok(None)`: EOF before any byte. Err(InvalidData): line too long.
fn read_line(r: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let n = r.by_ref().take(MAX_LINE).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        if n as u64 >= MAX_LINE {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long"));
        }
        // EOF in the middle of a line.
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "truncated line",
        ));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(Some(buf))
}

fn bad(message: &str) -> Incoming {
    Incoming::Reject(Response::bad_request(message), None)
}

fn read_request(reader: &mut impl BufRead, writer: &mut impl Write) -> io::Result<Incoming> {
    // Request line (leading empty lines are tolerated, RFC 9112 §2.2).
    let line = loop {
        match read_line(reader) {
            Ok(None) => return Ok(Incoming::Closed),
            Ok(Some(l)) if l.is_empty() => continue,
            Ok(Some(l)) => break l,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Ok(Incoming::Reject(Response::error(414, "URI Too Long"), None))
            }
            Err(_) => return Ok(Incoming::Closed),
        }
    };
    let Ok(line) = String::from_utf8(line) else {
        return Ok(bad("Invalid request line"));
    };
    let mut parts = line.split(' ').filter(|p| !p.is_empty());
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(bad("Invalid request line"));
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Ok(bad("Invalid request method"));
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Ok(bad("Unsupported HTTP version")),
    };
    // Origin form; an absolute form (`http://host/path`) is reduced to its path.
    let target = match target.find("://") {
        Some(i) if !target.starts_with('/') => {
            let rest = &target[i + 3..];
            rest.find('/').map_or("/", |j| &rest[j..])
        }
        _ => target,
    };
    if !target.starts_with('/') {
        return Ok(bad("Invalid request target"));
    }
    let target = target.split('#').next().unwrap_or(target);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));

    // Headers.
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut header_bytes = 0usize;
    loop {
        let line = match read_line(reader) {
            Ok(Some(l)) => l,
            Ok(None) => return Ok(Incoming::Closed),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Ok(Incoming::Reject(
                    Response::error(431, "Request Header Fields Too Large"),
                    None,
                ))
            }
            Err(_) => return Ok(Incoming::Closed),
        };
        if line.is_empty() {
            break;
        }
        header_bytes += line.len();
        if header_bytes > MAX_HEADER_BYTES || headers.len() >= MAX_HEADERS {
            return Ok(Incoming::Reject(
                Response::error(431, "Request Header Fields Too Large"),
                None,
            ));
        }
        let line = String::from_utf8_lossy(&line).into_owned();
        let Some((name, value)) = line.split_once(':') else {
            return Ok(bad("Invalid header line"));
        };
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Ok(bad("Invalid header name"));
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }

    let mut req = RecordedRequest {
        method: method.to_string(),
        path: path.to_string(),
        query: query.to_string(),
        headers,
        body: Vec::new(),
    };

    let connection = req
        .header("connection")
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let keep_alive = if http10 {
        connection.contains("keep-alive")
    } else {
        !connection.split(',').any(|t| t.trim() == "close")
    };
    let expect_continue = req
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));

    let chunked = req
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        if expect_continue {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            writer.flush()?;
        }
        match read_chunked(reader)? {
            Chunked::Body(body) => req.body = body,
            Chunked::TooLarge => return Ok(too_large(req)),
            Chunked::Malformed => {
                return Ok(Incoming::Reject(
                    Response::bad_request("Invalid chunked request body"),
                    Some(req),
                ))
            }
            Chunked::Eof => return Ok(Incoming::Closed),
        }
    } else if let Some(len) = content_length(&req) {
        let Some(len) = len else {
            return Ok(Incoming::Reject(
                Response::bad_request("Invalid content-length header"),
                Some(req),
            ));
        };
        if len > MAX_BODY {
            return Ok(too_large(req));
        }
        if expect_continue && len > 0 {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            writer.flush()?;
        }
        let mut body = vec![0u8; len as usize];
        if reader.read_exact(&mut body).is_err() {
            return Ok(Incoming::Closed);
        }
        req.body = body;
    }
    Ok(Incoming::Request(req, keep_alive))
}

/// `None`: no content-length header; `Some(None)`: invalid or conflicting values.
fn content_length(req: &RecordedRequest) -> Option<Option<u64>> {
    let values: Vec<&str> = req
        .headers
        .iter()
        .filter(|(k, _)| k == "content-length")
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .collect();
    let first = *values.first()?;
    if !first.bytes().all(|b| b.is_ascii_digit()) || values.iter().any(|v| *v != first) {
        return Some(None);
    }
    Some(first.parse::<u64>().ok())
}

fn too_large(req: RecordedRequest) -> Incoming {
    Incoming::Reject(
        Response::error(
            413,
            format!("Payload content length greater than maximum allowed: {MAX_BODY}"),
        ),
        Some(req),
    )
}

enum Chunked {
    Body(Vec<u8>),
    TooLarge,
    Malformed,
    Eof,
}

fn read_chunked(reader: &mut impl BufRead) -> io::Result<Chunked> {
    let mut body = Vec::new();
    loop {
        let line = match read_line(reader) {
            Ok(Some(l)) => l,
            Ok(None) => return Ok(Chunked::Eof),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => return Ok(Chunked::Malformed),
            Err(_) => return Ok(Chunked::Eof),
        };
        let line = String::from_utf8_lossy(&line);
        let size_str = line.split(';').next().unwrap_or("").trim();
        let Ok(size) = u64::from_str_radix(size_str, 16) else {
            return Ok(Chunked::Malformed);
        };
        if size == 0 {
            // Trailers until the empty line.
            loop {
                match read_line(reader) {
                    Ok(Some(l)) if l.is_empty() => return Ok(Chunked::Body(body)),
                    Ok(Some(_)) => continue,
                    Ok(None) => return Ok(Chunked::Eof),
                    Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                        return Ok(Chunked::Malformed)
                    }
                    Err(_) => return Ok(Chunked::Eof),
                }
            }
        }
        if body.len() as u64 + size > MAX_BODY {
            return Ok(Chunked::TooLarge);
        }
        let start = body.len();
        body.resize(start + size as usize, 0);
        if reader.read_exact(&mut body[start..]).is_err() {
            return Ok(Chunked::Eof);
        }
        match read_line(reader) {
            Ok(Some(l)) if l.is_empty() => {}
            Ok(Some(_)) => return Ok(Chunked::Malformed),
            Ok(None) | Err(_) => return Ok(Chunked::Eof),
        }
    }
}
