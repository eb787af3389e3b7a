//! Routes of connectors (`/api/actions/...`). Secrets are validated but never stored nor echoed.

use serde_json::{json, Map, Value};

use super::json::{self as j, Obj};
use super::request::Ctx;
use super::response::{Handled, Response};
use super::State;

const TYPES: &[&str] = &[
    ".email",
    ".index",
    ".jira",
    ".pagerduty",
    ".resilient",
    ".servicenow",
    ".servicenow-sir",
    ".servicenow-itom",
    ".slack",
    ".slack_api",
    ".swimlane",
    ".teams",
    ".webhook",
    ".cases-webhook",
    ".xmatters",
    ".server-log",
    ".opsgenie",
    ".tines",
    ".torq",
    ".d3security",
    ".bedrock",
    ".gen-ai",
    ".gemini",
    ".inference",
    ".sentinelone",
];

/// A stored connector.
pub(crate) struct Connector {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) type_id: String,
    pub(crate) config: Value,
}

fn render(c: &Connector) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("id".into(), json!(c.id));
    out.insert("name".into(), json!(c.name));
    out.insert("connector_type_id".into(), json!(c.type_id));
    out.insert("config".into(), c.config.clone());
    out.insert("is_preconfigured".into(), json!(false));
    out.insert("is_deprecated".into(), json!(false));
    out.insert("is_missing_secrets".into(), json!(false));
    out.insert("is_system_action".into(), json!(false));
    out
}

fn not_found(id: &str) -> Response {
    Response::not_found(format!("Saved object [action/{id}] not found"))
}

/// `@kbn/config-schema` type error for a request-body key.
fn expected(key: &str, ty: &str, got: Option<&Value>) -> Response {
    Response::bad_request(format!(
        "[request body.{key}]: expected value of type [{ty}] but got [{}]",
        got.map_or("undefined", j::type_name)
    ))
}

/// An optional object field (`{}` when absent).
fn object_field(body: &Obj, key: &str) -> Result<Obj, Response> {
    match body.get(key) {
        None => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m.clone()),
        other => Err(expected(key, "Object", other)),
    }
}

/// Require string keys in a connector's config or secrets.
fn require(obj: &Obj, what: &str, keys: &[&str]) -> Result<(), Response> {
    for key in keys {
        match obj.get(*key) {
            Some(Value::String(_)) => {}
            other => {
                return Err(Response::bad_request(format!(
                    "error validating action type {what}: [{key}]: expected value of type [string] but got [{}]",
                    other.map_or("undefined", j::type_name)
                )))
            }
        }
    }
    Ok(())
}

/// `POST /api/actions/connector` and `POST /api/actions/connector/{id}`
pub(crate) fn create(ctx: &Ctx, state: &mut State, id: Option<&str>) -> Handled {
    let body = j::body_object(&ctx.req.body)?;
    for key in body.keys() {
        if !["name", "connector_type_id", "config", "secrets"].contains(&key.as_str()) {
            return Err(Response::bad_request(format!(
                "[request body.{key}]: definition for this key is missing"
            )));
        }
    }
    let name = match body.get("name") {
        Some(Value::String(s)) => s.clone(),
        other => return Err(expected("name", "string", other)),
    };
    if name.trim().is_empty() {
        return Err(Response::bad_request(
            "[request body.name]: value '' is not valid",
        ));
    }
    let type_id = match body.get("connector_type_id") {
        Some(Value::String(s)) => s.clone(),
        other => return Err(expected("connector_type_id", "string", other)),
    };
    let mut config = object_field(&body, "config")?;
    let secrets = object_field(&body, "secrets")?;
    if !TYPES.contains(&type_id.as_str()) {
        return Err(Response::bad_request(format!(
            "Connector type \"{type_id}\" is not registered."
        )));
    }
    match type_id.as_str() {
        ".index" => {
            require(&config, "config", &["index"])?;
            config.entry("refresh").or_insert(json!(false));
            config.entry("executionTimeField").or_insert(Value::Null);
        }
        ".webhook" => {
            require(&config, "config", &["url"])?;
            config.entry("method").or_insert(json!("post"));
            config.entry("headers").or_insert(Value::Null);
            config.entry("hasAuth").or_insert(json!(true));
        }
        ".jira" => {
            require(&config, "config", &["apiUrl", "projectKey"])?;
            require(&secrets, "secrets", &["email", "apiToken"])?;
        }
        ".slack" => require(&secrets, "secrets", &["webhookUrl"])?,
        ".email" => require(&config, "config", &["from"])?,
        _ => {}
    }
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let id = match id {
        Some(id) => {
            if space.connectors.iter().any(|c| c.id == id) {
                return Err(Response::error(
                    409,
                    format!("Saved object [action/{id}] conflict"),
                ));
            }
            id.to_string()
        }
        None => state.ids.new_id(),
    };
    let connector = Connector {
        id,
        name,
        type_id,
        config: Value::Object(config),
    };
    let answer = render(&connector);
    space.connectors.push(connector);
    Ok(Response::ok(&Value::Object(answer)))
}

/// `GET /api/actions/connector/{id}`
pub(crate) fn get(ctx: &Ctx, state: &mut State, id: &str) -> Handled {
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let c = space
        .connectors
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| not_found(id))?;
    Ok(Response::ok(&Value::Object(render(c))))
}

/// `GET /api/actions/connectors`
pub(crate) fn list(ctx: &Ctx, state: &mut State) -> Handled {
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let all: Vec<Value> = space
        .connectors
        .iter()
        .map(|c| {
            let mut m = render(c);
            m.insert("referenced_by_count".into(), json!(0));
            Value::Object(m)
        })
        .collect();
    Ok(Response::ok(&Value::Array(all)))
}

/// `DELETE /api/actions/connector/{id}`
pub(crate) fn delete(ctx: &Ctx, state: &mut State, id: &str) -> Handled {
    let space = state.spaces.entry(ctx.space.clone()).or_default();
    let idx = space
        .connectors
        .iter()
        .position(|c| c.id == id)
        .ok_or_else(|| not_found(id))?;
    space.connectors.remove(idx);
    Ok(Response::no_content())
}
