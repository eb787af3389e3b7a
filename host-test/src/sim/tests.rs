//! Simulator tests with a raw `TcpStream` client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};

use super::{Fault, SimConfig, Simulator};

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn message(&self) -> String {
        self.json()["message"].as_str().unwrap_or("").to_string()
    }
}

fn read_answer(reader: &mut impl BufRead) -> std::io::Result<Answer> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or(std::io::ErrorKind::InvalidData)?;
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

struct Req {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
}

fn req(method: &str, path: &str) -> Req {
    Req {
        method: method.into(),
        path: path.into(),
        headers: vec![
            ("Authorization".into(), "ApiKey sim-api-key".into()),
            ("kbn-xsrf".into(), "true".into()),
        ],
        body: None,
    }
}

impl Req {
    fn without(mut self, name: &str) -> Req {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self
    }

    fn header(mut self, name: &str, value: &str) -> Req {
        self = self.without(name);
        self.headers.push((name.into(), value.into()));
        self
    }

    fn json(mut self, v: &Value) -> Req {
        self.body = Some(v.to_string().into_bytes());
        self.header("Content-Type", "application/json")
    }

    fn bytes(&self, close: bool) -> Vec<u8> {
        let mut out = format!("{} {} HTTP/1.1\r\nHost: sim\r\n", self.method, self.path);
        for (k, v) in &self.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = &self.body {
            out.push_str(&format!("Content-Length: {}\r\n", b.len()));
        }
        if close {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        if let Some(b) = &self.body {
            bytes.extend_from_slice(b);
        }
        bytes
    }

    fn send(&self, sim: &Simulator) -> Answer {
        let mut stream = connect(sim);
        stream.write_all(&self.bytes(true)).expect("write");
        read_answer(&mut BufReader::new(stream)).expect("answer")
    }
}

fn connect(sim: &Simulator) -> TcpStream {
    let stream = TcpStream::connect(sim.addr()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    stream
}

fn case_body(title: &str) -> Value {
    json!({
        "title": title,
        "description": format!("about {title}"),
        "tags": ["t1"],
        "connector": {"id": "none", "name": "none", "type": ".none", "fields": null},
        "settings": {"syncAlerts": false},
        "owner": "cases",
    })
}

fn create(sim: &Simulator, prefix: &str, title: &str) -> Value {
    let a = req("POST", &format!("{prefix}/api/cases"))
        .json(&case_body(title))
        .send(sim);
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    a.json()
}

fn sim_with(f: impl FnOnce(&mut SimConfig)) -> Simulator {
    let mut config = SimConfig::default();
    f(&mut config);
    Simulator::start_with(config, "127.0.0.1:0").expect("start")
}

fn patch(sim: &Simulator, fields: Value) -> Answer {
    req("PATCH", "/api/cases")
        .json(&json!({ "cases": [fields] }))
        .send(sim)
}

#[test]
fn xsrf_header_required_on_writes() {
    let sim = Simulator::start().expect("start");
    let a = req("POST", "/api/cases")
        .without("kbn-xsrf")
        .json(&case_body("x"))
        .send(&sim);
    assert_eq!(a.status, 400);
    assert_eq!(
        a.json(),
        json!({"statusCode": 400, "error": "Bad Request", "message": "Request must contain a kbn-xsrf header."})
    );
    // Checked before auth, DELETE included.
    let a = req("DELETE", "/api/cases?ids=x")
        .without("kbn-xsrf")
        .without("authorization")
        .send(&sim);
    assert_eq!(a.status, 400);
    assert_eq!(
        a.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    // GETs do not need it.
    let a = req("GET", "/api/cases/_find")
        .without("kbn-xsrf")
        .send(&sim);
    assert_eq!(a.status, 200);
    assert_eq!(sim.case_count("default"), 0);
    assert_eq!(sim.requests().len(), 3);
}

#[test]
fn auth_is_checked() {
    let sim = sim_with(|c| c.users.push(("alice".into(), "s3cret".into())));
    let unauthorized = json!({
        "statusCode": 401,
        "error": "Unauthorized",
        "message": "Unable to authenticate with the provided credentials."
    });
    let a = req("GET", "/api/cases/_find")
        .without("authorization")
        .send(&sim);
    assert_eq!((a.status, a.json()), (401, unauthorized.clone()));
    let a = req("GET", "/api/cases/_find")
        .header("Authorization", "ApiKey wrong")
        .send(&sim);
    assert_eq!((a.status, a.json()), (401, unauthorized.clone()));
    let basic_bad = format!("Basic {}", STANDARD.encode("elastic:nope"));
    let a = req("GET", "/nowhere")
        .header("Authorization", &basic_bad)
        .send(&sim);
    assert_eq!((a.status, a.json()), (401, unauthorized));

    let basic = format!("Basic {}", STANDARD.encode("alice:s3cret"));
    let a = req("POST", "/api/cases")
        .header("Authorization", &basic)
        .json(&case_body("by alice"))
        .send(&sim);
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["created_by"]["username"], "alice");
    let a = create(&sim, "", "by key");
    assert_eq!(a["created_by"]["username"], "elastic");
    assert_eq!(a["created_by"]["full_name"], Value::Null);
    assert!(a["created_by"]["profile_uid"]
        .as_str()
        .is_some_and(|u| u.starts_with("u_")));
}

#[test]
fn create_then_get_round_trip() {
    let sim = Simulator::start().expect("start");
    let created = create(&sim, "", "Case title 1");
    for key in [
        "id",
        "version",
        "comments",
        "totalComment",
        "totalAlerts",
        "title",
        "tags",
        "description",
        "settings",
        "owner",
        "severity",
        "status",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "assignees",
        "connector",
        "external_service",
        "closed_at",
        "closed_by",
        "duration",
        "customFields",
        "observables",
        "category",
        "incremental_id",
    ] {
        assert!(created.get(key).is_some(), "missing {key}");
    }
    assert_eq!(created["status"], "open");
    assert_eq!(created["severity"], "low");
    assert_eq!(created["comments"], json!([]));
    assert_eq!(created["updated_at"], Value::Null);
    let version = created["version"].as_str().unwrap_or_default();
    let decoded = STANDARD.decode(version).unwrap_or_default();
    let decoded = String::from_utf8(decoded).unwrap_or_default();
    assert!(
        decoded.starts_with('[') && decoded.ends_with(",1]"),
        "{decoded}"
    );
    let created_at = created["created_at"].as_str().unwrap_or_default();
    assert_eq!(created_at.len(), 24, "{created_at}");
    assert!(created_at.ends_with('Z'));

    let id = created["id"].as_str().unwrap_or_default();
    let got = req("GET", &format!("/api/cases/{id}")).send(&sim);
    assert_eq!(got.status, 200);
    let got = got.json();
    assert_eq!(got["title"], "Case title 1");
    assert_eq!(got["version"], created["version"]);
    // 9.x: no comments property on get case.
    assert!(got.get("comments").is_none());

    let missing = req("GET", "/api/cases/nope").send(&sim);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.message(), "Saved object [cases/nope] not found");
}

#[test]
fn create_validation() {
    let sim = Simulator::start().expect("start");
    let post = |body: Value| req("POST", "/api/cases").json(&body).send(&sim);
    let mut body = case_body("x");
    body["foo"] = json!(1);
    let a = post(body);
    assert_eq!(a.status, 400);
    assert!(a.message().contains("foo"), "{}", a.message());
    let mut body = case_body("x");
    body["title"] = json!("   ");
    assert_eq!(post(body).status, 400);
    let mut body = case_body("x");
    body["title"] = json!("t".repeat(161));
    assert_eq!(post(body).status, 400);
    let mut body = case_body("x");
    body.as_object_mut().map(|o| o.remove("connector"));
    assert_eq!(post(body).status, 400);
    let mut body = case_body("x");
    body["owner"] = json!("nobody");
    assert_eq!(post(body).status, 400);
    let mut body = case_body("x");
    body["tags"] = json!(["ok", " "]);
    assert_eq!(post(body).status, 400);
    let mut body = case_body("x");
    body["assignees"] = json!([{"uid": "u_1"}]);
    let a = post(body.clone());
    assert_eq!(a.status, 403);
    assert!(a.message().contains("Platinum"));
    let a = req("POST", "/api/cases").send(&sim);
    assert_eq!(a.status, 400);
    let a = req("POST", "/api/cases")
        .header("Content-Type", "application/json")
        .send(&sim);
    assert_eq!(a.status, 400);
    assert_eq!(sim.case_count("default"), 0);

    let platinum = sim_with(|c| c.platinum = true);
    let a = req("POST", "/api/cases").json(&body).send(&platinum);
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["assignees"], json!([{"uid": "u_1"}]));
}

