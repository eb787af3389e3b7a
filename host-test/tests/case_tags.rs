//! End-to-end tests of the `case-tags` interface against the Kibana simulator.

mod common;

use std::collections::BTreeSet;

use common::*;
use host_test::harness::bindings::{cases, ErrorKind, Owner};
use host_test::sim::Fault;
use serde_json::json;

fn tagged_case(kit: &Kit, tags: &[&str]) -> host_test::harness::bindings::KibanaCase {
    let input = cases::CreateCaseInput {
        tags: strings(tags),
        ..case_input("Tagged")
    };
    let c = kit.h.create_case(&kit.conn(), &input).unwrap().unwrap();
    kit.sim.clear_requests();
    c.kibana_case
}

#[test]
fn add_tag_merges_without_duplicates() {
    let kit = Kit::new();
    let c = tagged_case(&kit, &["a"]);
    let out = kit
        .h
        .add_tag(&kit.conn(), &c.case_id, &strings(&["b, a ,c", "b"]))
        .unwrap()
        .expect("tagged");
    assert_eq!(out.tags, strings(&["a", "b", "c"]));
    assert_eq!(out.case_id, c.case_id);
    assert_eq!(
        kit.routes(),
        [
            format!("GET /api/cases/{}", c.case_id),
            "PATCH /api/cases".to_string()
        ]
    );
    let patch = &kit.requests()[1];
    assert!(patch.header("kbn-xsrf").is_some());
    assert_eq!(
        patch.body_json().unwrap(),
        json!({"cases": [{"id": c.case_id, "version": c.version, "tags": ["a", "b", "c"]}]})
    );
    assert_ne!(out.version, c.version);
}

#[test]
fn add_tag_already_present_writes_nothing() {
    let kit = Kit::new();
    let c = tagged_case(&kit, &["a", "b"]);
    let out = kit
        .h
        .add_tag(&kit.conn(), &c.case_id, &strings(&["b"]))
        .unwrap()
        .expect("no-op");
    assert_eq!(out.tags, strings(&["a", "b"]));
    assert_eq!(out.version, c.version);
    assert_eq!(kit.routes(), [format!("GET /api/cases/{}", c.case_id)]);
}

