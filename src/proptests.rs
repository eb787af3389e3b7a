//! Property tests: for any input, every operation either refuses it as
//! `invalid-input` without sending anything or sends well-formed requests (the
//! expected method, a path under `/api/` whose segments are percent-encoded and
//! decode back to the ids given, an encoded query, a JSON body); and for any
//! answer (any bytes, any JSON, a Kibana example with any part replaced) every
//! decoder returns a value or an error, never panics, with a bounded message.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{json, Map, Value};

use crate::api::case_comments::{AddCommentInput, GetManyCommentsInput, UpdateCommentInput};
use crate::api::cases::{
    CreateCaseInput, DeleteCaseInput, GetCaseInput, GetManyCasesInput, UpdateCaseInput,
};
use crate::api::connectors::CreateConnectorInput;
use crate::kibana::{errors, routes, Method};
use crate::test_support::*;
use crate::types::{
    CaseConnectorType, CaseStatus, CommentType, ErrorInfo, ErrorKind, Owner, Severity, SortField,
    SortOrder,
};
use crate::{case_comments, case_tags, cases, connectors};

/// Modest, so that `cargo test` stays fast; no regression files in the tree.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ------------------------------------------------------------------ strategies

/// Any text, biased towards what breaks URLs, lists and limits: separators,
/// dot-segments, control characters, non-ASCII, blanks and long runs.
fn text() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        '/', '.', '?', '#', '%', '&', '=', '+', ' ', ',', '\n', '\r', '\t', '\0', '"', '\\', 'é',
        '\u{FEFF}', '😀', 'a', 'Z', '0', '-', '_', '~',
    ]);
    prop_oneof![
        4 => prop::collection::vec(prop_oneof![any::<char>(), tricky], 0..24)
            .prop_map(|chars| chars.into_iter().collect::<String>()),
        1 => prop::sample::select(vec![
            "", " ", ".", "..", "a/../b?c#d", "%2F", "x,y, z", " , ", "default", "open",
        ])
        .prop_map(str::to_owned),
        1 => (0usize..700, prop::sample::select(vec!['x', 'é', ' ', ',']))
            .prop_map(|(n, c)| std::iter::repeat_n(c, n).collect::<String>()),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn texts() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        4 => prop::collection::vec(text(), 0..6),
        1 => (0usize..260).prop_map(|n| (0..n).map(|i| format!("t{i}")).collect()),
    ]
}

fn opt_u32() -> impl Strategy<Value = Option<u32>> {
    prop::option::of(prop_oneof![0u32..200, any::<u32>()])
}

fn owner() -> impl Strategy<Value = Owner> {
    prop::sample::select(vec![
        Owner::Cases,
        Owner::Observability,
        Owner::SecuritySolution,
    ])
}

fn severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(vec![
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ])
}

fn status() -> impl Strategy<Value = CaseStatus> {
    prop::sample::select(vec![
        CaseStatus::Open,
        CaseStatus::InProgress,
        CaseStatus::Closed,
    ])
}

fn connector_type() -> impl Strategy<Value = CaseConnectorType> {
    prop::sample::select(vec![
        CaseConnectorType::None,
        CaseConnectorType::Jira,
        CaseConnectorType::Servicenow,
        CaseConnectorType::ServicenowSir,
        CaseConnectorType::Resilient,
        CaseConnectorType::Swimlane,
        CaseConnectorType::CasesWebhook,
    ])
}

/// Strings Kibana's enums and ids use, so that decoding gets past the first field.
fn json_string() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(vec![
            "open", "in-progress", "closed", "low", "medium", "high", "critical",
            "securitySolution", "cases", "observability", "user", "alert", "actions",
            "externalReference", "persistableState", "WzEsMV0=", "case-1", "",
        ])
        .prop_map(str::to_owned),
        1 => text(),
    ]
}

