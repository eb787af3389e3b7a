//! Input validation shared by every operation: required strings, lengths, list
//! splitting, list limits and paging. Every failure is `invalid-input` with status
//! code -1 and a message that starts with the WIT field name (`title: ...`).

#[allow(unused_imports)]
use crate::rt::prelude::*;

use crate::types::{ErrorInfo, ErrorKind};

/// Kibana's limits (see the WIT docs and Kibana's case schema).
pub const MAX_TITLE: usize = 160;
pub const MAX_DESCRIPTION: usize = 30_000;
pub const MAX_COMMENT: usize = 30_000;
pub const MAX_TAGS: usize = 200;
pub const MAX_TAG: usize = 256;
pub const MAX_ASSIGNEES: usize = 10;
pub const MAX_CASE_IDS: usize = 100;
pub const MAX_PER_PAGE: u32 = 100;
pub const MAX_PAGE_WINDOW: u64 = 10_000;
pub const DEFAULT_PER_PAGE: u32 = 20;
/// `limit` of the operations that return all: the default, and at most Kibana's
/// window.
pub const DEFAULT_LIMIT: u32 = 1000;
/// `max-in-flight` of the operations that send requests together: the default,
/// and at most this many (1 sends one request after the other).
pub const DEFAULT_IN_FLIGHT: u32 = 4;
pub const MAX_IN_FLIGHT: u32 = 16;
/// Elasticsearch's limit for a document `_id` (512 bytes): no Kibana case, comment,
/// alert or user profile id is longer. Also keeps every path short.
pub const MAX_ID_BYTES: usize = 512;
/// Elasticsearch's limit for an index name (255 bytes), for `alert-index`.
pub const MAX_INDEX_BYTES: usize = 255;
/// Kibana's `_find` array parameters (`assignees`, ...) take at most 100 values.
pub const MAX_FILTER_VALUES: usize = 100;
/// The search text of `get-many-cases`: sent in the URL, whose request line must fit
/// in Kibana's 16 KiB limit for a request head (Node.js `maxHeaderSize`) once
/// percent-encoded (up to 3 bytes per byte).
pub const MAX_SEARCH_BYTES: usize = 4096;
/// A route's encoded query, at most (the rest of the 16 KiB head is headers).
pub const MAX_QUERY_BYTES: usize = 12 * 1024;
/// The fields Kibana's `searchFields` accepts (`GET /api/cases/_find`).
pub const SEARCH_FIELDS: [&str; 2] = ["title", "description"];

/// A parameter error: nothing was sent.
#[cold]
pub fn invalid(field: &str, problem: impl core::fmt::Display) -> ErrorInfo {
    ErrorInfo {
        status_code: -1,
        kind: ErrorKind::InvalidInput,
        message: format!("{field}: {problem}"),
    }
}

/// Length as Kibana measures it: JavaScript's `string.length`, i.e. UTF-16 code
/// units, so that what passes here also passes Kibana's own check.
pub fn length(value: &str) -> usize {
    value.encode_utf16().count()
}

/// A value that must contain something other than whitespace. Returned unchanged.
pub fn required<'a>(field: &str, value: &'a str) -> Result<&'a str, ErrorInfo> {
    if value.trim().is_empty() {
        return Err(invalid(field, "must not be blank"));
    }
    Ok(value)
}

/// A required text of at most `max` characters.
pub fn text<'a>(field: &str, value: &'a str, max: usize) -> Result<&'a str, ErrorInfo> {
    required(field, value)?;
    max_length(field, value, max)?;
    Ok(value)
}

/// At most `max` characters.
pub fn max_length(field: &str, value: &str, max: usize) -> Result<(), ErrorInfo> {
    let len = length(value);
    if len > max {
        return Err(invalid(
            field,
            format!("must be at most {max} characters (got {len})"),
        ));
    }
    Ok(())
}

/// At most `max` bytes of UTF-8 (for ids and values whose limit is in bytes).
pub fn max_bytes(field: &str, value: &str, max: usize) -> Result<(), ErrorInfo> {
    let len = value.len();
    if len > max {
        return Err(invalid(
            field,
            format!("must be at most {max} bytes (got {len})"),
        ));
    }
    Ok(())
}

/// An id (case, comment, alert): non-blank, at most 512 bytes; surrounding
/// whitespace is dropped because no Kibana id has any.
pub fn id<'a>(field: &str, value: &'a str) -> Result<&'a str, ErrorInfo> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid(field, "must not be blank"));
    }
    max_bytes(field, trimmed, MAX_ID_BYTES)?;
    Ok(trimmed)
}

