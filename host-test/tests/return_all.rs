//! End-to-end tests of return-all (`ReturnAll`, `Limit`) of `cases.get-many-cases`
//! and `case-comments.get-many-comments`: page after page of 100, one list, and a
//! failure on any page fails the whole call.

mod common;

use common::*;
use host_test::harness::bindings::{case_comments, cases, Connection, ErrorKind, Owner};
use host_test::sim::Fault;

fn all_cases(limit: Option<u32>) -> cases::GetManyCasesInput {
    cases::GetManyCasesInput {
        return_all: true,
        limit,
        // Ignored with return-all, even out of range.
        page: Some(0),
        per_page: Some(1000),
        owners: vec![Owner::SecuritySolution],
        ..many_cases()
    }
}

fn all_comments(case_id: &str, limit: Option<u32>) -> case_comments::GetManyCommentsInput {
    case_comments::GetManyCommentsInput {
        case_id: case_id.into(),
        page: Some(7),
        per_page: Some(0),
        return_all: true,
        limit,
        max_in_flight: None,
    }
}

/// Cases `case {from}` to `case {to - 1}`, in that order.
fn make_cases(kit: &Kit, conn: &Connection, from: usize, to: usize) {
    for i in from..to {
        kit.h
            .create_case(conn, &case_input(&format!("case {i}")))
            .unwrap()
            .expect("created");
    }
    kit.sim.clear_requests();
}

/// Comments `comment {from}` to `comment {to - 1}`, in that order.
fn make_comments(kit: &Kit, case_id: &str, from: usize, to: usize) {
    for i in from..to {
        let input = case_comments::AddCommentInput {
            case_id: case_id.into(),
            comment: Some(format!("comment {i}")),
            comment_type: None,
            alert_id: None,
            alert_index: None,
            rule_id: None,
            rule_name: None,
        };
        kit.h
            .add_comment(&kit.conn(), &input)
            .unwrap()
            .expect("added");
    }
    kit.sim.clear_requests();
}

/// The `page` of each request, which must all be `perPage=100` with the filters.
fn pages_asked(kit: &Kit, filters: &str) -> Vec<String> {
    kit.requests()
        .iter()
        .map(|r| {
            let (page, rest) = r.query.split_once("&perPage=100").expect("100 per page");
            assert_eq!(rest, filters, "{}", r.query);
            page.to_string()
        })
        .collect()
}

const CASE_FILTERS: &str = "&sortField=createdAt&sortOrder=desc&owner=securitySolution";

#[test]
fn get_many_cases_return_all_0_1_100_101() {
    let kit = Kit::new();
    let conn = kit.conn();
    let mut made = 0;
    for (n, pages) in [
        (0, vec!["page=1"]),
        (1, vec!["page=1"]),
        (100, vec!["page=1"]),
        (101, vec!["page=1", "page=2"]),
    ] {
        make_cases(&kit, &conn, made, n);
        made = n;
        let page = kit
            .h
            .get_many_cases(&conn, &all_cases(None))
            .unwrap()
            .expect("all");
        assert_eq!(pages_asked(&kit, CASE_FILTERS), pages, "{n} cases");
        assert_eq!(page.cases.len(), n);
        assert_eq!(
            (page.page, page.per_page, page.total),
            (1, n as u32, n as u32)
        );
        // Newest first, as one list without repeats.
        let titles: Vec<String> = page.cases.iter().map(|c| c.title.clone()).collect();
        let expected: Vec<String> = (0..n).rev().map(|i| format!("case {i}")).collect();
        assert_eq!(titles, expected);
        kit.sim.clear_requests();
    }
}

#[test]
fn get_many_cases_return_all_stops_at_the_limit() {
    let kit = Kit::new();
    let conn = kit.conn();
    make_cases(&kit, &conn, 0, 151);
    let page = kit
        .h
        .get_many_cases(&conn, &all_cases(Some(150)))
        .unwrap()
        .expect("150");
    assert_eq!(pages_asked(&kit, CASE_FILTERS), ["page=1", "page=2"]);
    assert_eq!(
        (page.cases.len(), page.per_page, page.total),
        (150, 150, 151)
    );
    assert_eq!(page.cases[149].title, "case 1");
    kit.sim.clear_requests();
    let page = kit
        .h
        .get_many_cases(&conn, &all_cases(Some(100)))
        .unwrap()
        .expect("100");
    assert_eq!(pages_asked(&kit, CASE_FILTERS), ["page=1"]);
    assert_eq!((page.cases.len(), page.total), (100, 151));
}

#[test]
fn get_many_cases_return_all_fails_whole_on_the_second_page() {
    let kit = Kit::new();
    let conn = kit.conn();
    make_cases(&kit, &conn, 0, 101);
    kit.sim.inject(Fault::Pass);
    kit.sim.inject(Fault::Status500);
    let r = kit.h.get_many_cases(&conn, &all_cases(None)).unwrap();
    assert_status(r, 500, ErrorKind::ServerError);
    assert_eq!(pages_asked(&kit, CASE_FILTERS), ["page=1", "page=2"]);
    kit.sim.clear_requests();
    kit.sim.inject(Fault::Pass);
    kit.sim.inject(Fault::WrongShape200);
    let r = kit.h.get_many_cases(&conn, &all_cases(None)).unwrap();
    assert_status(r, 502, ErrorKind::InvalidResponse);
}