/// Keys Kibana's answers use, and some it does not.
fn json_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "id", "version", "title", "description", "status", "severity", "owner",
            "created_at", "created_by", "updated_at", "updated_by", "username", "tags",
            "assignees", "uid", "totalAlerts", "totalComment", "comments", "comment",
            "type", "alertId", "cases", "page", "per_page", "total", "name",
            "connector_type_id", "config", "is_preconfigured", "is_deprecated",
            "is_missing_secrets", "message", "error", "statusCode",
        ])
        .prop_map(str::to_owned),
        1 => text(),
    ]
}

/// Any JSON value, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // NaN/inf become null
        json_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((json_key(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Every path (object keys, array indices) inside `value`, the root included.
fn paths(value: &Value, prefix: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    out.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                prefix.push(PathStep::Key(key.clone()));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                prefix.push(PathStep::Index(index));
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at_path<'v>(value: &'v mut Value, path: &[PathStep]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |node, step| match step {
        PathStep::Key(key) => node.get_mut(key.as_str()),
        PathStep::Index(index) => node.get_mut(*index),
    })
}

/// A Kibana example with one part (any depth, or the whole) replaced by any JSON,
/// or removed.
fn mutated(example: Value) -> impl Strategy<Value = Value> {
    let mut all = Vec::new();
    paths(&example, &mut Vec::new(), &mut all);
    (prop::sample::select(all), prop::option::of(json())).prop_map(move |(path, replacement)| {
        let mut value = example.clone();
        match (replacement, path.split_last()) {
            // Remove the key (or the element).
            (None, Some((last, parent))) => {
                if let Some(parent) = at_path(&mut value, parent) {
                    match (parent, last) {
                        (Value::Object(map), PathStep::Key(key)) => {
                            map.remove(key);
                        }
                        (Value::Array(items), PathStep::Index(index)) if *index < items.len() => {
                            items.remove(*index);
                        }
                        _ => {}
                    }
                }
            }
            (None, None) => value = Value::Null,
            (Some(new), _) => {
                if let Some(slot) = at_path(&mut value, &path) {
                    *slot = new;
                }
            }
        }
        value
    })
}

/// A body: any bytes, any JSON, a mutated Kibana example, or the example cut short.
fn body_for(example: Value) -> impl Strategy<Value = Vec<u8>> {
    let whole = serde_json::to_vec(&example).unwrap();
    let len = whole.len();
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..256),
        2 => json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        4 => mutated(example).prop_map(|v| serde_json::to_vec(&v).unwrap()),
        1 => (0..len).prop_map(move |n| whole[..n].to_vec()),
    ]
}

/// Statuses: mostly 2xx, some errors and oddities.
fn status_code() -> impl Strategy<Value = u16> {
    prop_oneof![
        6 => prop::sample::select(vec![200u16, 201, 204]),
        2 => prop::sample::select(vec![400u16, 401, 403, 404, 406, 409, 413, 500, 502, 503]),
        1 => 100u16..=999,
    ]
}

// ------------------------------------------------------------------ request checks

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-decodes an encoded piece; `None` if it is not strictly encoded (a byte
/// that should have been encoded, a bad `%XX`) or not UTF-8.
fn decode(piece: &str) -> Option<String> {
    let bytes = piece.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%' {
            let hex = piece.get(i + 1..i + 3)?;
            if !hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
            {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else if is_unreserved(byte) {
            out.push(byte);
            i += 1;
        } else {
            return None;
        }
    }
    String::from_utf8(out).ok()
}

/// A request as Kibana must get it: method, `/api/...` path of encoded, non-empty,
/// non-dot segments, an encoded query, a JSON body on writes, standard headers.
fn well_formed(req: &Recorded, methods: &[Method]) -> Result<Vec<String>, TestCaseError> {
    prop_assert!(methods.contains(&req.method), "method {:?}", req.method);
    let (path, query) = match req.path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (req.path_and_query.as_str(), None),
    };
    prop_assert!(path.starts_with("/api/"), "{}", req.path_and_query);
    prop_assert!(
        req.path_and_query.len() <= 16 * 1024,
        "request line of {} bytes",
        req.path_and_query.len()
    );
    let mut segments = Vec::new();
    for segment in path.split('/').skip(1) {
        prop_assert!(
            !segment.is_empty() && segment != "." && segment != "..",
            "empty or dot segment in {}",
            req.path_and_query
        );
        let decoded = decode(segment);
        prop_assert!(decoded.is_some(), "badly encoded segment {segment:?}");
        segments.push(decoded.unwrap_or_default());
    }
    if let Some(query) = query {
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            prop_assert!(
                !key.is_empty() && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "query key {key:?}"
            );
            prop_assert!(
                decode(value).is_some(),
                "badly encoded query value {value:?}"
            );
        }
    }
    if let Some(body) = &req.body {
        let parsed = serde_json::from_slice::<Value>(body);
        prop_assert!(parsed.is_ok(), "body is not JSON");
        prop_assert!(
            matches!(parsed, Ok(Value::Object(_) | Value::Array(_))),
            "body is not an object or array"
        );
    }
    prop_assert!(matches!(req.method, Method::Get | Method::Delete) || req.body.is_some());
    req.assert_standard_headers();
    Ok(segments)
}

