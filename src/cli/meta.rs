//! completions and man: generated from the same definition as the parser.

use super::{Cli, CmdResult};
use clap::{Args, CommandFactory};
use procure_client::service::Error;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  procure completions bash > ~/.local/share/bash-completion/completions/procure
  procure completions zsh > ~/.zfunc/_procure
  procure completions fish > ~/.config/fish/completions/procure.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  procure man | man -l -
  procure man --dir /usr/local/share/man/man1")]
pub struct ManArgs {
    /// Write one page per command (procure.1, procure-basket-add.1, …) into this directory instead of printing procure(1).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> CmdResult {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "procure", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

pub fn man(args: ManArgs) -> CmdResult {
    let cmd = Cli::command();
    let io = |e: std::io::Error| Error::Internal(format!("cannot write the man page: {e}"));
    match args.dir {
        Some(dir) => {
            std::fs::create_dir_all(&dir).map_err(io)?;
            clap_mangen::generate_to(cmd, &dir).map_err(io)?;
        }
        None => clap_mangen::Man::new(cmd).render(&mut std::io::stdout()).map_err(io)?,
    }
    Ok(ExitCode::SUCCESS)
}
