//! Requests in flight together within one call (`max-in-flight`): return-all of
//! `get-many-cases` and `get-many-comments`, `get-case` with its comments and
//! `delete-case`'s call per id, against a simulator whose every answer takes a
//! while, as a remote Kibana's does. Each test reads what the simulator received:
//! which pages, and how many requests it was serving when each came (their overlap
//! in time).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use host_test::harness::async_harness::{self, AsyncHarness};
use host_test::harness::bindings::{case_comments, cases, ErrorKind, Owner};
use host_test::harness::{Harness, HarnessConfig};
use host_test::sim::{Fault, RecordedRequest};

/// Every answer's latency in these tests.
const LATENCY: Duration = Duration::from_millis(40);

/// Cases `case 0` to `case {n - 1}` in the default space, made before the latency
/// is set (so that making them is quick); the requests forgotten.
fn kit_with_cases(n: usize) -> Kit {
    let kit = Kit::new();
    for i in 0..n {
        kit.h
            .create_case(&kit.conn(), &case_input(&format!("case {i}")))
            .unwrap()
            .expect("created");
    }
    kit.sim.clear_requests();
    kit.sim.set_latency(LATENCY);
    kit
}

fn all_cases(limit: Option<u32>, max_in_flight: Option<u32>) -> cases::GetManyCasesInput {
    cases::GetManyCasesInput {
        return_all: true,
        limit,
        max_in_flight,
        owners: vec![Owner::SecuritySolution],
        ..many_cases()
    }
}

/// The page a `_find` request asked for (each must ask for 100 per page).
fn page_of(request: &RecordedRequest) -> u32 {
    let pairs = request.query_pairs();
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {key} in {}", request.query))
    };
    assert_eq!(value("perPage"), "100", "{}", request.query);
    value("page").parse().unwrap()
}

/// The pages requested, in the order the simulator received them.
fn pages(kit: &Kit) -> Vec<u32> {
    kit.requests().iter().map(page_of).collect()
}

/// The request for page `page`.
fn page(kit: &Kit, page: u32) -> RecordedRequest {
    kit.requests()
        .into_iter()
        .find(|r| page_of(r) == page)
        .unwrap_or_else(|| panic!("page {page} was not requested"))
}

/// The most requests the simulator was serving together.
fn most_served(kit: &Kit) -> usize {
    kit.requests().iter().map(|r| r.serving).max().unwrap_or(0)
}

/// Titles `case {from}` down to `case {to}`: Kibana's order (newest first).
fn newest_first(from: usize, to: usize) -> Vec<String> {
    (to..=from).rev().map(|i| format!("case {i}")).collect()
}

fn titles(page: &cases::CasePage) -> Vec<String> {
    page.cases.iter().map(|c| c.title.clone()).collect()
}

/// Matches the `_find` request for page `page`.
fn for_page(page: u32) -> impl Fn(&RecordedRequest) -> bool + Send + Sync + 'static {
    move |r| r.path.ends_with("/_find") && r.query.starts_with(&format!("page={page}&"))
}

#[test]
fn return_all_requests_pages_together_and_keeps_kibanas_order_when_they_overtake() {
    let kit = kit_with_cases(850);
    // Page 2 answers last: pages 3, 4 and 5, sent with it, overtake it, and each of
    // their answers starts another page.
    kit.sim
        .inject_where(for_page(2), Fault::Slow(Duration::from_millis(400)));
    let all = kit
        .h
        .get_many_cases(&kit.conn(), &all_cases(None, Some(4)))
        .unwrap()
        .expect("all cases");
    assert_eq!(titles(&all), newest_first(849, 0));
    assert_eq!((all.page, all.per_page, all.total), (1, 850, 850));

    let asked = pages(&kit);
    assert_eq!(asked.len(), 9, "{asked:?}");
    assert_eq!(asked[0], 1);
    let mut sorted = asked.clone();
    sorted.sort();
    assert_eq!(sorted, (1..=9).collect::<Vec<_>>());
    // Page 1 alone, then never more than 4 at once, and 4 at once indeed.
    assert_eq!(page(&kit, 1).serving, 1);
    assert_eq!(most_served(&kit), 4);
    // Pages 6 to 9 went out while page 2 was still unanswered.
    let two = page(&kit, 2);
    for later in 6..=9 {
        let r = page(&kit, later);
        assert!(
            r.received < two.received + Duration::from_millis(400),
            "page {later} at {:?}, page 2 at {:?}",
            r.received,
            two.received
        );
    }
}

#[test]
fn return_all_one_in_flight_is_one_page_after_the_other() {
    let kit = kit_with_cases(350);
    let all = kit
        .h
        .get_many_cases(&kit.conn(), &all_cases(None, Some(1)))
        .unwrap()
        .expect("all cases");
    assert_eq!(titles(&all), newest_first(349, 0));
    // Exactly the requests of reading page after page: the same queries, in order,
    // each alone and each after the previous one's answer.
    let queries: Vec<String> = kit.requests().iter().map(|r| r.query.clone()).collect();
    let expected: Vec<String> = (1..=4)
        .map(|p| {
            format!(
                "page={p}&perPage=100&sortField=createdAt&sortOrder=desc&owner=securitySolution"
            )
        })
        .collect();
    assert_eq!(queries, expected);
    let requests = kit.requests();
    assert!(requests.iter().all(|r| r.serving == 1), "{requests:?}");
    for pair in requests.windows(2) {
        assert!(pair[1].received >= pair[0].received + LATENCY);
    }
}

