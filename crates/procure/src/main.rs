#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    procure::cli::run(procure::cli::Cli::parse())
}
