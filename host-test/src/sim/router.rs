//! xsrf and auth checks, space prefix, and dispatch to the route handlers.

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

use super::request::{Ctx, RecordedRequest};
use super::response::Response;
use super::{alerts, case_comments, cases, connectors, url, user_actions, Shared, SimConfig};

/// Answer one request (faults are handled by the server before this).
pub(crate) fn handle(shared: &Shared, req: &RecordedRequest) -> Response {
    let config = &shared.config;
    let method = req.method.as_str();

    if matches!(method, "POST" | "PATCH" | "PUT" | "DELETE") && req.header("kbn-xsrf").is_none() {
        return Response::bad_request("Request must contain a kbn-xsrf header.");
    }
    let Some(username) = authenticate(config, req) else {
        return Response::error(401, "Unable to authenticate with the provided credentials.");
    };

    // Split the raw path first, then decode each segment: `%2F` stays inside its segment.
    let Some(segments) = req
        .path
        .split('/')
        .skip(1)
        .map(url::decode_segment)
        .collect::<Option<Vec<String>>>()
    else {
        return Response::bad_request("Invalid request url");
    };
    let (space, route): (String, &[String]) = match segments.as_slice() {
        [s, space, rest @ ..] if s == "s" => (space.clone(), rest),
        rest => ("default".to_string(), rest),
    };
    if space != "default" && !config.spaces.contains(&space) {
        return Response::not_found("Not Found");
    }
    let Some(query) = url::parse_query(&req.query) else {
        return Response::bad_request("Invalid request query");
    };

    let ctx = Ctx {
        config,
        req,
        space,
        username,
        query,
    };
    let v8 = config.major_version < 9;
    let route: Vec<&str> = route.iter().map(String::as_str).collect();
    if let ("GET", ["api", "cases", "_find"]) = (method, route.as_slice()) {
        return cases::find(&ctx, &shared.read_state()).unwrap_or_else(|e| e);
    }
    let mut guard = shared.lock_state();
    let state = &mut *guard;
    let result = match (method, route.as_slice()) {
        ("POST", ["api", "cases"]) => cases::create(&ctx, state),
        ("PATCH", ["api", "cases"]) => cases::update(&ctx, state),
        ("DELETE", ["api", "cases"]) => cases::delete(&ctx, state),
        ("GET", ["api", "cases", "status"]) if v8 => cases::status(&ctx, state),
        ("GET", ["api", "cases", "tags"]) => cases::tags(&ctx, state),
        ("GET", ["api", "cases", "alerts", alert_id]) => {
            alerts::cases_of_alert(&ctx, state, alert_id)
        }
        ("GET", ["api", "cases", id]) => cases::get(&ctx, state, id),
        ("GET", ["api", "cases", id, "alerts"]) => alerts::of_case(&ctx, state, id),
        ("POST", ["api", "cases", id, "connector", connector_id, "_push"]) => {
            cases::push(&ctx, state, id, connector_id)
        }
        ("GET", ["api", "cases", id, "user_actions", "_find"]) => {
            user_actions::find(&ctx, state, id)
        }
        ("GET", ["api", "cases", id, "user_actions"]) if v8 => user_actions::list(&ctx, state, id),
        ("POST", ["api", "cases", id, "comments"]) => case_comments::add(&ctx, state, id),
        ("PATCH", ["api", "cases", id, "comments"]) => case_comments::update(&ctx, state, id),
        ("DELETE", ["api", "cases", id, "comments"]) => case_comments::delete_all(&ctx, state, id),
        ("GET", ["api", "cases", id, "comments"]) if v8 => case_comments::list(&ctx, state, id),
        ("GET", ["api", "cases", id, "comments", "_find"]) => case_comments::find(&ctx, state, id),
        ("GET", ["api", "cases", id, "comments", cid]) => case_comments::get(&ctx, state, id, cid),
        ("DELETE", ["api", "cases", id, "comments", cid]) => {
            case_comments::delete(&ctx, state, id, cid)
        }
        ("POST", ["api", "actions", "connector"]) => connectors::create(&ctx, state, None),
        ("POST", ["api", "actions", "connector", id]) => connectors::create(&ctx, state, Some(id)),
        ("GET", ["api", "actions", "connector", id]) => connectors::get(&ctx, state, id),
        ("DELETE", ["api", "actions", "connector", id]) => connectors::delete(&ctx, state, id),
        ("GET", ["api", "actions", "connectors"]) => connectors::list(&ctx, state),
        _ => Err(Response::not_found("Not Found")),
    };
    result.unwrap_or_else(|e| e)
}

/// Basic credentials as Kibana decodes them (Node's decoder): padding optional.
const BASIC_CREDENTIALS: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The user name for valid credentials (`elastic` for an API key), `None` otherwise.
pub(crate) fn authenticate(config: &SimConfig, req: &RecordedRequest) -> Option<String> {
    let value = req.header("authorization")?.trim();
    let (scheme, credentials) = value.split_once(' ')?;
    let credentials = credentials.trim();
    if scheme.eq_ignore_ascii_case("ApiKey") {
        config
            .api_keys
            .iter()
            .any(|k| k == credentials)
            .then(|| "elastic".to_string())
    } else if scheme.eq_ignore_ascii_case("Basic") {
        let decoded = String::from_utf8(BASIC_CREDENTIALS.decode(credentials).ok()?).ok()?;
        let (user, password) = decoded.split_once(':')?;
        config
            .users
            .iter()
            .any(|(u, p)| u == user && p == password)
            .then(|| user.to_string())
    } else {
        None
    }
}