#[test]
fn add_tag_hostile_values_round_trip() {
    let kit = Kit::new();
    let c = tagged_case(&kit, &[]);
    let hostile = [
        "a/../b?c#d",
        "100% & =+",
        "\"quoted\" 'single'",
        "emoji 🚨",
        "ünïcødé",
    ];
    let out = kit
        .h
        .add_tag(&kit.conn(), &c.case_id, &strings(&hostile))
        .unwrap()
        .expect("tagged");
    assert_eq!(out.tags, strings(&hostile));
    let back = kit
        .h
        .get_case(
            &kit.conn(),
            &cases::GetCaseInput {
                case_id: c.case_id,
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(back.tags, strings(&hostile));
}

#[test]
fn add_tag_retries_on_409() {
    let kit = Kit::new();
    let c = tagged_case(&kit, &["a"]);
    // The read goes through; the write meets a conflict, as if someone else saved
    // the case in between. The operation reads again and writes again.
    kit.sim.inject(Fault::Pass);
    kit.sim.inject(Fault::Status(
        409,
        r#"{"statusCode":409,"error":"Conflict","message":"This case has been updated. Please refresh before saving additional updates."}"#.into(),
    ));
    let out = kit
        .h
        .add_tag(&kit.conn(), &c.case_id, &strings(&["b"]))
        .unwrap()
        .expect("tagged after a retry");
    assert_eq!(out.tags, strings(&["a", "b"]));
    let get = format!("GET /api/cases/{}", c.case_id);
    let patch = "PATCH /api/cases".to_string();
    assert_eq!(kit.routes(), [get.clone(), patch.clone(), get, patch]);
}

#[test]
fn add_tag_gives_up_after_5_conflicts() {
    let kit = Kit::new();
    let c = tagged_case(&kit, &[]);
    for _ in 0..10 {
        kit.sim.inject(Fault::Pass);
        kit.sim.inject(Fault::Status(
            409,
            r#"{"statusCode":409,"error":"Conflict","message":"stale"}"#.into(),
        ));
    }
    let e = kit
        .h
        .add_tag(&kit.conn(), &c.case_id, &strings(&["x"]))
        .unwrap()
        .expect_err("409");
    assert_eq!((e.status_code, e.kind), (409, ErrorKind::Conflict));
    assert_eq!(kit.requests().len(), 20);
}

#[test]
fn concurrent_taggers_lose_nothing() {
    let kit = Kit::new();
    let c = tagged_case(&kit, &["base"]);
    // Each writer can lose at most to the other three, so 10 tries always suffice.
    std::thread::scope(|s| {
        for t in 0..4 {
            let (kit, id) = (&kit, c.case_id.clone());
            s.spawn(move || {
                let tags = strings(&[&format!("t{t}-1"), &format!("t{t}-2")]);
                kit.h
                    .add_tag(&kit.conn(), &id, &tags)
                    .unwrap()
                    .expect("tagged");
            });
        }
    });
    let back = kit
        .h
        .get_case(
            &kit.conn(),
            &cases::GetCaseInput {
                case_id: c.case_id.clone(),
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .unwrap();
    let got: BTreeSet<&str> = back.tags.iter().map(String::as_str).collect();
    assert_eq!(got.len(), back.tags.len(), "no duplicates: {:?}", back.tags);
    let want: BTreeSet<String> = std::iter::once("base".to_string())
        .chain((0..4).flat_map(|t| [format!("t{t}-1"), format!("t{t}-2")]))
        .collect();
    assert_eq!(got, want.iter().map(String::as_str).collect());
}

#[test]
fn remove_tag_keeps_the_rest() {
    let kit = Kit::new();
    let c = tagged_case(&kit, &["a", "b", "c"]);
    let out = kit
        .h
        .remove_tag(&kit.conn(), &c.case_id, &strings(&["b,zzz"]))
        .unwrap()
        .expect("removed");
    assert_eq!(out.tags, strings(&["a", "c"]));
    let patch = kit.requests()[1].body_json().unwrap();
    assert_eq!(patch["cases"][0]["tags"], json!(["a", "c"]));

    kit.sim.clear_requests();
    let out = kit
        .h
        .remove_tag(&kit.conn(), &c.case_id, &strings(&["zzz"]))
        .unwrap()
        .expect("nothing to remove");
    assert_eq!(out.tags, strings(&["a", "c"]));
    assert_eq!(kit.requests().len(), 1, "no write when nothing changes");
}

#[test]
fn tags_invalid_input_and_missing_case() {
    let kit = Kit::new();
    assert_invalid(
        &kit,
        kit.h.add_tag(&kit.conn(), "c", &strings(&[" , "])).unwrap(),
        "tags",
    );
    assert_invalid(
        &kit,
        kit.h.remove_tag(&kit.conn(), "c", &[]).unwrap(),
        "tags",
    );
    assert_invalid(
        &kit,
        kit.h.add_tag(&kit.conn(), "c", &["x".repeat(257)]).unwrap(),
        "tags",
    );
    assert_invalid(
        &kit,
        kit.h.add_tag(&kit.conn(), " ", &strings(&["a"])).unwrap(),
        "case-id",
    );
    let e = kit
        .h
        .add_tag(&kit.conn(), "missing", &strings(&["a"]))
        .unwrap()
        .expect_err("404");
    assert_eq!((e.status_code, e.kind), (404, ErrorKind::NotFound));
}

#[test]
fn get_case_tags_lists_the_tags_in_use_for_the_owners() {
    let kit = Kit::new();
    tagged_case(&kit, &["phishing", "email"]);
    tagged_case(&kit, &["email", "p1"]);
    let other = cases::CreateCaseInput {
        owner: Owner::Cases,
        tags: strings(&["stack-only"]),
        ..case_input("Stack case")
    };
    kit.h
        .create_case(&kit.conn(), &other)
        .unwrap()
        .expect("created");
    kit.sim.clear_requests();

    let all = kit
        .h
        .get_case_tags(&kit.conn(), &[])
        .unwrap()
        .expect("listed");
    let req = kit.only_request();
    assert_eq!(
        (req.method.as_str(), req.path.as_str(), req.query.as_str()),
        ("GET", "/api/cases/tags", "")
    );
    assert_eq!(all, strings(&["email", "p1", "phishing", "stack-only"]));

    kit.sim.clear_requests();
    let owners = [
        Owner::SecuritySolution,
        Owner::Observability,
        Owner::SecuritySolution,
    ];
    let security = kit
        .h
        .get_case_tags(&kit.conn(), &owners)
        .unwrap()
        .expect("listed");
    assert_eq!(
        kit.only_request().query,
        "owner=securitySolution&owner=observability"
    );
    assert_eq!(security, strings(&["email", "p1", "phishing"]));
}

#[test]
fn get_case_tags_in_another_space_and_errors() {
    let kit = Kit::new();
    tagged_case(&kit, &["default-only"]);
    let conn = kit.conn_in("soc-team");
    let input = cases::CreateCaseInput {
        tags: strings(&["team"]),
        ..case_input("Team")
    };
    kit.h.create_case(&conn, &input).unwrap().expect("created");
    kit.sim.clear_requests();
    let tags = kit.h.get_case_tags(&conn, &[]).unwrap().expect("listed");
    assert_eq!(tags, strings(&["team"]));
    assert_eq!(kit.only_request().path, "/s/soc-team/api/cases/tags");

    kit.sim.clear_requests();
    let r = kit.h.get_case_tags(&kit.bad_key(), &[]).unwrap();
    assert_status(r, 401, ErrorKind::Unauthorized);
    let r = kit
        .h
        .get_case_tags(&kit.conn_in("no-such-space"), &[])
        .unwrap();
    assert_status(r, 404, ErrorKind::NotFound);
    kit.sim.inject(Fault::WrongShape200);
    let r = kit.h.get_case_tags(&kit.conn(), &[]).unwrap();
    let e = assert_status(r, 502, ErrorKind::InvalidResponse);
    assert!(
        e.message.contains("not a valid list of tags"),
        "{}",
        e.message
    );
    // The connection is checked before anything is sent.
    kit.sim.clear_requests();
    let bad = host_test::harness::bindings::Connection {
        space_id: Some("Not A Space!".into()),
        ..kit.conn()
    };
    let r = kit.h.get_case_tags(&bad, &[]).unwrap();
    assert_invalid(&kit, r, "connection.space-id");
}