#[test]
fn find_pages_sorts_and_validates() {
    let sim = Simulator::start().expect("start");
    for t in ["delta", "alpha", "echo", "charlie", "bravo"] {
        create(&sim, "", t);
    }
    let a = req("GET", "/api/cases/_find?page=2&perPage=2").send(&sim);
    assert_eq!(a.status, 200);
    let v = a.json();
    assert_eq!(
        (&v["page"], &v["per_page"], &v["total"]),
        (&json!(2), &json!(2), &json!(5))
    );
    assert_eq!(v["count_open_cases"], 5);
    let titles = |v: &Value| -> Vec<String> {
        v["cases"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| c["title"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    // Default: createdAt desc.
    assert_eq!(titles(&v), ["echo", "alpha"]);
    assert_eq!(v["cases"][0]["comments"], json!([]));
    let v = req("GET", "/api/cases/_find?sortField=title&sortOrder=asc")
        .send(&sim)
        .json();
    assert_eq!(titles(&v), ["alpha", "bravo", "charlie", "delta", "echo"]);
    let v = req("GET", "/api/cases/_find?search=CHAR&searchFields=title")
        .send(&sim)
        .json();
    assert_eq!(titles(&v), ["charlie"]);
    let v = req("GET", "/api/cases/_find?owner=cases&owner=observability")
        .send(&sim)
        .json();
    assert_eq!(v["total"], 5);
    let v = req("GET", "/api/cases/_find?status=closed")
        .send(&sim)
        .json();
    assert_eq!(
        (&v["total"], &v["count_open_cases"]),
        (&json!(0), &json!(5))
    );
    let v = req("GET", "/api/cases/_find?page=9").send(&sim).json();
    assert_eq!((&v["total"], &v["cases"]), (&json!(5), &json!([])));

    for bad in [
        "perPage=101",
        "page=101&perPage=100",
        "owner=cases,observability",
        "status=bogus",
        "sortField=nope",
        "sortOrder=up",
        "unknownKey=1",
        "page=abc",
    ] {
        let a = req("GET", &format!("/api/cases/_find?{bad}")).send(&sim);
        assert_eq!(a.status, 400, "{bad}");
        assert_eq!(a.json()["error"], "Bad Request");
    }
}

#[test]
fn patch_conflict_and_not_acceptable() {
    let sim = Simulator::start().expect("start");
    let c = create(&sim, "", "first");
    let (id, version) = (c["id"].clone(), c["version"].clone());

    let a = patch(
        &sim,
        json!({"id": id, "version": "WzEwMDAsMV0=", "title": "x"}),
    );
    assert_eq!(a.status, 409);
    assert_eq!(
        a.message(),
        format!(
            "This case {} has been updated. Please refresh before saving additional updates.",
            id.as_str().unwrap_or_default()
        )
    );
    let a = patch(
        &sim,
        json!({"id": id, "version": version, "title": "first"}),
    );
    assert_eq!(a.status, 406);
    assert_eq!(
        a.json(),
        json!({"statusCode": 406, "error": "Not Acceptable", "message": "All update fields are identical to current version."})
    );
    let a = patch(
        &sim,
        json!({"id": id, "version": version, "owner": "cases"}),
    );
    assert_eq!(a.status, 400);
    let a = patch(
        &sim,
        json!({"id": "missing", "version": version, "title": "y"}),
    );
    assert_eq!(a.status, 404);

    let a = patch(
        &sim,
        json!({"id": id, "version": version, "title": "second", "status": "closed", "tags": ["a", "b"]}),
    );
    assert_eq!(a.status, 200);
    let updated = a.json();
    assert!(updated.is_array());
    let u = &updated[0];
    assert_eq!(
        (&u["title"], &u["status"]),
        (&json!("second"), &json!("closed"))
    );
    assert_ne!(u["version"], version);
    assert!(u["closed_at"].is_string() && u["updated_at"].is_string());
    assert_eq!(u["closed_by"]["username"], "elastic");
    assert_eq!(u["updated_by"]["username"], "elastic");
    // The old version is stale now.
    let a = patch(
        &sim,
        json!({"id": id, "version": version, "title": "third"}),
    );
    assert_eq!(a.status, 409);
    // touch_case makes the current version stale too.
    assert!(sim.touch_case("default", id.as_str().unwrap_or_default()));
    assert!(!sim.touch_case("default", "nope"));
    let a = patch(
        &sim,
        json!({"id": id, "version": u["version"], "title": "third"}),
    );
    assert_eq!(a.status, 409);
}

#[test]
fn concurrent_patches_with_one_version_one_wins() {
    let sim = Simulator::start().expect("start");
    let c = create(&sim, "", "race");
    let body = |n: usize| json!({"cases": [{"id": c["id"], "version": c["version"], "title": format!("t{n}")}]});
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|n| {
                let b = body(n);
                let sim = &sim;
                s.spawn(move || req("PATCH", "/api/cases").json(&b).send(sim).status)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).collect()
    });
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        7,
        "{statuses:?}"
    );
}

