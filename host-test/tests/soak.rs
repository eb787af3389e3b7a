//! Soak: thousands of mixed operations through the component against the simulator,
//! with zero transport errors and flat memory (the process's resident size after the
//! first tenth of the run vs at the end). `cargo test` runs a short version; the long
//! run is
//! `SOAK_CALLS=20000 cargo test --release -p host-test --test soak -- --nocapture`.

mod common;

use common::*;
use host_test::harness::bindings::case_comments::{AddCommentInput, GetManyCommentsInput};
use host_test::harness::bindings::{cases, ErrorKind, Severity};

#[test]
fn soak_mixed_operations_have_no_transport_errors() {
    let calls: usize = std::env::var("SOAK_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let kit = Kit::new();
    let conn = kit.conn();
    let mut tally = Tally::default();
    let started = std::time::Instant::now();
    let mut round = 0;
    let mut requests = 0;
    let mut rss_warm = None;
    while tally.done < calls {
        round += 1;
        // The simulator records every request: count and forget them, so that only the
        // component, the harness and the simulator's live state use memory.
        requests += kit.requests().len();
        kit.sim.clear_requests();
        if rss_warm.is_none() && tally.done >= calls / 10 {
            rss_warm = rss_bytes();
        }
        // One round: 10 calls, with bodies of a few bytes to ~20 KB, GETs, PATCHes and DELETEs.
        let input = cases::CreateCaseInput {
            description: Some("d".repeat(1 + (round * 997) % 20_000)),
            severity: Some(Severity::Medium),
            tags: strings(&["soak"]),
            ..case_input(&format!("soak {round}"))
        };
        let c = match kit.h.create_case(&conn, &input).unwrap() {
            Ok(c) => c.kibana_case,
            Err(e) => {
                tally.check("create-case", Err(e));
                continue;
            }
        };
        tally.check("create-case", Ok(()));
        let get = cases::GetCaseInput {
            case_id: c.case_id.clone(),
            include_comments: round % 2 == 0,
            max_in_flight: None,
        };
        tally.check("get-case", kit.h.get_case(&conn, &get).unwrap().map(drop));
        tally.check(
            "add-tag",
            kit.h
                .add_tag(&conn, &c.case_id, &strings(&[&format!("r{round}")]))
                .unwrap()
                .map(drop),
        );
        let comment = AddCommentInput {
            case_id: c.case_id.clone(),
            comment: Some("c".repeat(1 + (round * 331) % 5_000)),
            comment_type: None,
            alert_id: None,
            alert_index: None,
            rule_id: None,
            rule_name: None,
        };
        tally.check(
            "add-comment",
            kit.h.add_comment(&conn, &comment).unwrap().map(drop),
        ); // 2 requests
        let list = GetManyCommentsInput {
            case_id: c.case_id.clone(),
            page: None,
            per_page: None,
            return_all: false,
            limit: None,
            max_in_flight: None,
        };
        tally.check(
            "get-many-comments",
            kit.h.get_many_comments(&conn, &list).unwrap().map(drop),
        );
        tally.check(
            "get-case-status",
            kit.h.get_case_status(&conn, &c.case_id).unwrap().map(drop),
        );
        tally.check(
            "remove-tag",
            kit.h
                .remove_tag(&conn, &c.case_id, &strings(&["soak"]))
                .unwrap()
                .map(drop),
        );
        tally.check(
            "delete-case",
            kit.h
                .delete_case(
                    &conn,
                    &cases::DeleteCaseInput {
                        case_ids: vec![c.case_id.clone()],
                        max_in_flight: None,
                    },
                )
                .unwrap()
                .map(drop),
        );
        tally.check(
            "get-case (deleted)",
            match kit.h.get_case(&conn, &get).unwrap() {
                Err(e) if e.status_code == 404 => Ok(()),
                other => other.map(drop),
            },
        );
    }
    requests += kit.requests().len();
    let rss_end = rss_bytes();
    let (done, transport_errors) = (tally.done, tally.transport_errors);
    println!(
        "soak: {done} operations, {requests} HTTP requests in {:.1} s, {} transport errors; \
         resident memory after the first tenth {} MiB, at the end {} MiB",
        started.elapsed().as_secs_f64(),
        transport_errors.len(),
        rss_warm.map_or(-1.0, |b| b as f64 / 1048576.0),
        rss_end.map_or(-1.0, |b| b as f64 / 1048576.0),
    );
    if let (Some(warm), Some(end)) = (rss_warm, rss_end) {
        // Generous: allocator slack and the connection pool, not a leak per call
        // (a leak of even 1 KiB per call would pass this only below 64k calls).
        assert!(
            end.saturating_sub(warm) < 64 << 20,
            "memory grew from {warm} to {end} bytes"
        );
    }
    assert!(
        transport_errors.is_empty(),
        "{} transport errors: {:?}",
        transport_errors.len(),
        &transport_errors[..transport_errors.len().min(5)]
    );
    assert_eq!(kit.sim.case_count("default"), 0);
}

/// This process's resident set size (Linux), in bytes.
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[derive(Default)]
struct Tally {
    done: usize,
    transport_errors: Vec<String>,
}

impl Tally {
    /// Counts a call; a transport error is collected, any other failure is a bug.
    fn check(&mut self, label: &str, r: Result<(), host_test::harness::Failure>) {
        self.done += 1;
        if let Err(e) = r {
            if matches!(
                e.kind,
                ErrorKind::Unreachable | ErrorKind::Timeout | ErrorKind::InvalidResponse
            ) {
                self.transport_errors.push(format!("{label}: {e:?}"));
            } else {
                panic!("{label} failed: {e:?}");
            }
        }
    }
}
