//! A request as the simulator received it ([`RecordedRequest`], what tests read back
//! from the request log) and as route handlers see it ([`Ctx`]: space, user, query).

use std::fmt;
use std::time::Duration;

use serde_json::{json, Value};

use super::json as j;
use super::response::Response;
use super::saved_objects::user_json;
use super::url;
use super::SimConfig;

/// One request as the simulator received it.
#[derive(Clone)]
pub struct RecordedRequest {
    pub method: String,
    /// Path only, still percent-encoded as received.
    pub path: String,
    /// Raw query string without `?`; `""` if none.
    pub query: String,
    /// Header names lowercased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When it was received (its head and body), from the simulator's start.
    pub received: Duration,
    /// How many requests the simulator was serving when this one was received,
    /// itself included: more than 1 means that it overlapped others in time.
    pub serving: usize,
}

impl RecordedRequest {
    /// The first header with that (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The query as percent-decoded pairs (`+` is a space), in order, repeats kept.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::parse_query_lossy(&self.query)
    }

    /// The percent-decoded path.
    pub fn decoded_path(&self) -> String {
        url::decode_path_lossy(&self.path)
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(String, String)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|(k, v)| {
                        let secret = matches!(
                            k.as_str(),
                            "authorization" | "proxy-authorization" | "cookie"
                        );
                        (k.as_str(), if secret { "<redacted>" } else { v.as_str() })
                    }))
                    .finish()
            }
        }
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &Headers(&self.headers))
            // Bodies can carry connector secrets: only their size is shown.
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("received", &self.received)
            .field("serving", &self.serving)
            .finish()
    }
}

/// Kibana's limits on paging: at most 100 per page, 10,000 documents in all.
pub(crate) const MAX_PER_PAGE: u64 = 100;
pub(crate) const MAX_DOCS: u64 = 10_000;

/// Per-request context given to route handlers.
pub(crate) struct Ctx<'a> {
    pub(crate) config: &'a SimConfig,
    pub(crate) req: &'a RecordedRequest,
    /// The space addressed (`default` without `/s/` prefix).
    pub(crate) space: String,
    /// The authenticated user name (`elastic` for API keys).
    pub(crate) username: String,
    /// Decoded query pairs.
    pub(crate) query: Vec<(String, String)>,
}

impl Ctx<'_> {
    pub(crate) fn user(&self) -> Value {
        user_json(&self.username)
    }

    /// All values of a query key.
    pub(crate) fn query_all(&self, key: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The last value of a query key.
    pub(crate) fn query_one(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// 400 when the query has a key outside `allowed`.
    pub(crate) fn check_query_keys(&self, allowed: &[&str]) -> Result<(), Response> {
        j::refuse_unknown(self.query.iter().map(|(k, _)| k.as_str()), allowed)
    }

    /// `page` and `perPage` with Kibana's defaults and limits.
    pub(crate) fn paging(&self) -> Result<(u64, u64), Response> {
        let int = |key: &str, default: u64| -> Result<u64, Response> {
            match self.query_one(key) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u64>()
                    .map_err(|_| j::invalid(key, Some(&json!(v)))),
            }
        };
        let page = int("page", 1)?;
        let per_page = int("perPage", 20)?;
        if page == 0 {
            return Err(j::invalid("page", Some(&json!("0"))));
        }
        if per_page > MAX_PER_PAGE {
            return Err(Response::bad_request(format!(
                "The provided perPage value is too high. The maximum allowed perPage value is {MAX_PER_PAGE}."
            )));
        }
        if page.saturating_mul(per_page) > MAX_DOCS {
            return Err(Response::bad_request(
                "The number of documents is too high. Paginating through more than 10,000 documents is not possible.",
            ));
        }
        Ok((page, per_page))
    }

    /// `sortOrder`: `true` for descending.
    pub(crate) fn sort_desc(&self, default_desc: bool) -> Result<bool, Response> {
        match self.query_one("sortOrder") {
            None => Ok(default_desc),
            Some("desc") => Ok(true),
            Some("asc") => Ok(false),
            Some(other) => Err(j::invalid("sortOrder", Some(&json!(other)))),
        }
    }
}

/// The items of `items` on page `page` of `per_page`.
pub(crate) fn page_slice<T>(items: &[T], page: u64, per_page: u64) -> &[T] {
    let start = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let start = start.min(items.len());
    let end = start
        .saturating_add(usize::try_from(per_page).unwrap_or(usize::MAX))
        .min(items.len());
    &items[start..end]
}
