//! What a route handler answers: a status, a content type and a body, and Kibana's
//! JSON error body.

use serde_json::{json, Value};

pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// An answer produced by a route handler.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: Option<&'static str>,
    pub(crate) body: Vec<u8>,
    /// A JSON body not written yet: the server writes it once the handler has
    /// released the state (see [`Response::json_later`]).
    later: Option<Value>,
}

/// A handler's result: `Err` carries an error answer, so `?` can be used for validation.
pub(crate) type Handled = Result<Response, Response>;

impl Response {
    pub(crate) fn json(status: u16, value: &Value) -> Response {
        Response {
            status,
            content_type: Some(JSON_CONTENT_TYPE),
            body: serde_json::to_vec(value).unwrap_or_default(),
            later: None,
        }
    }

    /// A JSON answer written out (and its `Value` dropped) by the server, outside
    /// the state's lock: for large answers, so that requests served together do not
    /// wait for each other's serializing.
    pub(crate) fn json_later(status: u16, value: Value) -> Response {
        Response {
            status,
            content_type: Some(JSON_CONTENT_TYPE),
            body: Vec::new(),
            later: Some(value),
        }
    }

    /// The body's bytes.
    pub(crate) fn into_body(self) -> Vec<u8> {
        match self.later {
            Some(value) => serde_json::to_vec(&value).unwrap_or_default(),
            None => self.body,
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
            later: None,
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
            later: None,
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
