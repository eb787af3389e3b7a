//! Concurrency: several callers on one case at once, each call in its own wasmtime
//! store (the `Harness` is shared; every call instantiates afresh), against the
//! simulator, which enforces versions like Kibana (409 on a stale `version`).

mod common;

use std::collections::BTreeSet;
use std::sync::Barrier;

use common::*;
use host_test::harness::bindings::{
    case_comments::{AddCommentInput, UpdateCommentInput},
    cases, CaseStatus, ErrorKind, KibanaCase, Severity,
};
use host_test::harness::Failure;

const THREADS: usize = 8;

fn tagged_case(kit: &Kit, tags: &[String]) -> KibanaCase {
    let input = cases::CreateCaseInput {
        tags: tags.to_vec(),
        ..case_input("Contended")
    };
    let c = kit.h.create_case(&kit.conn(), &input).unwrap().unwrap();
    kit.sim.clear_requests();
    c.kibana_case
}

fn read_case(kit: &Kit, case_id: &str) -> KibanaCase {
    kit.h
        .get_case(
            &kit.conn(),
            &cases::GetCaseInput {
                case_id: case_id.into(),
                include_comments: true,
                max_in_flight: None,
            },
        )
        .unwrap()
        .expect("get-case")
}

fn thread_tags(t: usize) -> Vec<String> {
    vec![format!("t{t}-a"), format!("t{t}-b")]
}

/// The case's tags as a set, asserting that none is duplicated.
fn tag_set(case: &KibanaCase) -> BTreeSet<String> {
    let set: BTreeSet<String> = case.tags.iter().cloned().collect();
    assert_eq!(
        set.len(),
        case.tags.len(),
        "duplicated tags: {:?}",
        case.tags
    );
    set
}

#[test]
fn eight_threads_adding_tags_lose_nothing_and_duplicate_nothing() {
    let kit = Kit::new();
    let base = strings(&["base", "t0-a"]); // one tag a thread adds is there already
    let c = tagged_case(&kit, &base);
    let start = Barrier::new(THREADS);
    // The node retries a tag change on 409 (10 tries, jittered backoff): every
    // writer gets through without retrying itself.
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (kit, id, start) = (&kit, c.case_id.as_str(), &start);
            s.spawn(move || {
                let conn = kit.conn();
                start.wait();
                let out = kit
                    .h
                    .add_tag(&conn, id, &thread_tags(t))
                    .unwrap()
                    .unwrap_or_else(|e| panic!("a tag change failed despite the retries: {e:?}"));
                // What the caller is told includes its own tags.
                for tag in thread_tags(t) {
                    assert!(out.tags.contains(&tag), "{tag} missing from {out:?}");
                }
            });
        }
    });

    let after = read_case(&kit, &c.case_id);
    let want: BTreeSet<String> = base
        .iter()
        .cloned()
        .chain((0..THREADS).flat_map(thread_tags))
        .collect();
    assert_eq!(tag_set(&after), want);
    // Every successful write was a PATCH with the version it read; none was lost.
    let patches = kit
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count();
    assert!(
        patches >= THREADS,
        "{patches} PATCHes for {THREADS} writers"
    );
}

#[test]
fn eight_threads_removing_tags_remove_theirs_and_keep_the_rest() {
    let kit = Kit::new();
    let keep = strings(&["keep-1", "keep-2", "keep-3"]);
    let all: Vec<String> = keep
        .iter()
        .cloned()
        .chain((0..THREADS).flat_map(thread_tags))
        .collect();
    let c = tagged_case(&kit, &all);
    let start = Barrier::new(THREADS);
    // The node retries a tag change on 409 (10 tries, jittered backoff): every
    // writer gets through without retrying itself.
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (kit, id, start) = (&kit, c.case_id.as_str(), &start);
            s.spawn(move || {
                let conn = kit.conn();
                start.wait();
                let out = kit
                    .h
                    .remove_tag(&conn, id, &thread_tags(t))
                    .unwrap()
                    .unwrap_or_else(|e| panic!("a tag change failed despite the retries: {e:?}"));
                for tag in thread_tags(t) {
                    assert!(!out.tags.contains(&tag), "{tag} still in {out:?}");
                }
            });
        }
    });

    let after = read_case(&kit, &c.case_id);
    assert_eq!(tag_set(&after), keep.iter().cloned().collect());
    // The order of the kept tags is the original one.
    assert_eq!(after.tags, keep);
}

#[test]
fn mixed_adds_and_removes_at_once_converge() {
    let kit = Kit::new();
    // Threads 0..4 remove their own tags; threads 4..8 add theirs.
    let initial: Vec<String> = std::iter::once("keep".to_string())
        .chain((0..THREADS / 2).flat_map(thread_tags))
        .collect();
    let c = tagged_case(&kit, &initial);
    let start = Barrier::new(THREADS);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (kit, id, start) = (&kit, c.case_id.as_str(), &start);
            s.spawn(move || {
                let conn = kit.conn();
                start.wait();
                let done = if t < THREADS / 2 {
                    kit.h.remove_tag(&conn, id, &thread_tags(t))
                } else {
                    kit.h.add_tag(&conn, id, &thread_tags(t))
                };
                done.unwrap()
                    .unwrap_or_else(|e| panic!("a tag change failed despite the retries: {e:?}"));
            });
        }
    });
    let want: BTreeSet<String> = std::iter::once("keep".to_string())
        .chain((THREADS / 2..THREADS).flat_map(thread_tags))
        .collect();
    assert_eq!(tag_set(&read_case(&kit, &c.case_id)), want);
}

