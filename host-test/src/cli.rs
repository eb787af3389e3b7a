//! The `elastic-security` command line: argument parsing, help texts, and the `call`,
//! `demo` and `stub` commands.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::bindings::{Auth, BasicCredentials, Connection};
use crate::harness::{Harness, HarnessConfig};
use crate::ops;
use crate::sim::{SimConfig, Simulator};

/// Exit codes: 0 success, 1 the operation failed (its JSON is still printed), 2 usage.
pub const EXIT_FAILED: u8 = 1;

pub enum Command {
    Help(String),
    Operations,
    Call {
        operation: &'static ops::Operation,
        input: Value,
    },
    Demo,
    Stub {
        listen: String,
    },
    Precompile {
        out: PathBuf,
    },
    Bench {
        smoke: bool,
        /// Calls per side in a row (`--block`); `None`: the bench's default.
        block: Option<usize>,
    },
}

pub struct Cli {
    pub command: Command,
    pub component: Option<PathBuf>,
    pub url: Option<String>,
    pub api_key: Option<String>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub timeout_ms: Option<u32>,
    pub ca_file: Option<PathBuf>,
    pub compact: bool,
}

pub const MAIN_HELP: &str = "\
elastic-security: the Elastic Security node (Kibana Cases and Connectors) as a
WebAssembly component, run here through wasmtime.

USAGE:
    elastic-security call <operation> --input '<json>' [connection options]
    elastic-security demo
    elastic-security stub [--listen ADDR]
    elastic-security operations
    elastic-security precompile OUT.cwasm
    elastic-security bench [--smoke]
    elastic-security <command> --help

COMMANDS:
    call        Run one operation through the component and print its JSON result
    demo        Start the built-in Kibana simulator and walk an incident through
                all the main operations
    stub        Run the Kibana simulator alone, for `call` from another shell
    operations  List the 14 operations with their inputs and Kibana routes
    precompile  Compile the component ahead of time (.cwasm) for fast cold starts
    bench       Measure the component against the same code run natively

OPTIONS (all commands):
    --component PATH   Use this component (.wasm, or a .cwasm from `precompile`)
                       instead of the one built with this binary
    -h, --help         Show help

EXAMPLES:
    elastic-security demo
    elastic-security stub --listen 127.0.0.1:5601
    elastic-security call create-case --url http://127.0.0.1:5601 --api-key sim-api-key \\
        --input '{\"Title\":\"Phishing wave\",\"Owner\":\"securitySolution\",\"Tags\":\"phishing,email\"}'
";

pub const CALL_HELP: &str = "\
Run one operation through the component and print one JSON object with the
contract's output keys, StatusCode and ErrorMessage included.

USAGE:
    elastic-security call <operation> --input '<json>' [options]
    elastic-security call <operation> --input @input.json [options]

ARGS:
    <operation>   One of the 14 operations (see `elastic-security operations`)

OPTIONS:
    --input JSON|@FILE   The operation's inputs as a JSON object with the node's keys
                         (Title, CaseId, CaseIds, Tags, SpaceId, ...). `@FILE` reads a
                         file, `@-` standard input. Default: {}
    --url URL            Kibana's base URL            [env: KIBANA_URL]
    --api-key KEY        API key (encoded id:key)     [env: KIBANA_API_KEY]
    --username USER      Basic auth user              [env: KIBANA_USERNAME]
    --password PASS      Basic auth password          [env: KIBANA_PASSWORD]
    --timeout SECONDS    Per-request timeout (default 30)
    --ca-file PEM        Also trust these CA certificates for https:// (a
                         self-signed cluster)             [env: KIBANA_CA_FILE]
    --compact            Print the JSON on one line
    --component PATH     Use this component (.wasm or precompiled .cwasm)

