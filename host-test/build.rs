//! Builds the guest component (see the `elastic-security-guest-build` crate) so that
//! `cargo test` and `cargo run` at the root need no manual pre-step, and hands its
//! path, `target/guest/elastic_security.wasm`, to the crate as
//! `ELASTIC_SECURITY_COMPONENT`.
//!
//! `wasm-opt` runs when it is installed (the build warns when it is not);
//! `ELASTIC_SECURITY_WASM_OPT` names another binary, or `off`.
//! `ELASTIC_SECURITY_COMPONENT_OVERRIDE` names a prebuilt component to use instead.

use std::env;
use std::path::PathBuf;

use elastic_security_guest_build::{build, Options, WasmOpt};

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

    let wasm_opt = match env::var_os("ELASTIC_SECURITY_WASM_OPT") {
        Some(off) if off == "off" => WasmOpt::Off,
        Some(binary) => WasmOpt::IfInstalled(binary),
        None => WasmOpt::IfInstalled("wasm-opt".into()),
    };
    let options = Options {
        root: root.clone(),
        // Its own target directory: the outer build holds the lock on the normal one.
        target_dir: env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"))
            .join("guest"),
        cargo: env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
        rustc: env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()),
        wasm_opt,
    };
    let built = build(&options).unwrap_or_else(|e| panic!("{e}"));
    if let Some(why) = built.not_optimized {
        println!("cargo:warning=the component is not size-optimised ({why})");
    }
    println!(
        "cargo:rustc-env=ELASTIC_SECURITY_COMPONENT={}",
        built.component.display()
    );
}