#[test]
fn return_all_failure_on_one_page_with_others_in_flight_fails_the_call() {
    let kit = kit_with_cases(900);
    // Page 3 fails while pages 2, 4 and 5 are still waiting for their answers.
    kit.sim.inject_where(
        for_page(3),
        Fault::Status(
            503,
            r#"{"statusCode":503,"error":"Service Unavailable","message":"page 3 is busy"}"#.into(),
        ),
    );
    for other in [2, 4, 5] {
        kit.sim
            .inject_where(for_page(other), Fault::Slow(Duration::from_millis(300)));
    }
    let r = kit
        .h
        .get_many_cases(&kit.conn(), &all_cases(None, Some(4)))
        .unwrap();
    let e = assert_status(r, 503, ErrorKind::ServerError);
    assert_eq!(e.message, "page 3 is busy");
    assert!(e.retryable);
    // No page was started after the failure, not even once the others answered.
    std::thread::sleep(Duration::from_millis(400));
    let mut asked = pages(&kit);
    asked.sort();
    assert_eq!(asked, [1, 2, 3, 4, 5]);
    assert_eq!(most_served(&kit), 4);
}

#[test]
fn return_all_timeout_of_one_request_among_several() {
    let kit = kit_with_cases(500);
    kit.sim
        .inject_where(for_page(3), Fault::Slow(Duration::from_secs(3)));
    let conn = host_test::harness::bindings::Connection {
        timeout_ms: Some(600),
        ..kit.conn()
    };
    let started = std::time::Instant::now();
    let r = kit
        .h
        .get_many_cases(&conn, &all_cases(None, Some(4)))
        .unwrap();
    let e = assert_status(r, 0, ErrorKind::Timeout);
    assert_eq!(e.message, "no answer from Kibana within 600 ms");
    // The one request's own timeout ended the call, not the slow answer.
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    let mut asked = pages(&kit);
    asked.sort();
    assert_eq!(asked, [1, 2, 3, 4, 5]);
    // Pages 2 to 5 were sent together: the one that timed out among them.
    assert_eq!(most_served(&kit), 4);
}

#[test]
fn return_all_limit_smaller_than_a_page_or_not_a_multiple_of_100_is_exact() {
    let kit = kit_with_cases(450);
    let some = kit
        .h
        .get_many_cases(&kit.conn(), &all_cases(Some(37), Some(4)))
        .unwrap()
        .expect("37 cases");
    assert_eq!(titles(&some), newest_first(449, 413));
    assert_eq!((some.per_page, some.total), (37, 450));
    assert_eq!(pages(&kit), [1]);

    kit.sim.clear_requests();
    let some = kit
        .h
        .get_many_cases(&kit.conn(), &all_cases(Some(250), Some(8)))
        .unwrap()
        .expect("250 cases");
    assert_eq!(titles(&some), newest_first(449, 200));
    assert_eq!((some.per_page, some.total), (250, 450));
    // Pages 2 and 3 together, and never page 4 (it would hold only cases past 250).
    let mut asked = pages(&kit);
    asked.sort();
    assert_eq!(asked, [1, 2, 3]);
    assert_eq!(most_served(&kit), 2);
}

#[test]
fn return_all_more_in_flight_than_pages() {
    let kit = kit_with_cases(250);
    let all = kit
        .h
        .get_many_cases(&kit.conn(), &all_cases(None, Some(16)))
        .unwrap()
        .expect("all cases");
    assert_eq!(titles(&all), newest_first(249, 0));
    let mut asked = pages(&kit);
    asked.sort();
    assert_eq!(asked, [1, 2, 3]);
    assert_eq!(page(&kit, 1).serving, 1);
    assert_eq!(most_served(&kit), 2);
}

