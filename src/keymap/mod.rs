//! Keymaps: key chord → named command, per context, loaded from TOML files.
//!
//! File format (one table per context, key spelling → command name):
//!
//! ```toml
//! [global]
//! "ctrl-c" = "quit"
//! [list]
//! j = "down"
//! "ctrl-d" = "page_down"
//! ```
//!
//! Lookup order: the active context first, then `[global]`. In text-typing contexts (form, editor,
//! help) a plain character never falls through to `[global]`, so typing "q" in a field types a "q".
//! The shipped keymaps are complete alternatives; the user's override file replaces single
//! bindings of the chosen one. Any unknown command, unparseable key or two commands on one key in
//! one context stops the program with the file, the line and the conflict.

pub mod command;
pub mod hints;
pub mod key;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::i18n::tf;
pub use command::Command;
pub use hints::HintSet;
pub use key::{ChordCode, KeyChord};

pub const DEFAULT_SOURCE: &str = include_str!("../../keymaps/default.toml");
pub const VIM_SOURCE: &str = include_str!("../../keymaps/vim.toml");
pub const EMACS_SOURCE: &str = include_str!("../../keymaps/emacs.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    Detail,
    Form,
    Editor,
    Help,
    /// The reports view.
    Reports,
}

impl Context {
    pub const ALL: [Context; 7] = [
        Context::Global,
        Context::List,
        Context::Detail,
        Context::Form,
        Context::Editor,
        Context::Help,
        Context::Reports,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Detail => "detail",
            Context::Form => "form",
            Context::Editor => "editor",
            Context::Help => "help",
            Context::Reports => "reports",
        }
    }
    pub fn parse(s: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == s)
    }
    /// Contexts where plain characters never reach [global]: text, or a view over the list
    /// where a dossier command (`r` for a relance) would act on a dossier the user cannot see.
    fn types_text(self) -> bool {
        matches!(
            self,
            Context::Form | Context::Editor | Context::Help | Context::Reports
        )
    }
}

/// A startup error in a keymap file; the message names file, line and problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct KeymapError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    /// Human name of what was loaded ("default", "vim + ~/.config/recouvre/keymap.toml").
    pub name: String,
    maps: HashMap<Context, BTreeMap<KeyChord, Command>>,
}

/// One parsed binding with the line it came from, before conflicts are checked.
struct Entry {
    context: Context,
    chord: KeyChord,
    spelling: String,
    command: Command,
    line: usize,
}

fn err(file: &str, line: Option<usize>, message: String) -> KeymapError {
    let message = match line {
        Some(l) => tf(
            "keymap.at_line",
            &[("file", &file), ("line", &l), ("problem", &message)],
        ),
        None => tf("keymap.in_file", &[("file", &file), ("problem", &message)]),
    };
    KeymapError {
        file: file.to_string(),
        line,
        message,
    }
}

/// Finds the 1-based line of `key` inside `[section]`, by a light scan of the source: toml's
/// value API drops positions, and a wrong guess only affects the message.
fn locate(src: &str, section: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    for (i, raw) in src.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            current = line
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            continue;
        }
        if current != section {
            continue;
        }
        let Some((k, _)) = split_key(line) else {
            continue;
        };
        if k == key {
            return Some(i + 1);
        }
    }
    None
}

/// The key part of `key = value`, unquoted.
fn split_key(line: &str) -> Option<(String, &str)> {
    if line.starts_with('#') || line.is_empty() {
        return None;
    }
    for q in ['"', '\''] {
        if let Some(rest) = line.strip_prefix(q) {
            let end = rest.find(q)?;
            return Some((rest[..end].to_string(), &rest[end + 1..]));
        }
    }
    let (k, v) = line.split_once('=')?;
    Some((k.trim().to_string(), v))
}

