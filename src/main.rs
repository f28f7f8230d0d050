//! `airgap`: the secure SageMaker network and its tools from the command line.
//!
//! The command line only parses, calls the library, writes the result safely and maps errors
//! to exit codes; see the `cli` module.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
