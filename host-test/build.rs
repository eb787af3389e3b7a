//! Builds the guest component for `wasm32-wasip2` so that `cargo test` and `cargo run`
//! at the root need no manual pre-step, shrinks its core module with binaryen's
//! `wasm-opt -Oz` when that is installed, writes the result to
//! `target/guest/elastic_security.wasm` and hands that path to the crate as
//! `ELASTIC_SECURITY_COMPONENT`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use wasm_encoder::RawSection;
use wasmparser::{Encoding, Parser, Payload};

const TARGET: &str = "wasm32-wasip2";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("host-test lives inside the workspace")
        .to_path_buf();
    for watched in ["src", "wire", "wit", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=ELASTIC_SECURITY_COMPONENT_OVERRIDE");
    println!("cargo:rerun-if-env-changed=ELASTIC_SECURITY_WASM_OPT");

    // A prebuilt component can be used instead (e.g. to test a release artefact).
    if let Ok(path) = env::var("ELASTIC_SECURITY_COMPONENT_OVERRIDE") {
        println!("cargo:rustc-env=ELASTIC_SECURITY_COMPONENT={path}");
        return;
    }

    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    ensure_target(&root);

    // Its own target directory: the outer build holds the lock on the normal one.
    let target_dir = env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("target"))
        .join("guest");
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(&root)
        .args([
            "build",
            "--package",
            "elastic-security",
            "--lib",
            "--target",
            TARGET,
            "--profile",
            "guest",
        ])
        .arg("--target-dir")
        .arg(&target_dir);
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
    cmd.env("CARGO_ENCODED_RUSTFLAGS", remap_flags(&root).join("\x1f"));
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("could not run {cargo}: {e}"));
    if !status.success() {
        panic!("building the guest component for {TARGET} failed (see the errors above)");
    }
    let wasm = target_dir
        .join(TARGET)
        .join("guest")
        .join("elastic_security.wasm");
    if !wasm.is_file() {
        panic!(
            "the guest build succeeded but {} is missing",
            wasm.display()
        );
    }
    let component = target_dir.join("elastic_security.wasm");
    let bytes =
        std::fs::read(&wasm).unwrap_or_else(|e| panic!("could not read {}: {e}", wasm.display()));
    let shipped = match optimize(&bytes, &target_dir) {
        Ok(smaller) => smaller,
        Err(why) => {
            println!("cargo:warning=the component is not size-optimised ({why})");
            bytes
        }
    };
    std::fs::write(&component, &shipped)
        .unwrap_or_else(|e| panic!("could not write {}: {e}", component.display()));
    println!(
        "cargo:rustc-env=ELASTIC_SECURITY_COMPONENT={}",
        component.display()
    );
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
/// it back in place. The component's
/// other sections, its types, imports and exports, are copied byte for byte, except
/// its top-level custom sections (debug names), which are dropped.
///
/// `ELASTIC_SECURITY_WASM_OPT` names the wasm-opt binary (default: `wasm-opt` on
/// PATH); `off` skips the step.
fn optimize(component: &[u8], scratch: &Path) -> Result<Vec<u8>, String> {
    let wasm_opt = env::var("ELASTIC_SECURITY_WASM_OPT").unwrap_or_else(|_| "wasm-opt".into());
    if wasm_opt == "off" {
        return Err("ELASTIC_SECURITY_WASM_OPT=off".into());
    }
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
    let run = Command::new(&wasm_opt)
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
                "`{wasm_opt}` not found; install binaryen (e.g. `apt-get install binaryen`) for a smaller component"
            ))
        }
        Err(e) => return Err(format!("could not run `{wasm_opt}`: {e}")),
    };
    if !run.status.success() {
        let stderr = String::from_utf8_lossy(&run.stderr);
        let why = match stderr.trim() {
            "" => run.status.to_string(),
            text => text.to_owned(),
        };
        return Err(format!("`{wasm_opt} -Oz` failed: {why}"));
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
fn ensure_target(root: &Path) {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .current_dir(root)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    let installed = |s: &Path| s.join("lib").join("rustlib").join(TARGET).is_dir();
    if sysroot.as_deref().is_some_and(installed) {
        return;
    }
    println!("cargo:warning=the {TARGET} target is missing: running `rustup target add {TARGET}`");
    let added = Command::new("rustup")
        .current_dir(root)
        .args(["target", "add", TARGET])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !added {
        panic!("the {TARGET} target is not installed and could not be added: run `rustup target add {TARGET}`");
    }
}

/// `--remap-path-prefix` for the directories of this build machine: the component
/// carries the source paths of its panic locations (never printed, the panic handler
/// traps), which then name no directory of the machine that built it, and are
/// shorter.
fn remap_flags(root: &Path) -> Vec<String> {
    let mut flags = vec![format!("--remap-path-prefix={}=", root.display())];
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
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
