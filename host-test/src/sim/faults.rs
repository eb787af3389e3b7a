//! Injected faults: what the simulator serves instead of the normal answer to a
//! request. Each one is an answer, a delay, a body that stalls, or a connection
//! closed without an answer, all of which the server expresses through hyper (a
//! failed service closes the connection; a failed body ends it mid-way): none needs
//! a raw socket.

use std::time::Duration;

use serde_json::json;

use super::response::{Response, JSON_CONTENT_TYPE};

/// A fault served instead of the normal answer to the next request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally: queued before another fault, it lets that one hit a later
    /// request (e.g. the write after a read).
    Pass,
    /// 500 with Kibana's JSON error body.
    Status500,
    /// That status with that exact raw body, `content-type: application/json`.
    Status(u16, String),
    /// 502 with an nginx-style HTML page.
    Html502,
    /// 200, JSON content type, a body that is not JSON.
    InvalidJson200,
    /// 200 with valid JSON of the wrong shape.
    WrongShape200,
    /// Sleep that long, then answer normally.
    Slow(Duration),
    /// Carry the request out at once (a case is created, say), then wait that long
    /// before answering: Kibana acted, and its answer comes late or, past the
    /// client's timeout, never.
    LateAnswer(Duration),
    /// Send headers, `content-length` and half of a body, stall that long, then close.
    StallBody(Duration),
    /// Close the connection without answering.
    Drop,
}

/// How the server serves a request under a fault (or none).
pub(crate) enum Served {
    /// The normal answer, after that delay.
    Normally(Duration),
    /// The normal answer, worked out at once and sent after that delay.
    Late(Duration),
    /// This answer instead of the normal one.
    Answer(Response),
    /// A 200 whose `content-length` announces `body`, of which half is sent; then
    /// nothing for that long, then the connection is closed.
    StalledBody { body: Vec<u8>, pause: Duration },
    /// The connection closed without an answer.
    Dropped,
}

impl Served {
    /// How to serve the request that met `fault` (`None`: no fault queued).
    pub(crate) fn under(fault: Option<Fault>) -> Served {
        let Some(fault) = fault else {
            return Served::Normally(Duration::ZERO);
        };
        match fault {
            Fault::Pass => Served::Normally(Duration::ZERO),
            Fault::Slow(pause) => Served::Normally(pause),
            Fault::LateAnswer(pause) => Served::Late(pause),
            Fault::Drop => Served::Dropped,
            Fault::StallBody(pause) => Served::StalledBody {
                body: stalled_body(),
                pause,
            },
            Fault::Status500 => {
                Served::Answer(Response::error(500, "An internal server error occurred."))
            }
            Fault::Status(status, body) => {
                Served::Answer(Response::raw(status, JSON_CONTENT_TYPE, body.into_bytes()))
            }
            Fault::Html502 => Served::Answer(Response::raw(
                502,
                "text/html",
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
            )),
            Fault::InvalidJson200 => Served::Answer(Response::raw(
                200,
                JSON_CONTENT_TYPE,
                "{\"id\": \"x\", \"title\": ",
            )),
            Fault::WrongShape200 => Served::Answer(Response::raw(
                200,
                JSON_CONTENT_TYPE,
                "{\"unexpected\": true}",
            )),
        }
    }
}

/// The answer whose body `Fault::StallBody` cuts in half.
fn stalled_body() -> Vec<u8> {
    let value = json!({
        "id": "stalled-response",
        "title": "This body is never completed",
        "description": "x".repeat(512),
    });
    serde_json::to_vec(&value).unwrap_or_default()
}
