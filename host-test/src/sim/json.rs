//! Request-body parsing and the validation helpers shared by the route handlers.
//! Messages imitate Kibana's (io-ts for Cases, `@kbn/config-schema` for Actions).

use serde_json::{Map, Value};

use super::response::Response;

pub(crate) type Obj = Map<String, Value>;

/// The request body as a JSON object, or Kibana's 400.
pub(crate) fn body_object(body: &[u8]) -> Result<Obj, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Response::bad_request(
            "[request body]: expected a plain object value, but found [null] instead.",
        ));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| Response::bad_request("Invalid request payload JSON format"))?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(Response::bad_request(format!(
            "[request body]: expected a plain object value, but found [{}] instead.",
            type_name(&other)
        ))),
    }
}

/// The JSON type name as `@kbn/config-schema` words it.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "Array",
        Value::Object(_) => "Object",
    }
}

/// io-ts style "Invalid value" message.
pub(crate) fn invalid(field: &str, value: Option<&Value>) -> Response {
    let shown = match value {
        None => "undefined".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    Response::bad_request(format!("Invalid value \"{shown}\" supplied to \"{field}\""))
}

/// 400 `invalid keys "a,b"` for keys outside `allowed`.
pub(crate) fn check_keys(obj: &Obj, allowed: &[&str]) -> Result<(), Response> {
    refuse_unknown(obj.keys().map(String::as_str), allowed)
}

/// 400 `invalid keys "a,b"` when any of `keys` is outside `allowed` (each named once).
pub(crate) fn refuse_unknown<'a>(
    keys: impl IntoIterator<Item = &'a str>,
    allowed: &[&str],
) -> Result<(), Response> {
    let mut unknown: Vec<&str> = Vec::new();
    for key in keys {
        if !allowed.contains(&key) && !unknown.contains(&key) {
            unknown.push(key);
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

/// A required string field.
pub(crate) fn req_str(obj: &Obj, field: &str) -> Result<String, Response> {
    match obj.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        other => Err(invalid(field, other)),
    }
}

/// A string that must be one of `allowed`.
pub(crate) fn one_of(field: &str, value: &Value, allowed: &[&str]) -> Result<String, Response> {
    match value {
        Value::String(s) if allowed.contains(&s.as_str()) => Ok(s.clone()),
        other => Err(invalid(field, Some(other))),
    }
}

/// A free text field: non-blank after trim, at most `max` characters.
pub(crate) fn text(field: &str, value: &Value, max: usize) -> Result<String, Response> {
    let Value::String(s) = value else {
        return Err(invalid(field, Some(value)));
    };
    if s.trim().is_empty() {
        return Err(Response::bad_request(format!(
            "The {field} field cannot be an empty string."
        )));
    }
    if s.chars().count() > max {
        return Err(Response::bad_request(format!(
            "The length of the {field} is too long. The maximum length is {max}."
        )));
    }
    Ok(s.clone())
}

/// An array of at most `max` items.
pub(crate) fn array<'a>(
    field: &str,
    value: &'a Value,
    max: usize,
) -> Result<&'a [Value], Response> {
    let Value::Array(items) = value else {
        return Err(invalid(field, Some(value)));
    };
    if items.len() > max {
        return Err(Response::bad_request(format!(
            "The length of the field {field} is too long. Array must be of length <= {max}."
        )));
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_errors() {
        let msg = |r: Result<Obj, Response>| {
            r.err()
                .and_then(|e| serde_json::from_slice::<Value>(&e.body).ok())
                .map(|v| v["message"].clone())
        };
        assert_eq!(
            msg(body_object(b"")),
            Some(Value::from(
                "[request body]: expected a plain object value, but found [null] instead."
            ))
        );
        assert_eq!(
            msg(body_object(b"{\"a\":")),
            Some(Value::from("Invalid request payload JSON format"))
        );
        assert_eq!(
            msg(body_object(b"[1]")),
            Some(Value::from(
                "[request body]: expected a plain object value, but found [Array] instead."
            ))
        );
        assert!(body_object(b"{\"a\":1}").is_ok());
    }
}
