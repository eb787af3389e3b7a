//! The command line's arguments, on clap: the commands, their flags and `KIBANA_*`
//! variables, the help texts (every operation's inputs, route and example input), and
//! the operations as subcommands of `call`, so that each has its own help and shells
//! complete their names.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueHint};

use elastic_security_manifest::{EnumOption, InputField, Kind, Manifest};

use super::operations::{self, Operation, OPERATIONS};

#[derive(Parser, Debug)]
#[command(
    name = "elastic-security",
    version,
    about = "Run the Elastic Security node (Kibana Cases and Connectors), a WebAssembly \
             component, through wasmtime",
    long_about = "elastic-security: the Elastic Security node (Kibana Cases and Connectors) \
                  as a WebAssembly component, run here through wasmtime.",
    after_help = MAIN_EXAMPLES,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Use this component (.wasm, or a .cwasm from `precompile`) instead of the one
    /// built with this binary
    #[arg(long, global = true, value_name = "PATH", value_hint = ValueHint::FilePath)]
    pub component: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

const MAIN_EXAMPLES: &str = "\
Examples:
    elastic-security demo
    elastic-security stub --listen 127.0.0.1:5601
    elastic-security call create-case --url http://127.0.0.1:5601 --api-key sim-api-key \\
        --input '{\"Title\":\"Phishing wave\",\"Owner\":\"securitySolution\",\"Tags\":\"phishing,email\"}'
    elastic-security help add-comment";

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run one operation through the component and print its JSON result
    #[command(
        long_about = "Run one operation through the component and print one JSON object with \
                      the contract's output keys, StatusCode and ErrorMessage included.",
        subcommand_value_name = "OPERATION",
        subcommand_help_heading = "Operations",
        subcommand_required = true,
        after_help = CALL_AFTER_HELP
    )]
    Call(CallArgs),

    /// Start the built-in Kibana simulator and walk an incident through all the main
    /// operations
    #[command(long_about = "\
Start the built-in Kibana simulator on 127.0.0.1 and walk a whole incident through the \
component: create a connector, create a case, update it with the returned version, tag it, \
comment, read it back, list cases, check its status, remove a tag and a comment, and delete \
it. Each step prints what was sent and what came back.")]
    Demo,

    /// Run the Kibana simulator alone, for `call` from another shell
    #[command(
        long_about = "\
Run the Kibana simulator alone until interrupted (Ctrl-C), so that `call` can be tried \
against it from another shell. It accepts the API key `sim-api-key` and the user \
`elastic` / `changeme`; spaces `default`, `security` and `soc-team` exist.",
        after_help = "\
Examples:
    elastic-security stub &
    elastic-security call get-many-cases --url http://127.0.0.1:5601 --api-key sim-api-key
    elastic-security stub --latency 20ms     # answers as slow as a remote Kibana's"
    )]
    Stub {
        /// Address to listen on
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:5601")]
        listen: String,
        /// Also serve the control routes under /_sim/ (queue faults, read the request
        /// log without credentials), for tests driving the simulator from another
        /// process
        #[arg(long)]
        control: bool,
        /// Answer every request this long after it arrives, the simulator's own work
        /// included, as a Kibana across a network would (e.g. 20ms, 0.25s); requests
        /// on different connections are served together
        #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
        latency: Option<Duration>,
    },

    /// List the 20 operations with their inputs and Kibana routes
    Operations,

    /// Compile the component ahead of time (.cwasm) for fast cold starts
    #[command(
        long_about = "\
Compile the component ahead of time for this machine (a `.cwasm` file). Loading it with \
`--component FILE.cwasm` skips compilation, for fast cold starts. It only loads in this build \
of elastic-security (same wasmtime version and settings); load only files you made yourself, \
since they are native code.",
        after_help = "\
Example:
    elastic-security precompile elastic_security.cwasm
    elastic-security call get-many-cases --component elastic_security.cwasm --url ..."
    )]
    Precompile {
        /// Where to write the compiled component
        #[arg(value_name = "OUT.cwasm", value_hint = ValueHint::FilePath)]
        out: PathBuf,
    },

    /// Measure the component against the same code run natively
    #[command(
        long_about = "\
Measure the component against a native client on the same work, in one run, against the \
in-process Kibana simulator: median and p99 per call for get-case, create-case, update-case, \
add-tag and get-many-cases (100 cases), through the synchronous and the async harness, with \
page faults per call; get-case by host setting (resident memory, read-ahead, allocator); \
calls per second with 1, 4 and 16 concurrent callers (with and without keep-alive); \
instantiation time (on-demand and pooling allocator); load time compiled vs precompiled; \
peak linear memory per call; return-all of 2,000 and 10,000 cases against the simulator \
with a latency on every answer (--latency), 1, 4 and 8 pages in flight together, against \
its floor and against native code doing the same, with the memory of the call; and the \
component's size. The native client is the component's own Rust code compiled natively, \
over the same HTTP stack. Prints Markdown tables (BENCHMARKS.md keeps them). Build with \
--release for meaningful numbers: a few minutes.",
        after_help = "Example:\n    cargo run --release -- bench"
    )]
    Bench {
        /// A few calls of everything: checks that it works, measures nothing
        #[arg(long)]
        smoke: bool,
        /// Per-call tables: each side makes N calls in a row, the sides taking turns
        /// (default 25, so each side runs warm as a busy host's would; 1 alternates the
        /// sides at every call)
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=10_000))]
        block: Option<u16>,
        /// Return-all section: the latency of every answer of the simulator (default
        /// 20ms)
        #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
        latency: Option<Duration>,
    },

    /// Print the completion script of a shell for elastic-security
    #[command(after_help = "\