#[test]
fn bump_version_after_create_gives_409() {
    let sim = sim_with(|c| c.bump_version_after_create = true);
    let c = create(&sim, "", "bumped");
    let a = patch(
        &sim,
        json!({"id": c["id"], "version": c["version"], "title": "new"}),
    );
    assert_eq!(a.status, 409);
    let id = c["id"].as_str().unwrap_or_default();
    let fresh = req("GET", &format!("/api/cases/{id}")).send(&sim).json();
    assert_ne!(fresh["version"], c["version"]);
    let a = patch(
        &sim,
        json!({"id": id, "version": fresh["version"], "title": "new"}),
    );
    assert_eq!(a.status, 200);
}

#[test]
fn delete_is_all_or_nothing() {
    let sim = Simulator::start().expect("start");
    let a = create(&sim, "", "a");
    let b = create(&sim, "", "b");
    let (a, b) = (
        a["id"].as_str().unwrap_or_default().to_string(),
        b["id"].as_str().unwrap_or_default().to_string(),
    );
    let enc = |ids: &[&str]| {
        let raw = serde_json::to_string(ids).unwrap_or_default();
        raw.replace('[', "%5B")
            .replace(']', "%5D")
            .replace('"', "%22")
            .replace(',', "%2C")
    };
    let r = req(
        "DELETE",
        &format!("/api/cases?ids={}", enc(&[&a, "missing"])),
    )
    .send(&sim);
    assert_eq!(r.status, 404);
    assert_eq!(r.message(), "Saved object [cases/missing] not found");
    assert_eq!(sim.case_count("default"), 2);
    let r = req("DELETE", &format!("/api/cases?ids={}", enc(&[&a, &b]))).send(&sim);
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-length"), None);
    assert_eq!(sim.case_count("default"), 0);
    // Repeated plain `ids=` values work too.
    let c = create(&sim, "", "c");
    let d = create(&sim, "", "d");
    let r = req(
        "DELETE",
        &format!(
            "/api/cases?ids={}&ids={}",
            c["id"].as_str().unwrap_or_default(),
            d["id"].as_str().unwrap_or_default()
        ),
    )
    .send(&sim);
    assert_eq!(r.status, 204);
    assert_eq!(sim.case_count("default"), 0);
    assert_eq!(req("DELETE", "/api/cases").send(&sim).status, 400);
}

