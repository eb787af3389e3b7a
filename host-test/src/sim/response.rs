//! What a route handler answers: a status, a content type and a body, and Kibana's
//! JSON error body.

use serde::Serialize;
use serde_json::{json, Value};

pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// An answer produced by a route handler.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) body: Vec<u8>,
}

/// A handler's result: `Err` carries an error answer, so `?` can be used for validation.
pub(crate) type Handled = Result<Response, Response>;

impl Response {
    /// A JSON answer: a `Value`, or a view that writes the state's objects out
    /// without copying them into one (a page of cases).
    pub(crate) fn json(status: u16, value: &impl Serialize) -> Response {
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
                "error": error_name(status),
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

/// The `error` of Kibana's error body: hapi's name for the status, which for a few
/// statuses is an older wording than the HTTP reason phrase.
fn error_name(status: u16) -> &'static str {
    match status {
        408 => "Request Time-out",
        413 => "Request Entity Too Large",
        504 => "Gateway Time-out",
        other => http::StatusCode::from_u16(other)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Unknown"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_name_the_status_as_kibana_does() {
        let name = |status| {
            let body: Value = serde_json::from_slice(&Response::error(status, "m").body).unwrap();
            body["error"].as_str().unwrap_or_default().to_string()
        };
        assert_eq!(name(400), "Bad Request");
        assert_eq!(name(406), "Not Acceptable");
        assert_eq!(name(413), "Request Entity Too Large");
        assert_eq!(name(500), "Internal Server Error");
    }
}