/// `none` or blank becomes `None`.
pub fn optional(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.trim().is_empty())
}

/// Splits every item on commas, trims the pieces and drops empty ones.
pub fn split_list(items: &[String]) -> Vec<String> {
    items
        .iter()
        .flat_map(|item| item.split(','))
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Each tag at most 256 characters.
fn check_tag_lengths(field: &str, tags: &[String]) -> Result<(), ErrorInfo> {
    for tag in tags {
        let len = length(tag);
        if len > MAX_TAG {
            return Err(invalid(
                field,
                format!("each tag must be at most {MAX_TAG} characters (got one of {len})"),
            ));
        }
    }
    Ok(())
}

/// The tags of a case (create, update): at most 200 of at most 256 characters.
pub fn tags(field: &str, items: &[String]) -> Result<Vec<String>, ErrorInfo> {
    let tags = split_list(items);
    if tags.len() > MAX_TAGS {
        return Err(invalid(
            field,
            format!("at most {MAX_TAGS} tags (got {})", tags.len()),
        ));
    }
    check_tag_lengths(field, &tags)?;
    Ok(tags)
}

/// The tags given to add-tag / remove-tag: at least one, each at most 256
/// characters, duplicates dropped (first occurrence kept). The 200-tag limit is
/// about the case and is checked after reading it.
pub fn tag_changes(field: &str, items: &[String]) -> Result<Vec<String>, ErrorInfo> {
    let tags = dedupe(split_list(items));
    if tags.is_empty() {
        return Err(invalid(field, "give at least one tag"));
    }
    check_tag_lengths(field, &tags)?;
    Ok(tags)
}

/// Each id of a list at most 512 bytes.
fn check_id_lengths(field: &str, ids: &[String]) -> Result<(), ErrorInfo> {
    for id in ids {
        if id.len() > MAX_ID_BYTES {
            return Err(invalid(
                field,
                format!(
                    "each must be at most {MAX_ID_BYTES} bytes (got one of {})",
                    id.len()
                ),
            ));
        }
    }
    Ok(())
}

/// Assignees' user profile uids: at most 10, each at most 512 bytes.
pub fn assignees(field: &str, items: &[String]) -> Result<Vec<String>, ErrorInfo> {
    let uids = split_list(items);
    if uids.len() > MAX_ASSIGNEES {
        return Err(invalid(
            field,
            format!("at most {MAX_ASSIGNEES} assignees (got {})", uids.len()),
        ));
    }
    check_id_lengths(field, &uids)?;
    Ok(uids)
}

/// The assignees filter of get-many-cases: duplicates dropped, at most 100 uids of
/// at most 512 bytes.
pub fn assignee_filter(field: &str, items: &[String]) -> Result<Vec<String>, ErrorInfo> {
    let uids = dedupe(split_list(items));
    if uids.len() > MAX_FILTER_VALUES {
        return Err(invalid(
            field,
            format!("at most {MAX_FILTER_VALUES} assignees (got {})", uids.len()),
        ));
    }
    check_id_lengths(field, &uids)?;
    Ok(uids)
}

/// The search fields of get-many-cases: each `title` or `description` (Kibana
/// refuses any other), duplicates dropped.
pub fn search_fields(field: &str, items: &[String]) -> Result<Vec<String>, ErrorInfo> {
    let fields = dedupe(split_list(items));
    for name in &fields {
        if !SEARCH_FIELDS.contains(&name.as_str()) {
            return Err(invalid(
                field,
                format!(
                    "each must be `title` or `description` (got `{}`)",
                    shorten(name, 64)
                ),
            ));
        }
    }
    Ok(fields)
}

/// At most `max` characters of a value, for quoting it in a message (`...` when
/// cut), escaped to printable ASCII (`\n`, `\u{e9}`).
pub fn shorten(value: &str, max: usize) -> String {
    // `escape_default`: messages stay printable ASCII, whatever the value holds.
    let mut out: String = value.chars().take(max).collect();
    if value.chars().nth(max).is_some() {
        out.push_str("...");
    }
    out.escape_default().to_string()
}

/// Case ids for delete-case: duplicates dropped, then 1 to 100 of at most 512 bytes.
pub fn case_ids(field: &str, items: &[String]) -> Result<Vec<String>, ErrorInfo> {
    let ids = dedupe(split_list(items));
    if ids.is_empty() {
        return Err(invalid(field, "give at least one case id"));
    }
    if ids.len() > MAX_CASE_IDS {
        return Err(invalid(
            field,
            format!("at most {MAX_CASE_IDS} case ids (got {})", ids.len()),
        ));
    }
    check_id_lengths(field, &ids)?;
    Ok(ids)
}

/// Keeps the first occurrence of every item, in order.
pub fn dedupe(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Page (default 1, at least 1) and per-page (default 20, 1 to 100), with Kibana's
/// `page * perPage <= 10000` window.
pub fn paging(page: Option<u32>, per_page: Option<u32>) -> Result<(u32, u32), ErrorInfo> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
    if page < 1 {
        return Err(invalid("page", format!("must be at least 1 (got {page})")));
    }
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(invalid(
            "per-page",
            format!("must be between 1 and {MAX_PER_PAGE} (got {per_page})"),
        ));
    }
    let window = u64::from(page) * u64::from(per_page);
    if window > MAX_PAGE_WINDOW {
        return Err(invalid(
            "page",
            format!(
                "page * per-page must be at most {MAX_PAGE_WINDOW} (got {page} * {per_page} = {window})"
            ),
        ));
    }
    Ok((page, per_page))
}

