//! The control routes of a simulator started with `SimConfig::control`
//! (`elastic-security stub --control`): what a test that drives the simulator from
//! another process needs (the Obelisk end-to-end test). Kibana has no `/_sim/`
//! routes; these are not recorded and meet no fault.
//!
//! - `POST /_sim/faults` `{"fault": "status", "status": 503, "times": 3}`: queue a
//!   fault for the next requests (`times`, default 1). Faults: `pass`, `status`
//!   (with Kibana's JSON error body; optional `message`), `drop`, `slow`,
//!   `late-answer` and `stall-body` (with `millis`), `invalid-json` (a 200).
//! - `POST /_sim/latency` `{"millis": 20}`: every answer takes that long from now on
//!   (0: none).
//! - `GET /_sim/requests`: the requests received, oldest first, as
//!   `{method, path, query, auth, serving}` (`serving`: how many requests the
//!   simulator was serving when it came, itself included); `auth` says whether the credentials were
//!   accepted, never what they were (`api-key accepted`, `api-key refused`,
//!   `basic accepted`, ..., `none`). A refused API key also gives its first 15
//!   characters (`auth-key-prefix`), enough to tell a host's placeholder
//!   (`OBELISK_SECRET_...`) from a key.
//! - `DELETE /_sim/requests`: forget them. `DELETE /_sim/faults`: drop the queue.
//! - `GET /_sim/cases`: the number of cases in each space.

use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};

use super::faults::Fault;
use super::request::RecordedRequest;
use super::response::Response;
use super::router::authenticate;
use super::Shared;

/// The path prefix of the control routes.
pub(crate) const PREFIX: &str = "/_sim/";

/// One fault to queue, as `POST /_sim/faults` takes it.
#[derive(Deserialize)]
#[serde(tag = "fault", rename_all = "kebab-case", deny_unknown_fields)]
enum FaultSpec {
    Pass {
        #[serde(default = "one")]
        times: usize,
    },
    Status {
        status: u16,
        #[serde(default)]
        message: Option<String>,
        #[serde(default = "one")]
        times: usize,
    },
    Drop {
        #[serde(default = "one")]
        times: usize,
    },
    Slow {
        millis: u64,
        #[serde(default = "one")]
        times: usize,
    },
    LateAnswer {
        millis: u64,
        #[serde(default = "one")]
        times: usize,
    },
    StallBody {
        millis: u64,
        #[serde(default = "one")]
        times: usize,
    },
    InvalidJson {
        #[serde(default = "one")]
        times: usize,
    },
}

fn one() -> usize {
    1
}

/// The latency `POST /_sim/latency` sets.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Latency {
    millis: u64,
}

impl FaultSpec {
    fn into_faults(self) -> (Fault, usize) {
        match self {
            FaultSpec::Pass { times } => (Fault::Pass, times),
            FaultSpec::Status {
                status,
                message,
                times,
            } => {
                let reason = http::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("Error");
                let message = message.unwrap_or_else(|| reason.to_owned());
                let body = json!({"statusCode": status, "error": reason, "message": message});
                (Fault::Status(status, body.to_string()), times)
            }
            FaultSpec::Drop { times } => (Fault::Drop, times),
            FaultSpec::Slow { millis, times } => {
                (Fault::Slow(Duration::from_millis(millis)), times)
            }
            FaultSpec::LateAnswer { millis, times } => {
                (Fault::LateAnswer(Duration::from_millis(millis)), times)
            }
            FaultSpec::StallBody { millis, times } => {
                (Fault::StallBody(Duration::from_millis(millis)), times)
            }
            FaultSpec::InvalidJson { times } => (Fault::InvalidJson200, times),
        }
    }
}

/// Answers a control request.
pub(crate) fn handle(shared: &Shared, req: &RecordedRequest) -> Response {
    let route = req.path.strip_prefix(PREFIX).unwrap_or_default();
    match (req.method.as_str(), route) {
        ("POST", "faults") => {
            let spec: FaultSpec = match serde_json::from_slice(&req.body) {
                Ok(spec) => spec,
                Err(e) => return Response::bad_request(format!("fault: {e}")),
            };
            let (fault, times) = spec.into_faults();
            let mut traffic = shared.traffic();
            for _ in 0..times.min(1000) {
                traffic.faults.push_back(fault.clone());
            }
            Response::json(200, &json!({"queued": traffic.faults.len()}))
        }
        ("POST", "latency") => {
            let spec: Latency = match serde_json::from_slice(&req.body) {
                Ok(spec) => spec,
                Err(e) => return Response::bad_request(format!("latency: {e}")),
            };
            shared.set_latency(Duration::from_millis(spec.millis));
            Response::json(200, &json!({"millis": spec.millis}))
        }
        ("DELETE", "faults") => {
            shared.traffic().faults.clear();
            Response::json(200, &json!({}))
        }
        ("GET", "requests") => {
            let requests: Vec<Value> = shared
                .traffic()
                .requests
                .iter()
                .map(|r| describe(shared, r))
                .collect();
            Response::json(200, &Value::Array(requests))
        }
        ("DELETE", "requests") => {
            shared.traffic().requests.clear();
            Response::json(200, &json!({}))
        }
        ("GET", "cases") => {
            let state = shared.read_state();
            let counts: serde_json::Map<String, Value> = state
                .spaces
                .iter()
                .map(|(space, data)| (space.clone(), json!(data.cases.len())))
                .collect();
            Response::json(200, &Value::Object(counts))
        }
        _ => Response::not_found("Not Found"),
    }
}

/// A received request without its credentials: whether they were accepted.
fn describe(shared: &Shared, r: &RecordedRequest) -> Value {
    let scheme = r
        .header("authorization")
        .and_then(|v| v.trim().split_once(' '))
        .map(|(scheme, credentials)| (scheme.to_ascii_lowercase(), credentials.trim()));
    let mut out =
        json!({"method": r.method, "path": r.path, "query": r.query, "serving": r.serving});
    let auth = match &scheme {
        None => "none".to_owned(),
        Some((scheme, credentials)) => {
            let name = if scheme == "apikey" {
                "api-key"
            } else {
                scheme
            };
            if authenticate(&shared.config, r).is_some() {
                format!("{name} accepted")
            } else {
                if name == "api-key" {
                    let prefix: String = credentials.chars().take(15).collect();
                    out["auth-key-prefix"] = json!(prefix);
                }
                format!("{name} refused")
            }
        }
    };
    out["auth"] = json!(auth);
    out
}
