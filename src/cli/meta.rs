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
    /// Write one page per command (procure.1, procure-basket-add.1, …) into this directory instead of printing procure(1). Example: --dir ~/.local/share/man/man1
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> CmdResult {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "procure", &mut script);
    if args.shell == clap_complete::Shell::Bash {
        script.extend_from_slice(BASH_BASKETS.as_bytes());
    }
    // A closed pipe (`| head`) ends the output quietly.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), &script);
    Ok(ExitCode::SUCCESS)
}

/// Basket names for bash, where a command takes one: the generated
/// completion knows the words of the definition, not the baskets on disk,
/// so this asks `procure basket list --names` (of the profile on the line).
const BASH_BASKETS: &str = r#"
# Basket names: `procure basket show|add|… NAME`, `--basket NAME`, `--into NAME`.
_procure_baskets() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    local i w group="" sub="" at=0 profile=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="${COMP_WORDS[i]}"
        case "$w" in
            --profile) profile=(--profile "${COMP_WORDS[i+1]}"); ((i++)); continue ;;
            --profile=*) profile=("$w"); continue ;;
            -*) continue ;;
        esac
        if [[ -z $group ]]; then group="$w"
        elif [[ -z $sub ]]; then sub="$w"; at=$i
        fi
    done
    local wants=0
    case "$prev" in --basket|--into) wants=1 ;; esac
    if [[ $wants == 0 && $cur != -* && $at -gt 0 && $COMP_CWORD == $((at + 1)) ]]; then
        case "$group $sub" in
            "basket show"|"basket add"|"basket set"|"basket remove"|"basket note"|"basket rename"|"basket delete"|"basket import"|"basket export"|"basket replace-discontinued"|"order discard-pending") wants=1 ;;
        esac
    fi
    if [[ $wants == 1 ]]; then
        local IFS=$'
'
        COMPREPLY=($(compgen -W "$(procure "${profile[@]}" basket list --names 2>/dev/null)" -- "$cur"))
        return 0
    fi
    _procure "$@"
}
if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _procure_baskets -o nosort -o bashdefault -o default procure
else
    complete -F _procure_baskets -o bashdefault -o default procure
fi
"#;

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
