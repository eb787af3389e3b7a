//! Percent-encoding of the pieces that go into a Kibana URL: one path segment
//! (a case or comment id) and one query value.
//!
//! Both encode every byte of the UTF-8 form except RFC 3986's unreserved characters
//! (`A-Za-z0-9-._~`), so an id can never add a path segment, start a query or a
//! fragment, or be normalised away by a proxy.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt::Write as _;

/// Whether RFC 3986 lets the byte stand for itself in any URL component.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes every byte except the unreserved ones.
fn encode_bytes(text: &str, out: &mut String) {
    for &byte in text.as_bytes() {
        if is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

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
    let mut out = String::with_capacity(text.len());
    encode_bytes(text, &mut out);
    out
}

/// Encodes `text` as a query value (a space becomes `%20`, never `+`, which some
/// servers would keep as a literal plus).
pub fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    encode_bytes(text, &mut out);
    out
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
        encode_bytes(value, &mut out);
    }
    out
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
}
