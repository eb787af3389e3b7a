//! Unit tests of `add-tag` and `remove-tag`: the read-modify-write requests, the
//! retries on 409 and their backoff.

use super::*;
use crate::test_support::*;
use serde_json::{json, Value};

fn case_with(tags: &[&str], version: &str) -> Value {
    let mut case = cases_fixture("get_case_response");
    case["id"] = json!("case-1");
    case["tags"] = json!(tags);
    case["version"] = json!(version);
    case
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn conflict() -> Value {
    json!({"statusCode": 409, "error": "Conflict", "message": "This case case-1 has been updated. Please refresh before saving additional updates."})
}

#[test]
fn add_tag_appends_new_tags_deduped() {
    let t = FakeTransport::new()
        .reply_json(200, &case_with(&["a", "b"], "v1"))
        .reply_json(200, &json!([case_with(&["a", "b", "c", "d"], "v2")]));
    let out = run(&t, |c| add_tag(c, "case-1", &strings(&["b, c", "c", "d"]))).unwrap();
    let reqs = t.requests();
    assert_eq!(t.lines(), vec!["GET /api/cases/case-1", "PATCH /api/cases"]);
    reqs.iter().for_each(Recorded::assert_standard_headers);
    assert_eq!(
        reqs[1].body_json(),
        json!({"cases": [{"id": "case-1", "version": "v1", "tags": ["a", "b", "c", "d"]}]})
    );
    assert_eq!(out.case_id, "case-1");
    assert_eq!(out.tags, strings(&["a", "b", "c", "d"]));
    assert_eq!(out.version, "v2");
}

#[test]
fn add_tag_already_present_writes_nothing() {
    let t = FakeTransport::new().reply_json(200, &case_with(&["a", "B"], "v1"));
    let out = run(&t, |c| add_tag(c, "case-1", &strings(&["a"]))).unwrap();
    assert_eq!(t.lines(), vec!["GET /api/cases/case-1"]);
    assert_eq!(out.tags, strings(&["a", "B"]));
    assert_eq!(out.version, "v1");
}

#[test]
fn add_tag_exact_match_only() {
    assert_eq!(
        with_added(&strings(&["Tag"]), &strings(&["tag", "Tag"])),
        strings(&["Tag", "tag"])
    );
}

#[test]
fn add_tag_retries_on_409() {
    let t = FakeTransport::new()
        .reply_json(200, &case_with(&["a"], "v1"))
        .reply_json(409, &conflict())
        .reply_json(200, &case_with(&["a", "x"], "v2"))
        .reply_json(200, &json!([case_with(&["a", "x", "b"], "v3")]));
    let out = run(&t, |c| add_tag(c, "case-1", &strings(&["b"]))).unwrap();
    let reqs = t.requests();
    assert_eq!(reqs.len(), 4);
    assert_eq!(reqs[1].body_json()["cases"][0]["version"], "v1");
    assert_eq!(
        reqs[3].body_json(),
        json!({"cases": [{"id": "case-1", "version": "v2", "tags": ["a", "x", "b"]}]})
    );
    assert_eq!(out.tags, strings(&["a", "x", "b"]));
    assert_eq!(out.version, "v3");
}

#[test]
fn backoff_grows_is_jittered_and_bounded() {
    let a: Vec<u32> = (2..=MAX_ATTEMPTS).map(|n| backoff_ms(n, 1)).collect();
    let b: Vec<u32> = (2..=MAX_ATTEMPTS).map(|n| backoff_ms(n, 2)).collect();
    assert_ne!(a, b, "two callers must not wait in lockstep");
    for (n, ms) in (2..=MAX_ATTEMPTS).zip(&a) {
        let base = 10u32 << (n - 2).min(4);
        assert!((base / 2..base).contains(ms), "attempt {n}: {ms} ms");
    }
    let total: u32 = (2..=MAX_ATTEMPTS).map(|n| backoff_ms(n, u64::MAX)).sum();
    assert!(total < 1000, "{total} ms");
    assert_ne!(
        seed_of("case-1", &strings(&["a"])),
        seed_of("case-1", &strings(&["b"]))
    );
}

#[test]
fn add_tag_gives_up_after_10_conflicts() {
    let mut t = FakeTransport::new();
    for i in 0..10 {
        t = t
            .reply_json(200, &case_with(&["a"], &format!("v{i}")))
            .reply_json(409, &conflict());
    }
    let err = run(&t, |c| add_tag(c, "case-1", &strings(&["b"]))).unwrap_err();
    assert_eq!(t.requests().len(), 20);
    assert_eq!((err.status_code, err.kind), (409, ErrorKind::Conflict));
    assert!(err
        .message
        .ends_with("(still conflicting after 10 attempts)"));
}

#[test]
fn add_tag_other_errors_are_not_retried() {
    let t = FakeTransport::new()
        .reply_json(200, &case_with(&["a"], "v1"))
        .reply_json(403, &cases_fixture("response_403"));
    let err = run(&t, |c| add_tag(c, "case-1", &strings(&["b"]))).unwrap_err();
    assert_eq!(t.requests().len(), 2);
    assert_eq!(err.status_code, 403);
    let t = FakeTransport::new().reply_json(404, &cases_fixture("response_404"));
    let err = run(&t, |c| add_tag(c, "case-1", &strings(&["b"]))).unwrap_err();
    assert_eq!(t.requests().len(), 1);
    assert_eq!(err.status_code, 404);
}

#[test]
fn add_tag_beyond_200_is_400_without_writing() {
    let current: Vec<String> = (0..200).map(|i| format!("t{i}")).collect();
    let current_refs: Vec<&str> = current.iter().map(String::as_str).collect();
    let t = FakeTransport::new().reply_json(200, &case_with(&current_refs, "v1"));
    let err = run(&t, |c| add_tag(c, "case-1", &strings(&["new"]))).unwrap_err();
    assert_eq!(t.requests().len(), 1);
    assert_eq!((err.status_code, err.kind), (400, ErrorKind::BadRequest));
    assert_eq!(
        err.message,
        "tags: the case would have 201 tags; Kibana allows at most 200"
    );
}

#[test]
fn add_tag_validation_sends_nothing() {
    let t = FakeTransport::new();
    assert_invalid(
        &run(&t, |c| add_tag(c, "case-1", &strings(&[" ,"]))).unwrap_err(),
        "tags: give at least one tag",
    );
    assert_invalid(
        &run(&t, |c| add_tag(c, "case-1", &[])).unwrap_err(),
        "tags: give at least one tag",
    );
    assert_invalid(
        &run(&t, |c| add_tag(c, "", &strings(&["a"]))).unwrap_err(),
        "case-id: must not be blank",
    );
    assert_invalid(
        &run(&t, |c| add_tag(c, "case-1", &["x".repeat(257)])).unwrap_err(),
        "tags: each tag must be at most 256 characters",
    );
    let many: Vec<String> = (0..201).map(|i| format!("t{i}")).collect();
    assert_invalid(
        &run(&t, |c| add_tag(c, "case-1", &many)).unwrap_err(),
        "tags: at most 200 tags on a case (got 201 to add)",
    );
    assert_invalid(
        &run(&t, |c| remove_tag(c, &"c".repeat(513), &strings(&["a"]))).unwrap_err(),
        "case-id: must be at most 512 bytes",
    );
    assert!(t.requests().is_empty());
}

#[test]
fn remove_tag_many_tags_is_not_refused() {
    // Removing more tags than a case can hold is harmless: the case is read.
    let t = FakeTransport::new().reply_json(200, &case_with(&["a"], "v1"));
    let many: Vec<String> = (0..201).map(|i| format!("t{i}")).collect();
    let out = run(&t, |c| remove_tag(c, "case-1", &many)).unwrap();
    assert_eq!(out.tags, strings(&["a"]));
}

#[test]
fn add_tag_hostile_id() {
    let t = FakeTransport::new().reply_json(200, &case_with(&["a"], "v1"));
    run(&t, |c| add_tag(c, "a/../b?c#d", &strings(&["a"]))).unwrap();
    assert_eq!(
        t.only_request().path_and_query,
        "/api/cases/a%2F..%2Fb%3Fc%23d"
    );
}

#[test]
fn remove_tag_drops_present_tags() {
    let t = FakeTransport::new()
        .reply_json(200, &case_with(&["a", "b", "c"], "v1"))
        .reply_json(200, &json!([case_with(&["b"], "v2")]));
    let out = run(&t, |c| remove_tag(c, "case-1", &strings(&["a,c", "zzz"]))).unwrap();
    assert_eq!(
        t.requests()[1].body_json(),
        json!({"cases": [{"id": "case-1", "version": "v1", "tags": ["b"]}]})
    );
    assert_eq!(out.tags, strings(&["b"]));
    assert_eq!(out.version, "v2");
}

#[test]
fn remove_tag_absent_writes_nothing() {
    let t = FakeTransport::new().reply_json(200, &case_with(&["a"], "v1"));
    let out = run(&t, |c| remove_tag(c, "case-1", &strings(&["b"]))).unwrap();
    assert_eq!(t.requests().len(), 1);
    assert_eq!(out.tags, strings(&["a"]));
}

#[test]
fn remove_tag_retries_on_409_and_may_become_noop() {
    let t = FakeTransport::new()
        .reply_json(200, &case_with(&["a", "b"], "v1"))
        .reply_json(409, &conflict())
        .reply_json(200, &case_with(&["b"], "v2"));
    let out = run(&t, |c| remove_tag(c, "case-1", &strings(&["a"]))).unwrap();
    assert_eq!(t.requests().len(), 3);
    assert_eq!(out.tags, strings(&["b"]));
    assert_eq!(out.version, "v2");
}

#[test]
fn remove_tag_invalid_answer_is_502() {
    let t = FakeTransport::new().reply(200, "not json");
    let err = run(&t, |c| remove_tag(c, "case-1", &strings(&["a"]))).unwrap_err();
    assert_eq!(
        (err.status_code, err.kind),
        (502, ErrorKind::InvalidResponse)
    );
}

#[test]
fn get_case_tags_sends_owners_and_reads_kibanas_example() {
    use crate::types::Owner;
    let t = FakeTransport::new().reply_json(200, &cases_fixture("get_tags_response"));
    let tags = run(&t, |c| {
        get_case_tags(c, &[Owner::Observability, Owner::Observability])
    })
    .unwrap();
    let req = t.only_request();
    req.assert_standard_headers();
    assert_eq!(req.line(), "GET /api/cases/tags?owner=observability");
    assert_eq!(tags, ["observability", "security", "tag 1", "tag 2"]);
    let t = FakeTransport::new().reply(200, "[]");
    assert!(run(&t, |c| get_case_tags(c, &[])).unwrap().is_empty());
    assert_eq!(t.only_request().line(), "GET /api/cases/tags");
    let t = FakeTransport::new().reply(200, r#"{"tags":[]}"#);
    let err = run(&t, |c| get_case_tags(c, &[])).unwrap_err();
    assert_eq!(err.status_code, 502);
}
