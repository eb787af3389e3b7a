//! Reading a Kibana `_find` route page after page into one list, for the operations
//! that return all (`get-many-cases`, `get-many-comments`, and `get-case` with its
//! comments), with up to `max-in-flight` pages requested together.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use crate::kibana::{Client, Request, Response};
use crate::types::ErrorInfo;
use crate::validate::{MAX_PAGE_WINDOW, MAX_PER_PAGE};

/// Items read per page: Kibana's maximum.
pub const PER_PAGE: u32 = MAX_PER_PAGE;
/// Pages read at most: Kibana serves no item past its 10000-item window.
pub const MAX_PAGES: u32 = (MAX_PAGE_WINDOW / MAX_PER_PAGE as u64) as u32;

/// One page as read: its items (at most [`PER_PAGE`]) and the `total` it reports.
struct Page<T> {
    items: Vec<T>,
    total: u32,
}

impl<T> Page<T> {
    /// Whether the list ends with this page (page `number`): it came back short, or
    /// with it `limit` items or the `total` it reports are in hand (every page
    /// before it being full).
    fn ends(&self, number: u32, limit: u32) -> bool {
        let read = number.saturating_mul(PER_PAGE);
        self.items.len() < PER_PAGE as usize || read >= limit || read >= self.total
    }
}

/// Reads pages 1, 2, ... of [`PER_PAGE`] items (`request` makes a page's request,
/// `read` reads its answer into items and Kibana's `total`) until the `total` a
/// page reports or `limit` items are in hand, or a page comes back short. Returns
/// at most `limit` items in the pages' order and the last page's `total`.
///
/// Page 1 is read alone; its `total` says how many pages follow, and those are
/// requested with at most `max_in_flight` in flight together, in order, each
/// started as another is answered. With `max_in_flight` 1 this is one page after
/// the other, exactly the requests of reading them in a loop. A page is only
/// requested while the pages before it may not end the list, and never past
/// `limit` (so memory holds at most `limit` items, whatever `total` says; a page's
/// items beyond [`PER_PAGE`] are dropped). The first failure is the result: no
/// partial list, no page started after it, and the pages still in flight are
/// abandoned.
pub fn read_all<T>(
    client: &Client,
    limit: u32,
    max_in_flight: u32,
    request: impl Fn(u32) -> Request,
    read: impl Fn(u32, Response) -> Result<(Vec<T>, u32), ErrorInfo>,
) -> Result<(Vec<T>, u32), ErrorInfo> {
    let max = usize::try_from(max_in_flight.max(1)).unwrap_or(1);
    // Pages 1, 2, ... as they are answered, in any order.
    let mut pages: Vec<Option<Page<T>>> = Vec::new();
    let mut flight = client.in_flight();
    let mut next = 1;
    // The `total` of the highest page answered: the latest word on how many there are.
    let mut latest: Option<(u32, u32)> = None;
    // The first page known to come back short: no page after it is requested.
    let mut short: Option<u32> = None;
    let last = loop {
        if let Some(last) = end(&pages, limit) {
            break last;
        }
        while flight.len() < max && may_request(next, limit, latest, short) {
            flight.start(next as usize, &request(next));
            next += 1;
        }
        let Some((tag, answer)) = flight.next() else {
            // Nothing in flight and nothing to request: the list ends with the
            // pages in hand (`end` finds that first; kept for safety).
            break pages.iter().take_while(|page| page.is_some()).count() as u32;
        };
        let number = u32::try_from(tag).unwrap_or(u32::MAX);
        let (mut items, total) = read(number, answer?)?;
        items.truncate(PER_PAGE as usize);
        if items.len() < PER_PAGE as usize {
            short = Some(short.map_or(number, |s| s.min(number)));
        }
        if latest.is_none_or(|(highest, _)| number > highest) {
            latest = Some((number, total));
        }
        let index = number.saturating_sub(1) as usize;
        if pages.len() <= index {
            pages.resize_with(index + 1, || None);
        }
        if let Some(slot) = pages.get_mut(index) {
            *slot = Some(Page { items, total });
        }
    };
    drop(flight);
    let mut items = Vec::new();
    let mut total = 0;
    for page in pages.into_iter().take(last as usize).flatten() {
        items.extend(page.items);
        total = page.total;
    }
    items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok((items, total))
}