#[test]
fn get_many_cases_return_all_limit_out_of_range_sends_nothing() {
    let kit = Kit::new();
    for limit in [0, 10_001] {
        let r = kit
            .h
            .get_many_cases(&kit.conn(), &all_cases(Some(limit)))
            .unwrap();
        assert_invalid(&kit, r, "limit");
    }
}

#[test]
fn get_many_cases_return_all_in_another_space() {
    let kit = Kit::new();
    let conn = kit.conn_in("soc-team");
    make_cases(&kit, &conn, 0, 3);
    let page = kit
        .h
        .get_many_cases(&conn, &all_cases(None))
        .unwrap()
        .expect("all");
    assert_eq!(page.cases.len(), 3);
    assert!(kit
        .requests()
        .iter()
        .all(|r| r.path == "/s/soc-team/api/cases/_find"));
    assert_eq!(
        kit.h
            .get_many_cases(&kit.conn(), &all_cases(None))
            .unwrap()
            .expect("ok")
            .total,
        0
    );
}

#[test]
fn get_many_comments_return_all_0_1_100_101_and_limit() {
    let kit = Kit::new();
    let conn = kit.conn();
    let case = kit.case("Talked about");
    let path = format!("/api/cases/{}/comments/_find", case.case_id);
    let mut made = 0;
    for (n, pages) in [
        (0, vec!["page=1"]),
        (1, vec!["page=1"]),
        (100, vec!["page=1"]),
        (101, vec!["page=1", "page=2"]),
    ] {
        make_comments(&kit, &case.case_id, made, n);
        made = n;
        let page = kit
            .h
            .get_many_comments(&conn, &all_comments(&case.case_id, None))
            .unwrap()
            .expect("all");
        assert!(kit.requests().iter().all(|r| r.path == path));
        assert_eq!(pages_asked(&kit, "&sortOrder=asc"), pages, "{n} comments");
        assert_eq!(
            (page.comments.len(), page.page, page.per_page, page.total),
            (n, 1, n as u32, n as u32)
        );
        let texts: Vec<String> = page.comments.iter().map(|c| c.comment.clone()).collect();
        let expected: Vec<String> = (0..n).map(|i| format!("comment {i}")).collect();
        assert_eq!(texts, expected);
        kit.sim.clear_requests();
    }
    // Limit + 1 comments: the last page's extra ones are dropped.
    let page = kit
        .h
        .get_many_comments(&conn, &all_comments(&case.case_id, Some(100)))
        .unwrap()
        .expect("limited");
    assert_eq!(pages_asked(&kit, "&sortOrder=asc"), ["page=1"]);
    assert_eq!(
        (page.comments.len(), page.per_page, page.total),
        (100, 100, 101)
    );
    kit.sim.clear_requests();
    let page = kit
        .h
        .get_many_comments(&conn, &all_comments(&case.case_id, Some(1)))
        .unwrap()
        .expect("limited");
    assert_eq!((page.comments.len(), page.total), (1, 101));
    assert_eq!(page.comments[0].comment, "comment 0");
}

#[test]
fn get_many_comments_return_all_errors() {
    let kit = Kit::new();
    let conn = kit.conn();
    for limit in [0, 10_001] {
        let r = kit
            .h
            .get_many_comments(&conn, &all_comments("x", Some(limit)))
            .unwrap();
        assert_invalid(&kit, r, "limit");
    }
    let r = kit
        .h
        .get_many_comments(&conn, &all_comments(" ", None))
        .unwrap();
    assert_invalid(&kit, r, "case-id");
    let r = kit
        .h
        .get_many_comments(&conn, &all_comments("no-such-case", None))
        .unwrap();
    assert_status(r, 404, ErrorKind::NotFound);
    let r = kit
        .h
        .get_many_comments(&kit.bad_key(), &all_comments("x", None))
        .unwrap();
    assert_status(r, 401, ErrorKind::Unauthorized);

    let case = kit.case("Long thread");
    make_comments(&kit, &case.case_id, 0, 101);
    kit.sim.inject(Fault::Pass);
    kit.sim.inject(Fault::Status(
        503,
        r#"{"statusCode":503,"error":"Service Unavailable","message":"busy"}"#.into(),
    ));
    let r = kit
        .h
        .get_many_comments(&conn, &all_comments(&case.case_id, None))
        .unwrap();
    let e = assert_status(r, 503, ErrorKind::ServerError);
    assert_eq!(e.message, "busy");
    assert_eq!(pages_asked(&kit, "&sortOrder=asc"), ["page=1", "page=2"]);
}

#[test]
fn get_many_comments_return_all_hostile_id_in_another_space() {
    let kit = Kit::new();
    let conn = kit.conn_in("security");
    let r = kit
        .h
        .get_many_comments(&conn, &all_comments("a/../b?c#d", None))
        .unwrap();
    assert_status(r, 404, ErrorKind::NotFound);
    assert_eq!(
        kit.only_request().path,
        "/s/security/api/cases/a%2F..%2Fb%3Fc%23d/comments/_find"
    );
}
