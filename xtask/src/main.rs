//! The project's own tasks, run as `cargo xtask <task>` (an alias in
//! `.cargo/config.toml`). `release` builds every artifact into `dist/`:
//!
//! - `elastic-security-<version>.wasm`: the component (wasm-opt'd, required);
//! - `elastic-security-wit-<version>.wasm`: the WIT package in binary form;
//! - `elastic-security.node.json`: the node manifest (also in the npm package);
//! - `oci/<name>/{config.json,annotations.json}`: the OCI artifacts' config and
//!   manifest annotations, for `packages/oci/publish.py`;
//! - the npm tarball (`npm pack` of `packages/npm`) and the wheel (`python -m build`
//!   of `packages/python`), each holding the same component bytes;
//! - `SHA256SUMS`.
//!
//! The bytes depend on the commit alone: the toolchain is pinned
//! (`rust-toolchain.toml`), wasm-opt's version is required, the component names no
//! directory of the machine, and every timestamp is the commit's
//! (`SOURCE_DATE_EPOCH`).

mod dist;
mod npm;
mod oci;
mod python_types;
mod wheel;
mod wit_package;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use elastic_security_guest_build::{build, Options, WasmOpt};

use wit_package::WitPackage;

/// The binaryen release the component's bytes are made with (Debian 12's).
const WASM_OPT_VERSION: u32 = 108;
const VERSION: &str = env!("CARGO_PKG_VERSION");
const LICENSE: &str = "Apache-2.0";