#[test]
fn comments_pages_together_for_get_case_and_get_many_comments() {
    let kit = Kit::new();
    let case = kit.case("Long thread");
    for i in 0..250 {
        kit.h
            .add_comment(
                &kit.conn(),
                &user_comment(&case.case_id, &format!("comment {i}")),
            )
            .unwrap()
            .expect("added");
    }
    kit.sim.clear_requests();
    kit.sim.set_latency(LATENCY);
    // Page 2 answers after page 3.
    kit.sim
        .inject_where(for_page(2), Fault::Slow(Duration::from_millis(200)));
    let input = cases::GetCaseInput {
        case_id: case.case_id.clone(),
        include_comments: true,
        max_in_flight: Some(3),
    };
    let read = kit
        .h
        .get_case(&kit.conn(), &input)
        .unwrap()
        .expect("the case");
    let texts: Vec<&str> = read.comments.iter().map(|c| c.comment.as_str()).collect();
    let expected: Vec<String> = (0..250).map(|i| format!("comment {i}")).collect();
    assert_eq!(texts, expected);
    let requests = kit.requests();
    assert_eq!(requests[0].path, format!("/api/cases/{}", case.case_id));
    let finds = &requests[1..];
    assert_eq!(finds.len(), 3);
    assert_eq!((page_of(&finds[0]), finds[0].serving), (1, 1));
    assert_eq!(finds.iter().map(|r| r.serving).max(), Some(2));

    kit.sim.clear_requests();
    let input = case_comments::GetManyCommentsInput {
        case_id: case.case_id.clone(),
        page: None,
        per_page: None,
        return_all: true,
        limit: Some(201),
        max_in_flight: Some(4),
    };
    let all = kit
        .h
        .get_many_comments(&kit.conn(), &input)
        .unwrap()
        .expect("the comments");
    let texts: Vec<&str> = all.comments.iter().map(|c| c.comment.as_str()).collect();
    assert_eq!(texts, expected[..201]);
    assert_eq!((all.per_page, all.total), (201, 250));
    let mut asked = pages(&kit);
    asked.sort();
    assert_eq!(asked, [1, 2, 3]);
    assert_eq!(most_served(&kit), 2);
}

#[test]
fn delete_case_fallback_with_mixed_404_and_204_in_flight() {
    let kit = Kit::new();
    let made: Vec<String> = (0..4)
        .map(|i| kit.case(&format!("doomed {i}")).case_id)
        .collect();
    kit.sim.set_latency(LATENCY);
    let ids = vec![
        made[0].clone(),
        "missing-1".to_owned(),
        made[1].clone(),
        made[2].clone(),
        "missing-2".to_owned(),
        made[3].clone(),
    ];
    let input = cases::DeleteCaseInput {
        case_ids: ids.clone(),
        max_in_flight: Some(4),
    };
    let out = kit
        .h
        .delete_case(&kit.conn(), &input)
        .unwrap()
        .expect("an output");
    assert_eq!((out.deleted_count, out.failed_count), (4, 2));
    assert_eq!(out.status_code, 404);
    let failed: Vec<(&str, i32)> = out
        .failed_items
        .iter()
        .map(|f| (f.case_id.as_str(), f.status_code))
        .collect();
    assert_eq!(failed, [("missing-1", 404), ("missing-2", 404)]);
    assert_eq!(kit.sim.case_count("default"), 0);

    // The refused bulk call alone, then one call per id, 4 of them at once.
    let requests = kit.requests();
    assert_eq!(requests.len(), 7);
    assert_eq!(requests[0].serving, 1);
    let per_id: Vec<String> = requests[1..]
        .iter()
        .map(|r| {
            let ids: Vec<String> =
                serde_json::from_str(&r.query_pairs()[0].1).expect("ids as JSON");
            assert_eq!(ids.len(), 1);
            ids[0].clone()
        })
        .collect();
    let mut sorted = per_id.clone();
    sorted.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(sorted, expected);
    assert_eq!(requests.iter().map(|r| r.serving).max(), Some(4));
}

#[test]
fn the_outbound_pool_opens_a_connection_per_request_in_flight_and_reuses_them() {
    let kit = kit_with_cases(900);
    let h = Harness::with_config(HarnessConfig::default()).expect("the built component loads");
    let input = all_cases(None, Some(8));
    let first = h.get_many_cases(&kit.conn(), &input).unwrap().expect("all");
    assert_eq!(first.cases.len(), 900);
    assert_eq!(most_served(&kit), 8);
    let opened = h.outbound().connections_opened();
    assert!((8..=9).contains(&opened), "{opened} connections");
    kit.sim.clear_requests();
    let again = h.get_many_cases(&kit.conn(), &input).unwrap().expect("all");
    assert_eq!(titles(&again), titles(&first));
    assert_eq!(most_served(&kit), 8);
    assert_eq!(
        h.outbound().connections_opened(),
        opened,
        "the pool's connections are reused"
    );
}

#[test]
fn the_async_harness_sends_pages_together_too() {
    let kit = kit_with_cases(500);
    let h = Arc::new(
        Harness::with_config(HarnessConfig {
            pooling: Some(4),
            ..HarnessConfig::default()
        })
        .expect("the built component loads"),
    );
    let ah = AsyncHarness::new(&h).expect("the async harness");
    let input = async_harness::cases::GetManyCasesInput {
        return_all: true,
        limit: None,
        max_in_flight: Some(4),
        page: None,
        per_page: None,
        sort_field: None,
        sort_order: None,
        search: None,
        search_fields: vec![],
        status: None,
        owners: vec![],
        assignees: vec![],
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let all = runtime
        .block_on(ah.get_many_cases(&kit.conn(), &input))
        .unwrap()
        .expect("all cases");
    assert_eq!(
        all.cases
            .iter()
            .map(|c| c.title.clone())
            .collect::<Vec<_>>(),
        newest_first(499, 0)
    );
    let mut asked = pages(&kit);
    asked.sort();
    assert_eq!(asked, [1, 2, 3, 4, 5]);
    assert_eq!(most_served(&kit), 4);
}
