//! Shared test kit: one compiled component per test binary, a fresh simulator per test.

#![allow(dead_code)]

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::sync::OnceLock;
use std::time::Duration;

use host_test::harness::bindings::{
    case_comments, cases, connectors, Auth, CommentType, Connection, ErrorKind, KibanaCase, Owner,
};
use host_test::harness::Failure;
use host_test::harness::Harness;
use host_test::sim::{RecordedRequest, SimConfig, Simulator};

pub const API_KEY: &str = "sim-api-key";

pub fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| Harness::new().expect("the built component loads"))
}

pub struct Kit {
    pub sim: Simulator,
    pub h: &'static Harness,
}

impl Kit {
    pub fn new() -> Self {
        Self::with(SimConfig::default())
    }

    pub fn with(config: SimConfig) -> Self {
        let sim = Simulator::start_with(config, "127.0.0.1:0").expect("simulator starts");
        Kit { sim, h: harness() }
    }

    /// API-key connection to the default space.
    pub fn conn(&self) -> Connection {
        Connection {
            base_url: self.sim.url(),
            auth: Some(Auth::ApiKey(API_KEY.into())),
            space_id: None,
            timeout_ms: Some(5_000),
        }
    }

    pub fn conn_in(&self, space: &str) -> Connection {
        Connection {
            space_id: Some(space.into()),
            ..self.conn()
        }
    }

    /// Creates a case through the component and forgets the requests it took.
    pub fn case(&self, title: &str) -> KibanaCase {
        self.case_in(&self.conn(), title)
    }

    pub fn case_in(&self, conn: &Connection, title: &str) -> KibanaCase {
        let c = self
            .h
            .create_case(conn, &case_input(title))
            .unwrap()
            .expect("create-case succeeds");
        self.sim.clear_requests();
        c.kibana_case
    }

    /// Attaches alert `alert_id` to case `case_id` (index from the space) and
    /// forgets the requests it took.
    pub fn attach_alert(&self, conn: &Connection, case_id: &str, alert_id: &str) {
        let input = case_comments::AddCommentInput {
            rule_id: Some("rule-1".into()),
            rule_name: Some("Malware".into()),
            ..alert_comment(case_id, alert_id)
        };
        self.h
            .add_comment(conn, &input)
            .unwrap()
            .expect("the alert is attached");
        self.sim.clear_requests();
    }

    /// Creates a Jira connector (a case connector) and forgets the request.
    pub fn jira(&self, conn: &Connection, name: &str) -> connectors::Connector {
        let input = connectors::CreateConnectorInput {
            name: name.into(),
            connector_type_id: ".jira".into(),
            config: Some(r#"{"apiUrl":"https://jira.example.com","projectKey":"SOC"}"#.into()),
            secrets: Some(r#"{"email":"bot@example.com","apiToken":"jira-token-1"}"#.into()),
            description: None,
        };
        let c = self
            .h
            .create_connector(conn, &input)
            .unwrap()
            .expect("the connector is created");
        self.sim.clear_requests();
        c
    }

    /// A connection with an API key the simulator refuses.
    pub fn bad_key(&self) -> Connection {
        Connection {
            auth: Some(Auth::ApiKey("wrong-key".into())),
            ..self.conn()
        }
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.sim.requests()
    }

    /// The one request the operation sent.
    pub fn only_request(&self) -> RecordedRequest {
        let mut reqs = self.sim.requests();
        assert_eq!(reqs.len(), 1, "expected exactly one request, got {reqs:?}");
        reqs.remove(0)
    }

    /// Method and decoded path of every request, in order.
    pub fn routes(&self) -> Vec<String> {
        self.sim
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}

/// get-many-cases with every filter and paging option left to its default.
pub fn many_cases() -> cases::GetManyCasesInput {
    cases::GetManyCasesInput {
        page: None,
        per_page: None,
        sort_field: None,
        sort_order: None,
        search: None,
        search_fields: vec![],
        status: None,
        owners: vec![],
        assignees: vec![],
        return_all: false,
        limit: None,
        max_in_flight: None,
    }
}

pub fn case_input(title: &str) -> cases::CreateCaseInput {
    cases::CreateCaseInput {
        title: title.into(),
        owner: Owner::SecuritySolution,
        description: Some(format!("{title}: description")),
        connector_id: None,
        connector_name: None,
        connector_type: None,
        severity: None,
        tags: vec![],
        assignees: vec![],
        idempotency_key: None,
    }
}

/// add-comment's input for an alert (index from the space, no rule).
pub fn alert_comment(case_id: &str, alert_id: &str) -> case_comments::AddCommentInput {
    case_comments::AddCommentInput {
        comment: None,
        comment_type: Some(CommentType::Alert),
        alert_id: Some(alert_id.into()),
        ..user_comment(case_id, "")
    }
}

/// add-comment's input for a text comment.
pub fn user_comment(case_id: &str, text: &str) -> case_comments::AddCommentInput {
    case_comments::AddCommentInput {
        case_id: case_id.into(),
        comment: Some(text.into()),
        comment_type: None,
        alert_id: None,
        alert_index: None,
        rule_id: None,
        rule_name: None,
    }
}

/// Asserts a parameter error naming `field`, and that nothing reached Kibana.
pub fn assert_invalid<T: std::fmt::Debug>(kit: &Kit, r: Result<T, Failure>, field: &str) {
    let e = r.expect_err("expected a parameter error");
    assert_eq!(e.status_code, -1, "{e:?}");
    assert_eq!(e.kind, ErrorKind::InvalidInput, "{e:?}");
    assert!(
        e.message.contains(field),
        "message should name `{field}`: {}",
        e.message
    );
    assert!(
        kit.requests().is_empty(),
        "nothing may be sent for invalid input: {:?}",
        kit.requests()
    );
}

/// Asserts the error's status and kind.
pub fn assert_status<T: std::fmt::Debug>(
    r: Result<T, Failure>,
    status: i32,
    kind: ErrorKind,
) -> Failure {
    let e = r.expect_err("expected an error");
    assert_eq!((e.status_code, e.kind), (status, kind), "{e:?}");
    e
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ------------------------------------------------------------------ raw TCP stub

/// A server on 127.0.0.1 for exactly one connection: `script` gets the accepted
/// stream (the request not yet read). Returns the base URL.
pub fn stub(script: impl FnOnce(TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    std::thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
            let _ = stream.set_write_timeout(Some(Duration::from_secs(30)));
            script(stream);
        }
    });
    url
}

/// Reads one request: the head and a `content-length` body. Returns the head.
pub fn read_request(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return String::from_utf8_lossy(&buf).into_owned(),
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = stream.read_exact(&mut body);
    head
}