EXIT STATUS:
    0 the operation succeeded; 1 it failed (the JSON says why: StatusCode -1 for a
    bad parameter, 0 for no answer, else Kibana's HTTP status); 2 usage error.

EXAMPLES:
    elastic-security call get-many-cases --url https://kibana.example:5601 \\
        --api-key \"$KEY\" --input '{\"Status\":\"open\",\"PerPage\":5}'
    elastic-security call add-tag --input '{\"CaseId\":\"...\",\"Tags\":\"triage,p1\"}'
    elastic-security call create-connector --input '{\"Name\":\"SOC Jira\",
        \"ConnectorTypeId\":\".jira\",\"Config\":{\"apiUrl\":\"https://jira.example\",
        \"projectKey\":\"SOC\"},\"Secrets\":{\"email\":\"bot@example.com\",\"apiToken\":\"...\"}}'
";

pub const DEMO_HELP: &str = "\
Start the built-in Kibana simulator on 127.0.0.1 and walk a whole incident through
the component: create a connector, create a case, update it with the returned
version, tag it, comment, read it back, list cases, check its status, remove a tag
and a comment, and delete it. Each step prints what was sent and what came back.

USAGE:
    elastic-security demo [--component PATH]
";

pub const STUB_HELP: &str = "\
Run the Kibana simulator alone until interrupted (Ctrl-C), so that `call` can be
tried against it from another shell. It accepts the API key `sim-api-key` and the
user `elastic` / `changeme`; spaces `default`, `security` and `soc-team` exist.

USAGE:
    elastic-security stub [--listen ADDR]

OPTIONS:
    --listen ADDR   Address to listen on (default 127.0.0.1:5601)

EXAMPLE:
    elastic-security stub &
    elastic-security call get-many-cases --url http://127.0.0.1:5601 --api-key sim-api-key
";

impl Cli {
    pub fn parse(args: &[String]) -> Result<Cli> {
        let mut cli = Cli {
            command: Command::Help(MAIN_HELP.into()),
            component: None,
            url: None,
            api_key: None,
            username: None,
            password: None,
            timeout_ms: None,
            ca_file: None,
            compact: false,
        };
        let mut positional: Vec<&str> = Vec::new();
        let mut input: Option<String> = None;
        let mut listen: Option<String> = None;
        let mut help = false;
        let mut smoke = false;
        let mut block: Option<usize> = None;
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_str();
            // `--flag=value` and `--flag value` are both accepted.
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
                _ => (arg, None),
            };
            let mut value = |name: &str| -> Result<String> {
                if let Some(v) = inline.clone() {
                    return Ok(v);
                }
                i += 1;
                args.get(i)
                    .cloned()
                    .with_context(|| format!("{name} needs a value"))
            };
            match flag {
                "-h" | "--help" => help = true,
                "--input" => input = Some(value("--input")?),
                "--url" => cli.url = Some(value("--url")?),
                "--api-key" => cli.api_key = Some(value("--api-key")?),
                "--username" => cli.username = Some(value("--username")?),
                "--password" => cli.password = Some(value("--password")?),
                "--timeout" => {
                    let v = value("--timeout")?;
                    let secs: f64 = v
                        .parse()
                        .ok()
                        .filter(|s: &f64| *s > 0.0 && *s <= 600.0)
                        .with_context(|| {
                            format!(
                                "--timeout: `{v}` is not a number of seconds between 0.001 and 600"
                            )
                        })?;
                    cli.timeout_ms = Some(((secs * 1000.0).round() as u32).max(1));
                }
                "--ca-file" => cli.ca_file = Some(PathBuf::from(value("--ca-file")?)),
                "--component" => cli.component = Some(PathBuf::from(value("--component")?)),
                "--listen" => listen = Some(value("--listen")?),
                "--compact" => cli.compact = true,
                "--smoke" => smoke = true,
                "--block" => {
                    let v = value("--block")?;
                    block = Some(
                        v.parse()
                            .ok()
                            .filter(|n: &usize| (1..=10_000).contains(n))
                            .with_context(|| {
                                format!(
                                    "--block: `{v}` is not a number of calls between 1 and 10000"
                                )
                            })?,
                    );
                }
                f if f.starts_with('-') && f.len() > 1 => bail!("unknown option `{f}`"),
                _ => positional.push(arg),
            }
            i += 1;
        }
        cli.command = match positional.as_slice() {
            [] => Command::Help(MAIN_HELP.into()),
            ["help", rest @ ..] => Command::Help(help_for(rest.first().copied())?),
            ["call", name, ..] if help => Command::Help(help_for(Some(name))?),
            [cmd, ..] if help => Command::Help(help_for(Some(cmd))?),
            ["operations"] => Command::Operations,
            ["demo"] => Command::Demo,
            ["stub"] => Command::Stub {
                listen: listen.unwrap_or_else(|| "127.0.0.1:5601".into()),
            },
            ["bench"] => Command::Bench { smoke, block },
            ["precompile"] => bail!("precompile: where to write? e.g. `elastic-security precompile elastic_security.cwasm`"),
            ["precompile", out] => Command::Precompile {
                out: PathBuf::from(out),
            },
            ["call"] => bail!("call: which operation? One of: {}", op_names()),
            ["call", name] => {
                let operation = ops::find(name).with_context(|| {
                    format!("call: unknown operation `{name}`; one of: {}", op_names())
                })?;
                let input = match input {
                    None => json!({}),
                    Some(text) => parse_input(&text)?,
                };
                Command::Call { operation, input }
            }
            [cmd, extra @ ..]
                if !extra.is_empty() && matches!(*cmd, "call" | "demo" | "stub" | "operations" | "precompile" | "bench") =>
            {
                bail!(
                    "{cmd}: unexpected argument `{}`",
                    extra[extra.len().saturating_sub(1)]
                )
            }
            [cmd, ..] => bail!("unknown command `{cmd}`"),
        };
        Ok(cli)
    }

    fn harness(&self) -> Result<Harness> {
        let env_ca = std::env::var_os("KIBANA_CA_FILE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let ca_pem = match self.ca_file.clone().or(env_ca) {
            Some(path) => Some(
                std::fs::read(&path)
                    .with_context(|| format!("--ca-file: cannot read {}", path.display()))?,
            ),
            None => None,
        };
        let config = HarnessConfig {
            ca_pem,
            ..HarnessConfig::default()
        };
        match &self.component {
            Some(path) => Harness::from_file_with(path, config),
            None => Harness::with_config(config),
        }
    }

    /// The connection from the flags, then the environment.
    fn connection(&self) -> Result<Connection> {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let url = self.url.clone().or_else(|| env("KIBANA_URL")).context(
            "no Kibana URL: pass --url or set KIBANA_URL (try `elastic-security stub` for a local simulator)",
        )?;
        let api_key = self.api_key.clone().or_else(|| env("KIBANA_API_KEY"));
        let username = self.username.clone().or_else(|| env("KIBANA_USERNAME"));
        let password = self.password.clone().or_else(|| env("KIBANA_PASSWORD"));
        let auth = match (api_key, username) {
            (Some(key), _) => Some(Auth::ApiKey(key)),
            (None, Some(username)) => Some(Auth::Basic(BasicCredentials {
                username,
                password: password.unwrap_or_default(),
            })),
            (None, None) => None,
        };
        Ok(Connection {
            base_url: url,
            auth,
            space_id: None,
            timeout_ms: self.timeout_ms,
        })
    }

    fn print(&self, v: &Value) {
        let text = if self.compact {
            v.to_string()
        } else {
            serde_json::to_string_pretty(v).unwrap_or_default()
        };
        println!("{text}");
    }
}

