//! `elastic-security`: run any of the node's 20 operations through the component,
//! walk a demo incident against the built-in Kibana simulator, or serve the simulator
//! (see [`host_test::cli`]).

fn main() -> std::process::ExitCode {
    host_test::cli::main()
}
