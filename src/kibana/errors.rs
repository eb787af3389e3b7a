//! Every failure of a call as the WIT `error`: a non-2xx status with Kibana's
//! `message` (or a short quote of a proxy's page), a 2xx answer that is not what
//! the route promises (502 `invalid-response`), and the redaction of credentials
//! from any message.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use elastic_security_wire::{Answer, KibanaError};

use super::transport::MAX_RESPONSE_BYTES;
use crate::types::{ErrorInfo, ErrorKind};

/// How much of a non-JSON error body is quoted in a message.
const MAX_QUOTE_CHARS: usize = 512;
/// Kibana's own `message` is passed on whole up to this many characters (its
/// validation messages are far shorter); no more than ~1 KB of any body is quoted.
const MAX_KIBANA_MESSAGE_CHARS: usize = 1024;
/// Replaces credentials and secrets found in a message.
const REDACTED: &str = "<redacted>";

/// Replaces every occurrence of each (non-empty) secret in the message.
pub fn redact(mut err: ErrorInfo, secrets: &[&str]) -> ErrorInfo {
    for secret in secrets {
        if !secret.is_empty() && err.message.contains(secret) {
            err.message = err.message.replace(secret, REDACTED);
        }
    }
    err
}

/// A 2xx answer whose body is not what the route promises.
#[cold]
pub fn invalid_response(status: u16, what: &str, detail: &str) -> ErrorInfo {
    let message = format!("Kibana answered {status} but the body is not {what}: {detail}");
    ErrorInfo {
        status_code: 502,
        kind: ErrorKind::InvalidResponse,
        message: truncate_chars(&message, MAX_QUOTE_CHARS),
    }
}

#[cold]
pub fn too_large() -> ErrorInfo {
    ErrorInfo {
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
#[cold]
pub fn status_error(status: u16, body: &[u8]) -> ErrorInfo {
    let message = match error_body(body) {
        Some(body) => match (body.message.0, body.error.0) {
            (Some(text), _) if !text.trim().is_empty() => {
                truncate_chars(&text, MAX_KIBANA_MESSAGE_CHARS)
            }
            (_, Some(error)) if !error.trim().is_empty() => status_line(status, &error),
            _ => status_line(status, reason_phrase(status)),
        },
        // JSON, but not an object.
        None if elastic_security_wire::is_json(body) => status_line(status, reason_phrase(status)),
        None => {
            let quote = quote_body(body);
            if quote.is_empty() {
                status_line(status, reason_phrase(status))
            } else {
                format!("HTTP {status}: {quote}")
            }
        }
    };
    ErrorInfo {
        status_code: i32::from(status),
        kind: kind_for_status(status),
        message,
    }
}

/// The body as Kibana's error object, `None` when it is not a JSON object.
fn error_body(body: &[u8]) -> Option<KibanaError> {
    // Only an object: serde's derive would also read a JSON array, element by
    // element.
    let first = body.iter().find(|byte| !byte.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    let text = core::str::from_utf8(body).ok()?;
    KibanaError::read(text).ok()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

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
    fn truncate_chars_respects_char_boundaries() {
        assert_eq!(truncate_chars("héllo", 2), "hé");
        assert_eq!(truncate_chars("hé", 5), "hé");
    }
}
