//! Hostile values that are valid: ids, titles, descriptions, tags, search strings,
//! comments, alert ids, connector fields, and the most hostile valid space id. They must
//! reach Kibana intact and encoded (one path segment per id, query values
//! percent-encoded, JSON bodies exact) and come back intact.

mod common;

use common::*;
use host_test::harness::bindings::{
    case_comments, cases, connectors, CommentType, Connection, ErrorKind, Owner,
};
use host_test::sim::{RecordedRequest, SimConfig};
use serde_json::{json, Value};

/// The most hostile space id Kibana allows: only `a-z0-9_-`, but leading, trailing
/// and repeated `-` and `_`.
const SPACE: &str = "-_sec-ops__2-_";

/// Ids that try to leave their path segment, start a query or fragment, smuggle
/// encodings, or be normalised away.
const HOSTILE_IDS: &[&str] = &[
    "..",
    ".",
    "...",
    "a/b",
    "/",
    "a/../../api/cases",
    "?x=1",
    "#frag",
    "%2F",
    "%",
    "%%32%46",
    "a b",
    "a+b",
    "a&b=c",
    "a;b,c",
    "a\\b",
    "\"'<>`",
    "ü😀",
    "👩‍💻 \u{202e}rtl",
    "~!*()'$@:[]",
    "\u{1}\u{7f}ctl",
];

/// Tags (no commas: tags are split on them) and other short texts.
const HOSTILE_TAGS: &[&str] = &[
    "a/../b?c#d",
    "100% & =+;",
    "\"dq\" 'sq' `bt`",
    "<script>alert(1)</script>",
    "emoji 🚨👩‍💻",
    "ünïcødé 𝕏",
    "%2F%00%",
    "tab\there",
    "back\\slash",
    "{\"json\": [1]}",
];

fn title() -> String {
    // At most 160 UTF-16 units, with every character class that could break a URL,
    // a JSON body or a search.
    let t = "../x?y=1&z=2#f %41+p \"dq\" 'sq' <b>&amp;</b> \\ , ; ü 🚨 \u{202e}";
    assert!(t.encode_utf16().count() <= 160);
    t.to_owned()
}

fn description() -> String {
    "line 1\r\nline 2\n\ttabbed \"quoted\" 'single' \\back\\ %41 %%\n\
     <img src=x onerror=alert(1)> ${jndi:ldap://x} {{template}} \u{2028}\u{feff}\u{200b}\n\
     emoji 🚨👩‍💻🏳️‍🌈 math 𝕏 combining é\n?a=b&c=d#frag /../.."
        .to_owned()
}

fn comment_text() -> String {
    format!("{}\n-- {}", description(), HOSTILE_TAGS.join(" | "))
}

fn kit() -> Kit {
    let mut config = SimConfig::default();
    config.spaces.push(SPACE.into());
    config.platinum = true;
    Kit::with(config)
}

fn conn(kit: &Kit) -> Connection {
    kit.conn_in(SPACE)
}

/// Percent-decodes a raw path segment or query value (no `+` as space: the component
/// never sends `+` for a space).
fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("valid %XX"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// Every byte of an encoded piece is unreserved or part of a `%XX`.
fn assert_fully_encoded(raw: &str) {
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            let hex: String = chars.by_ref().take(2).collect();
            assert!(
                hex.len() == 2 && hex.chars().all(|h| h.is_ascii_hexdigit()),
                "bad escape in {raw}"
            );
        } else {
            assert!(
                c.is_ascii_alphanumeric() || "-._~".contains(c),
                "`{c}` is not encoded in {raw}"
            );
        }
    }
}

/// The raw segment that follows `prefix` in the request's path: exactly one segment
/// (no `/`), fully encoded, decoding to `id`; no query.
fn assert_one_segment(req: &RecordedRequest, prefix: &str, suffix: &str, id: &str) {
    let seg = req
        .path
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .unwrap_or_else(|| panic!("{} is not {prefix}<id>{suffix}", req.path));
    assert!(!seg.contains('/'), "{seg} spans segments");
    assert!(seg != "." && seg != "..", "{seg} is a dot-segment");
    assert_fully_encoded(seg);
    assert_eq!(decode(seg), id, "segment {seg}");
    assert_eq!(req.query, "", "{id:?} leaked into the query");
}