#[test]
fn comments_lifecycle() {
    let sim = Simulator::start().expect("start");
    let c = create(&sim, "", "with comments");
    let id = c["id"].as_str().unwrap_or_default().to_string();
    let base = format!("/api/cases/{id}/comments");

    let a = req("POST", &base)
        .json(&json!({"type": "user", "comment": "hi", "owner": "securitySolution"}))
        .send(&sim);
    assert_eq!(a.status, 400);
    assert!(a
        .message()
        .contains("The owner field of the comment must match the case owner"));
    let a = req("POST", &base)
        .json(&json!({"type": "user", "comment": "hi", "owner": "cases", "x": 1}))
        .send(&sim);
    assert_eq!(a.status, 400);
    let a = req("POST", "/api/cases/nope/comments")
        .json(&json!({"type": "user", "comment": "hi", "owner": "cases"}))
        .send(&sim);
    assert_eq!(a.status, 404);

    let a = req("POST", &base)
        .json(&json!({"type": "user", "comment": "hi", "owner": "cases"}))
        .send(&sim);
    assert_eq!(a.status, 200);
    let case = a.json();
    assert_eq!(case["totalComment"], 1);
    assert_ne!(case["version"], c["version"]);
    let comment = case["comments"][0].clone();
    assert_eq!(comment["comment"], "hi");
    assert_eq!(comment["updated_at"], Value::Null);
    assert_eq!(comment["pushed_by"], Value::Null);
    let cid = comment["id"].as_str().unwrap_or_default().to_string();

    let a = req("POST", &base)
        .json(&json!({"type": "alert", "alertId": ["a1", "a2"], "index": ["i", "i"], "rule": {"id": null, "name": null}, "owner": "cases"}))
        .send(&sim);
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["totalAlerts"], 2);
    assert_eq!(a.json()["comments"].as_array().map(Vec::len), Some(2));

    let got = req("GET", &format!("{base}/{cid}")).send(&sim);
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), comment);
    assert_eq!(req("GET", &format!("{base}/nope")).send(&sim).status, 404);

    let found = req("GET", &format!("{base}/_find?perPage=10")).send(&sim);
    assert_eq!(found.status, 200);
    let found = found.json();
    assert_eq!(
        (&found["total"], &found["per_page"]),
        (&json!(1), &json!(10))
    );
    assert_eq!(found["comments"][0]["id"], comment["id"]);

    let upd = |version: &Value, ty: &str| {
        req("PATCH", &base)
            .json(&json!({"id": cid, "version": version, "type": ty, "comment": "edited", "owner": "cases"}))
            .send(&sim)
    };
    assert_eq!(upd(&json!("Wzk5OTksMV0="), "user").status, 409);
    let a = upd(&comment["version"], "alert");
    assert_eq!(a.status, 400);
    let a = upd(&comment["version"], "user");
    assert_eq!(a.status, 200);
    let edited = a.json()["comments"][0].clone();
    assert_eq!(edited["comment"], "edited");
    assert!(edited["updated_at"].is_string());
    assert_ne!(edited["version"], comment["version"]);

    let d = req("DELETE", &format!("{base}/{cid}")).send(&sim);
    assert_eq!((d.status, d.body.len()), (204, 0));
    assert_eq!(
        req("DELETE", &format!("{base}/{cid}")).send(&sim).status,
        404
    );

    // No alerts on closed cases.
    let current = req("GET", &format!("/api/cases/{id}")).send(&sim).json();
    let a = patch(
        &sim,
        json!({"id": id, "version": current["version"], "status": "closed"}),
    );
    assert_eq!(a.status, 200);
    let a = req("POST", &base)
        .json(&json!({"type": "alert", "alertId": "a3", "index": "i", "rule": {"id": "r", "name": "n"}, "owner": "cases"}))
        .send(&sim);
    assert_eq!(a.status, 400);
    assert_eq!(a.message(), "Alert cannot be attached to a closed case");
}

#[test]
fn spaces_are_isolated() {
    let sim = Simulator::start().expect("start");
    let c = create(&sim, "/s/security", "secure");
    assert_eq!(sim.case_count("security"), 1);
    assert_eq!(sim.case_count("default"), 0);
    let id = c["id"].as_str().unwrap_or_default();
    assert_eq!(
        req("GET", &format!("/api/cases/{id}")).send(&sim).status,
        404
    );
    assert_eq!(
        req("GET", &format!("/s/soc-team/api/cases/{id}"))
            .send(&sim)
            .status,
        404
    );
    assert_eq!(
        req("GET", &format!("/s/security/api/cases/{id}"))
            .send(&sim)
            .status,
        200
    );
    let a = req("GET", "/s/nowhere/api/cases/_find").send(&sim);
    assert_eq!((a.status, a.message()), (404, "Not Found".to_string()));
    create(&sim, "/s/default", "explicit default");
    assert_eq!(sim.case_count("default"), 1);
    let v = req("GET", "/api/cases/_find").send(&sim).json();
    assert_eq!(v["total"], 1);
}

#[test]
fn chunked_body_and_keep_alive() {
    let sim = Simulator::start().expect("start");
    let body = case_body("chunky").to_string();
    let (first, second) = body.split_at(10);
    let head = "POST /s/soc-team/api/cases HTTP/1.1\r\nHost: sim\r\nAuthorization: ApiKey sim-api-key\r\nkbn-xsrf: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    let raw = format!(
        "{head}{:x}\r\n{first}\r\n{:x};ext=1\r\n{second}\r\n0\r\n\r\n",
        first.len(),
        second.len()
    );
    let mut stream = connect(&sim);
    stream.write_all(raw.as_bytes()).expect("write");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let a = read_answer(&mut reader).expect("answer");
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.json()["title"], "chunky");
    assert_eq!(a.header("connection"), Some("keep-alive"));
    // Same connection, second request.
    let id = a.json()["id"].as_str().unwrap_or_default().to_string();
    stream
        .write_all(&req("GET", &format!("/s/soc-team/api/cases/{id}")).bytes(false))
        .expect("write");
    let b = read_answer(&mut reader).expect("second answer");
    assert_eq!((b.status, b.json()["id"].clone()), (200, json!(id)));
    let recorded = sim.requests();
    assert_eq!(recorded[0].body_json(), Some(case_body("chunky")));
    assert_eq!(recorded[0].header("transfer-encoding"), Some("chunked"));
}