fn parse_entries(file: &str, src: &str) -> Result<Vec<Entry>, KeymapError> {
    let table: toml::Table = toml::from_str(src).map_err(|e| {
        // toml's message already carries "line N, column M".
        let line = e
            .span()
            .map(|s| src[..s.start.min(src.len())].matches('\n').count() + 1);
        err(file, line, e.message().trim().to_string())
    })?;
    let mut out = Vec::new();
    for (section, value) in &table {
        let Some(context) = Context::parse(section) else {
            let line = src
                .lines()
                .position(|l| {
                    l.trim()
                        .trim_start_matches('[')
                        .starts_with(section.as_str())
                })
                .map(|i| i + 1);
            return Err(err(
                file,
                line,
                tf("keymap.unknown_context", &[("context", section)]),
            ));
        };
        let toml::Value::Table(bindings) = value else {
            return Err(err(
                file,
                locate(src, "", section),
                tf("keymap.not_a_table", &[("context", section)]),
            ));
        };
        for (spelling, v) in bindings {
            let line = locate(src, section, spelling);
            let chord = KeyChord::parse(spelling).map_err(|_| {
                err(
                    file,
                    line,
                    tf("keymap.bad_key", &[("key", spelling), ("context", section)]),
                )
            })?;
            let name = v.as_str().unwrap_or_default();
            let command = Command::parse(name).ok_or_else(|| {
                err(
                    file,
                    line,
                    tf("keymap.unknown_command", &[("command", &v.to_string())]),
                )
            })?;
            out.push(Entry {
                context,
                chord,
                spelling: spelling.clone(),
                command,
                line: line.unwrap_or(0),
            });
        }
    }
    // Report the earliest problem first, as a reader of the file would meet it.
    out.sort_by_key(|e| e.line);
    Ok(out)
}

/// Builds the per-context maps, refusing two commands on one chord in one context.
fn build(
    file: &str,
    entries: Vec<Entry>,
    base: Option<&Keymap>,
) -> Result<HashMap<Context, BTreeMap<KeyChord, Command>>, KeymapError> {
    let mut maps = base.map(|b| b.maps.clone()).unwrap_or_default();
    let mut seen: HashMap<(Context, KeyChord), (String, usize, Command)> = HashMap::new();
    for e in entries {
        if let Some((other, other_line, other_cmd)) = seen.get(&(e.context, e.chord)) {
            if *other_cmd != e.command {
                return Err(err(
                    file,
                    Some(e.line),
                    tf(
                        "keymap.conflict",
                        &[
                            ("key", &e.spelling),
                            ("command", &e.command.name()),
                            ("context", &e.context.name()),
                            ("other", other),
                            ("other_command", &other_cmd.name()),
                            ("other_line", other_line),
                        ],
                    ),
                ));
            }
        }
        seen.insert(
            (e.context, e.chord),
            (e.spelling.clone(), e.line, e.command),
        );
        maps.entry(e.context)
            .or_default()
            .insert(e.chord, e.command);
    }
    // A context binding that hides the global quit or help key would trap the user.
    let globals = maps.get(&Context::Global).cloned().unwrap_or_default();
    for (chord, gcmd) in &globals {
        if !matches!(gcmd, Command::Quit | Command::Help) {
            continue;
        }
        for ctx in [Context::List, Context::Detail] {
            if let Some(cmd) = maps.get(&ctx).and_then(|m| m.get(chord)) {
                if cmd != gcmd {
                    let line = seen.get(&(ctx, *chord)).map(|s| s.1).filter(|l| *l > 0);
                    return Err(err(
                        file,
                        line,
                        tf(
                            "keymap.hides_global",
                            &[
                                ("key", &chord),
                                ("context", &ctx.name()),
                                ("command", &cmd.name()),
                                ("global", &gcmd.name()),
                            ],
                        ),
                    ));
                }
            }
        }
    }
    Ok(maps)
}

impl Keymap {
    /// Parses one complete keymap file.
    pub fn from_source(file: &str, src: &str) -> Result<Keymap, KeymapError> {
        let entries = parse_entries(file, src)?;
        let km = Keymap {
            name: file.to_string(),
            maps: build(file, entries, None)?,
        };
        km.check_can_quit(file)?;
        Ok(km)
    }

    /// A keymap must let the user quit from every screen that does not type text only (the list,
    /// the detail, forms, the letter editor); otherwise the only way out is to kill the terminal.
    fn check_can_quit(&self, file: &str) -> Result<(), KeymapError> {
        for ctx in [
            Context::List,
            Context::Detail,
            Context::Form,
            Context::Editor,
        ] {
            if self.keys_for(ctx, Command::Quit).is_empty() {
                return Err(err(
                    file,
                    None,
                    tf("keymap.no_quit", &[("context", &ctx.name())]),
                ));
            }
        }
        Ok(())
    }

    /// The built-in keymap of that name, or a keymap file path.
    pub fn named(name: &str) -> Result<Keymap, KeymapError> {
        let builtin = match name {
            "" | "default" => Some(("keymaps/default.toml", DEFAULT_SOURCE)),
            "vim" => Some(("keymaps/vim.toml", VIM_SOURCE)),
            "emacs" => Some(("keymaps/emacs.toml", EMACS_SOURCE)),
            _ => None,
        };
        let mut km = match builtin {
            Some((file, src)) => Keymap::from_source(file, src)?,
            None => {
                let path = PathBuf::from(name);
                let src = std::fs::read_to_string(&path).map_err(|e| {
                    err(
                        name,
                        None,
                        tf(
                            "keymap.unreadable",
                            &[("reason", &e), ("builtins", &"default, vim, emacs")],
                        ),
                    )
                })?;
                Keymap::from_source(name, &src)?
            }
        };
        km.name = if name.is_empty() {
            "default".into()
        } else {
            name.into()
        };
        Ok(km)
    }

