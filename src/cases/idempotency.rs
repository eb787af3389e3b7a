//! Idempotent creates: the key of `create-case`, the marker tag that carries it on
//! the case, and the lookup of the case that an earlier call with the same key
//! made.
//!
//! Kibana has no idempotency key of its own, so the key travels as an ordinary
//! tag, `idempotency-key-{key}`, found again with `_find`'s `tags` filter. Kibana
//! builds that filter as a KQL `is` node on the case's `tags` (a keyword field, so
//! the match is exact); some Kibana versions escape the value for KQL first and
//! others do not, so a value with a character KQL gives a meaning to (`\():<>"*`,
//! spaces) could match differently from one version to the next. Keys (and the marker's
//! prefix) are therefore made of letters, digits, `-`, `_` and `.` only.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use super::{to_kibana_case, wire};
use crate::kibana::routes;
use crate::kibana::{Client, Request};
use crate::types::{ErrorInfo, KibanaCase};
use crate::validate::{self, invalid};
use elastic_security_wire::name_of;

/// The marker tag is this prefix and the key.
pub const MARKER_PREFIX: &str = "idempotency-key-";
/// The longest key: the marker must fit in Kibana's 256 characters of a tag.
pub const MAX_KEY: usize = validate::MAX_TAG - MARKER_PREFIX.len();

/// The marker tag of `key`, once the key is checked: 1 to [`MAX_KEY`]
/// characters from `A-Za-z0-9-_.`.
pub fn marker(key: &str) -> Result<String, ErrorInfo> {
    const FIELD: &str = "idempotency-key";
    if key.is_empty() {
        return Err(invalid(
            FIELD,
            "must not be empty (leave it out to create a case at every call)",
        ));
    }
    if let Some(bad) = key
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(invalid(
            FIELD,
            format!(
                "may hold only letters A-Z and a-z, digits, `-`, `_` and `.` (got `{}`)",
                validate::shorten(&bad.to_string(), 1)
            ),
        ));
    }
    // Only ASCII is left: bytes are characters.
    if key.len() > MAX_KEY {
        return Err(invalid(
            FIELD,
            format!("must be at most {MAX_KEY} characters (got {})", key.len()),
        ));
    }
    Ok(format!("{MARKER_PREFIX}{key}"))
}

/// `tags` with `marker` added (unless there already), within Kibana's 200 tags.
pub fn mark(mut tags: Vec<String>, marker: String) -> Result<Vec<String>, ErrorInfo> {
    if !tags.contains(&marker) {
        if tags.len() >= validate::MAX_TAGS {
            return Err(invalid(
                "tags",
                format!(
                    "at most {} tags with an idempotency-key, whose marker tag is the {}th (got {})",
                    validate::MAX_TAGS - 1,
                    validate::MAX_TAGS,
                    tags.len()
                ),
            ));
        }
        tags.push(marker);
    }
    Ok(tags)
}

/// `GET /api/cases/_find` for the oldest case of `owner` in the connection's space
/// that carries `marker`; `None` when there is none. A case in the answer without
/// the marker (a Kibana that ignored the filter) is not taken for it.
pub fn find(
    client: &Client,
    marker: &str,
    owner: wire::Owner,
) -> Result<Option<KibanaCase>, ErrorInfo> {
    let query = routes::query(&[
        ("tags", marker.to_owned()),
        ("owner", name_of(&owner)),
        ("sortField", "createdAt".to_owned()),
        ("sortOrder", "asc".to_owned()),
        ("page", "1".to_owned()),
        ("perPage", "1".to_owned()),
    ]);
    client.call(
        &Request::get(format!("/api/cases/_find?{query}")),
        "a valid page of cases",
        |found: wire::CasesPage| {
            Ok(found
                .cases
                .into_iter()
                .find(|case| case.tags.iter().any(|tag| tag == marker))
                .map(to_kibana_case))
        },
    )
}