#[test]
fn percent_encoded_ids_are_decoded() {
    let sim = Simulator::start().expect("start");
    let a = req("GET", "/api/cases/a%2F..%2Fb%3Fc%23d").send(&sim);
    assert_eq!(a.status, 404);
    assert_eq!(a.message(), "Saved object [cases/a/../b?c#d] not found");
    let recorded = sim.requests();
    assert_eq!(recorded[0].path, "/api/cases/a%2F..%2Fb%3Fc%23d");
    assert_eq!(recorded[0].decoded_path(), "/api/cases/a/../b?c#d");
    // A raw slash is another route.
    let a = req("GET", "/api/cases/a/b").send(&sim);
    assert_eq!((a.status, a.message()), (404, "Not Found".to_string()));

    let c = create(&sim, "", "encoded");
    let id = c["id"].as_str().unwrap_or_default();
    let a = req("GET", &format!("/api/cases/{}", id.replace('-', "%2D"))).send(&sim);
    assert_eq!(a.status, 200);
    assert_eq!(req("GET", "/api/cases/%zz").send(&sim).status, 400);

    let a = req("GET", "/api/cases/_find?search=a+b%26c&tags=x&tags=y").send(&sim);
    assert_eq!(a.status, 200);
    let last = sim.requests().pop().expect("recorded");
    assert_eq!(last.query, "search=a+b%26c&tags=x&tags=y");
    assert_eq!(
        last.query_pairs(),
        vec![
            ("search".to_string(), "a b&c".to_string()),
            ("tags".to_string(), "x".to_string()),
            ("tags".to_string(), "y".to_string())
        ]
    );
}

#[test]
fn latency_delays_every_answer_and_requests_on_other_connections_overlap() {
    let sim = sim_with(|c| c.latency = Duration::from_millis(200));
    // Four requests at once, each on its own connection: served together (the
    // last one received finds the other three still being served).
    let started = std::time::Instant::now();
    let answers: Vec<Answer> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| req("GET", "/api/cases/_find").send(&sim)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let took = started.elapsed();
    assert!(answers.iter().all(|a| a.status == 200));
    assert!(took >= Duration::from_millis(200), "{took:?}");
    let requests = sim.requests();
    let mut serving: Vec<usize> = requests.iter().map(|r| r.serving).collect();
    serving.sort();
    assert_eq!(serving, [1, 2, 3, 4]);
    // One after the other: each alone, each received after the one before's answer.
    sim.clear_requests();
    sim.set_latency(Duration::from_millis(50));
    for _ in 0..2 {
        req("GET", "/api/cases/_find").send(&sim);
    }
    let requests = sim.requests();
    assert!(requests.iter().all(|r| r.serving == 1));
    assert!(requests[1].received >= requests[0].received + Duration::from_millis(50));
}

#[test]
fn a_targeted_fault_waits_for_the_request_it_matches() {
    let sim = Simulator::start().expect("start");
    sim.inject_where(|r| r.query.contains("page=3"), Fault::Status500);
    sim.inject(Fault::Html502);
    // The queue's fault goes to the next request; the targeted one to page 3 only.
    assert_eq!(req("GET", "/api/cases/_find?page=1").send(&sim).status, 502);
    assert_eq!(req("GET", "/api/cases/_find?page=2").send(&sim).status, 200);
    assert_eq!(req("GET", "/api/cases/_find?page=3").send(&sim).status, 500);
    assert_eq!(req("GET", "/api/cases/_find?page=3").send(&sim).status, 200);
}

#[test]
fn faults_are_served_once_each() {
    let sim = Simulator::start().expect("start");
    sim.inject(Fault::Drop);
    sim.inject(Fault::Html502);
    sim.inject(Fault::InvalidJson200);
    sim.inject(Fault::Status500);
    sim.inject(Fault::Status(418, "{\"teapot\":true}".into()));
    sim.inject(Fault::WrongShape200);

    let mut stream = connect(&sim);
    stream
        .write_all(&req("GET", "/api/cases/_find").bytes(true))
        .expect("write");
    let mut buf = Vec::new();
    let n = stream.read_to_end(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "dropped connection must not answer");

    let a = req("GET", "/api/cases/_find").send(&sim);
    assert_eq!(
        (a.status, a.header("content-type")),
        (502, Some("text/html"))
    );
    assert!(String::from_utf8_lossy(&a.body).contains("nginx"));
    let a = req("GET", "/api/cases/_find").send(&sim);
    assert_eq!(a.status, 200);
    assert!(serde_json::from_slice::<Value>(&a.body).is_err());
    let a = req("GET", "/api/cases/_find").send(&sim);
    assert_eq!(
        (a.status, a.json()),
        (
            500,
            json!({"statusCode": 500, "error": "Internal Server Error", "message": "An internal server error occurred."})
        )
    );
    let a = req("GET", "/api/cases/_find").send(&sim);
    assert_eq!((a.status, a.json()), (418, json!({"teapot": true})));
    let a = req("POST", "/api/cases")
        .json(&case_body("not created"))
        .send(&sim);
    assert_eq!((a.status, a.json()), (200, json!({"unexpected": true})));
    assert_eq!(sim.case_count("default"), 0);
    // The queue is empty again.
    assert_eq!(req("GET", "/api/cases/_find").send(&sim).json()["total"], 0);
    assert_eq!(sim.requests().len(), 7);
    sim.clear_requests();
    assert!(sim.requests().is_empty());

    sim.inject(Fault::StallBody(Duration::from_millis(100)));
    let mut stream = connect(&sim);
    stream
        .write_all(&req("GET", "/api/cases/_find").bytes(false))
        .expect("write");
    let mut reader = BufReader::new(stream);
    assert!(
        read_answer(&mut reader).is_err(),
        "a stalled body is incomplete"
    );

    sim.inject(Fault::Slow(Duration::from_millis(50)));
    let start = std::time::Instant::now();
    let a = req("GET", "/api/cases/_find").send(&sim);
    assert_eq!(a.status, 200);
    assert!(start.elapsed() >= Duration::from_millis(50));
}

