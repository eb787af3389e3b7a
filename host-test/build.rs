//! Builds the guest component for `wasm32-wasip2` so that `cargo test` and `cargo run`
//! at the root need no manual pre-step, and hands its path to the crate as
//! `ELASTIC_SECURITY_COMPONENT`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest_dir
        .parent()
        .expect("host-test lives inside the workspace")
        .to_path_buf();
    for watched in ["src", "wit", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", root.join(watched).display());
    }
    println!("cargo:rerun-if-env-changed=ELASTIC_SECURITY_COMPONENT_OVERRIDE");

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
    println!(
        "cargo:rustc-env=ELASTIC_SECURITY_COMPONENT={}",
        wasm.display()
    );
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
