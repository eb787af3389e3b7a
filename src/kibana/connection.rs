//! The WIT `connection`, checked once per call: the base URL split into scheme,
//! host and path prefix, the space, the timeout and the `authorization` header.
//! Every problem is `invalid-input` naming the field (`connection.base-url: ...`),
//! and no message ever quotes a credential.

#[allow(unused_imports)]
use crate::rt::prelude::*;

use super::transport::Scheme;
use crate::types::{Auth, Connection, ErrorInfo};
use crate::validate::invalid;

/// `connection.timeout-ms` when none is given.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// The largest `connection.timeout-ms` accepted (10 minutes).
pub const MAX_TIMEOUT_MS: u32 = 600_000;
/// The longest API key, username or password accepted. Credentials travel in the
/// `authorization` header, and Kibana's server refuses a request head over 16 KiB
/// (Node.js `maxHeaderSize`); the wasm runtime itself traps on oversized headers.
pub const MAX_CREDENTIAL_BYTES: usize = 4096;
/// The longest `connection.base-url` accepted.
pub const MAX_BASE_URL_BYTES: usize = 2048;
/// The longest variable name `auth::api-key-env` accepts.
pub const MAX_ENV_NAME_BYTES: usize = 256;

/// The value of the component's environment variable `name` (`wasi:cli/environment`;
/// natively, the process's, for the unit tests).
#[cfg(target_arch = "wasm32")]
fn environment_variable(name: &str) -> Option<String> {
    wasi::cli::environment::get_environment()
        .into_iter()
        .find_map(|(key, value)| (key == name).then_some(value))
}

#[cfg(not(target_arch = "wasm32"))]
fn environment_variable(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A checked connection: what every request of the call needs.
pub struct Settings {
    pub scheme: Scheme,
    /// `host[:port]`.
    pub authority: String,
    /// Base path plus `/s/{space}` (or nothing), without a trailing `/`.
    pub prefix: String,
    /// The space id, `default` for the default space.
    pub space: String,
    /// The `authorization` header's value.
    pub authorization: Option<String>,
    /// Credential strings that must never appear in a message.
    pub secrets: Vec<String>,
    pub timeout_ms: u32,
}

impl Settings {
    /// Checks every field of `conn`.
    pub fn of(conn: &Connection) -> Result<Self, ErrorInfo> {
        let (scheme, authority, base_path) = parse_base_url(&conn.base_url)?;
        let space = parse_space(conn.space_id.as_deref())?;
        let timeout_ms = parse_timeout(conn.timeout_ms)?;
        let (authorization, secrets) = parse_auth(conn.auth.as_ref())?;
        let prefix = match &space {
            Some(space) => format!("{base_path}/s/{space}"),
            None => base_path,
        };
        Ok(Settings {
            scheme,
            authority,
            prefix,
            space: space.unwrap_or_else(|| "default".into()),
            authorization,
            secrets,
            timeout_ms,
        })
    }

    /// `scheme://host[:port]`.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme.as_str(), self.authority)
    }
}

/// `http(s)://host[:port][/prefix][/]` → scheme, authority, prefix without a
/// trailing `/`.
fn parse_base_url(url: &str) -> Result<(Scheme, String, String), ErrorInfo> {
    const FIELD: &str = "connection.base-url";
    let url = url.trim();
    if url.is_empty() {
        return Err(invalid(FIELD, "must not be blank"));
    }
    if url.len() > MAX_BASE_URL_BYTES {
        return Err(invalid(
            FIELD,
            format!(
                "must be at most {MAX_BASE_URL_BYTES} bytes (got {})",
                url.len()
            ),
        ));
    }
    let (scheme, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
        (Scheme::Https, rest)
    } else if let Some(rest) = strip_prefix_ignore_case(url, "http://") {
        (Scheme::Http, rest)
    } else {
        return Err(invalid(FIELD, "must start with http:// or https://"));
    };
    if rest.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid(
            FIELD,
            "must not contain spaces or control characters",
        ));
    }
    if rest.contains('?') {
        return Err(invalid(FIELD, "must not contain a query (`?...`)"));
    }
    if rest.contains('#') {
        return Err(invalid(FIELD, "must not contain a fragment (`#...`)"));
    }
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(invalid(
            FIELD,
            "must not contain user information (`user@`); give credentials in connection.auth",
        ));
    }
    validate_authority(authority)?;
    if !path.is_ascii() {
        return Err(invalid(
            FIELD,
            "the path must be ASCII (percent-encode other characters)",
        ));
    }
    let path = path.trim_end_matches('/');
    Ok((scheme, authority.to_owned(), path.to_owned()))
}

fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        text.get(prefix.len()..)
    } else {
        None
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn validate_authority(authority: &str) -> Result<(), ErrorInfo> {
    const FIELD: &str = "connection.base-url";
    let no_host = || invalid(FIELD, "must name a host (e.g. https://kibana.example:5601)");
    let (host_ok, port) = if let Some(after_bracket) = authority.strip_prefix('[') {
        let Some(close) = after_bracket.find(']') else {
            return Err(invalid(FIELD, "has an unclosed `[` in its host"));
        };
        let (v6, rest) = after_bracket.split_at(close);
        let rest = rest.get(1..).unwrap_or("");
        let ok = !v6.is_empty()
            && v6
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        let port = match rest {
            "" => None,
            _ => match rest.strip_prefix(':') {
                Some(port) => Some(port),
                None => return Err(invalid(FIELD, "has characters after its `[...]` host")),
            },
        };
        (ok, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.is_empty() {
            return Err(no_host());
        }
        let ok = host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
        (ok, port)
    };
    if authority.is_empty() || authority == "[]" {
        return Err(no_host());
    }
    if !host_ok {
        return Err(invalid(
            FIELD,
            "has an invalid host (use letters, digits, `-`, `.`; punycode for other names)",
        ));
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.chars().all(|c| c.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p));
        if !valid {
            return Err(invalid(FIELD, "has an invalid port (1 to 65535)"));
        }
    }
    Ok(())
}

/// `none`, empty or `default` → no prefix; else `[a-z0-9_-]{1,255}`.
fn parse_space(space: Option<&str>) -> Result<Option<String>, ErrorInfo> {
    match space {
        None | Some("") | Some("default") => Ok(None),
        Some(space) => {
            let valid = space.len() <= 255
                && space.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            if valid {
                Ok(Some(space.to_owned()))
            } else {
                Err(invalid(
                    "connection.space-id",
                    "must be 1 to 255 characters from a-z, 0-9, `_` and `-`",
                ))
            }
        }
    }
}

fn parse_timeout(timeout_ms: Option<u32>) -> Result<u32, ErrorInfo> {
    let timeout = timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
    if !(1..=MAX_TIMEOUT_MS).contains(&timeout) {
        return Err(invalid(
            "connection.timeout-ms",
            format!("must be between 1 and {MAX_TIMEOUT_MS} (got {timeout})"),
        ));
    }
    Ok(timeout)
}

/// The `authorization` value and the strings to redact from messages. The
/// messages never quote the credential itself.
fn parse_auth(auth: Option<&Auth>) -> Result<(Option<String>, Vec<String>), ErrorInfo> {
    // A CR/LF in a header value would split the request: refuse any control char.
    // Oversized values would be refused by Kibana, or trap the runtime.
    let no_control = |field: &str, value: &str| {
        if value.chars().any(char::is_control) {
            Err(invalid(field, "must not contain control characters"))
        } else if value.len() > MAX_CREDENTIAL_BYTES {
            Err(invalid(
                field,
                format!(
                    "must be at most {MAX_CREDENTIAL_BYTES} bytes (got {})",
                    value.len()
                ),
            ))
        } else {
            Ok(())
        }
    };
    let api_key = |field: &str, key: &str| {
        no_control(field, key)?;
        let key = key.trim();
        if key.is_empty() {
            return Err(invalid(field, "must not be blank"));
        }
        // The key is sent as is: Kibana's keys are base64 (`id:api_key`
        // encoded), so anything but visible ASCII is a paste error.
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(invalid(
                field,
                "must be the base64 `encoded` key: visible ASCII characters, no spaces",
            ));
        }
        Ok((Some(format!("ApiKey {key}")), vec![key.to_owned()]))
    };
    match auth {
        None => Ok((None, Vec::new())),
        Some(Auth::ApiKey(key)) => api_key("connection.auth.api-key", key),
        Some(Auth::ApiKeyEnv(name)) => {
            const FIELD: &str = "connection.auth.api-key-env";
            if name.is_empty() || name.len() > MAX_ENV_NAME_BYTES {
                return Err(invalid(
                    FIELD,
                    format!("must be a variable name of 1 to {MAX_ENV_NAME_BYTES} bytes"),
                ));
            }
            // The name is not secret and may be quoted; the value is.
            match environment_variable(name) {
                Some(key) => api_key(FIELD, &key),
                None => Err(invalid(
                    FIELD,
                    format!(
                        "no environment variable `{}` is set for the component",
                        name.escape_default()
                    ),
                )),
            }
        }
        Some(Auth::Basic(basic)) => {
            no_control("connection.auth.username", &basic.username)?;
            no_control("connection.auth.password", &basic.password)?;
            if basic.username.trim().is_empty() {
                return Err(invalid("connection.auth.username", "must not be blank"));
            }
            if basic.username.contains(':') {
                return Err(invalid("connection.auth.username", "must not contain `:`"));
            }
            let token = base64(format!("{}:{}", basic.username, basic.password).as_bytes());
            let mut secrets = vec![token.clone()];
            if !basic.password.is_empty() {
                secrets.push(basic.password.clone());
            }
            Ok((Some(format!("Basic {token}")), secrets))
        }
    }
}