#[test]
fn routes_removed_in_9() {
    let v9 = Simulator::start().expect("start");
    let c = create(&v9, "", "nine");
    let id = c["id"].as_str().unwrap_or_default();
    req("POST", &format!("/api/cases/{id}/comments"))
        .json(&json!({"type": "user", "comment": "hi", "owner": "cases"}))
        .send(&v9);
    assert_eq!(req("GET", "/api/cases/status").send(&v9).status, 404);
    assert_eq!(
        req("GET", &format!("/api/cases/{id}/comments"))
            .send(&v9)
            .status,
        404
    );
    let got = req("GET", &format!("/api/cases/{id}?includeComments=true"))
        .send(&v9)
        .json();
    assert!(got.get("comments").is_none());
    assert_eq!(got["totalComment"], 1);

    let v8 = sim_with(|c| c.major_version = 8);
    let c = create(&v8, "", "eight");
    let id = c["id"].as_str().unwrap_or_default();
    req("POST", &format!("/api/cases/{id}/comments"))
        .json(&json!({"type": "user", "comment": "hi", "owner": "cases"}))
        .send(&v8);
    let a = req("GET", "/api/cases/status").send(&v8);
    assert_eq!(a.status, 200);
    assert_eq!(
        a.json(),
        json!({"count_open_cases": 1, "count_in_progress_cases": 0, "count_closed_cases": 0})
    );
    let a = req("GET", &format!("/api/cases/{id}/comments")).send(&v8);
    assert_eq!(a.status, 200);
    assert_eq!(a.json().as_array().map(Vec::len), Some(1));
    let got = req("GET", &format!("/api/cases/{id}")).send(&v8).json();
    assert_eq!(got["comments"].as_array().map(Vec::len), Some(1));
    let got = req("GET", &format!("/api/cases/{id}?includeComments=false"))
        .send(&v8)
        .json();
    assert_eq!(got["comments"], json!([]));
}

#[test]
fn connectors_never_echo_secrets() {
    let sim = Simulator::start().expect("start");
    let post = |body: Value| req("POST", "/api/actions/connector").json(&body).send(&sim);
    let a = post(
        json!({"name": "idx", "connector_type_id": ".index", "config": {"index": "test-index"}}),
    );
    assert_eq!(a.status, 200);
    let v = a.json();
    assert_eq!(
        v["config"],
        json!({"index": "test-index", "refresh": false, "executionTimeField": null})
    );
    assert_eq!(v["is_preconfigured"], false);
    assert_eq!(v["is_system_action"], false);
    let id = v["id"].as_str().unwrap_or_default();
    let got = req("GET", &format!("/api/actions/connector/{id}")).send(&sim);
    assert_eq!((got.status, got.json()), (200, v.clone()));

    let a = post(json!({"name": "j", "connector_type_id": ".jira",
        "config": {"apiUrl": "https://jira", "projectKey": "P"},
        "secrets": {"email": "a@b", "apiToken": "TOPSECRET"}}));
    assert_eq!(a.status, 200);
    assert!(!String::from_utf8_lossy(&a.body).contains("TOPSECRET"));
    assert!(a.json().get("secrets").is_none());
    let a = post(json!({"name": "j", "connector_type_id": ".jira",
        "config": {"apiUrl": "https://jira", "projectKey": "P"}, "secrets": {"email": "a@b"}}));
    assert_eq!(a.status, 400);

    let a = post(
        json!({"name": "x", "connector_type_id": ".index", "config": {"index": "i"}, "description": "d"}),
    );
    assert_eq!(
        (a.status, a.message()),
        (
            400,
            "[request body.description]: definition for this key is missing".to_string()
        )
    );
    let a = post(json!({"name": "x", "connector_type_id": ".nope"}));
    assert_eq!(
        (a.status, a.message()),
        (
            400,
            "Connector type \".nope\" is not registered.".to_string()
        )
    );
    assert_eq!(
        post(json!({"name": " ", "connector_type_id": ".server-log"})).status,
        400
    );
    assert_eq!(
        post(json!({"name": "w", "connector_type_id": ".webhook"})).status,
        400
    );
    let list = req("GET", "/api/actions/connectors").send(&sim).json();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert_eq!(
        req("GET", "/s/security/api/actions/connectors")
            .send(&sim)
            .json(),
        json!([])
    );
    assert_eq!(
        req("GET", "/api/actions/connector/nope").send(&sim).status,
        404
    );
}

#[test]
fn malformed_and_oversized_requests() {
    let sim = Simulator::start().expect("start");
    let mut stream = connect(&sim);
    stream.write_all(b"NONSENSE\r\n\r\n").expect("write");
    let a = read_answer(&mut BufReader::new(stream)).expect("answer");
    assert_eq!(a.status, 400);

    let mut stream = connect(&sim);
    stream
        .write_all(b"POST /api/cases HTTP/1.1\r\nAuthorization: ApiKey sim-api-key\r\nkbn-xsrf: t\r\nContent-Length: 2000000\r\n\r\n")
        .expect("write");
    let a = read_answer(&mut BufReader::new(stream)).expect("answer");
    assert_eq!(a.status, 413);
    assert_eq!(a.json()["error"], "Request Entity Too Large");

    let mut stream = connect(&sim);
    stream
        .write_all(b"POST /api/cases HTTP/1.1\r\nContent-Length: nope\r\n\r\n")
        .expect("write");
    let a = read_answer(&mut BufReader::new(stream)).expect("answer");
    assert_eq!(a.status, 400);

    let a = req("POST", "/api/cases")
        .header("Content-Type", "application/json")
        .send(&sim);
    assert_eq!(
        a.message(),
        "[request body]: expected a plain object value, but found [null] instead."
    );
    let mut r = req("POST", "/api/cases");
    r.body = Some(b"{\"title\": ".to_vec());
    assert_eq!(r.send(&sim).status, 400);
    assert_eq!(req("GET", "/api/nothing").send(&sim).status, 404);
    assert_eq!(req("PUT", "/api/cases").send(&sim).status, 404);
}