fn op_names() -> String {
    ops::OPERATIONS
        .iter()
        .map(|o| o.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn help_for(cmd: Option<&str>) -> Result<String> {
    Ok(match cmd {
        None => MAIN_HELP.into(),
        Some("call") => format!("{CALL_HELP}\nOPERATIONS:\n    {}\n", op_names()),
        Some("demo") => DEMO_HELP.into(),
        Some("stub") => STUB_HELP.into(),
        Some("precompile") => PRECOMPILE_HELP.into(),
        Some("bench") => BENCH_HELP.into(),
        Some("operations") => "List the 14 operations with their inputs and Kibana routes.\n\nUSAGE:\n    elastic-security operations\n".into(),
        Some(other) => match ops::find(other) {
            Some(op) => operation_help(op),
            None => bail!("no help for `{other}`"),
        },
    })
}

fn operation_help(op: &ops::Operation) -> String {
    let mut s = format!("{} (`{}`): {}\n\nINPUTS:\n", op.title, op.name, op.route);
    for (key, what) in op.inputs {
        let _ = writeln!(s, "    {key:<16} {what}");
    }
    let _ = writeln!(
        s,
        "\nUSAGE:\n    elastic-security call {} --input '{{...}}' [connection options]\n\n\
         EXAMPLE:\n    elastic-security call {} --url \"$KIBANA_URL\" --api-key \"$KIBANA_API_KEY\" \\\n        \
         --input '{}'",
        op.name, op.name, op.example
    );
    s
}

pub fn operations_text() -> String {
    let mut s = String::new();
    for op in ops::OPERATIONS {
        let _ = writeln!(s, "{:<18} {:<30} {}", op.name, op.title, op.route);
        let keys: Vec<&str> = op.inputs.iter().map(|(k, _)| *k).collect();
        let _ = writeln!(s, "{:<18} inputs: {}", "", keys.join(", "));
    }
    s.push_str("\nDetails: elastic-security help <operation>\n");
    s
}

fn parse_input(text: &str) -> Result<Value> {
    let raw = if let Some(path) = text.strip_prefix('@') {
        if path == "-" {
            let mut buf = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut buf)
                .context("--input @-: cannot read stdin")?;
            buf
        } else {
            std::fs::read_to_string(path).with_context(|| format!("--input: cannot read {path}"))?
        }
    } else {
        text.to_string()
    };
    let v: Value = serde_json::from_str(&raw).context("--input: not valid JSON")?;
    if !v.is_object() {
        bail!("--input: must be a JSON object, e.g. '{{\"CaseId\":\"...\"}}'");
    }
    Ok(v)
}

pub fn run_call(cli: &Cli) -> Result<u8> {
    let Command::Call { operation, input } = &cli.command else {
        bail!("not a call")
    };
    let conn = cli.connection()?;
    let harness = cli.harness()?;
    let outcome = ops::run(&harness, operation, input, conn)?;
    cli.print(&outcome.json);
    Ok(if outcome.ok { 0 } else { EXIT_FAILED })
}

const BENCH_HELP: &str = "\
Measure the component against a native client on the same work, in one run, against
the in-process Kibana simulator: median and p99 per call for get-case, create-case,
update-case, add-tag and get-many-cases (100 cases), through the synchronous and the
async harness, with page faults per call; get-case by host setting (resident memory,
read-ahead, allocator); calls per second with 1, 4 and 16 concurrent callers (with and
without keep-alive); instantiation time (on-demand and pooling allocator); load time
compiled vs precompiled; peak linear memory per call; and the component's size. The
native client is the component's own Rust code compiled natively, over the same HTTP
stack. Prints Markdown tables (BENCHMARKS.md keeps them). Build with --release for
meaningful numbers: about a minute.

USAGE:
    elastic-security bench [--smoke] [--block N]

OPTIONS:
    --smoke     A few calls of everything: checks that it works, measures nothing
    --block N   Per-call tables: each side makes N calls in a row, the sides taking
                turns (default 25, so each side runs warm as a busy host's would;
                1 alternates the sides at every call)

EXAMPLE:
    cargo run --release -- bench
";

pub fn run_bench(smoke: bool, block: Option<usize>) -> Result<u8> {
    let mut options = if smoke {
        crate::bench::BenchOptions::smoke()
    } else {
        crate::bench::BenchOptions::full()
    };
    if let Some(block) = block {
        options.block = block;
    }
    print!("{}", crate::bench::run(&options)?);
    Ok(0)
}

const PRECOMPILE_HELP: &str = "\
Compile the component ahead of time for this machine (a `.cwasm` file). Loading it
with `--component FILE.cwasm` skips compilation, for fast cold starts. It only loads
in this build of elastic-security (same wasmtime version and settings); load only
files you made yourself, since they are native code.

USAGE:
    elastic-security precompile OUT.cwasm [--component IN.wasm]

EXAMPLE:
    elastic-security precompile elastic_security.cwasm
    elastic-security call get-many-cases --component elastic_security.cwasm --url ...
";

pub fn run_precompile(cli: &Cli, out: &std::path::Path) -> Result<u8> {
    let source = match &cli.component {
        Some(path) => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
        }
        None => crate::harness::BUILT_COMPONENT.to_vec(),
    };
    let compiled = crate::harness::precompile(&source)?;
    std::fs::write(out, &compiled).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "wrote {} ({} bytes, from a {}-byte component)",
        out.display(),
        compiled.len(),
        source.len()
    );
    Ok(0)
}