/// Standard base64 with padding (RFC 4648 §4), for HTTP Basic credentials (the
/// RustCrypto `base64ct` crate).
fn base64(bytes: &[u8]) -> String {
    use base64ct::Encoding as _;
    base64ct::Base64::encode_string(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_rfc_4648s() {
        // RFC 4648 §10's test vectors, and every byte value.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
            ("elastic:ch@nge:me", "ZWxhc3RpYzpjaEBuZ2U6bWU="),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(
            base64(&all),
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w=="
        );
    }
    use crate::kibana::{Client, Request};
    use crate::test_support::*;
    use crate::types::{BasicCredentials, ErrorKind};

    fn client_err(conn: Connection) -> ErrorInfo {
        let transport = FakeTransport::new();
        let err = Client::new(&conn, &transport).unwrap_err();
        assert_eq!(err.status_code, -1);
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(transport.requests().is_empty());
        err
    }

    fn with_url(url: &str) -> Connection {
        Connection {
            base_url: url.into(),
            ..conn()
        }
    }

    #[test]
    fn connection_base_url_rules() {
        for (url, expected) in [
            (
                "kibana:5601",
                "connection.base-url: must start with http:// or https://",
            ),
            (
                "ftp://kibana",
                "connection.base-url: must start with http:// or https://",
            ),
            ("", "connection.base-url: must not be blank"),
            (
                "https://k/?a=b",
                "connection.base-url: must not contain a query (`?...`)",
            ),
            (
                "https://k/#x",
                "connection.base-url: must not contain a fragment (`#...`)",
            ),
            (
                "https://",
                "connection.base-url: must name a host (e.g. https://kibana.example:5601)",
            ),
            (
                "https://:5601",
                "connection.base-url: must name a host (e.g. https://kibana.example:5601)",
            ),
            (
                "https://k:0",
                "connection.base-url: has an invalid port (1 to 65535)",
            ),
            (
                "https://k:99999",
                "connection.base-url: has an invalid port (1 to 65535)",
            ),
            (
                "https://k:",
                "connection.base-url: has an invalid port (1 to 65535)",
            ),
            (
                "https://k\r\n.example",
                "connection.base-url: must not contain spaces or control characters",
            ),
        ] {
            assert_eq!(client_err(with_url(url)).message, expected, "{url}");
        }
        assert_eq!(
            client_err(with_url(&format!("https://k/{}", "p".repeat(2048)))).message,
            "connection.base-url: must be at most 2048 bytes (got 2058)"
        );
        let err = client_err(with_url("https://user:pw-secret@kibana.example"));
        assert!(err
            .message
            .starts_with("connection.base-url: must not contain user information"));
        assert!(!err.message.contains("pw-secret"));
    }

    #[test]
    fn connection_base_url_prefix_kept_and_trailing_slash_ignored() {
        let transport = FakeTransport::new().reply(200, "{}");
        let conn = Connection {
            base_url: "HTTP://[::1]:8080/kibana/".into(),
            space_id: Some("soc-team".into()),
            ..conn()
        };
        let client = Client::new(&conn, &transport).unwrap();
        client.send(&Request::get("/api/cases/x".into())).unwrap();
        let req = transport.only_request();
        assert_eq!(req.scheme, Scheme::Http);
        assert_eq!(req.authority, "[::1]:8080");
        assert_eq!(req.path_and_query, "/kibana/s/soc-team/api/cases/x");
        assert_eq!(client.space(), "soc-team");
    }

    #[test]
    fn connection_space_rules() {
        for space in [None, Some(""), Some("default")] {
            let transport = FakeTransport::new().reply(200, "{}");
            let conn = Connection {
                space_id: space.map(str::to_owned),
                ..conn()
            };
            let client = Client::new(&conn, &transport).unwrap();
            client.send(&Request::get("/api/cases/x".into())).unwrap();
            assert_eq!(transport.only_request().path_and_query, "/api/cases/x");
            assert_eq!(client.space(), "default");
        }
        for space in ["Sec", "a/b", "a b", &"x".repeat(256)] {
            let err = client_err(Connection {
                space_id: Some(space.to_owned()),
                ..conn()
            });
            assert!(err
                .message
                .starts_with("connection.space-id: must be 1 to 255"));
        }
    }

    #[test]
    fn connection_timeout_rules() {
        for t in [0, 600_001] {
            let err = client_err(Connection {
                timeout_ms: Some(t),
                ..conn()
            });
            assert_eq!(
                err.message,
                format!("connection.timeout-ms: must be between 1 and 600000 (got {t})")
            );
        }
        let transport = FakeTransport::new().reply(200, "{}").reply(200, "{}");
        let client = Client::new(&conn(), &transport).unwrap();
        client.send(&Request::get("/api/x".into())).unwrap();
        assert_eq!(transport.only_request().timeout_ms, 30_000);
    }

    /// `api-key-env` reads the key from the environment at each call (natively the
    /// process's; in the component, `wasi:cli/environment`), with `api-key`'s rules,
    /// and never quotes it.
    #[test]
    fn connection_api_key_from_the_environment() {
        let env = |name: &str| Connection {
            auth: Some(Auth::ApiKeyEnv(name.into())),
            ..conn()
        };
        // Names unique to this test: the process environment is shared.
        std::env::set_var("ES_TEST_KEY_FROM_ENV", "a2V5LWZyb20tZW52");
        let transport = FakeTransport::new().reply(200, "{}");
        let client = Client::new(&env("ES_TEST_KEY_FROM_ENV"), &transport).unwrap();
        client.send(&Request::get("/api/x".into())).unwrap();
        assert_eq!(
            transport.only_request().header("authorization"),
            Some("ApiKey a2V5LWZyb20tZW52")
        );

        let err = client_err(env("ES_TEST_KEY_NOT_SET"));
        assert_eq!(
            err.message,
            "connection.auth.api-key-env: no environment variable `ES_TEST_KEY_NOT_SET` is set for the component"
        );
        assert_eq!(
            client_err(env("")).message,
            "connection.auth.api-key-env: must be a variable name of 1 to 256 bytes"
        );
        std::env::set_var("ES_TEST_KEY_WITH_SPACE", "s3cr3t value");
        let err = client_err(env("ES_TEST_KEY_WITH_SPACE"));
        assert!(
            err.message
                .starts_with("connection.auth.api-key-env: must be the base64"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("s3cr3t"));
    }

    #[test]
    fn connection_credentials_rules() {
        let api = |key: &str| Connection {
            auth: Some(Auth::ApiKey(key.into())),
            ..conn()
        };
        let basic = |user: &str, pass: &str| Connection {
            auth: Some(Auth::Basic(BasicCredentials {
                username: user.into(),
                password: pass.into(),
            })),
            ..conn()
        };
        let err = client_err(api("secret-key\r\nx-evil: 1"));
        assert_eq!(
            err.message,
            "connection.auth.api-key: must not contain control characters"
        );
        assert!(!format!("{err:?}").contains("secret-key"));
        assert_eq!(
            client_err(api("  ")).message,
            "connection.auth.api-key: must not be blank"
        );
        assert_eq!(
            client_err(basic("", "pw")).message,
            "connection.auth.username: must not be blank"
        );
        assert_eq!(
            client_err(basic("  ", "pw")).message,
            "connection.auth.username: must not be blank"
        );
        for key in ["key with space", "ключ", "k\u{a0}k"] {
            let err = client_err(api(key));
            assert_eq!(
                err.message,
                "connection.auth.api-key: must be the base64 `encoded` key: visible ASCII characters, no spaces"
            );
            assert!(!err.message.contains(key));
        }
        // Megabyte credentials are refused (the runtime would trap on the header).
        let huge = "k".repeat(2 * 1024 * 1024);
        assert_eq!(
            client_err(api(&huge)).message,
            "connection.auth.api-key: must be at most 4096 bytes (got 2097152)"
        );
        assert!(client_err(basic(&huge, "pw"))
            .message
            .starts_with("connection.auth.username: must be at most 4096 bytes"));
        assert!(client_err(basic("elastic", &huge))
            .message
            .starts_with("connection.auth.password: must be at most 4096 bytes"));
        // A password of any printable characters is fine (it is base64-encoded).
        let transport = FakeTransport::new();
        assert!(Client::new(&basic("elastic", "pä ss:wörd 🔑"), &transport).is_ok());
        assert_eq!(
            client_err(basic("a:b", "pw")).message,
            "connection.auth.username: must not contain `:`"
        );
        let err = client_err(basic("elastic", "hunter2\n"));
        assert_eq!(
            err.message,
            "connection.auth.password: must not contain control characters"
        );
        assert!(!format!("{err:?}").contains("hunter2"));
    }
}
