//! The host's sandbox around the component: one allowed origin per call, a memory
//! limit per instance, a deadline per call, and HTTPS with the embedder's CA.

mod common;

use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{case_input, harness, many_cases, read_request, stub, Kit, API_KEY};
use host_test::harness::bindings::{cases, Auth, Connection, ErrorKind};
use host_test::harness::settle;
use host_test::harness::{Harness, HarnessConfig};

/// An API-key connection to a raw TCP stub at `url`.
fn stub_conn(url: String, timeout_ms: u32) -> Connection {
    Connection {
        base_url: url,
        auth: Some(Auth::ApiKey(API_KEY.into())),
        space_id: None,
        timeout_ms: Some(timeout_ms),
    }
}

#[test]
fn a_call_reaches_only_the_origin_of_its_own_kibana_url() {
    let kit = Kit::new();
    let other = Kit::new();
    let h = harness();
    let denied_before = h.outbound().requests_denied();

    // An instance allowed to reach `other` is pointed at `kit`: the host refuses.
    let mut inst = h.instantiate(Some(&other.sim.url())).unwrap();
    let r = inst
        .bindings
        .automation_elastic_security_cases()
        .call_create_case(&mut inst.store, &kit.conn(), &case_input("smuggled"))
        .unwrap();
    let e = settle(r)
        .unwrap()
        .expect_err("the host must refuse another origin");
    assert_eq!(e.kind, ErrorKind::Unreachable, "{e:?}");
    assert_eq!(e.status_code, 0, "{e:?}");
    // Nothing was sent, so even a create may be tried again.
    assert!(e.retryable, "{e:?}");
    assert!(e.message.contains("denied"), "{}", e.message);
    assert!(
        kit.requests().is_empty(),
        "nothing may reach the other Kibana"
    );
    assert!(other.requests().is_empty());
    assert_eq!(kit.sim.case_count("default"), 0);

    // No origin at all: nothing goes out.
    let mut inst = h.instantiate(None).unwrap();
    let r = inst
        .bindings
        .automation_elastic_security_cases()
        .call_get_many_cases(&mut inst.store, &kit.conn(), &many_cases())
        .unwrap();
    assert!(settle(r).unwrap().unwrap_err().message.contains("denied"));
    assert!(kit.requests().is_empty());

    // Same host, other port; same port, other scheme: both refused.
    let addr = kit.sim.addr();
    for allowed in [
        format!("http://127.0.0.1:{}", addr.port().wrapping_add(1)),
        format!("https://127.0.0.1:{}", addr.port()),
    ] {
        let mut inst = h.instantiate(Some(&allowed)).unwrap();
        let r = inst
            .bindings
            .automation_elastic_security_cases()
            .call_get_many_cases(&mut inst.store, &kit.conn(), &many_cases())
            .unwrap();
        let e = settle(r).unwrap().unwrap_err();
        assert!(e.message.contains("denied"), "{allowed}");
    }
    assert!(kit.requests().is_empty());
    assert!(h.outbound().requests_denied() >= denied_before + 4);

    // The typed API allows exactly the connection's own origin, with or without a path
    // prefix or a different letter case in the host.
    let conn = Connection {
        base_url: kit.sim.url().replace("127.0.0.1", "LOCALHOST"),
        ..kit.conn()
    };
    let made = h.create_case(&conn, &case_input("allowed")).unwrap();
    assert!(made.is_ok(), "{made:?}");
    assert_eq!(kit.requests().len(), 1);
}

#[test]
fn the_memory_limit_stops_an_instance_and_the_host_goes_on() {
    // A "Kibana" whose answer is 24 MiB of valid JSON: more than an 8 MiB instance may hold.
    let url = stub(|mut s| {
        read_request(&mut s);
        let filler = "x".repeat(24 << 20);
        let body =
            format!("{{\"cases\":[],\"page\":1,\"per_page\":20,\"total\":0,\"pad\":\"{filler}\"}}");
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body.as_bytes());
    });
    let small = Harness::with_config(HarnessConfig {
        max_memory_bytes: 8 << 20,
        ..HarnessConfig::default()
    })
    .unwrap();
    let conn = stub_conn(url, 5_000);
    let err = small
        .get_many_cases(&conn, &many_cases())
        .expect_err("the instance must be stopped at its memory limit");
    let text = format!("{err:#}");
    assert!(text.contains("memory"), "{text}");

    // The same harness still serves calls.
    let kit = Kit::new();
    let made = small.create_case(&kit.conn(), &case_input("after the trap"));
    assert!(made.unwrap().is_ok());
}