pub fn run_stub(listen: &str) -> Result<u8> {
    let sim = Simulator::start_with(SimConfig::default(), listen)
        .with_context(|| format!("cannot listen on {listen}"))?;
    println!("Kibana simulator listening on {}", sim.url());
    println!(
        "API key: sim-api-key   Basic: elastic / changeme   spaces: default, security, soc-team"
    );
    println!(
        "Try: elastic-security call get-many-cases --url {} --api-key sim-api-key",
        sim.url()
    );
    sim.run_forever()
}

pub fn run_demo(cli: &Cli) -> Result<u8> {
    let harness = cli.harness()?;
    let sim = Simulator::start().context("cannot start the Kibana simulator")?;
    let conn = Connection {
        base_url: sim.url(),
        auth: Some(Auth::ApiKey("sim-api-key".into())),
        space_id: None,
        timeout_ms: Some(10_000),
    };
    println!(
        "Kibana simulator on {} (API key auth); component: {}\n",
        sim.url(),
        component_label(cli)
    );
    let mut demo = Demo {
        harness: &harness,
        conn,
        step: 0,
        failures: 0,
    };

    let connector = demo.step(
        "create-connector",
        json!({"Name": "SOC Jira", "ConnectorTypeId": ".jira",
               "Config": {"apiUrl": "https://jira.example.com", "projectKey": "SOC"},
               "Secrets": {"email": "soc-bot@example.com", "apiToken": "demo-token-never-printed"},
               "Description": "Escalations to the SOC Jira project"}),
        &["ConnectorId", "Name", "ConnectorTypeId", "Description"],
    )?;
    let case = demo.step(
        "create-case",
        json!({"Title": "Phishing wave against finance", "Owner": "securitySolution",
               "Description": "Several users in finance reported a credential-harvesting email.",
               "ConnectorId": connector["ConnectorId"], "ConnectorName": "SOC Jira", "ConnectorType": ".jira",
               "Severity": "medium", "Tags": "phishing, email"}),
        &["CaseId", "Title", "Status", "Severity", "Tags", "Version"],
    )?;
    let case_id = case["CaseId"].as_str().unwrap_or_default().to_string();
    demo.step(
        "update-case",
        json!({"CaseId": case_id, "Version": case["Version"], "Status": "in-progress", "Severity": "high"}),
        &["Status", "Severity", "UpdatedBy", "Version"],
    )?;
    demo.step(
        "add-tag",
        json!({"CaseId": case_id, "Tags": "finance,triage,phishing"}),
        &["Tags"],
    )?;
    let comment = demo.step(
        "add-comment",
        json!({"CaseId": case_id, "Comment": "Blocked the sender domain at the mail gateway."}),
        &["CommentId", "Type", "Comment"],
    )?;
    demo.step(
        "add-comment",
        json!({"CaseId": case_id, "CommentType": "alert", "AlertId": "a1b2c3d4", "RuleId": "phish-rule-1",
               "RuleName": "Credential phishing link clicked"}),
        &["CommentId", "Type", "AlertIds"],
    )?;
    demo.step(
        "get-case",
        json!({"CaseId": case_id, "IncludeComments": true}),
        &["Title", "TotalComments", "TotalAlerts", "Tags"],
    )?;
    demo.step(
        "update-comment",
        json!({"CaseId": case_id, "CommentId": comment["CommentId"], "Version": comment["Version"],
               "Comment": "Blocked the sender domain and purged the email from 14 mailboxes."}),
        &["Comment", "UpdatedBy"],
    )?;
    demo.step("get-many-comments", json!({"CaseId": case_id}), &["Total"])?;
    demo.step(
        "get-many-cases",
        json!({"Status": "in-progress", "Owner": "securitySolution", "Search": "phishing"}),
        &["Total", "Page", "PerPage"],
    )?;
    demo.step(
        "get-case-status",
        json!({"CaseId": case_id}),
        &["Status", "Severity", "TotalComments"],
    )?;
    demo.step(
        "remove-tag",
        json!({"CaseId": case_id, "Tags": "triage"}),
        &["Tags"],
    )?;
    demo.step(
        "remove-comment",
        json!({"CaseId": case_id, "CommentId": comment["CommentId"]}),
        &["Deleted", "CommentId"],
    )?;
    demo.step(
        "delete-case",
        json!({"CaseIds": case_id}),
        &["DeletedCount", "FailedCount"],
    )?;
    demo.step("get-case", json!({"CaseId": case_id}), &[])?;

    // The last step is meant to fail (the case is gone): that is one expected failure.
    let unexpected = demo.failures.saturating_sub(1);
    println!(
        "\n{} steps, {} requests served by the simulator; the final 404 is expected (the case was deleted).",
        demo.step,
        sim.requests().len()
    );
    if unexpected > 0 {
        println!("{unexpected} step(s) failed unexpectedly");
        return Ok(EXIT_FAILED);
    }
    Ok(0)
}

