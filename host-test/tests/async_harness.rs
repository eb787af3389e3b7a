//! The async harness: the same component and sandbox, calls made with `call_async`
//! from tasks of a tokio runtime (where the synchronous harness must not be used).

mod common;

use std::sync::Arc;

use common::{Kit, API_KEY};
use host_test::harness::async_harness::{cases, AsyncHarness};
use host_test::harness::bindings::{Auth, Connection, ErrorKind, KibanaCase, Owner, Severity};
use host_test::harness::{settle, Harness, HarnessConfig};

fn create_input(title: &str) -> cases::CreateCaseInput {
    cases::CreateCaseInput {
        title: title.into(),
        owner: Owner::SecuritySolution,
        description: Some(format!("made by task {title}")),
        connector_id: None,
        connector_name: None,
        connector_type: None,
        severity: Some(Severity::Medium),
        tags: vec!["async".into()],
        assignees: vec![],
        idempotency_key: None,
    }
}

fn get_input(case_id: &str) -> cases::GetCaseInput {
    cases::GetCaseInput {
        case_id: case_id.into(),
        include_comments: false,
        max_in_flight: None,
    }
}

/// Creates a case titled `title`, then reads it back: (created, read).
async fn create_and_read(
    ah: &AsyncHarness,
    conn: &Connection,
    title: &str,
) -> (KibanaCase, KibanaCase) {
    let created = ah
        .create_case(conn, &create_input(title))
        .await
        .unwrap()
        .unwrap()
        .kibana_case;
    let read = ah
        .get_case(conn, &get_input(&created.case_id))
        .await
        .unwrap()
        .unwrap();
    (created, read)
}

