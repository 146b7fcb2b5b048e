#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    match procure::cli::Cli::try_parse() {
        Ok(cli) => procure::cli::run(cli),
        Err(e) => procure::cli::argument_error(e),
    }
}