fn component_label(cli: &Cli) -> String {
    match &cli.component {
        Some(p) => p.display().to_string(),
        None => format!("built-in ({} bytes)", crate::harness::BUILT_COMPONENT.len()),
    }
}

struct Demo<'a> {
    harness: &'a Harness,
    conn: Connection,
    step: usize,
    failures: usize,
}

impl Demo<'_> {
    /// Runs one operation, prints the input and the chosen output keys, returns the output.
    fn step(&mut self, name: &str, input: Value, show: &[&str]) -> Result<Value> {
        self.step += 1;
        let op = ops::find(name).with_context(|| format!("no operation {name}"))?;
        let mut shown_input = input.clone();
        if let Some(obj) = shown_input.as_object_mut() {
            if obj.contains_key("Secrets") {
                obj.insert("Secrets".into(), json!("<redacted>"));
            }
        }
        println!("{:>2}. {} {}", self.step, op.title, shown_input);
        let out = ops::run(self.harness, op, &input, self.conn.clone())?;
        let status = &out.json["StatusCode"];
        if out.ok {
            let mut parts = Vec::new();
            for key in show {
                parts.push(format!("{key}={}", out.json[*key]));
            }
            println!("    -> {status} {}", parts.join("  "));
        } else {
            self.failures += 1;
            println!("    -> {status} {}", out.json["ErrorMessage"]);
        }
        Ok(out.json)
    }
}