#[test]
fn an_answer_arriving_in_parts_reads_the_same_read_ahead_or_streamed() {
    // Half the body, a pause longer than the hook reads ahead, then the rest: read
    // ahead, the component gets the first half from the hook and the rest streamed.
    let body = br#"{"cases":[],"page":1,"per_page":20,"total":0,"count_open_cases":0,"count_in_progress_cases":0,"count_closed_cases":0}"#;
    for read_ahead in [true, false] {
        let url = stub(move |mut s| {
            read_request(&mut s);
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            let (first, second) = body.split_at(body.len() / 2);
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(first);
            let _ = s.flush();
            std::thread::sleep(Duration::from_millis(200));
            let _ = s.write_all(second);
        });
        let h = Harness::with_config(HarnessConfig {
            read_ahead,
            ..HarnessConfig::default()
        })
        .unwrap();
        let conn = stub_conn(url, 5_000);
        let page = h
            .get_many_cases(&conn, &many_cases())
            .unwrap()
            .unwrap_or_else(|e| panic!("read_ahead {read_ahead}: {e:?}"));
        assert_eq!((page.page, page.per_page, page.total), (1, 20, 0));
        assert!(page.cases.is_empty());
    }
}

#[test]
fn ordinary_calls_run_in_the_initial_memory_and_large_answers_grow_it() {
    // The component's allocator uses its initial 2 MiB before `memory.grow`: growing
    // costs a pooled host two page-protection changes per call (BENCHMARKS.md).
    let kit = Kit::new();
    let h = Harness::new().unwrap();
    let made = h
        .create_case(&kit.conn(), &case_input("sized"))
        .unwrap()
        .unwrap()
        .kibana_case;
    let read = cases::GetCaseInput {
        case_id: made.case_id,
        include_comments: false,
        max_in_flight: None,
    };
    h.take_peak_memory();
    for _ in 0..3 {
        h.get_case(&kit.conn(), &read).unwrap().unwrap();
        h.get_many_cases(&kit.conn(), &many_cases())
            .unwrap()
            .unwrap();
    }
    assert_eq!(
        h.take_peak_memory(),
        2 << 20,
        "an ordinary call grew memory"
    );

    // A 3 MB answer does not fit: the memory grows, and the call succeeds.
    let body = format!(
        r#"{{"cases":[],"page":1,"per_page":20,"total":0,"padding":"{}"}}"#,
        "x".repeat(3_000_000)
    );
    let url = stub(move |mut s| {
        read_request(&mut s);
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(body.as_bytes());
    });
    let page = h
        .get_many_cases(&stub_conn(url, 5_000), &many_cases())
        .unwrap()
        .unwrap();
    assert_eq!(page.total, 0);
    assert!(h.take_peak_memory() > 2 << 20);
}

#[test]
fn the_call_deadline_stops_a_server_that_trickles_forever() {
    // Headers, then one byte every 50 ms for up to 10 s: each wait is well inside the
    // component's timeout, so only the host's deadline ends the call.
    let url = stub(|mut s| {
        read_request(&mut s);
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n[",
        );
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
            if s.write_all(b" ").is_err() {
                return;
            }
        }
    });
    let h = Harness::with_config(HarnessConfig {
        call_deadline: Duration::from_millis(500),
        ..HarnessConfig::default()
    })
    .unwrap();
    let conn = stub_conn(url, 2_000);
    let started = Instant::now();
    let err = h
        .get_many_cases(&conn, &many_cases())
        .expect_err("the deadline must stop the call");
    let took = started.elapsed();
    let text = format!("{err:#}");
    assert!(text.contains("interrupt"), "{text}");
    assert!(took < Duration::from_secs(8), "took {took:?}");

    let kit = Kit::new();
    assert!(h
        .create_case(&kit.conn(), &case_input("after the deadline"))
        .unwrap()
        .is_ok());
}