#[test]
fn recorded_request_debug_redacts_credentials() {
    let sim = Simulator::start().expect("start");
    req("GET", "/api/cases/_find").send(&sim);
    let recorded = sim.requests();
    assert_eq!(
        recorded[0].header("Authorization"),
        Some("ApiKey sim-api-key")
    );
    let shown = format!("{:?}", recorded[0]);
    assert!(!shown.contains("sim-api-key"), "{shown}");
    assert!(shown.contains("<redacted>"));
}

#[test]
fn user_actions_validate_the_query_and_serve_the_older_route_on_8_only() {
    for major in [8, 9] {
        let sim = sim_with(|c| c.major_version = major);
        let id = create(&sim, "", "activity")["id"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let found = req(
            "GET",
            &format!("/api/cases/{id}/user_actions/_find?types=create_case&sortOrder=asc"),
        )
        .send(&sim);
        assert_eq!(found.status, 200);
        let body = found.json();
        assert_eq!(
            (body["total"].clone(), body["perPage"].clone()),
            (json!(1), json!(20))
        );
        assert_eq!(body["userActions"][0]["type"], "create_case");
        assert_eq!(body["userActions"][0]["payload"]["title"], "activity");
        let bad = req(
            "GET",
            &format!("/api/cases/{id}/user_actions/_find?types=nope"),
        )
        .send(&sim);
        assert_eq!(
            (bad.status, bad.message()),
            (
                400,
                "Invalid value \"nope\" supplied to \"types\"".to_string()
            )
        );
        let bad = req(
            "GET",
            &format!("/api/cases/{id}/user_actions/_find?perPage=101"),
        )
        .send(&sim);
        assert_eq!(bad.status, 400);
        let bad = req("GET", &format!("/api/cases/{id}/user_actions/_find?size=1")).send(&sim);
        assert_eq!(
            (bad.status, bad.message()),
            (400, "invalid keys \"size\"".to_string())
        );
        let old = req("GET", &format!("/api/cases/{id}/user_actions")).send(&sim);
        assert_eq!(old.status, if major == 8 { 200 } else { 404 }, "{major}");
    }
}

#[test]
fn push_needs_an_existing_case_connector_and_an_open_case() {
    let sim = Simulator::start().expect("start");
    let id = create(&sim, "", "to push")["id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let log = req("POST", "/api/actions/connector")
        .json(&json!({"name": "log", "connector_type_id": ".server-log"}))
        .send(&sim)
        .json();
    let jira = req("POST", "/api/actions/connector")
        .json(&json!({"name": "jira", "connector_type_id": ".jira",
            "config": {"apiUrl": "https://jira.example", "projectKey": "P"},
            "secrets": {"email": "e", "apiToken": "t"}}))
        .send(&sim)
        .json();
    let push = |connector: &Value| {
        format!(
            "/api/cases/{id}/connector/{}/_push",
            connector["id"].as_str().unwrap_or("")
        )
    };
    assert_eq!(
        req("POST", &push(&json!({"id": "nope"}))).send(&sim).status,
        404
    );
    assert_eq!(req("POST", &push(&log)).send(&sim).status, 400);
    assert_eq!(
        req("POST", &push(&jira))
            .json(&json!([1]))
            .send(&sim)
            .status,
        400
    );
    let pushed = req("POST", &push(&jira)).json(&Value::Null).send(&sim);
    assert_eq!(pushed.status, 200);
    let service = &pushed.json()["external_service"];
    assert_eq!(service["connector_name"], "jira");
    assert_eq!(service["external_url"], "https://jira.example/browse/SIM-1");
    assert_eq!(
        req("POST", &push(&jira))
            .without("kbn-xsrf")
            .send(&sim)
            .status,
        400
    );
    let version = req("GET", &format!("/api/cases/{id}")).send(&sim).json()["version"].clone();
    let closed = patch(
        &sim,
        json!({"id": id, "version": version, "status": "closed"}),
    );
    assert_eq!(closed.status, 200);
    let refused = req("POST", &push(&jira)).send(&sim);
    assert_eq!(refused.status, 409);
    assert!(
        refused.message().contains("closed"),
        "{}",
        refused.message()
    );
}

#[test]
fn tags_and_cases_of_an_alert_filter_by_owner() {
    let sim = Simulator::start().expect("start");
    let case = create(&sim, "", "with an alert");
    let id = case["id"].as_str().unwrap_or("");
    let alert = json!({"type": "alert", "alertId": ["a1", "a2"], "index": ["i1", "i2"],
        "rule": {"id": null, "name": null}, "owner": "cases"});
    assert_eq!(
        req("POST", &format!("/api/cases/{id}/comments"))
            .json(&alert)
            .send(&sim)
            .status,
        200
    );
    let related = req("GET", "/api/cases/alerts/a2?owner=cases")
        .send(&sim)
        .json();
    assert_eq!(related[0]["id"], id);
    assert_eq!(
        related[0]["totals"],
        json!({"alerts": 2, "events": 0, "userComments": 0})
    );
    assert_eq!(
        req("GET", "/api/cases/alerts/a2?owner=observability")
            .send(&sim)
            .json(),
        json!([])
    );
    assert_eq!(
        req("GET", "/api/cases/alerts/a2?owner=nobody")
            .send(&sim)
            .status,
        400
    );
    let alerts = req("GET", &format!("/api/cases/{id}/alerts"))
        .send(&sim)
        .json();
    assert_eq!(alerts[1]["id"], "a2");
    assert_eq!(alerts[1]["index"], "i2");
    assert_eq!(
        req("GET", "/api/cases/tags?owner=cases").send(&sim).json(),
        json!(["t1"])
    );
    assert_eq!(
        req("GET", "/api/cases/tags?owner=securitySolution")
            .send(&sim)
            .json(),
        json!([])
    );
    assert_eq!(
        req("GET", "/api/cases/tags?owners=cases").send(&sim).status,
        400
    );
}

/// `control`: faults queued and the request log read over HTTP, without
/// credentials; off by default (then `/_sim/` is an ordinary unknown route).
#[test]
fn control_routes_queue_faults_and_describe_requests() {
    let off = sim_with(|_| {});
    assert_eq!(req("GET", "/_sim/requests").send(&off).status, 404);
    assert_eq!(off.requests().len(), 1, "an ordinary request when off");

    let sim = sim_with(|c| c.control = true);
    let queued = req("POST", "/_sim/faults")
        .json(&json!({"fault": "status", "status": 503, "times": 2}))
        .send(&sim);
    assert_eq!(
        (queued.status, queued.json()["queued"].clone()),
        (200, json!(2))
    );
    for _ in 0..2 {
        let a = req("GET", "/api/cases/_find").send(&sim);
        assert_eq!(a.status, 503);
        assert_eq!(a.json()["error"], "Service Unavailable");
    }
    assert_eq!(req("GET", "/api/cases/_find").send(&sim).status, 200);
    let bad = req("POST", "/_sim/faults")
        .json(&json!({"fault": "meteor"}))
        .send(&sim);
    assert_eq!(bad.status, 400);
    assert!(bad.message().contains("meteor"), "{}", bad.message());

    create(&sim, "/s/soc-team", "counted");
    req("GET", "/api/cases/_find")
        .header("Authorization", "ApiKey OBELISK_SECRET_0123456789abcdef")
        .send(&sim);
    req("GET", "/api/cases/_find")
        .without("Authorization")
        .send(&sim);
    let log = req("GET", "/_sim/requests").send(&sim).json();
    let log = log.as_array().expect("a list");
    // The control requests themselves are not in it.
    assert_eq!(log.len(), 6, "{log:?}");
    assert_eq!(log[0]["auth"], "api-key accepted");
    assert_eq!(log[3]["path"], "/s/soc-team/api/cases");
    assert_eq!(log[4]["auth"], "api-key refused");
    assert_eq!(log[4]["auth-key-prefix"], "OBELISK_SECRET_");
    assert_eq!(log[5]["auth"], "none");
    assert!(log.iter().all(|r| r["serving"] == 1), "{log:?}");
    assert!(!log.iter().any(|r| r.to_string().contains("sim-api-key")));
    assert_eq!(
        req("GET", "/_sim/cases").send(&sim).json()["soc-team"],
        json!(1)
    );
    req("DELETE", "/_sim/requests").send(&sim);
    assert_eq!(req("GET", "/_sim/requests").send(&sim).json(), json!([]));

    // A latency for every answer from now on; the control routes never wait.
    let set = req("POST", "/_sim/latency")
        .json(&json!({"millis": 300}))
        .send(&sim);
    assert_eq!((set.status, set.json()), (200, json!({"millis": 300})));
    let started = std::time::Instant::now();
    req("GET", "/api/cases/_find").send(&sim);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let bad = req("POST", "/_sim/latency")
        .json(&json!({"seconds": 1}))
        .send(&sim);
    assert_eq!(bad.status, 400);
}

#[test]
fn an_alert_already_in_the_case_is_dropped_like_kibana_does() {
    let sim = Simulator::start().expect("start");
    let case = create(&sim, "", "alerts once");
    let id = case["id"].as_str().unwrap_or("");
    let base = format!("/api/cases/{id}/comments");
    let post = |alert_id: Value, index: Value| {
        req("POST", &base)
            .json(
                &json!({"type": "alert", "alertId": alert_id, "index": index,
                "rule": {"id": null, "name": null}, "owner": "cases"}),
            )
            .send(&sim)
    };
    let first = post(json!("a1"), json!("i1"));
    assert_eq!(first.status, 200);
    let version = first.json()["version"].clone();

    // Only alerts the case holds: nothing added, the case as it is.
    let again = post(json!(["a1", "a1"]), json!(["i1", "i1"]));
    assert_eq!(again.status, 200);
    let again = again.json();
    assert_eq!(again["totalAlerts"], 1);
    assert_eq!(again["version"], version);
    assert_eq!(again["comments"].as_array().map(Vec::len), Some(1));

    // Some new: only those are attached.
    let mixed = post(json!(["a1", "a2", "a2"]), json!(["i1", "i2", "i2"])).json();
    assert_eq!(mixed["totalAlerts"], 2);
    assert_eq!(mixed["comments"][1]["alertId"], json!(["a2"]));
    assert_eq!(mixed["comments"][1]["index"], json!(["i2"]));
    let actions = req(
        "GET",
        &format!("/api/cases/{id}/user_actions/_find?types=alert"),
    )
    .send(&sim)
    .json();
    assert_eq!(actions["total"], 2, "no action for the alert dropped");
}

#[test]
fn find_filters_by_tag_exactly() {
    let sim = Simulator::start().expect("start");
    let mut body = case_body("keyed");
    body["tags"] = json!(["idempotency-key-k1", "other"]);
    let keyed = req("POST", "/api/cases").json(&body).send(&sim).json();
    create(&sim, "", "not keyed");
    let found = |query: &str| {
        req("GET", &format!("/api/cases/_find?{query}"))
            .send(&sim)
            .json()
    };
    let hit = found("tags=idempotency-key-k1&owner=cases");
    assert_eq!(hit["total"], 1);
    assert_eq!(hit["cases"][0]["id"], keyed["id"]);
    for other in [
        "tags=idempotency-key-k&owner=cases",
        "tags=IDEMPOTENCY-KEY-K1&owner=cases",
        "tags=idempotency-key-k1&owner=securitySolution",
    ] {
        assert_eq!(found(other)["total"], 0, "{other}");
    }
}