Example:
    elastic-security completions bash > ~/.local/share/bash-completion/completions/elastic-security")]
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },

    /// Show the help of a command, or of an operation with its inputs and an example
    Help {
        /// A command (`call`, `stub`, ...) or an operation (`add-comment`, ...)
        topic: Option<String>,
    },
}

const CALL_AFTER_HELP: &str = "\
Exit status:
    0 the operation succeeded; 1 it failed (the JSON says why: StatusCode -1 for a bad
    parameter, 0 for no answer, else Kibana's HTTP status); 2 usage error.

Retryable (in a failure's JSON): whether the same call may be made again.
    false: a bad parameter (-1), any 4xx but 408 and 429, a 2xx Kibana answered that
        could not be read (502 invalid-response).
    true: Kibana not reached (nothing sent), 408, 429.
    A timeout, a lost connection or a 5xx (the request may have been carried out):
        true for the reads, update-case and update-comment (they carry a Version),
        add-tag, remove-tag, delete-case, remove-comment, create-case with an
        IdempotencyKey, and add-comment of an alert (attached once); false for
        create-case without an IdempotencyKey, add-comment of a user comment,
        create-connector and push-case, where a repeat could do the work twice.
    A repeat finds the earlier attempt's case or alert through Kibana's search,
    which sees it about a second after it was made: pause at least that long.

Examples:
    elastic-security call get-many-cases --url https://kibana.example:5601 \\
        --api-key \"$KEY\" --input '{\"Status\":\"open\",\"PerPage\":5}'
    elastic-security call add-tag --input '{\"CaseId\":\"...\",\"Tags\":\"triage,p1\"}'
    elastic-security call create-connector --input '{\"Name\":\"SOC Jira\",
        \"ConnectorTypeId\":\".jira\",\"Config\":{\"apiUrl\":\"https://jira.example\",
        \"projectKey\":\"SOC\"},\"Secrets\":{\"email\":\"bot@example.com\",\"apiToken\":\"...\"}}'
    elastic-security help add-comment     # an operation's inputs and example";

/// `call`'s flags; they are global, so they may also follow the operation's name.
#[derive(Args, Debug)]
pub struct CallArgs {
    /// The operation's inputs as a JSON object with the node's keys (Title, CaseId,
    /// CaseIds, Tags, SpaceId, ...). `@FILE` reads a file, `@-` standard input
    // Parsed after clap, so that a malformed input (which may hold secrets) is never
    // quoted in an error message.
    #[arg(long, global = true, value_name = "JSON|@FILE", default_value = "{}")]
    pub input: String,

    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Print the JSON on one line
    #[arg(long, global = true)]
    pub compact: bool,

    #[command(subcommand)]
    pub operation: OperationName,
}

/// How to reach Kibana: flags, or the `KIBANA_*` variables.
#[derive(Args, Debug)]
pub struct ConnectionArgs {
    /// Kibana's base URL
    #[arg(long, global = true, env = "KIBANA_URL", value_name = "URL", value_hint = ValueHint::Url)]
    pub url: Option<String>,
    /// API key (the encoded id:key)
    #[arg(long, global = true, env = "KIBANA_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Basic auth user
    #[arg(long, global = true, env = "KIBANA_USERNAME", value_name = "USER")]
    pub username: Option<String>,
    /// Basic auth password
    #[arg(long, global = true, env = "KIBANA_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Per-request timeout in seconds (default 30)
    #[arg(long = "timeout", global = true, value_name = "SECONDS", value_parser = timeout_ms)]
    pub timeout_ms: Option<u32>,
    /// Also trust these CA certificates for https:// (a self-signed cluster)
    #[arg(long, global = true, env = "KIBANA_CA_FILE", value_name = "PEM", value_hint = ValueHint::FilePath)]
    pub ca_file: Option<PathBuf>,
}

/// `--timeout` in seconds, as the component's milliseconds.
fn timeout_ms(text: &str) -> Result<u32, String> {
    let seconds: f64 = text
        .parse()
        .ok()
        .filter(|s: &f64| *s > 0.0 && *s <= 600.0)
        .ok_or("not a number of seconds between 0.001 and 600")?;
    Ok(((seconds * 1000.0).round() as u32).max(1))
}

/// The operation `call` runs. Each operation is a subcommand of `call`, made from the
/// table in [`operations`]: hand-written rather than derived because the table, not
/// an enum, is where the operations are listed.
#[derive(Clone, Copy, Debug)]
pub struct OperationName(pub &'static Operation);

impl FromArgMatches for OperationName {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let name = matches
            .subcommand_name()
            .ok_or_else(|| clap::Error::new(ErrorKind::MissingSubcommand))?;
        operations::find(name)
            .map(OperationName)
            .ok_or_else(|| clap::Error::new(ErrorKind::InvalidSubcommand))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl Subcommand for OperationName {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        cmd.subcommands(OPERATIONS.iter().map(operation_command))
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        operations::find(name).is_some()
    }
}

/// `call <operation>`: its title and route, then its inputs (as the node manifest
/// describes them) and an example.
fn operation_command(op: &'static Operation) -> clap::Command {
    let width = op.inputs.iter().map(|i| i.key.len()).max().unwrap_or(0);
    let entry = manifest().and_then(|m| m.operations.iter().find(|e| e.name == op.name));
    let inputs: String = op
        .inputs
        .iter()
        .map(|input| {
            let field = entry.and_then(|e| e.inputs.iter().find(|f| f.name == input.key));
            let what = field.map_or_else(|| input.help.to_string(), input_summary);
            format!("    {:<width$}  {what}\n", input.key)
        })
        .collect();
    clap::Command::new(op.name)
        .about(format!("{}: {}", op.title, op.route))
        .after_help(format!(
            "Inputs (--input, a JSON object):\n{inputs}\nExample:\n    elastic-security call {} \
             --url \"$KIBANA_URL\" --api-key \"$KIBANA_API_KEY\" \\\n        --input '{}'",
            op.name, op.example
        ))
}

/// The node manifest (made from the contract and the WIT the binary was built with),
/// built once; `None` should the two disagree, which its tests rule out.
fn manifest() -> Option<&'static Manifest> {
    static MANIFEST: OnceLock<Option<Manifest>> = OnceLock::new();
    MANIFEST
        .get_or_init(|| elastic_security_manifest::build().ok())
        .as_ref()
}

/// One input in a line: `optional: low (default) | medium | high: The case's severity.`
fn input_summary(field: &InputField) -> String {
    let default = field.default.as_ref().map(|d| match d {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    let enum_values = |options: &[EnumOption]| {
        options
            .iter()
            .map(|o| {
                if default.as_deref() == Some(o.value.as_str()) {
                    format!("{} (default)", o.value)
                } else {
                    o.value.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let mut parts = vec![if field.required {
        "required"
    } else {
        "optional"
    }
    .to_string()];
    match field.kind {
        Kind::Enum => parts.push(enum_values(field.options.as_deref().unwrap_or(&[]))),
        Kind::List => {
            let mut what = "comma-separated or a list".to_string();
            if let Some(options) = field.items.as_ref().and_then(|i| i.options.as_deref()) {
                what = format!("{what} of {}", enum_values(options));
            }
            if let Some(max) = field.max_items {
                what = format!("{what}, at most {max}");
            }
            parts.push(what);
        }
        Kind::Integer => {
            let mut what = match (field.minimum, field.maximum) {
                (Some(min), Some(max)) if max != u32::MAX => format!("{min} to {max}"),
                _ => "a whole number".to_string(),
            };
            if let Some(d) = &default {
                what = format!("{what}, default {d}");
            }
            parts.push(what);
        }
        Kind::Boolean => parts.push(format!(
            "true | false, default {}",
            default.as_deref().unwrap_or("false")
        )),
        Kind::Json => parts.push("a JSON object, or a string holding one".to_string()),
        _ => {
            if let Some(max) = field.max_length {
                parts.push(format!("at most {max} characters"));
            }
            if let Some(d) = &default {
                parts.push(format!("default {d}"));
            }
        }
    }
    format!("{}: {}", parts.join(", "), field.help)
}
