//! Reading an answer of Kibana's: checked as UTF-8 once, then read by its decoder in
//! the wire crate (`elastic_security_wire::Answer`); a failure says what was wrong
//! and names the member it is about.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use elastic_security_wire::{path_at, Answer};

/// Reads `bytes` as a `W`. The error is serde_json's, prefixed with the path of the
/// member it is about when that is not the whole answer, as in
/// `cases[3].status: invalid type: integer 7, expected a string at line 1 column 912`.
pub fn decode<W: Answer>(bytes: &[u8]) -> Result<W, String> {
    // NOTE: checked as UTF-8 once, then read as text: serde_json then checks no
    // string again (from bytes it checks each one), which made a page of 100 cases
    // 2 % faster in the component.
    let text = core::str::from_utf8(bytes).map_err(|err| not_utf8(&err))?;
    W::read(text).map_err(|err| describe(text, &err))
}

/// The error of an answer that is not UTF-8 (JSON must be).
#[cold]
fn not_utf8(err: &core::str::Utf8Error) -> String {
    format!(
        "the answer is not UTF-8 text (at byte {})",
        err.valid_up_to()
    )
}

/// A decoding error with the path of the member at its position.
#[cold]
#[inline(never)]
fn describe(text: &str, err: &serde_json::Error) -> String {
    match path_at(text, err.line(), err.column()) {
        Some(path) => format!("{path}: {err}"),
        None => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // Only read, for the errors.
    struct Item {
        id: String,
        #[serde(default)]
        total: u64,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Item>,
    }

    impl Answer for Page {
        fn read(text: &str) -> Result<Self, serde_json::Error> {
            serde_json::from_str(text)
        }
    }

    #[test]
    fn decode_error_names_the_member_on_any_line() {
        let pretty = "{\n  \"items\": [\n    {\"id\": \"a\"},\n    {\"id\": \"b\", \"total\": \"7\"}\n  ]\n}";
        assert_eq!(
            decode::<Page>(pretty.as_bytes()).unwrap_err(),
            "items[1].total: invalid type: string \"7\", expected u64 at line 4 column 28"
        );
        let escaped_key = br#"{"items":[{"id":"a","total":1}],"x\"y":1,"items":5}"#;
        assert_eq!(
            decode::<Page>(escaped_key).unwrap_err(),
            "duplicate field `items` at line 1 column 48"
        );
        assert_eq!(
            decode::<Page>(br#"{"items":[{"total":1}]}"#).unwrap_err(),
            "items[0]: missing field `id` at line 1 column 21"
        );
        assert_eq!(
            decode::<Page>(br#"{"items":[{"id":"a"}] oops"#).unwrap_err(),
            "expected `,` or `}` at line 1 column 23"
        );
        assert_eq!(
            decode::<Page>(br#"{"items":[]} trailing"#).unwrap_err(),
            "trailing characters at line 1 column 14"
        );
    }

    #[test]
    fn decode_error_path_is_cut_short() {
        let key = "k".repeat(100);
        let body = format!(r#"{{"items":[{{"id":"a","{key}":{{"x":[}}]}}"#);
        let err = decode::<Page>(body.as_bytes()).unwrap_err();
        assert!(
            err.starts_with(&format!("items[0].{}...: ", &key[..55])),
            "{err}"
        );
    }

    #[test]
    fn decode_errors_name_the_member_of_kibanas_answers() {
        use elastic_security_wire::cases::{Case, CasesPage};
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases"}"#).unwrap_err(),
            "missing field `status` at line 1 column 26"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases","status":"open","title":7}"#).unwrap_err(),
            "title: invalid type: integer `7`, expected a string at line 1 column 51"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","owner":"cases","status":"open","totalAlerts":-1}"#)
                .unwrap_err(),
            "totalAlerts: invalid value: integer `-1`, expected u64 at line 1 column 58"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"x","status":"open","owner":"cases","tags":null}"#)
                .unwrap_err(),
            "tags: invalid type: null, expected a sequence at line 1 column 53"
        );
        assert_eq!(
            decode::<CasesPage>(
                br#"{"cases":[{"id":"a","status":"open","owner":"cases"},{"id":"b"}]}"#
            )
            .unwrap_err(),
            "cases[1]: missing field `status` at line 1 column 63"
        );
        assert_eq!(
            decode::<Case>(br#"{"id":"c","status":"open","owner":"cases","tags":["a",5]}"#)
                .unwrap_err(),
            "tags[1]: invalid type: integer `5`, expected a string at line 1 column 55"
        );
        assert_eq!(
            decode::<Case>(b"\xff\xfe").unwrap_err(),
            "the answer is not UTF-8 text (at byte 0)"
        );
    }

    #[test]
    fn decode_deep_nesting_is_cut_short() {
        use elastic_security_wire::case_comments::Comment;
        use elastic_security_wire::cases::Case;
        // A member that is only skipped is skipped without recursion, however deeply
        // it nests; its path is cut short.
        for (answer, member) in [
            (r#"{"id":"x","extra":"#, "extra"),
            (r#"{"id":"c","comment":"#, "comment"),
        ] {
            let deep = format!("{answer}{}", "[".repeat(100_000));
            let err = decode::<Case>(deep.as_bytes())
                .err()
                .or_else(|| decode::<Comment>(deep.as_bytes()).err())
                .unwrap();
            assert!(
                err.starts_with(&format!("{member}[0][0]"))
                    && err.contains("...: EOF while parsing a list"),
                "{err}"
            );
        }
    }
}
