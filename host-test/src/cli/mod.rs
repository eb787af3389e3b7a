//! The `elastic-security` command line: [`args`] are its arguments and help texts,
//! [`operations`] lists the 20 operations (the node's contract, which the node
//! manifest is made from too), [`contract`] turns the contract's JSON into
//! a call through the component and its result back into JSON, [`demo`] walks an
//! incident against the simulator; this module runs the commands.

pub mod args;
pub mod contract;
pub mod demo;
pub use elastic_security_manifest::contract as operations;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};
use serde_json::Value;

use crate::harness::bindings::{Auth, BasicCredentials, Connection};
use crate::harness::{Harness, HarnessConfig, BUILT_COMPONENT};
use crate::sim::{SimConfig, Simulator};
use args::{CallArgs, Cli, Command, ConnectionArgs};

/// Exit codes: 0 success, 1 the operation failed (its JSON is still printed), 2 usage
/// (clap's own code for its errors too).
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Parses the process's arguments and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => {
            let _ = Cli::command().print_long_help();
            Ok(0)
        }
        Some(Command::Help { topic }) => help(topic.as_deref()),
        Some(Command::Operations) => {
            print!("{}", operations_text());
            Ok(0)
        }
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "elastic-security",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
        Some(Command::Call(call)) => run_call(&call, cli.component.as_deref()),
        Some(Command::Demo) => harness(cli.component.as_deref(), None)
            .and_then(|h| demo::run(&h, &component_label(cli.component.as_deref()))),
        Some(Command::Stub {
            listen,
            control,
            latency,
        }) => run_stub(&listen, control, latency.unwrap_or_default()),
        Some(Command::Precompile { out }) => run_precompile(cli.component.as_deref(), &out),
        Some(Command::Bench {
            smoke,
            block,
            latency,
        }) => run_bench(smoke, block.map(usize::from), latency),
    };
    let _ = std::io::stdout().flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("elastic-security: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// A usage error found after parsing, reported (and exited with) as clap reports its own.
fn usage_error(message: impl std::fmt::Display) -> ! {
    Cli::command()
        .error(ErrorKind::ValueValidation, message)
        .exit()
}

/// `help [topic]`: the help `topic --help` shows, or `call <operation> --help` for an
/// operation.
fn help(topic: Option<&str>) -> Result<u8> {
    let path: Vec<&str> = match topic {
        None => vec![],
        Some(op) if operations::find(op).is_some() => vec!["call", op],
        Some(cmd) if Cli::command().find_subcommand(cmd).is_some() => vec![cmd],
        Some(other) => usage_error(format!(
            "no help for `{other}`: name a command or one of the operations ({})",
            operation_names()
        )),
    };
    let argv = ["elastic-security"]
        .into_iter()
        .chain(path)
        .chain(["--help"]);
    match Cli::command().try_get_matches_from(argv) {
        Err(shown) => shown.exit(),
        Ok(_) => Ok(0),
    }
}

fn operation_names() -> String {
    operations::OPERATIONS
        .iter()
        .map(|o| o.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `operations`: each operation's name, title, route and input keys.
pub fn operations_text() -> String {
    let mut s = String::new();
    let name = operations::OPERATIONS
        .iter()
        .map(|op| op.name.len())
        .max()
        .unwrap_or(0);
    let title = operations::OPERATIONS
        .iter()
        .map(|op| op.title.len())
        .max()
        .unwrap_or(0);
    for op in operations::OPERATIONS {
        let _ = writeln!(s, "{:<name$} {:<title$} {}", op.name, op.title, op.route);
        let keys: Vec<&str> = op.inputs.iter().map(|i| i.key).collect();
        let _ = writeln!(s, "{:<name$} inputs: {}", "", keys.join(", "));
    }
    s.push_str("\nDetails: elastic-security help <operation>\n");
    s
}

/// A flag's value, or nothing when it is empty (an empty `KIBANA_*` variable is unset).
fn given(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.is_empty())
}

/// The harness for `--component` (or the built-in component), trusting `ca_file`.
fn harness(component: Option<&Path>, ca_file: Option<&Path>) -> Result<Harness> {
    let ca_pem = match ca_file {
        Some(path) => Some(
            std::fs::read(path)
                .with_context(|| format!("--ca-file: cannot read {}", path.display()))?,
        ),
        None => None,
    };
    let config = HarnessConfig {
        ca_pem,
        ..HarnessConfig::default()
    };
    match component {
        Some(path) => Harness::from_file_with(path, config),
        None => Harness::with_config(config),
    }
}

fn component_label(component: Option<&Path>) -> String {
    match component {
        Some(p) => p.display().to_string(),
        None => format!("built-in ({} bytes)", BUILT_COMPONENT.len()),
    }
}

/// The connection from the flags and the environment.
fn connection(args: &ConnectionArgs) -> Connection {
    let Some(base_url) = given(&args.url) else {
        usage_error(
            "no Kibana URL: pass --url or set KIBANA_URL (try `elastic-security stub` for a local simulator)",
        )
    };
    let auth = match (given(&args.api_key), given(&args.username)) {
        (Some(key), _) => Some(Auth::ApiKey(key)),
        (None, Some(username)) => Some(Auth::Basic(BasicCredentials {
            username,
            password: given(&args.password).unwrap_or_default(),
        })),
        (None, None) => None,
    };
    Connection {
        base_url,
        auth,
        space_id: None,
        timeout_ms: args.timeout_ms,
    }
}

/// `--input`: a JSON object, inline, from a file (`@FILE`) or from stdin (`@-`).
fn read_input(text: &str) -> Value {
    let raw = match text.strip_prefix('@') {
        Some("-") => {
            let mut buf = String::new();
            match std::io::Read::read_to_string(&mut std::io::stdin(), &mut buf) {
                Ok(_) => buf,
                Err(e) => usage_error(format!("--input @-: cannot read stdin: {e}")),
            }
        }
        Some(path) => std::fs::read_to_string(path)
            .unwrap_or_else(|e| usage_error(format!("--input: cannot read {path}: {e}"))),
        None => text.to_string(),
    };
    // serde_json's message gives the line and column, never the text itself.
    match serde_json::from_str::<Value>(&raw) {
        Ok(v) if v.is_object() => v,
        Ok(_) => usage_error("--input: must be a JSON object, e.g. '{\"CaseId\":\"...\"}'"),
        Err(e) => usage_error(format!("--input: not valid JSON ({e})")),
    }
}

fn run_call(call: &CallArgs, component: Option<&Path>) -> Result<u8> {
    let input = read_input(&call.input);
    let conn = connection(&call.connection);
    let ca_file: Option<PathBuf> = call
        .connection
        .ca_file
        .clone()
        .filter(|p| !p.as_os_str().is_empty());
    let harness = harness(component, ca_file.as_deref())?;
    let outcome = contract::run(&harness, call.operation.0, &input, conn)?;
    let text = if call.compact {
        outcome.json.to_string()
    } else {
        serde_json::to_string_pretty(&outcome.json).unwrap_or_default()
    };
    println!("{text}");
    Ok(if outcome.ok { 0 } else { EXIT_FAILED })
}

fn run_bench(smoke: bool, block: Option<usize>, latency: Option<Duration>) -> Result<u8> {
    let mut options = if smoke {
        crate::bench::BenchOptions::smoke()
    } else {
        crate::bench::BenchOptions::full()
    };
    if let Some(block) = block {
        options.block = block;
    }
    if let Some(latency) = latency {
        options.return_all.latency = latency;
    }
    print!("{}", crate::bench::run(&options)?);
    Ok(0)
}

fn run_precompile(component: Option<&Path>, out: &Path) -> Result<u8> {
    let source = match component {
        Some(path) => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
        }
        None => BUILT_COMPONENT.to_vec(),
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

fn run_stub(listen: &str, control: bool, latency: Duration) -> Result<u8> {
    let config = SimConfig {
        control,
        latency,
        ..SimConfig::default()
    };
    let sim = Simulator::start_with(config, listen)
        .with_context(|| format!("cannot listen on {listen}"))?;
    println!("Kibana simulator listening on {}", sim.url());
    println!(
        "API key: sim-api-key   Basic: elastic / changeme   spaces: default, security, soc-team"
    );
    if !latency.is_zero() {
        println!(
            "Latency: every answer takes {}",
            humantime::format_duration(latency)
        );
    }
    println!(
        "Try: elastic-security call get-many-cases --url {} --api-key sim-api-key",
        sim.url()
    );
    sim.run_forever()
}