/// Either `invalid-input` with nothing sent, or every request well-formed.
/// Returns the decoded path segments of each request.
fn sent_well_formed<T>(
    transport: &FakeTransport,
    result: &Result<T, ErrorInfo>,
    methods: &[Method],
) -> Result<Vec<Vec<String>>, TestCaseError> {
    let requests = transport.requests();
    if let Err(err) = result {
        prop_assert_eq!(err.status_code == -1, err.kind == ErrorKind::InvalidInput);
        if err.kind == ErrorKind::InvalidInput {
            prop_assert!(requests.is_empty(), "invalid input, yet something was sent");
            prop_assert!(err.message.contains(": "), "{}", err.message);
            return Ok(Vec::new());
        }
    }
    prop_assert!(!requests.is_empty(), "valid input but nothing was sent");
    requests
        .iter()
        .map(|req| well_formed(req, methods))
        .collect()
}

/// The id as sent: the validated (trimmed) one.
fn sent_id(id: &str) -> String {
    id.trim().to_owned()
}

// ------------------------------------------------------------------ answer checks

/// What any error after a sent request must look like, given the one answer
/// status (later requests find the fake's queue empty: unreachable, status 0).
fn bounded_error<T>(result: &Result<T, ErrorInfo>, status: u16) -> Result<(), TestCaseError> {
    if let Err(err) = result {
        prop_assert_ne!(err.kind, ErrorKind::InvalidInput, "{:?}", err);
        let expected_status = if (200..300).contains(&status) {
            502
        } else {
            i32::from(status)
        };
        prop_assert!(
            err.status_code == expected_status || err.status_code == 0,
            "status {} for answer {}: {:?}",
            err.status_code,
            status,
            err
        );
        if err.status_code == 502 && (200..300).contains(&status) {
            prop_assert_eq!(err.kind, ErrorKind::InvalidResponse);
        }
        prop_assert!(!err.message.trim().is_empty());
        prop_assert!(err.message.chars().count() <= 4096, "{}", err.message.len());
        prop_assert!(!err.message.contains(API_KEY));
    }
    Ok(())
}

fn case_example() -> Value {
    cases_fixture("get_case_response")
}

// ------------------------------------------------------------------ properties

