//! Request URLs as Kibana reads them: percent-decoded path segments and query pairs,
//! strictly (a malformed escape is Kibana's 400) or leniently (for the request log).

use percent_encoding::percent_decode_str;

/// Whether every `%` starts a two-digit hex escape: Node's `decodeURIComponent`, which
/// Kibana's router uses, throws on any other, and percent-encoding keeps them as they
/// are.
fn escapes_are_well_formed(s: &str) -> bool {
    s.split('%')
        .skip(1)
        .all(|rest| rest.len() >= 2 && rest.as_bytes()[..2].iter().all(u8::is_ascii_hexdigit))
}

/// One path segment, decoded; `None` on a malformed escape or invalid UTF-8.
pub(crate) fn decode_segment(segment: &str) -> Option<String> {
    if !escapes_are_well_formed(segment) {
        return None;
    }
    percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// A whole path, decoded leniently: malformed escapes kept, invalid UTF-8 replaced.
pub(crate) fn decode_path_lossy(path: &str) -> String {
    percent_decode_str(path).decode_utf8_lossy().into_owned()
}

/// The query's pairs, decoded (`+` is a space), in order, repeats kept; `None` on a
/// malformed escape or invalid UTF-8.
pub(crate) fn parse_query(query: &str) -> Option<Vec<(String, String)>> {
    if !escapes_are_well_formed(query) {
        return None;
    }
    let pairs = parse_query_lossy(query);
    // The URI parser admits only ASCII, so a replacement character can only come
    // from escapes that are not UTF-8.
    let replaced = |s: &String| s.contains(char::REPLACEMENT_CHARACTER);
    (!pairs.iter().any(|(k, v)| replaced(k) || replaced(v))).then_some(pairs)
}

/// The query's pairs, decoded leniently (see [`decode_path_lossy`]).
pub(crate) fn parse_query_lossy(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(
            decode_segment("a%2F..%2Fb%3Fc%23d").as_deref(),
            Some("a/../b?c#d")
        );
        assert_eq!(decode_segment("a+b").as_deref(), Some("a+b"));
        assert_eq!(decode_segment("%zz"), None);
        assert_eq!(decode_segment("%4"), None);
        assert_eq!(decode_segment("%C3%28"), None);
        assert_eq!(decode_path_lossy("%zz%41"), "%zzA");
        assert_eq!(
            parse_query("ids=%5B%22x%22%5D&a&b=c+d").unwrap_or_default(),
            vec![
                ("ids".to_string(), "[\"x\"]".to_string()),
                ("a".to_string(), String::new()),
                ("b".to_string(), "c d".to_string())
            ]
        );
        assert_eq!(parse_query("a=%zz"), None);
        assert_eq!(parse_query("a=%C3%28"), None);
    }
}