#[test]
fn keep_alive_reuses_connections_and_can_be_switched_off() {
    let kit = Kit::new();
    let pooled = Harness::with_config(HarnessConfig::default()).unwrap();
    let fresh = Harness::with_config(HarnessConfig {
        keep_alive: false,
        ..HarnessConfig::default()
    })
    .unwrap();
    for _ in 0..20 {
        assert!(pooled
            .get_many_cases(&kit.conn(), &many_cases())
            .unwrap()
            .is_ok());
        assert!(fresh
            .get_many_cases(&kit.conn(), &many_cases())
            .unwrap()
            .is_ok());
    }
    assert_eq!(kit.requests().len(), 40);
    assert_eq!(fresh.outbound().connections_opened(), 20);
    assert!(
        pooled.outbound().connections_opened() <= 2,
        "pooled: {} connections for 20 calls",
        pooled.outbound().connections_opened()
    );
}

mod tls {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    struct Pki {
        ca_pem: String,
        server_cert: CertificateDer<'static>,
        server_key: PrivateKeyDer<'static>,
    }

    fn pki() -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca_key = KeyPair::generate().unwrap();
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let params = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &issuer).unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            server_cert: cert.der().clone(),
            server_key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    /// A TLS front for the simulator: terminates TLS and relays bytes both ways.
    fn tls_front(pki: &Pki, backend: std::net::SocketAddr) -> String {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![pki.server_cert.clone()], pki.server_key.clone_key())
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let std_listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = std_listener.local_addr().unwrap().port();
        std_listener.set_nonblocking(true).unwrap();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
                // Bounded: a test makes a handful of connections.
                for _ in 0..32 {
                    let Ok((tcp, _)) = listener.accept().await else {
                        return;
                    };
                    let acceptor = acceptor.clone();
                    tokio::spawn(async move {
                        let Ok(mut tls) = acceptor.accept(tcp).await else {
                            return;
                        };
                        let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else {
                            return;
                        };
                        let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                    });
                }
            });
        });
        format!("https://localhost:{port}")
    }

    #[test]
    fn https_to_a_self_signed_kibana_works_with_its_ca_and_fails_without() {
        let kit = Kit::new();
        let pki = pki();
        let url = tls_front(&pki, kit.sim.addr());
        let conn = Connection {
            base_url: url,
            ..kit.conn()
        };

        // The default roots do not know this CA: a certificate error, nothing sent.
        let e = harness()
            .create_case(&conn, &case_input("over TLS"))
            .unwrap()
            .expect_err("an unknown CA must be refused");
        assert_eq!(e.kind, ErrorKind::Unreachable, "{e:?}");
        assert!(e.message.contains("TLS"), "{}", e.message);
        assert!(kit.requests().is_empty());

        // Trusting the CA: the call goes through TLS to the simulator and back.
        let trusted = Harness::with_config(HarnessConfig {
            ca_pem: Some(pki.ca_pem.clone().into_bytes()),
            ..HarnessConfig::default()
        })
        .unwrap();
        let made = trusted
            .create_case(&conn, &case_input("over TLS"))
            .unwrap()
            .expect("create-case over https")
            .kibana_case;
        assert_eq!(made.title, "over TLS");
        let got = trusted
            .get_case(
                &conn,
                &cases::GetCaseInput {
                    case_id: made.case_id.clone(),
                    include_comments: false,
                    max_in_flight: None,
                },
            )
            .unwrap()
            .expect("get-case over https");
        assert_eq!(got.case_id, made.case_id);
        assert_eq!(kit.requests().len(), 2);
        assert_eq!(
            kit.requests()[0].header("authorization"),
            Some(&*format!("ApiKey {API_KEY}"))
        );
    }

    #[test]
    fn the_cli_trusts_a_ca_file() {
        let kit = Kit::new();
        let pki = pki();
        let url = tls_front(&pki, kit.sim.addr());
        let dir = std::env::temp_dir().join(format!("es-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca = dir.join("ca.pem");
        std::fs::write(&ca, &pki.ca_pem).unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_elastic-security"))
            .args([
                "call",
                "get-many-cases",
                "--compact",
                "--url",
                &url,
                "--api-key",
                API_KEY,
            ])
            .arg("--ca-file")
            .arg(&ca)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("\"Total\":0"), "{stdout}");

        std::fs::write(&ca, "not a certificate").unwrap();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_elastic-security"))
            .args([
                "call",
                "get-many-cases",
                "--url",
                &url,
                "--api-key",
                API_KEY,
            ])
            .arg("--ca-file")
            .arg(&ca)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0));
        assert!(stderr.contains("CA file"), "{stderr}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