proptest! {
    #![proptest_config(config())]

    #[test]
    fn encoding_round_trips_as_one_segment(value in text()) {
        let segment = routes::path_segment(&value);
        prop_assert!(segment != "." && segment != ".." && !segment.is_empty() || value.is_empty());
        prop_assert_eq!(decode(&segment), Some(value.clone()));
        prop_assert_eq!(decode(&routes::query_value(&value)), Some(value));
    }

    #[test]
    fn create_case_requests(
        title in text(), owner in owner(), description in opt_text(),
        connector_id in opt_text(), connector_name in opt_text(),
        connector_type in prop::option::of(connector_type()),
        severity in prop::option::of(severity()), tags in texts(), assignees in texts(),
        idempotency_key in prop::option::of(prop_oneof!["[A-Za-z0-9._-]{1,250}", text()]),
    ) {
        // With a key: no case carries it yet, so the case is created.
        let mut transport = FakeTransport::new();
        if idempotency_key.is_some() {
            transport = transport.reply_json(200, &json!({"cases": [], "page": 1, "per_page": 1, "total": 0}));
        }
        let transport = transport.reply_json(200, &cases_fixture("create_case_response"));
        let input = CreateCaseInput {
            title: title.clone(), owner, description, connector_id, connector_name,
            connector_type, severity, tags, assignees, idempotency_key: idempotency_key.clone(),
        };
        let result = run(&transport, |client| cases::create_case(client, input));
        let sent = sent_well_formed(&transport, &result, &[Method::Get, Method::Post])?;
        if !sent.is_empty() {
            let create = vec!["api".to_owned(), "cases".to_owned()];
            let find = vec!["api".to_owned(), "cases".to_owned(), "_find".to_owned()];
            let expected = match &idempotency_key {
                Some(_) => vec![find, create],
                None => vec![create],
            };
            prop_assert_eq!(&sent, &expected);
            let requests = transport.requests();
            let body = requests[requests.len() - 1].body_json();
            prop_assert_eq!(&body["title"], &Value::String(title));
            if let Some(key) = idempotency_key {
                let marker = Value::String(format!("idempotency-key-{key}"));
                let tags = body["tags"].as_array().cloned().unwrap_or_default();
                prop_assert_eq!(tags.iter().filter(|tag| **tag == marker).count(), 1);
                prop_assert!(tags.len() <= 200);
            }
        }
    }

    #[test]
    fn get_case_requests(
        case_id in text(), include_comments in any::<bool>(), max_in_flight in opt_u32(),
    ) {
        let transport = FakeTransport::new()
            .reply_json(200, &case_example())
            .reply_json(200, &cases_fixture("find_case_comments_response"));
        let input = GetCaseInput { case_id: case_id.clone(), include_comments, max_in_flight };
        let result = run(&transport, |client| cases::get_case(client, input));
        let sent = sent_well_formed(&transport, &result, &[Method::Get])?;
        if let Some(first) = sent.first() {
            prop_assert_eq!(first, &vec!["api".to_owned(), "cases".to_owned(), sent_id(&case_id)]);
        }
        for later in sent.iter().skip(1) {
            prop_assert_eq!(later.get(2), Some(&sent_id(&case_id)));
            prop_assert_eq!(later.get(3..), Some(&["comments".to_owned(), "_find".to_owned()][..]));
        }
    }

    #[test]
    fn get_many_cases_requests(
        page in opt_u32(), per_page in opt_u32(),
        sort_field in prop::option::of(prop::sample::select(vec![
            SortField::CreatedAt, SortField::UpdatedAt, SortField::Title,
            SortField::Status, SortField::Severity,
        ])),
        sort_order in prop::option::of(prop::sample::select(vec![SortOrder::Asc, SortOrder::Desc])),
        search in opt_text(), search_fields in texts(), status in prop::option::of(status()),
        owners in prop::collection::vec(owner(), 0..4), assignees in texts(),
        return_all in any::<bool>(), limit in opt_u32(), max_in_flight in opt_u32(),
    ) {
        let transport = FakeTransport::new()
            .reply_json(200, &cases_fixture("find_case_response"));
        let input = GetManyCasesInput {
            page, per_page, sort_field, sort_order, search, search_fields, status, owners,
            assignees, return_all, limit, max_in_flight,
        };
        let result = run(&transport, |client| cases::get_many_cases(client, input));
        let sent = sent_well_formed(&transport, &result, &[Method::Get])?;
        if !sent.is_empty() {
            prop_assert_eq!(&sent[0], &vec!["api".to_owned(), "cases".to_owned(), "_find".to_owned()]);
        }
    }

    #[test]
    fn get_case_status_requests(case_id in text()) {
        let transport = FakeTransport::new().reply_json(200, &case_example());
        let result = run(&transport, |client| cases::get_case_status(client, &case_id));
        let sent = sent_well_formed(&transport, &result, &[Method::Get])?;
        if !sent.is_empty() {
            prop_assert_eq!(&sent[0], &vec!["api".to_owned(), "cases".to_owned(), sent_id(&case_id)]);
        }
    }

    #[test]
    fn delete_case_requests(
        case_ids in texts(), bulk_fails in any::<bool>(), max_in_flight in opt_u32(),
    ) {
        let transport = if bulk_fails {
            FakeTransport::new().reply_json(404, &cases_fixture("response_404"))
        } else {
            FakeTransport::new().reply(204, "")
        };
        let input = DeleteCaseInput { case_ids, max_in_flight };
        let result = run(&transport, |client| cases::delete_case(client, input));
        sent_well_formed(&transport, &result, &[Method::Delete])?;
        for req in transport.requests() {
            // `ids` is one JSON array of the ids.
            let (_, query) = req.path_and_query.split_once("?ids=").unwrap_or_default();
            let ids = decode(query).and_then(|json| serde_json::from_str::<Vec<String>>(&json).ok());
            prop_assert!(ids.is_some_and(|ids| !ids.is_empty()), "{}", req.path_and_query);
        }
    }

    #[test]
    fn update_case_requests(
        case_id in text(), version in text(), title in opt_text(), description in opt_text(),
        status in prop::option::of(status()), severity in prop::option::of(severity()),
        tags in prop::option::of(texts()), assignees in prop::option::of(texts()),
    ) {
        let transport = FakeTransport::new()
            .reply_json(200, &cases_fixture("update_case_response"));
        let input = UpdateCaseInput {
            case_id: case_id.clone(), version: version.clone(), title, description, status,
            severity, tags, assignees,
        };
        let result = run(&transport, |client| cases::update_case(client, input));
        let sent = sent_well_formed(&transport, &result, &[Method::Patch])?;
        if !sent.is_empty() {
            let body = transport.only_request().body_json();
            prop_assert_eq!(&body["cases"][0]["id"], &Value::String(sent_id(&case_id)));
            prop_assert_eq!(&body["cases"][0]["version"], &Value::String(version));
        }
    }

    #[test]
    fn add_comment_requests(
        case_id in text(), comment in opt_text(),
        comment_type in prop::option::of(prop::sample::select(vec![CommentType::User, CommentType::Alert])),
        alert_id in opt_text(), alert_index in opt_text(), rule_id in opt_text(),
        rule_name in opt_text(),
    ) {
        let mut transport = FakeTransport::new().reply_json(200, &case_example());
        if comment_type == Some(CommentType::Alert) {
            // The case holds no alert yet: the alert is posted.
            transport = transport.reply_json(200, &json!([]));
        }
        let transport = transport.reply_json(200, &cases_fixture("add_comment_response"));
        let input = AddCommentInput {
            case_id: case_id.clone(), comment, comment_type, alert_id, alert_index, rule_id,
            rule_name,
        };
        let result = run(&transport, |client| case_comments::add_comment(client, input));
        let sent = sent_well_formed(&transport, &result, &[Method::Get, Method::Post])?;
        for segments in &sent {
            prop_assert_eq!(segments.get(2), Some(&sent_id(&case_id)));
        }
    }

    #[test]
    fn comment_by_id_requests(case_id in text(), comment_id in text(), remove in any::<bool>()) {
        let transport = if remove {
            FakeTransport::new().reply(204, "")
        } else {
            FakeTransport::new().reply_json(200, &cases_fixture("get_comment_response"))
        };
        let (result, method) = if remove {
            let r = run(&transport, |client| case_comments::remove_comment(client, &case_id, &comment_id));
            (r.map(|_| ()), Method::Delete)
        } else {
            let r = run(&transport, |client| case_comments::get_comment(client, &case_id, &comment_id));
            (r.map(|_| ()), Method::Get)
        };
        let sent = sent_well_formed(&transport, &result, &[method])?;
        if !sent.is_empty() {
            prop_assert_eq!(&sent[0], &vec![
                "api".to_owned(), "cases".to_owned(), sent_id(&case_id),
                "comments".to_owned(), sent_id(&comment_id),
            ]);
        }
    }

    #[test]
    fn comment_list_and_update_requests(
        case_id in text(), comment_id in text(), comment in text(), version in text(),
        page in opt_u32(), per_page in opt_u32(),
    ) {
        let transport = FakeTransport::new()
            .reply_json(200, &cases_fixture("find_case_comments_response"));
        let input = GetManyCommentsInput { case_id: case_id.clone(), page, per_page, return_all: false, limit: None, max_in_flight: None };
        let result = run(&transport, |client| case_comments::get_many_comments(client, input));
        sent_well_formed(&transport, &result, &[Method::Get])?;

        let transport = FakeTransport::new()
            .reply_json(200, &cases_fixture("get_comment_response"))
            .reply_json(200, &cases_fixture("update_comment_response"));
        let input = UpdateCommentInput { case_id, comment_id, comment, version };
        let result = run(&transport, |client| case_comments::update_comment(client, input));
        sent_well_formed(&transport, &result, &[Method::Get, Method::Patch])?;
    }

    #[test]
    fn tag_requests(case_id in text(), tags in texts(), remove in any::<bool>()) {
        let transport = FakeTransport::new()
            .reply_json(200, &case_example())
            .reply_json(200, &cases_fixture("update_case_response"));
        let result = if remove {
            run(&transport, |client| case_tags::remove_tag(client, &case_id, &tags))
        } else {
            run(&transport, |client| case_tags::add_tag(client, &case_id, &tags))
        };
        let sent = sent_well_formed(&transport, &result, &[Method::Get, Method::Patch])?;
        if let Some(first) = sent.first() {
            prop_assert_eq!(first, &vec!["api".to_owned(), "cases".to_owned(), sent_id(&case_id)]);
        }
    }

    #[test]
    fn create_connector_requests(
        name in text(), type_id in prop_oneof![text(), Just(".webhook".to_owned())],
        config in prop_oneof![opt_text(), json().prop_map(|v| Some(v.to_string()))],
        secrets in prop_oneof![opt_text(), json().prop_map(|v| Some(v.to_string()))],
        description in opt_text(),
    ) {
        let transport = FakeTransport::new()
            .reply_json(200, &connectors_fixture("create_index_connector_response"));
        let input = CreateConnectorInput {
            name, connector_type_id: type_id, config, secrets, description,
        };
        let result = run(&transport, |client| connectors::create_connector(client, input));
        let sent = sent_well_formed(&transport, &result, &[Method::Post])?;
        if !sent.is_empty() {
            prop_assert_eq!(&sent[0], &vec!["api".to_owned(), "actions".to_owned(), "connector".to_owned()]);
        }
    }

    // -------------------------------------------------------------- decoders

    #[test]
    fn case_decoders_never_panic(status in status_code(), body in body_for(case_example())) {
        let transport = FakeTransport::new().reply_bytes(status, body.clone());
        let result = run(&transport, |client| cases::get_case_status(client, "case-1"));
        bounded_error(&result, status)?;

        let transport = FakeTransport::new()
            .reply_bytes(status, body.clone())
            .reply_json(200, &cases_fixture("find_case_comments_response"));
        let input = GetCaseInput { case_id: "case-1".into(), include_comments: true, max_in_flight: None };
        let result = run(&transport, |client| cases::get_case(client, input));
        bounded_error(&result, status)?;

        // Tags read the case first, then write; a 409 is retried (and the fake
        // then has no answer: unreachable).
        let transport = FakeTransport::new()
            .reply_bytes(status, body)
            .reply_json(200, &cases_fixture("update_case_response"));
        let result = run(&transport, |client| case_tags::add_tag(client, "case-1", &["new".into()]));
        bounded_error(&result, status)?;
    }

    #[test]
    fn case_list_decoders_never_panic(
        status in status_code(),
        page in body_for(cases_fixture("find_case_response")),
        updated in body_for(cases_fixture("update_case_response")),
        created in body_for(cases_fixture("create_case_response")),
    ) {
        let transport = FakeTransport::new().reply_bytes(status, page);
        let input = GetManyCasesInput {
            page: None, per_page: None, sort_field: None, sort_order: None, search: None,
            search_fields: vec![], status: None, owners: vec![], assignees: vec![],
            return_all: false,
            limit: None,
            max_in_flight: None,
        };
        let result = run(&transport, |client| cases::get_many_cases(client, input));
        bounded_error(&result, status)?;

        let transport = FakeTransport::new().reply_bytes(status, updated);
        let input = UpdateCaseInput {
            case_id: "case-1".into(), version: "WzEsMV0=".into(), title: Some("t".into()),
            description: None, status: None, severity: None, tags: None, assignees: None,
        };
        let result = run(&transport, |client| cases::update_case(client, input));
        bounded_error(&result, status)?;

        let transport = FakeTransport::new().reply_bytes(status, created);
        let input = CreateCaseInput {
            title: "t".into(), owner: Owner::Cases, description: None, connector_id: None,
            connector_name: None, connector_type: None, severity: None, tags: vec![],
            assignees: vec![], idempotency_key: None,
        };
        let result = run(&transport, |client| cases::create_case(client, input));
        bounded_error(&result, status)?;
    }

    #[test]
    fn comment_decoders_never_panic(
        status in status_code(),
        one in body_for(cases_fixture("get_comment_response")),
        page in body_for(cases_fixture("find_case_comments_response")),
        added in body_for(cases_fixture("add_comment_response")),
    ) {
        let transport = FakeTransport::new().reply_bytes(status, one);
        let result = run(&transport, |client| case_comments::get_comment(client, "case-1", "c-1"));
        bounded_error(&result, status)?;

        let transport = FakeTransport::new().reply_bytes(status, page);
        let input = GetManyCommentsInput { case_id: "case-1".into(), page: None, per_page: None, return_all: false, limit: None, max_in_flight: None };
        let result = run(&transport, |client| case_comments::get_many_comments(client, input));
        bounded_error(&result, status)?;

        // add-comment reads the case (a valid one here), then decodes the answer.
        let transport = FakeTransport::new()
            .reply_json(200, &case_example())
            .reply_bytes(status, added);
        let input = AddCommentInput {
            case_id: "case-1".into(), comment: Some("hello".into()), comment_type: None,
            alert_id: None, alert_index: None, rule_id: None, rule_name: None,
        };
        let result = run(&transport, |client| case_comments::add_comment(client, input));
        bounded_error(&result, status)?;
    }

    #[test]
    fn connector_decoder_never_panics(
        status in status_code(),
        body in body_for(connectors_fixture("create_index_connector_response")),
    ) {
        let transport = FakeTransport::new().reply_bytes(status, body);
        let input = CreateConnectorInput {
            name: "n".into(), connector_type_id: ".index".into(),
            config: Some(r#"{"index":"x"}"#.into()), secrets: None, description: None,
        };
        let result = run(&transport, |client| connectors::create_connector(client, input));
        bounded_error(&result, status)?;
    }

    #[test]
    fn error_bodies_are_bounded(status in 100u16..=999, body in prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        json().prop_map(|v| serde_json::to_vec(&v).unwrap()),
        text().prop_map(|t| serde_json::to_vec(&serde_json::json!({"message": t})).unwrap()),
    ]) {
        let err = errors::status_error(status, &body);
        prop_assert_eq!(err.status_code, i32::from(status));
        prop_assert!(!err.message.trim().is_empty());
        // A quoted body: "HTTP 999: " and at most 512 characters; Kibana's own
        // message: at most 1024.
        prop_assert!(err.message.chars().count() <= 1024);
        if serde_json::from_slice::<Value>(&body).is_err() {
            prop_assert!(err.message.chars().count() <= "HTTP 999: ".len() + 512, "{}", err.message);
        }
    }
}
