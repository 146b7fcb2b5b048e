//! `procure-shop`: the reference shop's own program.
#![forbid(unsafe_code)]

use clap::Parser;

fn main() -> std::process::ExitCode {
    procure_shop::cli::run_main(procure_shop::cli::ShopCli::parse().command)
}