/// The last page of the list, once the pages up to it are all answered and none
/// before it ends the list.
fn end<T>(pages: &[Option<Page<T>>], limit: u32) -> Option<u32> {
    for (number, page) in (1..=MAX_PAGES).zip(pages) {
        let page = page.as_ref()?;
        if number == MAX_PAGES || page.ends(number, limit) {
            return Some(number);
        }
    }
    None
}

/// Whether page `number` may be requested: page 1 first and alone; any other once
/// a page has given a `total`, while the pages before it may not end the list.
fn may_request(number: u32, limit: u32, latest: Option<(u32, u32)>, short: Option<u32>) -> bool {
    let before = number.saturating_sub(1).saturating_mul(PER_PAGE);
    match latest {
        None => number == 1,
        Some((_, total)) => {
            number <= MAX_PAGES
                && before < limit
                && before < total
                && short.is_none_or(|short| number <= short)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kibana::TransportError;
    use crate::test_support::{conn, FakeTransport, Order};
    use crate::types::ErrorKind;
    use serde_json::json;

    /// The page number of a request `/api/items?page=N&perPage=100`.
    fn page_of(path: &str) -> u32 {
        let (_, rest) = path.split_once("page=").unwrap();
        rest.split('&').next().unwrap().parse().unwrap()
    }

    /// A Kibana of `total` items numbered 0, 1, ...: a page is `{"items":[...],
    /// "total":total}`.
    fn kibana(total: u32) -> FakeTransport {
        FakeTransport::new().serve(move |request| {
            let start = (page_of(&request.path_and_query) - 1) * PER_PAGE;
            let items: Vec<u32> = (start..total.min(start + PER_PAGE)).collect();
            Ok(Response {
                status: 200,
                body: serde_json::to_vec(&json!({"items": items, "total": total})).unwrap(),
            })
        })
    }

    /// `read_all` over `transport`, a page being `{"items":[...],"total":n}`.
    fn read(
        transport: &FakeTransport,
        limit: u32,
        max_in_flight: u32,
    ) -> Result<(Vec<u32>, u32), ErrorInfo> {
        let client = Client::new(&conn(), transport).unwrap();
        read_all(
            &client,
            limit,
            max_in_flight,
            |page| Request::get(format!("/api/items?page={page}&perPage={PER_PAGE}")),
            |_, response| {
                let page: serde_json::Value = serde_json::from_slice(&response.body).unwrap();
                let items = serde_json::from_value(page["items"].clone()).unwrap();
                Ok((items, page["total"].as_u64().unwrap() as u32))
            },
        )
    }

    /// The pages requested, in the order they were started.
    fn started(transport: &FakeTransport) -> Vec<u32> {
        transport
            .requests()
            .iter()
            .map(|r| page_of(&r.path_and_query))
            .collect()
    }

    #[test]
    fn read_all_stops_at_total_limit_or_a_short_page() {
        for max_in_flight in [1, 2, 4, 16] {
            for (total, limit, expected_pages, expected_len) in [
                (0, 1000, vec![1], 0),
                (1, 1000, vec![1], 1),
                (100, 1000, vec![1], 100),
                (101, 1000, vec![1, 2], 101),
                (1001, 1000, (1..=10).collect(), 1000),
                (250, 150, vec![1, 2], 150),
                (20_000, 10_000, (1..=100).collect(), 10_000),
            ] {
                let transport = kibana(total);
                let (items, reported) = read(&transport, limit, max_in_flight).unwrap();
                let case = format!("total {total}, limit {limit}, {max_in_flight} in flight");
                assert_eq!(started(&transport), expected_pages, "{case}");
                assert_eq!(items.len(), expected_len, "{case}");
                assert_eq!(reported, total, "{case}");
                assert!(items.iter().copied().eq(0..expected_len as u32), "{case}");
                assert!(transport.most_in_flight() <= max_in_flight as usize);
            }
        }
    }

    #[test]
    fn read_all_one_in_flight_is_one_page_after_the_other() {
        let transport = kibana(350);
        read(&transport, 1000, 1).unwrap();
        let expected: Vec<String> = (1..=4)
            .flat_map(|page| {
                let line = format!("GET /api/items?page={page}&perPage=100");
                [format!("start {line}"), format!("answer {line}")]
            })
            .collect();
        assert_eq!(transport.events(), expected);
        assert_eq!(transport.most_in_flight(), 1);
    }

    #[test]
    fn read_all_keeps_the_order_of_pages_answered_out_of_order() {
        let transport = kibana(1000).answering(Order::Newest);
        let (items, total) = read(&transport, 1000, 4).unwrap();
        assert_eq!((items.len(), total), (1000, 1000));
        assert!(items.iter().copied().eq(0..1000));
        assert_eq!(transport.most_in_flight(), 4);
        // Page 1 alone; then 2 to 5 together, each answer starting the next page.
        let events = transport.events();
        let line = |what: &str, page: u32| format!("{what} GET /api/items?page={page}&perPage=100");
        assert_eq!(
            events[..7],
            [
                line("start", 1),
                line("answer", 1),
                line("start", 2),
                line("start", 3),
                line("start", 4),
                line("start", 5),
                line("answer", 5),
            ]
        );
        let answered: Vec<&String> = events.iter().filter(|e| e.starts_with("answer")).collect();
        assert_eq!(answered.len(), 10);
        assert_eq!(*answered.last().unwrap(), &line("answer", 2));
    }

    #[test]
    fn read_all_fails_whole_on_a_page_with_others_in_flight() {
        // Page 3 fails while pages 2, 4 and 5 are in flight: the call fails with its
        // status; no page is started after the failure, the others are abandoned.
        let transport = FakeTransport::new().serve(|request| {
            let page = page_of(&request.path_and_query);
            if page == 3 {
                return Ok(Response {
                    status: 503,
                    body: br#"{"statusCode":503,"error":"Service Unavailable","message":"busy"}"#
                        .to_vec(),
                });
            }
            let items: Vec<u32> = (0..PER_PAGE).collect();
            Ok(Response {
                status: 200,
                body: serde_json::to_vec(&json!({"items": items, "total": 1000})).unwrap(),
            })
        });
        let err = read(&transport, 1000, 4).unwrap_err();
        assert_eq!((err.status_code, err.kind), (503, ErrorKind::ServerError));
        assert_eq!(err.message, "busy");
        let events = transport.events();
        let line = |what: &str, page: u32| format!("{what} GET /api/items?page={page}&perPage=100");
        let failed = events.iter().position(|e| *e == line("answer", 3)).unwrap();
        assert!(
            events[failed + 1..]
                .iter()
                .all(|e| e.starts_with("abandon")),
            "{events:?}"
        );
        assert_eq!(started(&transport), [1, 2, 3, 4, 5, 6]);
        assert_eq!(
            events[failed + 1..],
            [line("abandon", 4), line("abandon", 5), line("abandon", 6)]
        );
    }

    #[test]
    fn read_all_a_timeout_among_several_fails_the_call() {
        let transport = FakeTransport::new()
            .serve(|request| match page_of(&request.path_and_query) {
                2 => Err(TransportError::Timeout),
                _ => {
                    let items: Vec<u32> = (0..PER_PAGE).collect();
                    Ok(Response {
                        status: 200,
                        body: serde_json::to_vec(&json!({"items": items, "total": 500})).unwrap(),
                    })
                }
            })
            .answering(Order::Newest);
        let err = read(&transport, 1000, 4).unwrap_err();
        assert_eq!((err.status_code, err.kind), (0, ErrorKind::Timeout));
        // 3, 4 and 5 answered (newest first), then 2 timed out: nothing more.
        assert_eq!(started(&transport), [1, 2, 3, 4, 5]);
        assert!(transport.events().last().unwrap().starts_with("answer"));
    }

    #[test]
    fn read_all_limit_below_a_page_or_between_pages_is_exact() {
        for max_in_flight in [1, 4] {
            let transport = kibana(10_000);
            let (items, total) = read(&transport, 37, max_in_flight).unwrap();
            assert_eq!((items.len(), total), (37, 10_000));
            assert!(items.iter().copied().eq(0..37));
            assert_eq!(started(&transport), [1]);

            let transport = kibana(10_000);
            let (items, _) = read(&transport, 250, max_in_flight).unwrap();
            assert!(items.iter().copied().eq(0..250));
            assert_eq!(started(&transport), [1, 2, 3]);
        }
    }

    #[test]
    fn read_all_more_in_flight_than_pages() {
        let transport = kibana(250);
        let (items, total) = read(&transport, 1000, 16).unwrap();
        assert_eq!((items.len(), total), (250, 250));
        assert_eq!(started(&transport), [1, 2, 3]);
        assert_eq!(transport.most_in_flight(), 2);
    }

    proptest::proptest! {
        /// Whatever each page holds and reports, in whatever order the answers
        /// come: no panic, at most `limit` items, in the pages' order, at most
        /// `max_in_flight` requests at once and no page past `limit`'s.
        #[test]
        fn read_all_any_answers(
            lengths in proptest::collection::vec(0u32..160, 1..110),
            totals in proptest::collection::vec(proptest::prelude::any::<u32>(), 1..110),
            limit in 1u32..=10_000,
            max_in_flight in 1u32..=16,
            newest_first in proptest::prelude::any::<bool>(),
        ) {
            let transport = FakeTransport::new()
                .serve(move |request| {
                    let page = page_of(&request.path_and_query);
                    let at = |list: &Vec<u32>| list[(page as usize - 1) % list.len()];
                    let items: Vec<u32> = (0..at(&lengths)).map(|i| page * 1000 + i).collect();
                    Ok(Response {
                        status: 200,
                        body: serde_json::to_vec(&json!({"items": items, "total": at(&totals)}))
                            .unwrap(),
                    })
                })
                .answering(if newest_first { Order::Newest } else { Order::Oldest });
            let (items, _) = read(&transport, limit, max_in_flight).unwrap();
            proptest::prop_assert!(items.len() <= limit as usize);
            proptest::prop_assert!(items.windows(2).all(|w| w[0] < w[1]));
            proptest::prop_assert!(transport.most_in_flight() <= max_in_flight as usize);
            let last = limit.div_ceil(PER_PAGE).min(MAX_PAGES);
            proptest::prop_assert!(started(&transport).iter().all(|&p| p <= last));
        }
    }

    #[test]
    fn read_all_stops_at_a_short_page_and_bounds_each_page() {
        // Kibana says 1000, but page 2 comes back short (cases deleted meanwhile):
        // the list ends there, pages already in flight after it are dropped.
        let transport = FakeTransport::new().serve(|request| {
            let page = page_of(&request.path_and_query);
            let len = match page {
                1 => 150, // more than asked: only 100 are kept
                2 => 40,
                _ => 100,
            };
            let items: Vec<u32> = (0..len).map(|i| page * 1000 + i).collect();
            Ok(Response {
                status: 200,
                body: serde_json::to_vec(&json!({"items": items, "total": 1000})).unwrap(),
            })
        });
        let (items, total) = read(&transport, 1000, 4).unwrap();
        assert_eq!((items.len(), total), (140, 1000));
        assert_eq!(items[99], 1099);
        assert_eq!(items[100], 2000);
        assert_eq!(started(&transport), [1, 2, 3, 4, 5]);
    }
}