/// `limit` of return-all (default 1000, 1 to 10000: Kibana serves no item past its
/// 10000-item window).
pub fn limit(limit: Option<u32>) -> Result<u32, ErrorInfo> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_PAGE_WINDOW as u32).contains(&limit) {
        return Err(invalid(
            "limit",
            format!("must be between 1 and {MAX_PAGE_WINDOW} (got {limit})"),
        ));
    }
    Ok(limit)
}

/// `max-in-flight`: how many requests may be in flight together (default 4, 1 to
/// 16).
pub fn max_in_flight(max_in_flight: Option<u32>) -> Result<u32, ErrorInfo> {
    let max = max_in_flight.unwrap_or(DEFAULT_IN_FLIGHT);
    if !(1..=MAX_IN_FLIGHT).contains(&max) {
        return Err(invalid(
            "max-in-flight",
            format!("must be between 1 and {MAX_IN_FLIGHT} (got {max})"),
        ));
    }
    Ok(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_in_flight_defaults_to_4_from_1_to_16() {
        assert_eq!(max_in_flight(None).unwrap(), 4);
        assert_eq!(max_in_flight(Some(1)).unwrap(), 1);
        assert_eq!(max_in_flight(Some(16)).unwrap(), 16);
        for bad in [0, 17, u32::MAX] {
            let err = max_in_flight(Some(bad)).unwrap_err();
            assert_eq!((err.status_code, err.kind), (-1, ErrorKind::InvalidInput));
            assert_eq!(
                err.message,
                format!("max-in-flight: must be between 1 and 16 (got {bad})")
            );
        }
    }

    #[test]
    fn limit_defaults_to_1000_within_the_window() {
        assert_eq!(limit(None).unwrap(), 1000);
        assert_eq!(limit(Some(10_000)).unwrap(), 10_000);
        for bad in [0, 10_001] {
            assert!(limit(Some(bad))
                .unwrap_err()
                .message
                .starts_with("limit: must be between 1 and 10000"));
        }
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn split_list_splits_trims_and_drops_empty() {
        let got = split_list(&strings(&["a, b", " ,c,,", "", "d e "]));
        assert_eq!(got, strings(&["a", "b", "c", "d e"]));
    }

    #[test]
    fn required_rejects_blank() {
        let err = required("title", " \t\n").unwrap_err();
        assert_eq!(err.status_code, -1);
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert_eq!(err.message, "title: must not be blank");
    }

    #[test]
    fn text_counts_utf16_units_like_kibana() {
        assert!(text("title", &"é".repeat(160), 160).is_ok());
        // An emoji is two UTF-16 units, as in JavaScript.
        let err = text("title", &"😀".repeat(81), 160).unwrap_err();
        assert_eq!(
            err.message,
            "title: must be at most 160 characters (got 162)"
        );
    }

    #[test]
    fn tags_limits() {
        let many: Vec<String> = (0..201).map(|i| format!("t{i}")).collect();
        assert_eq!(
            tags("tags", &many).unwrap_err().message,
            "tags: at most 200 tags (got 201)"
        );
        let long = vec!["x".repeat(257)];
        assert!(tags("tags", &long)
            .unwrap_err()
            .message
            .starts_with("tags: each tag must be at most 256 characters"));
        assert_eq!(
            tags("tags", &strings(&["a,b"])).unwrap(),
            strings(&["a", "b"])
        );
    }

    #[test]
    fn tag_changes_needs_one_and_dedupes() {
        assert_eq!(
            tag_changes("tags", &strings(&[" , "])).unwrap_err().message,
            "tags: give at least one tag"
        );
        assert_eq!(
            tag_changes("tags", &strings(&["a,b", "a"])).unwrap(),
            strings(&["a", "b"])
        );
    }

    #[test]
    fn assignees_at_most_ten() {
        let many: Vec<String> = (0..11).map(|i| format!("u{i}")).collect();
        assert_eq!(
            assignees("assignees", &many).unwrap_err().message,
            "assignees: at most 10 assignees (got 11)"
        );
    }

    #[test]
    fn case_ids_dedupe_then_limit() {
        assert_eq!(
            case_ids("case-ids", &strings(&["a,b", "a"])).unwrap(),
            strings(&["a", "b"])
        );
        assert!(case_ids("case-ids", &[]).is_err());
        let many: Vec<String> = (0..101).map(|i| format!("c{i}")).collect();
        assert_eq!(
            case_ids("case-ids", &many).unwrap_err().message,
            "case-ids: at most 100 case ids (got 101)"
        );
        let dupes: Vec<String> = (0..150).map(|i| format!("c{}", i % 100)).collect();
        assert_eq!(case_ids("case-ids", &dupes).unwrap().len(), 100);
    }

    #[test]
    fn paging_defaults_and_rules() {
        assert_eq!(paging(None, None).unwrap(), (1, 20));
        assert_eq!(
            paging(Some(0), None).unwrap_err().message,
            "page: must be at least 1 (got 0)"
        );
        assert_eq!(
            paging(None, Some(0)).unwrap_err().message,
            "per-page: must be between 1 and 100 (got 0)"
        );
        assert_eq!(
            paging(None, Some(101)).unwrap_err().message,
            "per-page: must be between 1 and 100 (got 101)"
        );
        assert_eq!(paging(Some(100), Some(100)).unwrap(), (100, 100));
        assert!(paging(Some(101), Some(100))
            .unwrap_err()
            .message
            .starts_with("page: page * per-page must be at most 10000"));
        assert!(paging(Some(u32::MAX), Some(100)).is_err());
    }

    #[test]
    fn ids_at_most_512_bytes() {
        assert_eq!(id("case-id", &"a".repeat(512)).unwrap().len(), 512);
        assert_eq!(
            id("case-id", &"a".repeat(513)).unwrap_err().message,
            "case-id: must be at most 512 bytes (got 513)"
        );
        // Bytes, not characters: 257 two-byte characters are 514 bytes.
        assert!(id("comment-id", &"é".repeat(257)).is_err());
        let err = id("case-id", &"x".repeat(2 * 1024 * 1024)).unwrap_err();
        assert!(err.message.len() < 100, "{}", err.message);
        assert_eq!(
            case_ids("case-ids", &["ok".into(), "a".repeat(513)])
                .unwrap_err()
                .message,
            "case-ids: each must be at most 512 bytes (got one of 513)"
        );
        assert!(assignees("assignees", &["u".repeat(513)]).is_err());
    }

    #[test]
    fn assignee_filter_at_most_100_deduped() {
        let many: Vec<String> = (0..101).map(|i| format!("u{i}")).collect();
        assert_eq!(
            assignee_filter("assignees", &many).unwrap_err().message,
            "assignees: at most 100 assignees (got 101)"
        );
        let dupes: Vec<String> = (0..300).map(|i| format!("u{}", i % 100)).collect();
        assert_eq!(assignee_filter("assignees", &dupes).unwrap().len(), 100);
        assert!(assignee_filter("assignees", &["u".repeat(513)]).is_err());
    }

    #[test]
    fn search_fields_title_or_description() {
        assert_eq!(
            search_fields("search-fields", &strings(&["title, description", "title"])).unwrap(),
            strings(&["title", "description"])
        );
        for bad in ["tags", "Title", "owner", "title.keyword"] {
            let err = search_fields("search-fields", &strings(&["title", bad])).unwrap_err();
            assert_eq!(
                err.message,
                format!("search-fields: each must be `title` or `description` (got `{bad}`)")
            );
        }
        let err = search_fields("search-fields", &["x\r\n".repeat(1000)]).unwrap_err();
        assert!(err.message.len() < 200, "{}", err.message);
        assert!(!err.message.contains('\n'));
    }

    #[test]
    fn shorten_cuts_and_escapes() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("abcdef", 3), "abc...");
        assert_eq!(shorten("a\r\nb", 10), "a\\r\\nb");
        assert_eq!(shorten("é`", 10), "\\u{e9}`");
    }

    #[test]
    fn id_is_trimmed() {
        assert_eq!(id("case-id", " abc ").unwrap(), "abc");
        assert_eq!(
            id("case-id", "").unwrap_err().message,
            "case-id: must not be blank"
        );
    }
}
