//! `elastic-security`: run any of the node's 14 operations through the component,
//! walk a demo incident against the built-in Kibana simulator, or serve the simulator.

use std::io::Write;
use std::process::ExitCode;

use host_test::cli::{self, Cli, Command};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cli = match Cli::parse(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("elastic-security: {e}\n\nRun `elastic-security --help` for usage.");
            return ExitCode::from(2);
        }
    };
    let result = match &cli.command {
        Command::Help(text) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Command::Operations => {
            print!("{}", cli::operations_text());
            return ExitCode::SUCCESS;
        }
        Command::Call { .. } => cli::run_call(&cli),
        Command::Demo => cli::run_demo(&cli),
        Command::Stub { listen } => cli::run_stub(listen),
        Command::Precompile { out } => cli::run_precompile(&cli, out),
        Command::Bench { smoke, block } => cli::run_bench(*smoke, *block),
    };
    let _ = std::io::stdout().flush();
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("elastic-security: {e:#}");
            ExitCode::from(2)
        }
    }
}