    /// Applies a user override file: each binding replaces whatever that chord did in its context.
    pub fn with_overrides(mut self, path: &Path) -> Result<Keymap, KeymapError> {
        let file = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|e| {
            err(
                &file,
                None,
                tf(
                    "keymap.unreadable",
                    &[("reason", &e), ("builtins", &"default, vim, emacs")],
                ),
            )
        })?;
        self.apply_overrides(&file, &src)?;
        self.name = format!("{} + {}", self.name, file);
        Ok(self)
    }

    pub fn apply_overrides(&mut self, file: &str, src: &str) -> Result<(), KeymapError> {
        let entries = parse_entries(file, src)?;
        // Conflicts are checked inside the override file and against what remains of the base.
        let maps = build(file, entries, Some(self))?;
        let candidate = Keymap {
            name: self.name.clone(),
            maps,
        };
        candidate.check_can_quit(file)?;
        self.maps = candidate.maps;
        Ok(())
    }

    /// The command bound to `chord` in `context`, falling back to `[global]`.
    pub fn lookup(&self, context: Context, chord: &KeyChord) -> Option<Command> {
        if let Some(c) = self.maps.get(&context).and_then(|m| m.get(chord)) {
            return Some(*c);
        }
        if context == Context::Global || (context.types_text() && chord.is_typing()) {
            return None;
        }
        self.maps
            .get(&Context::Global)
            .and_then(|m| m.get(chord))
            .copied()
    }

    /// Every chord that triggers `command` in `context` (including through `[global]`).
    pub fn keys_for(&self, context: Context, command: Command) -> Vec<KeyChord> {
        let mut out: Vec<KeyChord> = self
            .maps
            .get(&context)
            .into_iter()
            .flat_map(|m| m.iter())
            .filter(|(_, c)| **c == command)
            .map(|(k, _)| *k)
            .collect();
        if context != Context::Global {
            for k in self.keys_for(Context::Global, command) {
                if self.lookup(context, &k) == Some(command) && !out.contains(&k) {
                    out.push(k);
                }
            }
        }
        out
    }

    /// The first key for a hint ("r relance"), if the command is reachable in that context.
    pub fn hint_key(&self, context: Context, command: Command) -> Option<KeyChord> {
        let keys = self.keys_for(context, command);
        // Leaving and confirming are taught by their usual keys (Esc, Enter); everything else by
        // a plain letter, the shortest to read in the status line.
        let prefer_named = matches!(
            command,
            Command::Back | Command::Cancel | Command::Submit | Command::Open | Command::NextField
        );
        keys.iter()
            .find(|k| k.is_typing() != prefer_named)
            .or_else(|| keys.first())
            .copied()
    }

    /// The commands of `set` reachable in `context`, in the set's order, each with the key
    /// `hint_key` teaches for it.
    pub fn hints(&self, context: Context, set: HintSet) -> Vec<(KeyChord, Command)> {
        set.commands()
            .iter()
            .filter_map(|c| self.hint_key(context, *c).map(|k| (k, *c)))
            .collect()
    }

    /// Bindings of one context, grouped by command in a stable order (for the help screen).
    pub fn bindings(&self, context: Context) -> Vec<(Command, Vec<KeyChord>)> {
        let mut by_cmd: BTreeMap<Command, Vec<KeyChord>> = BTreeMap::new();
        if let Some(m) = self.maps.get(&context) {
            for (k, c) in m {
                by_cmd.entry(*c).or_default().push(*k);
            }
        }
        by_cmd.into_iter().collect()
    }

    /// Commands reachable anywhere (used by the completeness test).
    pub fn all_commands(&self) -> Vec<Command> {
        let mut v: Vec<Command> = self
            .maps
            .values()
            .flat_map(|m| m.values().copied())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Where the keymap comes from: a built-in name or path, plus an optional override file.
pub fn load(name: &str, overrides: Option<&Path>) -> Result<Keymap, KeymapError> {
    let km = Keymap::named(name)?;
    match overrides {
        Some(p) => km.with_overrides(p),
        None => Ok(km),
    }
}

#[cfg(test)]
mod tests;