/// A pooled harness, as a busy async host would run it.
fn async_harness() -> AsyncHarness {
    let h = Harness::with_config(HarnessConfig {
        pooling: Some(32),
        ..HarnessConfig::default()
    })
    .expect("the built component loads");
    AsyncHarness::new(&Arc::new(h)).expect("the async linker accepts the component")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn operations_run_inside_a_tokio_runtime_and_change_kibana() {
    let kit = Kit::new();
    let ah = async_harness();
    let conn = kit.conn();
    let rt = runtime();
    let (created, read, updated, tags) = rt.block_on(async {
        let (created, read) = create_and_read(&ah, &conn, "from a task").await;
        let update = cases::UpdateCaseInput {
            case_id: created.case_id.clone(),
            version: read.version.clone(),
            title: Some("renamed in a task".into()),
            description: None,
            status: None,
            severity: None,
            tags: None,
            assignees: None,
        };
        let updated = ah.update_case(&conn, &update).await.unwrap().unwrap();
        let tags = ah
            .add_tag(&conn, &created.case_id, &["second".into()])
            .await
            .unwrap()
            .unwrap();
        (created, read, updated, tags)
    });
    assert_eq!(read.case_id, created.case_id);
    assert_eq!(read.title, "from a task");
    assert_eq!(read.description, "made by task from a task");
    assert_eq!(updated.title, "renamed in a task");
    assert_ne!(updated.version, created.version);
    assert_eq!(tags.tags, ["async", "second"]);
    // What Kibana holds, read through the synchronous harness.
    let sync_read = kit
        .h
        .get_case(
            &kit.conn(),
            &host_test::harness::bindings::cases::GetCaseInput {
                case_id: created.case_id.clone(),
                include_comments: false,
                max_in_flight: None,
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(sync_read.title, "renamed in a task");
    assert_eq!(sync_read.tags, ["async", "second"]);
    assert!(ah.outbound().connections_opened() >= 1);
}

#[test]
fn operations_beyond_the_node_run_inside_a_tokio_runtime() {
    let kit = Kit::new();
    let ah = async_harness();
    let conn = kit.conn();
    // Set up with the synchronous harness, outside the runtime.
    let jira = kit.jira(&conn, "Async Jira");
    let created = kit.case("beyond");
    kit.attach_alert(&conn, &created.case_id, "async-alert");
    let rt = runtime();
    let (by_alert, alerts, pushed, activity, tags, connectors) = rt.block_on(async {
        let by_alert = cases::GetCasesByAlertInput {
            alert_id: "async-alert".into(),
            owners: vec![Owner::SecuritySolution],
        };
        let by_alert = ah
            .get_cases_by_alert(&conn, &by_alert)
            .await
            .unwrap()
            .unwrap();
        let alerts = ah
            .get_case_alerts(&conn, &created.case_id)
            .await
            .unwrap()
            .unwrap();
        let pushed = ah
            .push_case(&conn, &created.case_id, &jira.connector_id)
            .await
            .unwrap()
            .unwrap();
        let activity = cases::GetCaseActivityInput {
            case_id: created.case_id.clone(),
            page: None,
            per_page: None,
            sort_order: None,
            types: vec![cases::ActivityType::Pushed],
        };
        let activity = ah
            .get_case_activity(&conn, &activity)
            .await
            .unwrap()
            .unwrap();
        let tags = ah.get_case_tags(&conn, &[]).await.unwrap().unwrap();
        let connectors = ah.get_many_connectors(&conn, None).await.unwrap().unwrap();
        (by_alert, alerts, pushed, activity, tags, connectors)
    });
    assert_eq!(by_alert[0].case_id, created.case_id);
    assert_eq!(alerts[0].alert_id, "async-alert");
    assert_eq!(pushed.external_service.connector_name, "Async Jira");
    assert_eq!(activity.total, 1);
    assert!(tags.is_empty(), "{tags:?}");
    assert_eq!(connectors[0].connector_id, jira.connector_id);
    assert_eq!(kit.requests().len(), 6);
}

#[test]
fn concurrent_tasks_each_get_their_own_instance_and_answer() {
    let kit = Kit::new();
    let ah = Arc::new(async_harness());
    let rt = runtime();
    let tasks = 16;
    let results = rt.block_on(async {
        let handles: Vec<_> = (0..tasks)
            .map(|i| {
                let ah = ah.clone();
                let conn = kit.conn();
                tokio::spawn(async move {
                    let title = format!("task {i}");
                    let (created, read) = create_and_read(&ah, &conn, &title).await;
                    (title, created.case_id, read)
                })
            })
            .collect();
        let mut results = Vec::new();
        for handle in handles {
            results.push(handle.await.unwrap());
        }
        results
    });
    for (title, id, read) in &results {
        assert_eq!(&read.case_id, id);
        assert_eq!(&read.title, title);
    }
    let mut ids: Vec<_> = results.iter().map(|(_, id, _)| id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), tasks);
    assert_eq!(kit.sim.case_count("default"), tasks);
    // Keep-alive: far fewer connections than the 32 requests.
    let opened = ah.outbound().connections_opened();
    assert!(
        (1..=tasks as u64).contains(&opened),
        "{opened} connections for {} requests",
        tasks * 2
    );
}

#[test]
fn the_sandbox_applies_to_async_calls() {
    let kit = Kit::new();
    let other = Kit::new();
    let ah = async_harness();
    let rt = runtime();
    let err = rt.block_on(async {
        // An instance allowed to reach `other`, pointed at `kit`: the host refuses.
        let mut inst = ah.instantiate(Some(&other.sim.url())).await.unwrap();
        let r = inst
            .bindings
            .automation_elastic_security_cases()
            .call_create_case(&mut inst.store, &kit.conn(), &create_input("smuggled"))
            .await
            .unwrap();
        settle(r)
            .unwrap()
            .expect_err("the host must refuse another origin")
    });
    assert_eq!(err.kind, ErrorKind::Unreachable, "{err:?}");
    assert!(err.message.contains("denied"), "{}", err.message);
    assert!(kit.requests().is_empty());
    assert!(other.requests().is_empty());
    assert!(ah.outbound().requests_denied() >= 1);

    // A wrong API key is Kibana's 401, and the key is in no part of the error.
    let conn = Connection {
        auth: Some(Auth::ApiKey(format!("{API_KEY}-wrong"))),
        ..kit.conn()
    };
    let err = rt
        .block_on(ah.get_case(&conn, &get_input("any")))
        .unwrap()
        .expect_err("a wrong key is refused");
    assert_eq!(err.status_code, 401, "{err:?}");
    assert!(!format!("{err:?}").contains("wrong"), "{err:?}");
}
