//! Link settings of the component (wasm32 only; nothing natively).

/// The component's initial linear memory: Rust's 1 MiB stack, the data, and about
/// 1 MiB of heap, which the allocator (`src/rt/allocator.rs`) uses before it grows the
/// memory. Ordinary calls then never grow memory (growing costs the host page
/// protection changes); the unused pages are never touched, so they cost nothing.
const INITIAL_MEMORY: u32 = 2 * 1024 * 1024;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=--initial-memory={INITIAL_MEMORY}");
    }
}
