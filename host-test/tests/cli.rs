//! The `elastic-security` binary: `call` with the contract's keys, exit codes, help,
//! and the demo, run as a user would run them.

use std::process::{Command, Output};

use host_test::sim::{Fault, Simulator};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_elastic-security");

fn run(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for var in [
        "KIBANA_URL",
        "KIBANA_API_KEY",
        "KIBANA_USERNAME",
        "KIBANA_PASSWORD",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(envs.iter().copied());
    cmd.output().expect("the binary runs")
}

fn call(sim: &Simulator, op: &str, input: &str) -> (i32, Value) {
    let url = sim.url();
    let out = run(
        &[
            "call",
            op,
            "--url",
            &url,
            "--api-key",
            "sim-api-key",
            "--input",
            input,
        ],
        &[],
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code().unwrap_or(-1), json)
}

#[test]
fn call_runs_every_kind_of_operation_with_contract_keys() {
    let sim = Simulator::start().unwrap();
    let (code, case) = call(
        &sim,
        "create-case",
        r#"{"Title":"CLI case","Owner":"securitySolution","Severity":"high","Tags":"a, b","SpaceId":"security"}"#,
    );
    assert_eq!(code, 0, "{case}");
    assert_eq!(case["StatusCode"], 200);
    assert_eq!(case["ErrorMessage"], "");
    assert_eq!(case["Title"], "CLI case");
    assert_eq!(case["Severity"], "high");
    assert_eq!(case["Owner"], "securitySolution");
    assert_eq!(case["Tags"], serde_json::json!(["a", "b"]));
    assert_eq!(sim.requests().last().unwrap().path, "/s/security/api/cases");
    let id = case["CaseId"].as_str().unwrap();

    let (code, tags) = call(
        &sim,
        "add-tag",
        &format!(r#"{{"CaseId":"{id}","Tags":["c"],"SpaceId":"security"}}"#),
    );
    assert_eq!(
        (code, &tags["Tags"]),
        (0, &serde_json::json!(["a", "b", "c"]))
    );

    let (code, list) = call(
        &sim,
        "get-many-cases",
        r#"{"PerPage":"5","SpaceId":"security","Owner":"securitySolution"}"#,
    );
    assert_eq!(code, 0, "{list}");
    assert_eq!(
        (list["Total"].as_u64(), list["PerPage"].as_u64()),
        (Some(1), Some(5))
    );

    let (code, del) = call(
        &sim,
        "delete-case",
        &format!(r#"{{"CaseIds":"{id}, missing","SpaceId":"security"}}"#),
    );
    assert_eq!(code, 1, "a partial delete is a failure for scripts: {del}");
    assert_eq!(
        (del["DeletedCount"].as_u64(), del["FailedCount"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(del["FailedItems"][0]["CaseId"], "missing");
    assert_eq!(del["FailedItems"][0]["StatusCode"], 404);
    assert_eq!(del["StatusCode"], 404, "not 204: a case was not deleted");
}

#[test]
fn call_runs_the_operations_beyond_the_node_with_contract_keys() {
    let sim = Simulator::start().unwrap();
    let (_, jira) = call(
        &sim,
        "create-connector",
        r#"{"Name":"SOC Jira","ConnectorTypeId":".jira","Config":{"apiUrl":"https://jira.example.com","projectKey":"SOC"},"Secrets":{"email":"bot@example.com","apiToken":"cli-token-never-printed"}}"#,
    );
    let connector_id = jira["ConnectorId"].as_str().unwrap().to_string();
    let (code, found) = call(&sim, "get-cases-by-alert", r#"{"AlertId":"alert-7"}"#);
    assert_eq!(
        (code, &found["Cases"], &found["StatusCode"]),
        (0, &json!([]), &json!(200))
    );
    let (_, case) = call(
        &sim,
        "create-case",
        r#"{"Title":"CLI case","Owner":"securitySolution","Tags":"phishing"}"#,
    );
    let id = case["CaseId"].as_str().unwrap().to_string();
    call(
        &sim,
        "add-comment",
        &format!(r#"{{"CaseId":"{id}","CommentType":"alert","AlertId":"alert-7"}}"#),
    );
    let (code, found) = call(
        &sim,
        "get-cases-by-alert",
        r#"{"AlertId":"alert-7","Owner":"securitySolution"}"#,
    );
    assert_eq!(code, 0, "{found}");
    assert_eq!(found["Cases"][0]["CaseId"], id.as_str());
    assert_eq!(found["Cases"][0]["TotalAlerts"], 1);
    let (_, alerts) = call(&sim, "get-case-alerts", &format!(r#"{{"CaseId":"{id}"}}"#));
    assert_eq!(alerts["Alerts"][0]["AlertId"], "alert-7");
    assert_eq!(
        alerts["Alerts"][0]["Index"],
        ".alerts-security.alerts-default"
    );
    let (code, pushed) = call(
        &sim,
        "push-case",
        &format!(r#"{{"CaseId":"{id}","ConnectorId":"{connector_id}"}}"#),
    );
    assert_eq!(code, 0, "{pushed}");
    assert_eq!(pushed["Title"], "CLI case");
    assert_eq!(pushed["ExternalService"]["ConnectorName"], "SOC Jira");
    let (code, activity) = call(
        &sim,
        "get-case-activity",
        &format!(r#"{{"CaseId":"{id}","Types":"pushed, create_case","SortOrder":"asc"}}"#),
    );
    assert_eq!(code, 0, "{activity}");
    assert_eq!(activity["Total"], 2);
    assert_eq!(activity["Activity"][0]["Type"], "create_case");
    assert_eq!(
        activity["Activity"][1]["Payload"]["externalService"]["connector_name"],
        "SOC Jira"
    );
    let (code, bad) = call(
        &sim,
        "get-case-activity",
        &format!(r#"{{"CaseId":"{id}","Types":"nope"}}"#),
    );
    assert_eq!((code, &bad["StatusCode"]), (1, &json!(-1)));
    assert!(
        bad["ErrorMessage"].as_str().unwrap().starts_with("Types:"),
        "{bad}"
    );
    let (_, tags) = call(&sim, "get-case-tags", r#"{"Owner":"securitySolution"}"#);
    assert_eq!(tags["Tags"], json!(["phishing"]));
    let (_, connectors) = call(
        &sim,
        "get-many-connectors",
        r#"{"ConnectorTypeId":".jira"}"#,
    );
    assert_eq!(connectors["Connectors"][0]["Name"], "SOC Jira");
    assert_eq!(connectors["Connectors"][0]["ReferencedByCount"], 0);
    assert!(!connectors.to_string().contains("cli-token-never-printed"));
    let (code, all) = call(
        &sim,
        "get-many-cases",
        r#"{"ReturnAll":true,"Limit":5,"Page":0}"#,
    );
    assert_eq!(code, 0, "{all}");
    assert_eq!(
        (
            all["Page"].as_u64(),
            all["PerPage"].as_u64(),
            all["Total"].as_u64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let (code, bad) = call(
        &sim,
        "get-many-comments",
        &format!(r#"{{"CaseId":"{id}","ReturnAll":"yes","Limit":0}}"#),
    );
    assert_eq!((code, &bad["StatusCode"]), (1, &json!(-1)));
    assert!(
        bad["ErrorMessage"].as_str().unwrap().starts_with("Limit:"),
        "{bad}"
    );
}

#[test]
fn call_parameter_errors_are_status_minus_1_and_exit_1() {
    let sim = Simulator::start().unwrap();
    let (code, out) = call(&sim, "create-case", r#"{"Title":"x","Owner":"nobody"}"#);
    assert_eq!(code, 1);
    assert_eq!(out["StatusCode"], -1);
    assert_eq!(out["ErrorKind"], "invalid-input");
    assert_eq!(out["Retryable"], false);
    assert!(
        out["ErrorMessage"].as_str().unwrap().contains("Owner"),
        "{out}"
    );
    let (code, out) = call(&sim, "get-case", r#"{"CaseID":"typo"}"#);
    assert_eq!((code, &out["StatusCode"]), (1, &Value::from(-1)));
    assert!(
        out["ErrorMessage"].as_str().unwrap().contains("CaseID"),
        "{out}"
    );
    let (code, out) = call(&sim, "create-case", r#"{"Title":"  ","Owner":"cases"}"#);
    assert_eq!((code, &out["StatusCode"]), (1, &Value::from(-1)));
    // The component's field names are shown as the keys the CLI user typed.
    let (code, out) = call(&sim, "get-many-cases", r#"{"PerPage":0}"#);
    assert_eq!((code, &out["StatusCode"]), (1, &Value::from(-1)));
    assert!(
        out["ErrorMessage"]
            .as_str()
            .unwrap()
            .starts_with("PerPage: "),
        "{out}"
    );
    assert!(sim.requests().is_empty(), "nothing sent");
}

/// `Retryable` says whether the same call may be made again: a read that met a
/// 503 may; a create that met one may not (it may have been carried out).
#[test]
fn call_failures_say_whether_they_may_be_retried() {
    let sim = Simulator::start().unwrap();
    let unavailable = || {
        Fault::Status(
            503,
            r#"{"statusCode":503,"error":"Service Unavailable","message":"not ready"}"#.into(),
        )
    };
    sim.inject(unavailable());
    let (code, out) = call(&sim, "get-case-status", r#"{"CaseId":"x"}"#);
    assert_eq!(code, 1);
    assert_eq!(
        (&out["StatusCode"], &out["ErrorKind"], &out["Retryable"]),
        (
            &Value::from(503),
            &Value::from("server-error"),
            &Value::from(true)
        ),
        "{out}"
    );
    sim.inject(unavailable());
    let (code, out) = call(&sim, "create-case", r#"{"Title":"x","Owner":"cases"}"#);
    assert_eq!(code, 1);
    assert_eq!(
        (&out["StatusCode"], &out["Retryable"]),
        (&Value::from(503), &Value::from(false)),
        "{out}"
    );
    let routes: Vec<String> = sim
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(routes, ["GET /api/cases/x", "POST /api/cases"]);
}

/// create-case with an `IdempotencyKey`: `Created` says whether the case was made
/// now; after a 503, such a call may be retried, and a bad key is named as the
/// CLI's user typed it. `call --help` states the retry rule.
#[test]
fn call_create_case_with_an_idempotency_key() {
    let sim = Simulator::start().unwrap();
    let input = r#"{"Title":"Keyed","Owner":"securitySolution","IdempotencyKey":"alert-7"}"#;
    let (code, first) = call(&sim, "create-case", input);
    assert_eq!(
        (code, &first["Created"]),
        (0, &Value::from(true)),
        "{first}"
    );
    assert_eq!(first["Tags"], json!(["idempotency-key-alert-7"]));
    let (code, again) = call(&sim, "create-case", input);
    assert_eq!(
        (code, &again["Created"]),
        (0, &Value::from(false)),
        "{again}"
    );
    assert_eq!(again["CaseId"], first["CaseId"]);
    assert_eq!(sim.case_count("default"), 1);

    sim.inject(Fault::Pass);
    sim.inject(Fault::Status(
        503,
        r#"{"statusCode":503,"error":"Service Unavailable","message":"not ready"}"#.into(),
    ));
    let (code, out) = call(
        &sim,
        "create-case",
        r#"{"Title":"Keyed 2","Owner":"securitySolution","IdempotencyKey":"alert-8"}"#,
    );
    assert_eq!(
        (code, &out["StatusCode"], &out["Retryable"]),
        (1, &Value::from(503), &Value::from(true)),
        "{out}"
    );

    sim.clear_requests();
    let (code, out) = call(
        &sim,
        "create-case",
        r#"{"Title":"x","Owner":"cases","IdempotencyKey":"alert:9"}"#,
    );
    assert_eq!((code, &out["StatusCode"]), (1, &Value::from(-1)), "{out}");
    assert!(
        out["ErrorMessage"]
            .as_str()
            .is_some_and(|m| m.starts_with("IdempotencyKey: ")),
        "{out}"
    );
    assert!(sim.requests().is_empty());

    let help = String::from_utf8(run(&["call", "--help"], &[]).stdout).unwrap();
    assert!(
        help.contains("create-case with an")
            && help.contains("IdempotencyKey, and add-comment of an alert"),
        "{help}"
    );
}

#[test]
fn call_kibana_errors_and_secrets() {
    let sim = Simulator::start().unwrap();
    let url = sim.url();
    let out = run(
        &[
            "call",
            "get-case",
            "--input",
            r#"{"CaseId":"x"}"#,
            "--username",
            "elastic",
            "--password",
            "s3cr3t-pw",
        ],
        &[("KIBANA_URL", &url)],
    );
    assert_eq!(out.status.code(), Some(1));
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["StatusCode"], 401);
    assert_eq!(json["ErrorKind"], "unauthorized");
    assert_eq!(json["Retryable"], false);
    assert!(!text.contains("s3cr3t-pw"));
    // KIBANA_URL and the flags made one request, with the password only in its
    // Basic credentials.
    let sent = sim.requests();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].path, "/api/cases/x");
    assert_eq!(
        sent[0].header("authorization"),
        Some("Basic ZWxhc3RpYzpzM2NyM3QtcHc=")
    );
    sim.clear_requests();

    let (code, conn) = call(
        &sim,
        "create-connector",
        r#"{"Name":"Hook","ConnectorTypeId":".webhook","Config":{"url":"https://hooks.example"},
            "Secrets":"{\"user\":\"u\",\"password\":\"hook-secret-1\"}","Description":"mine"}"#,
    );
    assert_eq!(code, 0, "{conn}");
    assert_eq!(conn["Description"], "mine");
    assert_eq!(conn["Config"]["url"], "https://hooks.example");
    assert!(!conn.to_string().contains("hook-secret-1"));
    // Kibana got the secrets as an object and no description (it has no such key).
    let sent = sim.requests();
    let body = sent[0].body_json().expect("a JSON body");
    assert_eq!(
        body["secrets"],
        serde_json::json!({"user": "u", "password": "hook-secret-1"})
    );
    assert!(body.get("description").is_none(), "{body}");
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    assert_eq!(run(&["call", "no-such-op"], &[]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"], &[]).status.code(), Some(2));
    assert_eq!(
        run(
            &["call", "get-case", "--input", "{not json"],
            &[("KIBANA_URL", "http://127.0.0.1:9")]
        )
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        run(&["call", "get-case", "--input", "{}"], &[])
            .status
            .code(),
        Some(2),
        "no URL is a usage error"
    );
    for bad in ["0", "many", "10001"] {
        let out = run(&["bench", "--block", bad], &[]);
        assert_eq!(out.status.code(), Some(2), "--block {bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--block"), "{stderr}");
    }
    // A wrong flag is named, wherever it stands.
    for args in [
        &["call", "get-case", "--urll", "http://x"][..],
        &["--urll", "http://x", "call", "get-case"],
        &["call", "get-case", "--timeout", "forever"],
    ] {
        let out = run(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let flag = args.iter().find(|a| a.starts_with("--")).unwrap();
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
    }
    let bench_help = String::from_utf8(run(&["bench", "--help"], &[]).stdout).unwrap();
    assert!(bench_help.contains("--block <N>"), "{bench_help}");
    for args in [
        &["--help"][..],
        &["call", "--help"],
        &["call", "add-comment", "--help"],
        &["demo", "--help"],
        &["stub", "--help"],
        &["operations"],
        &["completions", "bash"],
        &["help", "call"],
    ] {
        let out = run(args, &[]);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty());
    }
    let help = String::from_utf8(run(&["help", "add-comment"], &[]).stdout).unwrap();
    assert!(
        help.contains("AlertIndex") && help.contains("POST /api/cases/{id}/comments"),
        "{help}"
    );
    // Every operation's help shows its example input.
    for op in host_test::cli::operations::OPERATIONS {
        let help = String::from_utf8(run(&["call", op.name, "--help"], &[]).stdout).unwrap();
        assert!(help.contains(op.example), "{}: {help}", op.name);
    }
    let completions = String::from_utf8(run(&["completions", "bash"], &[]).stdout).unwrap();
    assert!(completions.contains("add-comment"), "operations complete");
}

#[test]
fn demo_walks_the_incident() {
    let out = run(&["demo"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for op in [
        "Create a Connector",
        "Create a Case",
        "Update a Case",
        "Add a Tag",
        "Find Cases by Alert",
        "Get the Alerts of a Case",
        "Push a Case",
        "Get the Activity of a Case",
        "Get many Connectors",
        "Get the Case Tags in use",
        "Delete a Case",
    ] {
        assert!(text.contains(op), "{op} in {text}");
    }
    assert!(
        !text.contains("demo-token-never-printed"),
        "connector secrets are never printed"
    );
}

#[test]
fn a_precompiled_component_runs_calls_and_a_corrupt_one_is_refused() {
    let dir = std::env::temp_dir().join(format!("es-cwasm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cwasm = dir.join("elastic_security.cwasm");
    let cwasm_arg = cwasm.to_str().unwrap();
    let out = run(&["precompile", cwasm_arg], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&cwasm).unwrap();
    assert!(bytes.starts_with(b"\x7fELF"), "a .cwasm is an ELF image");

    let sim = Simulator::start().unwrap();
    let url = sim.url();
    let out = run(
        &[
            "call",
            "create-case",
            "--component",
            cwasm_arg,
            "--url",
            &url,
            "--api-key",
            "sim-api-key",
            "--input",
            r#"{"Title":"from a .cwasm","Owner":"securitySolution"}"#,
        ],
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("from a .cwasm"), "{stdout}");
    assert_eq!(sim.case_count("default"), 1);

    // A truncated image is refused with a message, not run.
    std::fs::write(&cwasm, &bytes[..bytes.len() / 2]).unwrap();
    let out = run(
        &[
            "call",
            "get-many-cases",
            "--component",
            cwasm_arg,
            "--url",
            &url,
            "--api-key",
            "sim-api-key",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot load component"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
