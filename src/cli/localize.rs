//! clap in the user's language: the help's own words ("Usage", "Options", "Print help"…) come
//! from the catalogue through a help template and our own `-h/--help`, `-V/--version` and `help`,
//! and clap's errors are printed from the catalogue by kind (exit code 2, as clap's).

use clap::error::{ContextKind, ErrorKind};
use clap::{Arg, ArgAction, ArgMatches, Command, CommandFactory, FromArgMatches};

use super::Cli;
use crate::i18n::{t, tf};

/// The full clap definition with the catalogue's words, for parsing, completions and the man page.
pub fn command() -> Command {
    let version = Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version)
        .help(t("shell.version_flag").to_string());
    let help_cmd = Command::new("help")
        .about(t("shell.help_cmd").to_string())
        .arg(
            Arg::new("path")
                .value_name("COMMAND")
                .num_args(0..)
                .help(t("shell.help_cmd_path").to_string()),
        );
    let root = Cli::command()
        .disable_version_flag(true)
        .arg(version)
        .disable_help_subcommand(true)
        .subcommand(help_cmd);
    localize(root)
}

/// Template, help flag and placeholder of one command and, recursively, of its subcommands.
fn localize(cmd: Command) -> Command {
    let cmd = cmd.mut_subcommands(localize);
    let has_subcommands = cmd.get_subcommands().any(|c| !c.is_hide_set());
    let has_positionals = cmd.get_positionals().any(|a| !a.is_hide_set());
    let mut template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n",
        t("shell.usage")
    );
    if has_subcommands {
        template.push_str(&format!("\n{}\n{{subcommands}}\n", t("shell.commands")));
    }
    if has_positionals {
        template.push_str(&format!("\n{}\n{{positionals}}\n", t("shell.arguments")));
    }
    // Every command has options: at least -h and the global ones.
    template.push_str(&format!(
        "\n{}\n{{options}}{{after-help}}",
        t("shell.options")
    ));
    let cmd = cmd.help_template(template).disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(t("shell.help_flag").to_string()),
    );
    if has_subcommands {
        // A literal key gives a `&'static` text (the catalogue lives for the whole run).
        cmd.subcommand_value_name(t("shell.command_placeholder"))
    } else {
        cmd
    }
}

/// Parses the command line; help, version and errors are printed here and end the process.
pub fn parse_or_exit(args: &[String]) -> Cli {
    let mut cmd = command();
    let matches = match cmd.try_get_matches_from_mut(args) {
        Ok(m) => m,
        Err(e) => std::process::exit(report(&e)),
    };
    if let Some(("help", sub)) = matches.subcommand() {
        std::process::exit(help_for(args, sub));
    }
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => std::process::exit(report(&e)),
    }
}

/// `recouvre help log relance` is `recouvre log relance --help`.
fn help_for(args: &[String], sub: &ArgMatches) -> i32 {
    let mut argv = vec![args.first().cloned().unwrap_or_else(|| "recouvre".into())];
    argv.extend(
        sub.get_many::<String>("path")
            .into_iter()
            .flatten()
            .cloned(),
    );
    argv.push("--help".into());
    match command().try_get_matches_from(&argv) {
        Ok(_) => 0,
        Err(e) => report(&e),
    }
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    e.get(kind).map(|v| v.to_string())
}

/// "recouvre log" from clap's "Usage: recouvre log <ID> <COMMAND>": the command to ask for help.
fn command_path(e: &clap::Error) -> String {
    let usage = context(e, ContextKind::Usage).unwrap_or_default();
    let usage = usage.split_once(':').map(|(_, u)| u).unwrap_or(&usage);
    let words: Vec<&str> = usage
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']) && *w != "|")
        .collect();
    if words.is_empty() {
        "recouvre".into()
    } else {
        words.join(" ")
    }
}

/// Prints a clap outcome in the user's language; returns the exit code (clap's: 0 for help and
/// version, 2 for an error).
pub fn report(e: &clap::Error) -> i32 {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return 0;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return 2;
        }
        _ => {}
    }
    eprintln!("recouvre: {}", message(e));
    let mut extra = Vec::new();
    let suggestion = context(e, ContextKind::SuggestedSubcommand)
        .or_else(|| context(e, ContextKind::SuggestedArg))
        .or_else(|| context(e, ContextKind::SuggestedValue));
    if let Some(s) = suggestion {
        extra.push(tf("shell.suggest", &[("value", &s)]));
    }
    if e.kind() == ErrorKind::InvalidValue {
        if let Some(v) = context(e, ContextKind::ValidValue) {
            extra.push(tf("shell.possible", &[("values", &v)]));
        }
    }
    for line in extra {
        eprintln!("{line}");
    }
    // clap's usage line, under our heading.
    if let Some(usage) = context(e, ContextKind::Usage) {
        let usage = usage
            .split_once(':')
            .map(|(_, u)| u.trim())
            .unwrap_or(&usage);
        eprintln!();
        eprintln!("{} {usage}", t("shell.usage"));
    }
    eprintln!();
    eprintln!("{}", tf("shell.more", &[("command", &command_path(e))]));
    2
}

fn message(e: &clap::Error) -> String {
    let arg = context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(e, ContextKind::InvalidValue).unwrap_or_default();
    match e.kind() {
        ErrorKind::InvalidSubcommand => tf(
            "shell.err.unknown_subcommand",
            &[(
                "value",
                &context(e, ContextKind::InvalidSubcommand).unwrap_or_default(),
            )],
        ),
        ErrorKind::UnknownArgument => tf("shell.err.unknown_argument", &[("value", &arg)]),
        ErrorKind::InvalidValue => tf(
            "shell.err.invalid_value",
            &[("value", &value), ("arg", &arg)],
        ),
        ErrorKind::ValueValidation => {
            use std::error::Error;
            match e.source() {
                // Our own parsers (dates…) already speak the user's language.
                Some(s) if s.is::<std::num::ParseIntError>() => tf(
                    "shell.err.not_a_number",
                    &[("value", &value), ("arg", &arg)],
                ),
                Some(s) => s.to_string(),
                None => tf(
                    "shell.err.invalid_value",
                    &[("value", &value), ("arg", &arg)],
                ),
            }
        }
        ErrorKind::NoEquals => tf("shell.err.no_equals", &[("arg", &arg)]),
        ErrorKind::MissingRequiredArgument => tf("shell.err.missing_required", &[("args", &arg)]),
        ErrorKind::MissingSubcommand => tf(
            "shell.err.missing_subcommand",
            &[(
                "command",
                &context(e, ContextKind::InvalidSubcommand).unwrap_or_else(|| command_path(e)),
            )],
        ),
        ErrorKind::ArgumentConflict => tf(
            "shell.err.conflict",
            &[
                ("arg", &arg),
                (
                    "other",
                    &context(e, ContextKind::PriorArg).unwrap_or_default(),
                ),
            ],
        ),
        ErrorKind::TooManyValues => tf(
            "shell.err.too_many_values",
            &[("arg", &arg), ("value", &value)],
        ),
        ErrorKind::TooFewValues => tf("shell.err.too_few_values", &[("arg", &arg)]),
        ErrorKind::WrongNumberOfValues => tf("shell.err.wrong_number", &[("arg", &arg)]),
        ErrorKind::InvalidUtf8 => t("shell.err.invalid_utf8").to_string(),
        _ => tf(
            "shell.err.other",
            &[(
                "detail",
                &e.render().to_string().lines().next().unwrap_or_default(),
            )],
        ),
    }
}
