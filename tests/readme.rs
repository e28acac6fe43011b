//! The README's command-line examples run as written, in order, with the README's configuration.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_recouvre");
const README: &str = include_str!("../README.md");

/// The first fenced block of `lang` after the heading `heading`.
fn block(heading: &str, lang: &str) -> String {
    let start = README
        .find(heading)
        .unwrap_or_else(|| panic!("README has no {heading:?}"));
    let rest = &README[start..];
    let open = format!("```{lang}\n");
    let from = rest.find(&open).expect("fenced block") + open.len();
    let to = rest[from..].find("```").expect("closing fence") + from;
    rest[from..to].to_string()
}

/// Shell words of one command line: double and single quotes, `\` continuations joined by the
/// caller, and a `#` comment outside quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut prev_space = true;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '#') if prev_space => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
        prev_space = c.is_whitespace() && quote.is_none();
    }
    if in_word {
        out.push(cur);
    }
    out
}

fn commands(block: &str) -> Vec<Vec<String>> {
    let joined = block.replace("\\\n", " ");
    joined
        .lines()
        .map(words)
        .filter(|w| w.first().is_some_and(|c| c == "recouvre"))
        .collect()
}

#[test]
fn the_words_of_a_line_are_read_as_a_shell_would() {
    assert_eq!(
        words(r#"recouvre log 1 note "Rappeler M. Martin jeudi"  # also: call"#),
        ["recouvre", "log", "1", "note", "Rappeler M. Martin jeudi"]
    );
    assert_eq!(
        words(r#"recouvre status ACME   # one debtor (#id)"#),
        ["recouvre", "status", "ACME"]
    );
}

#[test]
fn every_command_line_example_runs_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, block("## Configuration", "toml")).unwrap();
    // As the README asks of a file holding the IBAN.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    let cmds = commands(&block("## Command line", "sh"));
    assert!(cmds.len() > 20, "{cmds:?}");
    for argv in cmds {
        let out = Command::new(BIN)
            .args(&argv[1..])
            .current_dir(dir.path())
            .env("RECOUVRE_DB", dir.path().join("db"))
            .env("RECOUVRE_TODAY", "2026-12-21")
            .env("HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path().join("xdg"))
            .env("XDG_DATA_HOME", dir.path().join("data"))
            .env("LANG", "fr_FR.UTF-8")
            .env_remove("LC_ALL")
            .arg("--config")
            .arg(&config)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README example failed: {}\n{}{}",
            argv.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
