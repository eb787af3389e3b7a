//! The `case-tags` interface: add and remove tags of a case with a read-modify-write
//! loop that retries on Kibana's 409, so concurrent taggers lose nothing.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::api::case_tags::TagsOutput;
use crate::cases;
use crate::http::Client;
use crate::types::{Error, ErrorKind};
use crate::validate;
use crate::wire;

/// Reads + writes at most this many times in all (the WIT promises 10).
pub const MAX_ATTEMPTS: u32 = 10;

/// The pause before attempt `attempt` (2, 3, ...): 10 ms doubling up to 160 ms, scaled
/// by a jitter in [0.5, 1) drawn from `seed` (this call's own case id and tags), so that
/// writers who just collided spread out instead of colliding again. At most 0.95 s in
/// all over the 9 retries.
pub fn backoff_ms(attempt: u32, seed: u64) -> u32 {
    let base = 10u32 << attempt.saturating_sub(2).min(4);
    let mix = seed
        .wrapping_add(u64::from(attempt))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> 59; // 0..=31
    let jitter = u32::try_from(mix).unwrap_or(0);
    base / 2 + base / 2 * jitter / 32
}

/// FNV-1a over the case id and tags: the jitter seed of one call.
fn seed_of(case_id: &str, tags: &[String]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for bytes in core::iter::once(case_id.as_bytes()).chain(tags.iter().map(|t| t.as_bytes())) {
        for &b in bytes.iter().chain(core::iter::once(&0xff)) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// How the tag list changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Add,
    Remove,
}

/// Adds each tag not already on the case (exact match), keeping Kibana's order.
pub fn add_tag(client: &Client, case_id: &str, tags: &[String]) -> Result<TagsOutput, Error> {
    change_tags(client, case_id, tags, Change::Add)
}

/// Removes each given tag present on the case (exact match).
pub fn remove_tag(client: &Client, case_id: &str, tags: &[String]) -> Result<TagsOutput, Error> {
    change_tags(client, case_id, tags, Change::Remove)
}

/// `current` plus every tag of `new` not yet in it, in order.
pub fn with_added(current: &[String], new: &[String]) -> Vec<String> {
    let mut tags = current.to_vec();
    for tag in new {
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    tags
}

/// `current` without the tags of `drop`.
pub fn without_removed(current: &[String], drop: &[String]) -> Vec<String> {
    current
        .iter()
        .filter(|tag| !drop.contains(tag))
        .cloned()
        .collect()
}

fn change_tags(
    client: &Client,
    case_id: &str,
    tags: &[String],
    change: Change,
) -> Result<TagsOutput, Error> {
    let case_id = validate::id("case-id", case_id)?;
    let given = validate::tag_changes("tags", tags)?;
    if change == Change::Add && given.len() > validate::MAX_TAGS {
        // More distinct tags than any case can hold: refused before reading.
        return Err(validate::invalid(
            "tags",
            format!(
                "at most {} tags on a case (got {} to add)",
                validate::MAX_TAGS,
                given.len()
            ),
        ));
    }
    let mut attempt = 1;
    loop {
        let case = cases::read_case(client, case_id)?;
        let updated = match change {
            Change::Add => with_added(&case.tags, &given),
            Change::Remove => without_removed(&case.tags, &given),
        };
        if updated == case.tags {
            // Nothing to write: every tag is already there (or already gone).
            return Ok(TagsOutput {
                case_id: case.id,
                tags: case.tags,
                version: case.version,
            });
        }
        if updated.len() > validate::MAX_TAGS {
            // Known only after the read, so not `invalid-input`: answered the way
            // Kibana itself would refuse the write.
            return Err(Error {
                status_code: 400,
                kind: ErrorKind::BadRequest,
                message: format!(
                    "tags: the case would have {} tags; Kibana allows at most {}",
                    updated.len(),
                    validate::MAX_TAGS
                ),
            });
        }
        let patch = wire::CasePatch {
            tags: Some(&updated),
            ..wire::CasePatch::new(case_id, &case.version)
        };
        let result = cases::patch_case(client, patch, |case| {
            Ok(TagsOutput {
                case_id: case.id,
                tags: case.tags,
                version: case.version,
            })
        });
        match result {
            Err(err) if err.status_code == 409 && attempt < MAX_ATTEMPTS => {
                attempt += 1;
                client.pause(backoff_ms(attempt, seed_of(case_id, &given)));
            }
            Err(mut err) if err.status_code == 409 => {
                err.message = format!(
                    "{} (still conflicting after {MAX_ATTEMPTS} attempts)",
                    err.message
                );
                return Err(err);
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
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
}
