//! `recouvre completions SHELL`, `recouvre man`, and the hidden `complete-ids` the completion
//! scripts call for dossier ids and debtor names.
//!
//! The scripts are clap_complete's static ones, generated from the same (translated) clap
//! definitions as `--help`. Dossiers are completed by a small function of our own added to the
//! bash and fish scripts, which asks `recouvre complete-ids`: clap_complete's dynamic engine is
//! still behind an unstable feature and would route every completion through the binary.

use std::io::Write;

use super::{exit, Ctx, UserError};
use crate::i18n::tf;

/// The subcommands whose first argument is a dossier (id or query).
const DOSSIER_COMMANDS: &[&str] = &["show", "log", "letter", "undo", "edit", "add-item"];

fn io_error(e: std::io::Error) -> UserError {
    UserError {
        code: exit::STORAGE,
        message: tf("cli.write_failed", &[("path", &"stdout"), ("reason", &e)]),
    }
}

pub fn write_completions(
    shell: clap_complete::Shell,
    out: &mut dyn Write,
) -> Result<(), UserError> {
    let mut cmd = super::localize::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "recouvre", &mut script);
    out.write_all(&script).map_err(io_error)?;
    let extra = match shell {
        clap_complete::Shell::Bash => bash_dossiers(),
        clap_complete::Shell::Fish => fish_dossiers(),
        clap_complete::Shell::Zsh => zsh_dossiers(),
        _ => String::new(),
    };
    out.write_all(extra.as_bytes()).map_err(io_error)?;
    out.flush().map_err(io_error)
}

/// Wraps the generated `_recouvre`: the first argument after a dossier command completes from
/// `recouvre complete-ids` (ids, then debtor names, escaped for the shell); anything else is
/// left to the generated function.
fn bash_dossiers() -> String {
    format!(
        r#"
# Dossier ids and debtor names (recouvre complete-ids), for: {list}
_recouvre_dossiers() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" i sub="" pos=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in
            --db|--config|--today|--lang) ((i++)) ;;
            -*) ;;
            *) if [[ -z "$sub" ]]; then sub="${{COMP_WORDS[i]}}"; else ((pos++)); fi ;;
        esac
    done
    case "$sub" in
        {pattern})
            if [[ $pos -eq 0 && "$cur" != -* ]]; then
                local IFS=$'\n' c
                COMPREPLY=()
                for c in $(compgen -W "$(recouvre complete-ids 2>/dev/null)" -- "$cur"); do
                    COMPREPLY+=("$(printf '%q' "$c")")
                done
                return 0
            fi ;;
    esac
    _recouvre "$@"
}}
complete -F _recouvre_dossiers -o bashdefault -o default recouvre
"#,
        list = DOSSIER_COMMANDS.join(", "),
        pattern = DOSSIER_COMMANDS.join("|"),
    )
}

/// zsh offers the ids with their debtor's name beside each (`_describe`), through a wrapper
/// registered after the generated `_recouvre`, for the first argument of a dossier command.
fn zsh_dossiers() -> String {
    format!(
        r#"
# Dossier ids with their debtor (recouvre complete-ids --describe), for: {list}
_recouvre_dossiers() {{
    local sub="" i pos=0
    for ((i = 2; i < CURRENT; i++)); do
        case "${{words[i]}}" in
            --db|--config|--today|--lang) ((i++)) ;;
            -*) ;;
            *) if [[ -z "$sub" ]]; then sub="${{words[i]}}"; else ((pos++)); fi ;;
        esac
    done
    case "$sub" in
        ({pattern})
            if (( pos == 0 )) && [[ "${{words[CURRENT]}}" != -* ]]; then
                local -a dossiers
                local line
                for line in "${{(@f)$(recouvre complete-ids --describe 2>/dev/null)}}"; do
                    [[ -n "$line" ]] && dossiers+=("${{line/$'	'/:}}")
                done
                _describe -t dossiers 'dossier' dossiers
                return
            fi ;;
    esac
    _recouvre "$@"
}}
compdef _recouvre_dossiers recouvre
"#,
        list = DOSSIER_COMMANDS.join(", "),
        pattern = DOSSIER_COMMANDS.join("|"),
    )
}

/// fish shows "id<TAB>debtor" as a candidate with its description.
fn fish_dossiers() -> String {
    format!(
        "\n# Dossier ids with their debtor (recouvre complete-ids --describe)\n\
         complete -c recouvre -n \"__fish_seen_subcommand_from {}\" -f -a \"(recouvre complete-ids --describe 2>/dev/null)\"\n",
        DOSSIER_COMMANDS.join(" ")
    )
}

/// The manual page. `.TH` comes first; the apostrophe definitions roff puts before it follow it
/// (they only define a string used further down).
pub fn write_man(out: &mut dyn Write) -> Result<(), UserError> {
    let cmd = super::localize::command();
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .map_err(io_error)?;
    let page = String::from_utf8_lossy(&page);
    let (title, rest): (Vec<&str>, Vec<&str>) = page.lines().partition(|l| l.starts_with(".TH "));
    for line in title.into_iter().chain(rest) {
        writeln!(out, "{line}").map_err(io_error)?;
    }
    out.flush().map_err(io_error)
}

/// Open dossiers' ids, then their debtors' names (each once); with `describe`, "id<TAB>name".
/// Silent and successful on any problem: a completion must never print an error in the prompt.
pub fn complete_ids(ctx: &Ctx, describe: bool) -> Result<i32, UserError> {
    let Ok(snap) = ctx.store.load_all() else {
        return Ok(exit::OK);
    };
    let mut open: Vec<_> = snap.dossiers.iter().filter(|d| d.state.is_open()).collect();
    open.sort_by_key(|d| d.state.id);
    let clean = |s: &str| super::format::tsv_field(s).trim().to_string();
    let mut lines = Vec::new();
    if describe {
        for d in &open {
            lines.push(format!("{}\t{}", d.state.id, clean(&d.debtor.name)));
        }
    } else {
        lines.extend(open.iter().map(|d| d.state.id.to_string()));
        let mut names: Vec<String> = open.iter().map(|d| clean(&d.debtor.name)).collect();
        names.sort();
        names.dedup();
        lines.extend(names.into_iter().filter(|n| !n.is_empty()));
    }
    let mut out = std::io::stdout().lock();
    for l in lines {
        if writeln!(out, "{l}").is_err() {
            break;
        }
    }
    Ok(exit::OK)
}