#[derive(Parser)]
#[command(about = "The project's own tasks", version)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Builds the component, the WIT package, the OCI artifacts' config, the npm
    /// package and the wheel into one directory, and prints each file's size and
    /// sha256. Needs binaryen's wasm-opt (version 108), Node.js 20+ with npm, and
    /// Python 3.10+ with venv.
    Release(ReleaseArgs),
    /// Writes the node manifest (`elastic-security.node.json`): every operation's
    /// inputs, outputs and JSON Schemas, made from the contract and wit/. The release
    /// puts it in dist/ and in the npm package.
    Manifest {
        /// The file to write (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct ReleaseArgs {
    /// Where the artifacts go (emptied first).
    #[arg(long, default_value = "dist")]
    out: PathBuf,
    /// Where the component is compiled (default: target/guest, where host-test's
    /// build script compiles it too). A new directory gives a build from scratch.
    #[arg(long)]
    target_dir: Option<PathBuf>,
    /// The source repository's URL, for the OCI annotation
    /// `org.opencontainers.image.source` (left out when not given).
    #[arg(long, env = "ELASTIC_SECURITY_SOURCE_URL")]
    source_url: Option<String>,
    /// Build from a working tree with uncommitted changes (the artifacts then do not
    /// match the revision they name).
    #[arg(long)]
    allow_dirty: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Release(args) => release(&args),
        Task::Manifest { out } => manifest(out.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The repository's root (xtask lives in it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Runs a command in `dir`; its output goes to ours (stderr, so that stdout holds
/// only the summary).
pub fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, String)]) -> Result<()> {
    let status = Command::new(program)
        .current_dir(dir)
        .args(args)
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .stdout(std::io::stderr())
        .status()
        .with_context(|| format!("could not run `{program}` (is it installed?)"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// A command's standard output, trimmed.
fn output(dir: &Path, program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .current_dir(dir)
        .args(args)
        .output()
        .with_context(|| format!("could not run `{program}`"))?;
    if !out.status.success() {
        bail!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn step(what: &str) {
    eprintln!("\n== release: {what}");
}

/// The node manifest as its file holds it.
fn manifest_json() -> Result<String> {
    let manifest = elastic_security_manifest::build()?;
    if manifest.version != VERSION {
        bail!(
            "the manifest says {} but the crates are {VERSION}: move the versions together",
            manifest.version
        );
    }
    elastic_security_manifest::to_json(&manifest)
}

fn manifest(out: Option<&Path>) -> Result<()> {
    let json = manifest_json()?;
    match out {
        Some(path) => {
            std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            print!("{json}");
            Ok(())
        }
    }
}

fn release(args: &ReleaseArgs) -> Result<()> {
    let root = root();
    let wit = WitPackage::load(&root.join("wit"))?;
    if wit.version().as_deref() != Some(VERSION) {
        bail!(
            "the WIT package is {} but the crates are {VERSION}: move the versions together",
            wit.name()
        );
    }
    let revision = output(&root, "git", &["rev-parse", "HEAD"])?;
    let dirty = !output(
        &root,
        "git",
        &["status", "--porcelain", "--untracked-files=no"],
    )?
    .is_empty();
    if dirty && !args.allow_dirty {
        bail!("the working tree has uncommitted changes: commit them, or pass --allow-dirty");
    }
    let source_date_epoch: u64 = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value
            .parse()
            .with_context(|| format!("SOURCE_DATE_EPOCH is not a number: {value:?}"))?,
        Err(_) => output(&root, "git", &["log", "-1", "--format=%ct"])?
            .parse()
            .context("git log gave no commit time")?,
    };
    let out = if args.out.is_absolute() {
        args.out.clone()
    } else {
        std::env::current_dir()?.join(&args.out)
    };
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("emptying {}", out.display()))?;
    }
    std::fs::create_dir_all(&out)?;
    let env = [("SOURCE_DATE_EPOCH", source_date_epoch.to_string())];

    step("the component (wasm32-wasip2, wasm-opt)");
    let built = build(&Options {
        root: root.clone(),
        target_dir: args
            .target_dir
            .clone()
            .unwrap_or_else(|| root.join("target").join("guest")),
        cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
        rustc: "rustc".into(),
        wasm_opt: WasmOpt::Required {
            binary: std::env::var_os("ELASTIC_SECURITY_WASM_OPT")
                .unwrap_or_else(|| "wasm-opt".into()),
            version: WASM_OPT_VERSION,
        },
    })
    .map_err(anyhow::Error::msg)?;
    let component = std::fs::read(&built.component)?;
    let component_name = format!("elastic-security-{VERSION}.wasm");
    std::fs::write(out.join(&component_name), &component)?;

    step("the WIT package");
    let wit_binary = wit.encode()?;
    let wit_name = format!("elastic-security-wit-{VERSION}.wasm");
    std::fs::write(out.join(&wit_name), &wit_binary)?;

    step("the OCI artifacts' config and annotations");
    let provenance = oci::Provenance {
        source_url: args.source_url.as_deref(),
        revision: &revision,
        version: VERSION,
        licenses: LICENSE,
        source_date_epoch,
    };
    let (imports, exports) = wit_package::component_world(&component)?;
    oci::write(
        &out.join("oci").join("elastic-security"),
        &component,
        "elastic-security",
        "The Elastic Security node for Kibana's cases and connectors, as a WebAssembly component",
        imports,
        exports,
        &provenance,
    )?;
    oci::write(
        &out.join("oci").join("elastic-security-wit"),
        &wit_binary,
        "elastic-security-wit",
        &format!("The WIT package {}", wit.name()),
        Vec::new(),
        wit.exports(),
        &provenance,
    )?;

    step("the node manifest");
    let manifest = manifest_json()?;
    std::fs::write(out.join(elastic_security_manifest::FILE_NAME), &manifest)?;

    step("the npm package (jco transpile, npm pack)");
    npm::pack(
        &root.join("packages").join("npm"),
        &root,
        &component,
        &manifest,
        &out,
        &env,
    )?;

    step("the wheel (python -m build)");
    let target = root.join("target");
    wheel::build(
        &root.join("packages").join("python"),
        &root,
        &target,
        &component,
        &python_types::generate(&wit.resolve, wit.id)?,
        &out,
        &env,
    )?;

    if args.source_url.is_none() {
        eprintln!(
            "note: no --source-url: the OCI manifests carry no org.opencontainers.image.source"
        );
    }
    let table = dist::summarize(&out)?;
    println!("{}", out.display());
    print!("{table}");
    if dirty {
        eprintln!("warning: built from a working tree with uncommitted changes (--allow-dirty)");
    }
    Ok(())
}