/// The one value of `key` in the raw query: fully encoded and decoding to `value`.
fn assert_query_value(req: &RecordedRequest, key: &str, value: &str) {
    let raws: Vec<&str> = req
        .query
        .split('&')
        .filter_map(|p| p.strip_prefix(&format!("{key}=")))
        .collect();
    assert_eq!(raws.len(), 1, "{key} in {}", req.query);
    assert_fully_encoded(raws[0]);
    assert_eq!(decode(raws[0]), value);
    // The simulator reads it the same way (`+` would have become a space).
    let pairs = req.query_pairs();
    assert!(
        pairs.contains(&(key.to_owned(), value.to_owned())),
        "{pairs:?}"
    );
}

fn get_case(kit: &Kit, id: &str, comments: bool) -> host_test::harness::bindings::KibanaCase {
    kit.h
        .get_case(
            &conn(kit),
            &cases::GetCaseInput {
                case_id: id.into(),
                include_comments: comments,
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("get-case")
}

#[test]
fn hostile_case_round_trips_in_hostile_space() {
    let kit = kit();
    let tags = strings(HOSTILE_TAGS);
    let input = cases::CreateCaseInput {
        title: title(),
        owner: Owner::SecuritySolution,
        description: Some(description()),
        connector_id: None,
        connector_name: None,
        connector_type: None,
        severity: None,
        tags: tags.clone(),
        assignees: strings(&["u_hostile-uid_0"]),
        idempotency_key: None,
    };
    let c = kit
        .h
        .create_case(&conn(&kit), &input)
        .unwrap()
        .expect("created")
        .kibana_case;
    let req = kit.only_request();
    assert_eq!(req.path, format!("/s/{SPACE}/api/cases"));
    let body = req.body_json().unwrap();
    assert_eq!(body["title"], title());
    assert_eq!(body["description"], description());
    assert_eq!(body["tags"], json!(tags));
    assert_eq!(
        (c.title.clone(), c.description.clone()),
        (title(), description())
    );
    assert_eq!(c.tags, tags);
    assert_eq!(kit.sim.case_count(SPACE), 1);
    assert_eq!(kit.sim.case_count("default"), 0);

    kit.sim.clear_requests();
    let back = get_case(&kit, &c.case_id, false);
    assert_one_segment(
        &kit.only_request(),
        &format!("/s/{SPACE}/api/cases/"),
        "",
        &c.case_id,
    );
    assert_eq!(back.title, title());
    assert_eq!(back.description, description());
    assert_eq!(back.tags, tags);

    // Update with other hostile values, then read again.
    let new_title = format!("{} 2", title().chars().take(100).collect::<String>());
    let new_description = format!("{}\n(edited) &=+#", description());
    let new_tags = strings(&HOSTILE_TAGS[3..7]);
    kit.sim.clear_requests();
    let updated = kit
        .h
        .update_case(
            &conn(&kit),
            &cases::UpdateCaseInput {
                case_id: c.case_id.clone(),
                version: back.version.clone(),
                title: Some(new_title.clone()),
                description: Some(new_description.clone()),
                status: None,
                severity: None,
                tags: Some(new_tags.clone()),
                assignees: None,
            },
        )
        .unwrap()
        .expect("updated");
    let patch = kit.only_request().body_json().unwrap();
    assert_eq!(patch["cases"][0]["title"], new_title);
    assert_eq!(patch["cases"][0]["description"], new_description);
    assert_eq!(patch["cases"][0]["tags"], json!(new_tags));
    assert_eq!(updated.title, new_title);
    let back = get_case(&kit, &c.case_id, false);
    assert_eq!(
        (back.title, back.description, back.tags),
        (new_title, new_description, new_tags)
    );
    let status = kit
        .h
        .get_case_status(&conn(&kit), &c.case_id)
        .unwrap()
        .expect("status");
    assert_eq!(status.case_id, c.case_id);
}

#[test]
fn hostile_search_finds_the_case_and_is_percent_encoded() {
    let kit = kit();
    let c = kit.case_in(
        &conn(&kit),
        &format!("needle {} haystack", "100% & =+ #? \"x\" 🚨 /../ ü"),
    );
    kit.case_in(&conn(&kit), "unrelated");
    let search = "100% & =+ #? \"x\" 🚨 /../ ü";
    let page = kit
        .h
        .get_many_cases(
            &conn(&kit),
            &cases::GetManyCasesInput {
                page: None,
                per_page: None,
                sort_field: None,
                sort_order: None,
                search: Some(search.into()),
                search_fields: strings(&["title"]),
                status: None,
                owners: vec![],
                assignees: strings(&["u/../x?y#z %+&="]),
                return_all: false,
                limit: None,
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("found");
    let req = kit.only_request();
    assert_eq!(req.path, format!("/s/{SPACE}/api/cases/_find"));
    assert_query_value(&req, "search", search);
    assert_query_value(&req, "assignees", "u/../x?y#z %+&=");
    // The hostile assignee filter matches nothing; search alone finds the case.
    assert_eq!(page.total, 0);
    kit.sim.clear_requests();
    let page = kit
        .h
        .get_many_cases(
            &conn(&kit),
            &cases::GetManyCasesInput {
                page: None,
                per_page: None,
                sort_field: None,
                sort_order: None,
                search: Some(search.into()),
                search_fields: strings(&["title"]),
                status: None,
                owners: vec![],
                assignees: vec![],
                return_all: false,
                limit: None,
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("found");
    assert_eq!(page.total, 1);
    assert_eq!(page.cases[0].case_id, c.case_id);
    assert_eq!(page.cases[0].title, c.title);
}

#[test]
fn hostile_nonexistent_ids_are_one_segment_and_404() {
    let kit = kit();
    let c = kit.case_in(&conn(&kit), "real");
    let cases_prefix = format!("/s/{SPACE}/api/cases/");
    for id in HOSTILE_IDS {
        // get-case
        kit.sim.clear_requests();
        let e = kit
            .h
            .get_case(
                &conn(&kit),
                &cases::GetCaseInput {
                    case_id: (*id).into(),
                    include_comments: false,
                    max_in_flight: None,
                },
            )
            .unwrap()
            .expect_err("no such case");
        assert_eq!(
            (e.status_code, e.kind),
            (404, ErrorKind::NotFound),
            "{id:?}: {e:?}"
        );
        assert_one_segment(&kit.only_request(), &cases_prefix, "", id);

        // get-case-status
        kit.sim.clear_requests();
        let e = kit
            .h
            .get_case_status(&conn(&kit), id)
            .unwrap()
            .expect_err("no such case");
        assert_eq!(e.status_code, 404, "{id:?}");
        assert_one_segment(&kit.only_request(), &cases_prefix, "", id);

        // add-tag reads the case first
        kit.sim.clear_requests();
        let e = kit
            .h
            .add_tag(&conn(&kit), id, &strings(&["t"]))
            .unwrap()
            .expect_err("no such case");
        assert_eq!(e.status_code, 404, "{id:?}");
        assert_one_segment(&kit.only_request(), &cases_prefix, "", id);

        // get-many-comments of a hostile case id
        kit.sim.clear_requests();
        let e = kit
            .h
            .get_many_comments(
                &conn(&kit),
                &case_comments::GetManyCommentsInput {
                    case_id: (*id).into(),
                    page: None,
                    per_page: None,
                    return_all: false,
                    limit: None,
                    max_in_flight: None,
                },
            )
            .unwrap()
            .expect_err("no such case");
        assert_eq!(e.status_code, 404, "{id:?}");
        let req = kit.only_request();
        let seg = req
            .path
            .strip_prefix(&cases_prefix)
            .and_then(|r| r.strip_suffix("/comments/_find"))
            .unwrap_or_else(|| panic!("{}", req.path));
        assert!(!seg.contains('/'));
        assert_eq!(decode(seg), *id);

        // get-comment / remove-comment with a hostile comment id on a real case
        let comment_prefix = format!("{cases_prefix}{}/comments/", c.case_id);
        kit.sim.clear_requests();
        let e = kit
            .h
            .get_comment(&conn(&kit), &c.case_id, id)
            .unwrap()
            .expect_err("no such comment");
        assert_eq!(e.status_code, 404, "{id:?}");
        assert_one_segment(&kit.only_request(), &comment_prefix, "", id);
        kit.sim.clear_requests();
        let e = kit
            .h
            .remove_comment(&conn(&kit), &c.case_id, id)
            .unwrap()
            .expect_err("no such comment");
        assert_eq!(e.status_code, 404, "{id:?}");
        let req = kit.only_request();
        assert_eq!(req.method, "DELETE");
        assert_one_segment(&req, &comment_prefix, "", id);
    }
    // Nothing else was touched.
    let back = get_case(&kit, &c.case_id, true);
    assert_eq!(back.tags, Vec::<String>::new());
    assert_eq!(kit.sim.case_count(SPACE), 1);
}

#[test]
fn hostile_ids_in_delete_case_are_one_json_array_value() {
    let kit = kit();
    let real = kit.case_in(&conn(&kit), "to delete");
    // `case-ids` items are split on commas (the contract's list rule).
    let hostile: Vec<&str> = HOSTILE_IDS
        .iter()
        .copied()
        .filter(|id| !id.contains(','))
        .collect();
    let mut ids = strings(&hostile);
    ids.push(real.case_id.clone());
    let out = kit
        .h
        .delete_case(
            &conn(&kit),
            &cases::DeleteCaseInput {
                case_ids: ids.clone(),
                // One call per id after the other, so that they come in order.
                max_in_flight: Some(1),
            },
        )
        .unwrap()
        .expect("partial");
    let reqs = kit.requests();
    // The bulk call, refused as a whole, then one call per id.
    assert_eq!(reqs.len(), 1 + ids.len(), "{reqs:?}");
    for (req, expected) in reqs
        .iter()
        .zip(std::iter::once(ids.clone()).chain(ids.iter().map(|id| vec![id.clone()])))
    {
        assert_eq!(req.method, "DELETE");
        assert_eq!(req.path, format!("/s/{SPACE}/api/cases"));
        let raw = req.query.strip_prefix("ids=").expect("only ids=");
        assert_fully_encoded(raw);
        let sent: Vec<String> = serde_json::from_str(&decode(raw)).unwrap();
        assert_eq!(sent, expected);
    }
    assert_eq!(out.deleted_count, 1);
    assert_eq!(out.failed_count as usize, hostile.len());
    let failed: Vec<&str> = out
        .failed_items
        .iter()
        .map(|f| f.case_id.as_str())
        .collect();
    assert_eq!(failed, hostile);
    assert!(out.failed_items.iter().all(|f| f.status_code == 404));
    assert_eq!(kit.sim.case_count(SPACE), 0);
}

#[test]
fn hostile_comments_round_trip() {
    let kit = kit();
    let c = kit.case_in(&conn(&kit), "commented");
    let text = comment_text();
    let added = kit
        .h
        .add_comment(
            &conn(&kit),
            &case_comments::AddCommentInput {
                case_id: c.case_id.clone(),
                comment: Some(text.clone()),
                comment_type: None,
                alert_id: None,
                alert_index: None,
                rule_id: None,
                rule_name: None,
            },
        )
        .unwrap()
        .expect("added");
    let reqs = kit.requests();
    let post = reqs.last().unwrap();
    assert_eq!(
        post.path,
        format!("/s/{SPACE}/api/cases/{}/comments", c.case_id)
    );
    assert_eq!(post.body_json().unwrap()["comment"], text);
    assert_eq!(added.comment, text);

    kit.sim.clear_requests();
    let got = kit
        .h
        .get_comment(&conn(&kit), &c.case_id, &added.comment_id)
        .unwrap()
        .expect("got");
    assert_eq!(got.comment, text);
    let page = kit
        .h
        .get_many_comments(
            &conn(&kit),
            &case_comments::GetManyCommentsInput {
                case_id: c.case_id.clone(),
                page: None,
                per_page: None,
                return_all: false,
                limit: None,
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("listed");
    assert_eq!(page.comments.len(), 1);
    assert_eq!(page.comments[0].comment, text);
    let with = get_case(&kit, &c.case_id, true);
    assert_eq!(with.comments.len(), 1);
    assert_eq!(with.comments[0].comment, text);

    // Update with another hostile text.
    let edited = format!("edited: {}", HOSTILE_TAGS.join("\r\n"));
    kit.sim.clear_requests();
    let updated = kit
        .h
        .update_comment(
            &conn(&kit),
            &case_comments::UpdateCommentInput {
                case_id: c.case_id.clone(),
                comment_id: added.comment_id.clone(),
                comment: edited.clone(),
                version: got.version.clone(),
            },
        )
        .unwrap()
        .expect("updated");
    let patch = kit.requests().last().unwrap().body_json().unwrap();
    assert_eq!(patch["comment"], edited);
    assert_eq!(updated.comment, edited);
    let got = kit
        .h
        .get_comment(&conn(&kit), &c.case_id, &added.comment_id)
        .unwrap()
        .expect("got");
    assert_eq!(got.comment, edited);
}

#[test]
fn hostile_alert_comment_round_trips() {
    let kit = kit();
    let c = kit.case_in(&conn(&kit), "alerted");
    let alert_id = "alert/../id?x=1#f %2F+&=\"'ü🚨";
    let rule_id = "rule/../id?#%";
    let rule_name = "Rule \"name\" <b> & =+ 🚨\nline 2";
    let added = kit
        .h
        .add_comment(
            &conn(&kit),
            &case_comments::AddCommentInput {
                case_id: c.case_id.clone(),
                comment: None,
                comment_type: Some(CommentType::Alert),
                alert_id: Some(alert_id.into()),
                alert_index: None,
                rule_id: Some(rule_id.into()),
                rule_name: Some(rule_name.into()),
            },
        )
        .unwrap()
        .expect("added");
    let body = kit.requests().last().unwrap().body_json().unwrap();
    assert_eq!(body["alertId"], alert_id);
    assert_eq!(body["index"], format!(".alerts-security.alerts-{SPACE}"));
    assert_eq!(body["rule"], json!({"id": rule_id, "name": rule_name}));
    assert_eq!(added.alert_ids, strings(&[alert_id]));
    let got = kit
        .h
        .get_comment(&conn(&kit), &c.case_id, &added.comment_id)
        .unwrap()
        .expect("got");
    assert_eq!(got.alert_ids, strings(&[alert_id]));
}

#[test]
fn hostile_tags_add_and_remove_round_trip() {
    let kit = kit();
    let c = kit.case_in(&conn(&kit), "tagged");
    let all = strings(HOSTILE_TAGS);
    let out = kit
        .h
        .add_tag(&conn(&kit), &c.case_id, &all)
        .unwrap()
        .expect("added");
    assert_eq!(out.tags, all);
    let patch = kit.requests().last().unwrap().body_json().unwrap();
    assert_eq!(patch["cases"][0]["tags"], json!(all));

    // Remove every other one; exact matches only.
    let drop: Vec<String> = all.iter().step_by(2).cloned().collect();
    let keep: Vec<String> = all.iter().skip(1).step_by(2).cloned().collect();
    kit.sim.clear_requests();
    let out = kit
        .h
        .remove_tag(&conn(&kit), &c.case_id, &drop)
        .unwrap()
        .expect("removed");
    assert_eq!(out.tags, keep);
    let patch = kit.requests().last().unwrap().body_json().unwrap();
    assert_eq!(patch["cases"][0]["tags"], json!(keep));
    assert_eq!(get_case(&kit, &c.case_id, false).tags, keep);

    // Near-misses of a hostile tag (encoded, differently cased) remove nothing.
    kit.sim.clear_requests();
    let out = kit
        .h
        .remove_tag(
            &conn(&kit),
            &c.case_id,
            &strings(&["100%25 & =+;", "EMOJI 🚨👩‍💻", "a%2F..%2Fb?c#d"]),
        )
        .unwrap()
        .expect("nothing to remove");
    assert_eq!(out.tags, keep);
    assert_eq!(kit.requests().len(), 1, "only the read");
}

#[test]
fn hostile_connector_fields_round_trip() {
    let kit = kit();
    let name = "SOC \"Jira\" /../ ?&=+# ü 🚨";
    let config = json!({"index": "audit", "note": "a/../b?c#d %2F \"q\" 🚨"});
    let description = "kept locally: <b>&amp;</b> \\ 🚨";
    let created = kit
        .h
        .create_connector(
            &conn(&kit),
            &connectors::CreateConnectorInput {
                name: name.into(),
                connector_type_id: ".index".into(),
                config: Some(config.to_string()),
                secrets: None,
                description: Some(description.into()),
            },
        )
        .unwrap()
        .expect("created");
    let req = kit.only_request();
    assert_eq!(req.path, format!("/s/{SPACE}/api/actions/connector"));
    let body = req.body_json().unwrap();
    assert_eq!(body["name"], name);
    assert_eq!(body["config"]["note"], config["note"]);
    assert!(body.get("description").is_none());
    assert_eq!(created.name, name);
    assert_eq!(created.description.as_deref(), Some(description));
    let back: Value = serde_json::from_str(&created.config).unwrap();
    assert_eq!(back["note"], config["note"]);
}