fn full_update(c: &KibanaCase, title: &str) -> cases::UpdateCaseInput {
    cases::UpdateCaseInput {
        case_id: c.case_id.clone(),
        version: c.version.clone(),
        title: Some(title.into()),
        description: Some(format!("{title}: new description")),
        status: Some(CaseStatus::InProgress),
        severity: Some(Severity::High),
        tags: Some(strings(&[title])),
        assignees: None,
    }
}

#[test]
fn update_case_with_a_stale_version_is_409_and_changes_nothing() {
    let kit = Kit::new();
    let c = kit.case("Original");
    // Someone else saves the case: our version is stale.
    let theirs = kit
        .h
        .update_case(&kit.conn(), &full_update(&c, "Theirs"))
        .unwrap()
        .expect("their update");
    let before = read_case(&kit, &c.case_id);
    kit.sim.clear_requests();

    let e = kit
        .h
        .update_case(&kit.conn(), &full_update(&c, "Mine"))
        .unwrap()
        .expect_err("stale version");
    assert_eq!((e.status_code, e.kind), (409, ErrorKind::Conflict), "{e:?}");
    assert!(!e.message.is_empty());
    assert_eq!(
        kit.requests().len(),
        1,
        "one PATCH, no retry: {:?}",
        kit.requests()
    );

    let after = read_case(&kit, &c.case_id);
    assert_eq!(
        format!("{after:?}"),
        format!("{before:?}"),
        "nothing changed"
    );
    assert_eq!(after.version, theirs.version);
    assert_eq!(after.title, "Theirs");
}

#[test]
fn two_updates_from_the_same_version_at_once_one_wins() {
    let kit = Kit::new();
    let c = kit.case("Race");
    let start = Barrier::new(THREADS);
    let results: Vec<(String, Result<KibanaCase, Failure>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (kit, c, start) = (&kit, &c, &start);
                s.spawn(move || {
                    let title = format!("writer-{t}");
                    let input = full_update(c, &title);
                    start.wait();
                    (title, kit.h.update_case(&kit.conn(), &input).unwrap())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let winners: Vec<&String> = results
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(title, _)| title)
        .collect();
    assert_eq!(winners.len(), 1, "exactly one writer wins: {results:?}");
    for (_, r) in &results {
        if let Err(e) = r {
            assert_eq!((e.status_code, e.kind), (409, ErrorKind::Conflict), "{e:?}");
        }
    }
    // Every writer sent one PATCH with the version it had read: none retried.
    let patches: Vec<_> = kit
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), THREADS, "{patches:?}");
    for patch in &patches {
        let body = patch.body_json().expect("a JSON body");
        assert_eq!(body["cases"][0]["version"], c.version.as_str());
    }
    let after = read_case(&kit, &c.case_id);
    assert_eq!(&after.title, winners[0]);
    assert_eq!(after.tags, vec![winners[0].clone()]);
}

#[test]
fn update_comment_with_a_stale_version_is_409_and_changes_nothing() {
    let kit = Kit::new();
    let c = kit.case("Commented");
    let added = kit
        .h
        .add_comment(
            &kit.conn(),
            &AddCommentInput {
                case_id: c.case_id.clone(),
                comment: Some("first".into()),
                comment_type: None,
                alert_id: None,
                alert_index: None,
                rule_id: None,
                rule_name: None,
            },
        )
        .unwrap()
        .expect("comment added");
    let edit = |text: &str, version: &str| UpdateCommentInput {
        case_id: c.case_id.clone(),
        comment_id: added.comment_id.clone(),
        comment: text.into(),
        version: version.into(),
    };
    // Someone else edits the comment first.
    kit.h
        .update_comment(&kit.conn(), &edit("theirs", &added.version))
        .unwrap()
        .expect("their edit");
    let get = || {
        kit.h
            .get_comment(&kit.conn(), &c.case_id, &added.comment_id)
            .unwrap()
            .expect("get-comment")
    };
    let before = get();
    let case_before = read_case(&kit, &c.case_id);

    kit.sim.clear_requests();
    let e = kit
        .h
        .update_comment(&kit.conn(), &edit("mine", &added.version))
        .unwrap()
        .expect_err("stale version");
    assert_eq!((e.status_code, e.kind), (409, ErrorKind::Conflict), "{e:?}");
    // The owner was read, then the edit sent once with the stale version.
    let sent = kit.requests();
    let patch = sent.last().expect("a PATCH was sent");
    assert_eq!(
        (patch.method.as_str(), patch.path.as_str()),
        (
            "PATCH",
            format!("/api/cases/{}/comments", c.case_id).as_str()
        )
    );
    let body = patch.body_json().expect("a JSON body");
    assert_eq!(body["version"], added.version.as_str());
    assert_eq!(body["comment"], "mine");
    assert_eq!(sent.iter().filter(|r| r.method == "PATCH").count(), 1);

    let after = get();
    assert_eq!(
        format!("{after:?}"),
        format!("{before:?}"),
        "comment unchanged"
    );
    assert_eq!(after.comment, "theirs");
    let case_after = read_case(&kit, &c.case_id);
    assert_eq!(
        format!("{case_after:?}"),
        format!("{case_before:?}"),
        "case unchanged"
    );
}
