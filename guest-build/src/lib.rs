//! How the component is built, in one place for the two that build it: host-test's
//! build script (for `cargo test` and `cargo run`) and the release (`cargo xtask
//! release`). The guest crate is compiled for `wasm32-wasip2` at `[profile.guest]`,
//! then binaryen's `wasm-opt` shrinks its main core module and the component is put
//! back together around it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use wasm_encoder::RawSection;
use wasmparser::{Encoding, Parser, Payload};

/// The target the component is built for.
pub const TARGET: &str = "wasm32-wasip2";

/// What to do about `wasm-opt`.
pub enum WasmOpt {
    /// Run this binary when it is installed; without it, ship the linker's output
    /// (larger) and say why in [`Built::not_optimized`].
    IfInstalled(OsString),
    /// Run this binary, which must print this version: a release's bytes depend on
    /// it, so anything else is an error.
    Required { binary: OsString, version: u32 },
    /// Ship the linker's output.
    Off,
}

/// What [`build`] needs to know.
pub struct Options {
    /// The repository's root (the guest crate's directory).
    pub root: PathBuf,
    /// Where the guest is compiled and the component written: a target directory of
    /// its own (an outer cargo build holds the lock on the usual one).
    pub target_dir: PathBuf,
    /// The cargo to run.
    pub cargo: OsString,
    /// The rustc whose sysroot must hold the target (checked, and the target added
    /// with rustup when it is missing).
    pub rustc: OsString,
    pub wasm_opt: WasmOpt,
}

/// The component [`build`] wrote.
pub struct Built {
    /// `<target_dir>/elastic_security.wasm`.
    pub component: PathBuf,
    /// Why `wasm-opt` did not run (`None` when it did).
    pub not_optimized: Option<String>,
}

/// Compiles the guest, optimises it as `options.wasm_opt` says and writes the
/// component to `<target_dir>/elastic_security.wasm`. Messages meant for the user
/// (a target being added) go to stderr.
pub fn build(options: &Options) -> Result<Built, String> {
    ensure_target(&options.root, &options.rustc)?;
    // Checked before compiling, so that a release without the right wasm-opt
    // fails at once.
    if let WasmOpt::Required { binary, version } = &options.wasm_opt {
        check_version(binary, *version)?;
    }
    let mut cmd = Command::new(&options.cargo);
    cmd.current_dir(&options.root)
        .args([
            "build",
            "--locked",
            "--package",
            "elastic-security",
            "--lib",
            "--target",
            TARGET,
            "--profile",
            "guest",
        ])
        .arg("--target-dir")
        .arg(&options.target_dir);
    // NOTE: the outer cargo's flags and wrappers (clippy's driver, host RUSTFLAGS,
    // coverage instrumentation) are for the host crate, not for the wasm guest.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_PROFILE_RELEASE_DEBUG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env(
        "CARGO_ENCODED_RUSTFLAGS",
        remap_flags(&options.root).join("\x1f"),
    );
    let status = cmd
        .status()
        .map_err(|e| format!("could not run {}: {e}", options.cargo.to_string_lossy()))?;
    if !status.success() {
        return Err(format!(
            "building the guest component for {TARGET} failed (see the errors above)"
        ));
    }
    let linked = options
        .target_dir
        .join(TARGET)
        .join("guest")
        .join("elastic_security.wasm");
    let bytes =
        std::fs::read(&linked).map_err(|e| format!("could not read {}: {e}", linked.display()))?;
    let (shipped, not_optimized) = match &options.wasm_opt {
        WasmOpt::Off => (bytes, Some("wasm-opt is turned off".to_owned())),
        WasmOpt::IfInstalled(binary) => match optimize(&bytes, binary, &options.target_dir) {
            Ok(smaller) => (smaller, None),
            Err(why) => (bytes, Some(why)),
        },
        WasmOpt::Required { binary, .. } => (optimize(&bytes, binary, &options.target_dir)?, None),
    };
    let component = options.target_dir.join("elastic_security.wasm");
    std::fs::write(&component, &shipped)
        .map_err(|e| format!("could not write {}: {e}", component.display()))?;
    Ok(Built {
        component,
        not_optimized,
    })
}

/// The version number `wasm-opt --version` prints (`wasm-opt version 108 (...)`).
pub fn wasm_opt_version(binary: &OsString) -> Result<u32, String> {
    let name = binary.to_string_lossy();
    let out = Command::new(binary)
        .arg("--version")
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                format!("`{name}` not found: install binaryen (e.g. `apt-get install binaryen`)")
            }
            _ => format!("could not run `{name}`: {e}"),
        })?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .skip_while(|word| *word != "version")
        .nth(1)
        .and_then(|number| number.parse().ok())
        .ok_or_else(|| format!("`{name} --version` printed no version: {}", text.trim()))
}

fn check_version(binary: &OsString, want: u32) -> Result<(), String> {
    let found = wasm_opt_version(binary)?;
    if found != want {
        return Err(format!(
            "binaryen's wasm-opt version {want} is needed (found {found} at `{}`): the \
             component's bytes depend on the version",
            binary.to_string_lossy()
        ));
    }
    Ok(())
}

/// The wasm features rustc's `wasm32-wasip2` target uses (and wasmtime enables by
/// default). wasm-opt may use these and no others.
const WASM_FEATURES: [&str; 6] = [
    "--enable-bulk-memory",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
];

