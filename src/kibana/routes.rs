//! Kibana's routes as this component addresses them, and the percent-encoding of
//! the ids and values that go into them. An id is always exactly one path
//! segment: every byte but RFC 3986's unreserved characters (`A-Za-z0-9-._~`) is
//! encoded, so an id can never add a segment, start a query or a fragment, or be
//! normalised away by a proxy.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::client::Client;
use super::enums::names_once;
use crate::types::{ErrorInfo, Owner};
use elastic_security_wire::{cases, Owned};

/// Every byte but the unreserved ones (RFC 3986 §2.3).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What a case answer is called in 502 messages.
pub const A_CASE: &str = "a valid case";
/// What a comment answer is called in 502 messages.
pub const A_COMMENT: &str = "a valid comment";

/// Encodes `text` as exactly one path segment: `a/../b?c#d` becomes
/// `a%2F..%2Fb%3Fc%23d`.
///
/// A segment that is exactly `.` or `..` would be resolved as a dot-segment by
/// clients and proxies (RFC 3986 §5.2.4) and change the route, so its dots are
/// encoded too (`%2E%2E`).
pub fn path_segment(text: &str) -> String {
    if text == "." || text == ".." {
        return "%2E".repeat(text.len());
    }
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// Encodes `text` as a query value (a space becomes `%20`, never `+`, which some
/// servers would keep as a literal plus).
pub fn query_value(text: &str) -> String {
    utf8_percent_encode(text, NOT_UNRESERVED).to_string()
}

/// Builds `key=value&key=value...` from already-chosen pairs, encoding the values.
/// Keys are Kibana's fixed parameter names and need no encoding.
pub fn query(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.extend(utf8_percent_encode(value, NOT_UNRESERVED));
    }
    out
}

/// `path` with `?owner=...`, the key repeated for each owner (each once), when
/// any is given: the owner filter of Kibana's case routes.
pub fn with_owners(mut path: String, owners: &[Owner]) -> String {
    let owners: Vec<(&str, String)> = names_once::<cases::Owner, _>(owners)
        .into_iter()
        .map(|owner| ("owner", owner))
        .collect();
    if !owners.is_empty() {
        path.push('?');
        path.push_str(&query(&owners));
    }
    path
}

/// `/api/cases/{id}`.
pub fn case_path(case_id: &str) -> String {
    format!("/api/cases/{}", path_segment(case_id))
}

/// `/api/cases/{id}/comments`.
pub fn comments_path(case_id: &str) -> String {
    format!("{}/comments", case_path(case_id))
}

/// `/api/cases/{id}/comments/{comment-id}`.
pub fn comment_path(case_id: &str, comment_id: &str) -> String {
    format!("{}/{}", comments_path(case_id), path_segment(comment_id))
}

/// The owner of a case (`GET /api/cases/{id}`). Kibana wants it repeated on a
/// comment written to the case.
pub fn case_owner(client: &Client, case_id: &str) -> Result<String, ErrorInfo> {
    owner(client, case_path(case_id), A_CASE)
}

/// The owner of a comment (`GET /api/cases/{id}/comments/{comment-id}`), which
/// Kibana wants repeated when the comment is updated.
pub fn comment_owner(
    client: &Client,
    case_id: &str,
    comment_id: &str,
) -> Result<String, ErrorInfo> {
    owner(client, comment_path(case_id, comment_id), A_COMMENT)
}

/// `GET path`, a case or a comment: its `owner`, which must be there.
fn owner(client: &Client, path: String, what: &str) -> Result<String, ErrorInfo> {
    client.call(&super::Request::get(path), what, |item: Owned| {
        Ok(item.owner)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segment_hostile_id_stays_one_segment() {
        assert_eq!(path_segment("a/../b?c#d"), "a%2F..%2Fb%3Fc%23d");
    }

    #[test]
    fn path_segment_dot_segments_are_encoded() {
        assert_eq!(path_segment("."), "%2E");
        assert_eq!(path_segment(".."), "%2E%2E");
        assert_eq!(path_segment("..."), "...");
        assert_eq!(path_segment("a.b"), "a.b");
    }

    #[test]
    fn path_segment_utf8_and_reserved() {
        assert_eq!(path_segment("é %+"), "%C3%A9%20%25%2B");
        assert_eq!(path_segment("66b9aa00-94fa_11ea~x"), "66b9aa00-94fa_11ea~x");
    }

    #[test]
    fn query_value_space_is_percent_20() {
        assert_eq!(query_value("a b&c=d"), "a%20b%26c%3Dd");
        assert_eq!(query_value("[\"x\"]"), "%5B%22x%22%5D");
    }

    #[test]
    fn query_joins_pairs_in_order() {
        let q = query(&[("page", "1".into()), ("search", "a b".into())]);
        assert_eq!(q, "page=1&search=a%20b");
        assert_eq!(query(&[]), "");
    }

    #[test]
    fn with_owners_repeats_the_key() {
        assert_eq!(
            with_owners("/api/cases/tags".into(), &[]),
            "/api/cases/tags"
        );
        assert_eq!(
            with_owners(
                "/x".into(),
                &[
                    Owner::SecuritySolution,
                    Owner::Cases,
                    Owner::SecuritySolution
                ]
            ),
            "/x?owner=securitySolution&owner=cases"
        );
    }

    #[test]
    fn routes_encode_each_id_as_one_segment() {
        assert_eq!(case_path("a/b"), "/api/cases/a%2Fb");
        assert_eq!(comments_path(".."), "/api/cases/%2E%2E/comments");
        assert_eq!(
            comment_path("c 1", "x?y"),
            "/api/cases/c%201/comments/x%3Fy"
        );
    }
}
