//! Link settings of the component (wasm32 only; nothing natively).

/// The component's stack: 128 KiB, at the start of its linear memory (where Rust's
/// wasm targets put it, so that an overflow traps instead of writing over data).
/// The deepest a call goes is in reading JSON nested as far as serde_json reads
/// (128 levels), which needs between 16 and 32 KiB (the component built with a 16
/// KiB stack trapped, with 32 KiB it did not; `deeply_nested_answers_never_trap` in
/// `host-test/tests/broken_servers.rs`). Smaller than Rust's default of 1 MiB so that
/// what a call touches, the top of the stack, the data and the start of the heap,
/// lies within the first 256 KiB of memory, which a pooling host keeps resident
/// between calls (see `HarnessConfig::keep_resident` in host-test and BENCHMARKS.md).
const STACK: u32 = 128 * 1024;

/// The component's initial linear memory: the stack, the data, and nearly 2 MiB of
/// heap, which the allocator (`src/rt/allocator.rs`) uses before it grows the memory.
/// Ordinary calls then never grow memory (growing costs the host page protection
/// changes); the unused pages are never touched, so they cost nothing.
const INITIAL_MEMORY: u32 = 2 * 1024 * 1024;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=-zstack-size={STACK}");
        println!("cargo:rustc-link-arg-cdylib=--initial-memory={INITIAL_MEMORY}");
    }
}
