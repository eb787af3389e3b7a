//! Native side of elastic-security, by role: [`harness`] runs the component in
//! wasmtime, [`sim`] is a stateful Kibana to run it against, [`cli`] is the
//! `elastic-security` command line, and [`bench`] measures the component against the
//! same code compiled natively.

pub mod bench;
pub mod cli;
pub mod harness;
pub mod sim;