/// Runs `wasm-opt --merge-similar-functions -Oz --converge` over the component's main
/// core module (the largest one; the others are wit-component's small shims) and puts
/// it back in place. The component's other sections, its types, imports and exports,
/// are copied byte for byte, except its top-level custom sections (debug names),
/// which are dropped.
fn optimize(component: &[u8], wasm_opt: &OsString, scratch: &Path) -> Result<Vec<u8>, String> {
    let name = wasm_opt.to_string_lossy();
    let sections = component_sections(component)?;
    let (main, _) = sections
        .iter()
        .enumerate()
        .filter(|(_, section)| section.id == CORE_MODULE_SECTION)
        .max_by_key(|(_, section)| section.data.len())
        .ok_or("the component holds no core module")?;
    let input = scratch.join("core-module.wasm");
    let output = scratch.join("core-module.opt.wasm");
    std::fs::write(&input, sections[main].data)
        .map_err(|e| format!("writing {}: {e}", input.display()))?;
    let run = Command::new(wasm_opt)
        // Functions that differ only in constants merged first.
        .args(["--merge-similar-functions", "-Oz", "--converge"])
        .args(WASM_FEATURES)
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output();
    let run = match run {
        Ok(run) => run,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "`{name}` not found; install binaryen (e.g. `apt-get install binaryen`) for a smaller component"
            ))
        }
        Err(e) => return Err(format!("could not run `{name}`: {e}")),
    };
    if !run.status.success() {
        let stderr = String::from_utf8_lossy(&run.stderr);
        let why = match stderr.trim() {
            "" => run.status.to_string(),
            text => text.to_owned(),
        };
        return Err(format!("`{name} -Oz` failed: {why}"));
    }
    let optimized =
        std::fs::read(&output).map_err(|e| format!("reading {}: {e}", output.display()))?;
    let mut out = wasm_encoder::Component::new();
    for (index, section) in sections.iter().enumerate() {
        if index == main {
            out.section(&RawSection {
                id: CORE_MODULE_SECTION,
                data: &optimized,
            });
        } else {
            out.section(section);
        }
    }
    Ok(out.finish())
}

/// A component's section id for an embedded core module.
const CORE_MODULE_SECTION: u8 = wasm_encoder::ComponentSectionId::CoreModule as u8;

/// The top-level sections of a component binary, custom sections left out: they are
/// names for debuggers (`component-name`, 11 KB) and the producers list, which no host
/// needs.
fn component_sections(bytes: &[u8]) -> Result<Vec<RawSection<'_>>, String> {
    let mut sections = Vec::new();
    // The payloads of nested modules and components come in line, each closed by
    // its own `End`: only those at depth 0 are the component's own sections.
    let mut depth = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| format!("the linker's output does not parse: {e}"))?;
        match &payload {
            Payload::Version { encoding, .. } if depth == 0 && *encoding != Encoding::Component => {
                return Err("the linker's output is not a component binary".into())
            }
            Payload::End(_) => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                continue;
            }
            Payload::CustomSection(_) if depth == 0 => continue,
            _ => {}
        }
        if depth == 0 {
            if let Some((id, range)) = payload.as_section() {
                let range = usize::try_from(range.start).map_err(|e| e.to_string())?
                    ..usize::try_from(range.end).map_err(|e| e.to_string())?;
                sections.push(RawSection {
                    id,
                    data: &bytes[range],
                });
            }
        }
        if matches!(
            payload,
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. }
        ) {
            depth += 1;
        }
    }
    Ok(sections)
}

/// rustup's auto-install may be off (it is in CI), so `rust-toolchain.toml` alone
/// does not bring the wasm target: add it, or say exactly what to run.
fn ensure_target(root: &Path, rustc: &OsString) -> Result<(), String> {
    let sysroot = Command::new(rustc)
        .current_dir(root)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let installed = |s: &Path| s.join("lib").join("rustlib").join(TARGET).is_dir();
    if sysroot.as_deref().is_some_and(installed) {
        return Ok(());
    }
    eprintln!("the {TARGET} target is missing: running `rustup target add {TARGET}`");
    let added = Command::new("rustup")
        .current_dir(root)
        .args(["target", "add", TARGET])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !added {
        return Err(format!(
            "the {TARGET} target is not installed and could not be added: run `rustup target add {TARGET}`"
        ));
    }
    Ok(())
}

/// `--remap-path-prefix` for the directories of this build machine: the component
/// carries the source paths of its panic locations (never printed, the panic handler
/// traps), which then name no directory of the machine that built it: the same
/// source gives the same bytes wherever it is built.
fn remap_flags(root: &Path) -> Vec<String> {
    let mut flags = vec![format!("--remap-path-prefix={}=", root.display())];
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    if let Some(cargo_home) = cargo_home {
        flags.push(format!("--remap-path-prefix={}=", cargo_home.display()));
        // The crates' sources, `registry/src/<index>/<crate>-<version>/...`, down to
        // the crate (of several matching prefixes, rustc applies the last).
        let sources = cargo_home.join("registry").join("src");
        if let Ok(indexes) = std::fs::read_dir(&sources) {
            for index in indexes.flatten() {
                flags.push(format!("--remap-path-prefix={}=", index.path().display()));
            }
        }
    }
    flags
}
