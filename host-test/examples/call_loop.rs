//! One operation in a loop, for profilers: see `host_test::bench::call_loop`.
//!
//! ```sh
//! cargo build --release --example call_loop
//! perf record -g target/release/examples/call_loop fresh 20000
//! ```

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    host_test::bench::call_loop::run(&args)
}
