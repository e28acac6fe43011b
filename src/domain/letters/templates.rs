//! Built-in templates, user overrides and rendering with minijinja.

use std::fmt;
use std::path::PathBuf;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use super::context::LetterContext;
use super::format::{tidy, wrap, WRAP_WIDTH};
use super::step::{LetterStep, EXTENSION};
use crate::i18n::tf;

/// Built-in templates: the ten letters and the shared parts they include (names starting with
/// `_`, overridable too, so that a company can change its letterhead once for every letter).
const BUILTIN: &[(&str, &str)] = &[
    ("_header", include_str!("templates/_header.txt.j2")),
    ("_payment", include_str!("templates/_payment.txt.j2")),
    ("_signature", include_str!("templates/_signature.txt.j2")),
    (
        "_not_yet_due",
        include_str!("templates/_not_yet_due.txt.j2"),
    ),
    ("_follow_up", include_str!("templates/_follow_up.txt.j2")),
    ("_paid_late", include_str!("templates/_paid_late.txt.j2")),
    ("relance_1", include_str!("templates/relance_1.txt.j2")),
    ("relance_2", include_str!("templates/relance_2.txt.j2")),
    ("relance_3", include_str!("templates/relance_3.txt.j2")),
    (
        "mise_en_demeure",
        include_str!("templates/mise_en_demeure.txt.j2"),
    ),
    (
        "mise_en_demeure_remboursement",
        include_str!("templates/mise_en_demeure_remboursement.txt.j2"),
    ),
    (
        "last_notice_nl_be",
        include_str!("templates/last_notice_nl_be.txt.j2"),
    ),
    (
        "contestation_reply",
        include_str!("templates/contestation_reply.txt.j2"),
    ),
    (
        "payment_plan_proposal",
        include_str!("templates/payment_plan_proposal.txt.j2"),
    ),
    (
        "settlement_confirmation",
        include_str!("templates/settlement_confirmation.txt.j2"),
    ),
    (
        "injonction_letter",
        include_str!("templates/injonction_letter.txt.j2"),
    ),
    (
        "relance_echeance",
        include_str!("templates/relance_echeance.txt.j2"),
    ),
];

/// Where a template's text comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "origin", content = "path", rename_all = "snake_case")]
pub enum TemplateOrigin {
    Builtin,
    Override(PathBuf),
}

impl TemplateOrigin {
    /// "built-in" or "overridden by PATH", for `recouvre letter --list`.
    pub fn label(&self) -> String {
        match self {
            TemplateOrigin::Builtin => crate::i18n::t("letters.origin.builtin").to_string(),
            TemplateOrigin::Override(path) => {
                tf("letters.origin.override", &[("path", &path.display())])
            }
        }
    }
}

/// One line of `recouvre letter --list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateInfo {
    /// `relance_1`, `_header`, …
    pub name: String,
    /// `relance_1.txt.j2`: the file name to use for an override.
    pub file_name: String,
    /// The letter this template renders; `None` for shared parts.
    pub step: Option<LetterStep>,
    pub origin: TemplateOrigin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LetterError {
    /// A template failed to compile or render; `line` is 1-based in that template's file.
    Template {
        template: String,
        line: Option<usize>,
        detail: String,
    },
    /// An override names no known template.
    UnknownTemplate { name: String },
    /// A template ran more than [`TEMPLATE_FUEL`] instructions (loops nested too deep).
    OutOfFuel { template: String },
    /// A template produced more than [`MAX_LETTER_BYTES`]: a letter, not a book.
    TooLarge { template: String },
}

/// Instructions a template may execute for one letter. A built-in letter with a hundred invoices
/// uses a few tens of thousands; three nested loops would otherwise run for hours.
pub const TEMPLATE_FUEL: u64 = 2_000_000;
/// Largest letter a template may produce (the letter is stored whole in the journal).
pub const MAX_LETTER_BYTES: usize = 256 * 1024;
/// Depth of includes, macros and nested blocks (minijinja's own cap is 500).
const RECURSION_LIMIT: usize = 100;

/// Output sink that refuses to grow past [`MAX_LETTER_BYTES`], so that a runaway template stops
/// early instead of filling memory.
#[derive(Default)]
struct Capped {
    text: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + buf.len() > MAX_LETTER_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::other("letter too large"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl fmt::Display for LetterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            LetterError::Template {
                template,
                line: Some(line),
                detail,
            } => tf(
                "letters.error.template_line",
                &[("template", template), ("line", line), ("detail", detail)],
            ),
            LetterError::Template {
                template, detail, ..
            } => tf(
                "letters.error.template",
                &[("template", template), ("detail", detail)],
            ),
            LetterError::OutOfFuel { template } => tf(
                "letters.error.out_of_fuel",
                &[("template", template), ("fuel", &TEMPLATE_FUEL)],
            ),
            LetterError::TooLarge { template } => tf(
                "letters.error.too_large",
                &[("template", template), ("max", &(MAX_LETTER_BYTES / 1024))],
            ),
            LetterError::UnknownTemplate { name } => {
                let names: Vec<String> = BUILTIN.iter().map(|(n, _)| file_name(n)).collect();
                tf(
                    "letters.error.unknown_template",
                    &[("name", name), ("names", &names.join(", "))],
                )
            }
        };
        f.write_str(&text)
    }
}

impl std::error::Error for LetterError {}

fn file_name(name: &str) -> String {
    format!("{name}{EXTENSION}")
}

/// Maps a minijinja error to the innermost template and line it points at (an error inside an
/// included part is reported against that part's file, which is the one to fix).
fn template_error(err: &minijinja::Error, fallback: &str) -> LetterError {
    let mut best = (err.name().map(str::to_string), err.line());
    let mut detail = err
        .detail()
        .map(str::to_string)
        .unwrap_or_else(|| err.kind().to_string());
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if let Some(inner) = s.downcast_ref::<minijinja::Error>() {
            if inner.name().is_some() {
                best = (inner.name().map(str::to_string), inner.line());
                detail = inner
                    .detail()
                    .map(str::to_string)
                    .unwrap_or_else(|| inner.kind().to_string());
            }
        }
        source = s.source();
    }
    LetterError::Template {
        template: best.0.unwrap_or_else(|| file_name(fallback)),
        line: best.1,
        detail,
    }
}

#[derive(Debug, Clone)]
struct Entry {
    name: &'static str,
    file_name: String,
    source: String,
    origin: TemplateOrigin,
}

/// The set of templates in use: built-ins, some replaced by the user's files.
#[derive(Debug, Clone)]
pub struct Templates {
    entries: Vec<Entry>,
}

impl Templates {
    pub fn builtin() -> Templates {
        Templates {
            entries: BUILTIN
                .iter()
                .map(|(name, source)| Entry {
                    name,
                    file_name: file_name(name),
                    source: source.to_string(),
                    origin: TemplateOrigin::Builtin,
                })
                .collect(),
        }
    }

    /// Names a template may be overridden under: `relance_1` or `relance_1.txt.j2`.
    fn index_of(&self, name: &str) -> Option<usize> {
        let stem = name.strip_suffix(EXTENSION).unwrap_or(name);
        self.entries.iter().position(|e| e.name == stem)
    }

    /// Replaces a template by the text of a user file. The text is compiled at once so that a
    /// syntax error is reported with the file's line before any letter is prepared.
    pub fn set_override(
        &mut self,
        name: &str,
        source: impl Into<String>,
        origin: impl Into<PathBuf>,
    ) -> Result<(), LetterError> {
        let idx = self
            .index_of(name)
            .ok_or_else(|| LetterError::UnknownTemplate {
                name: name.to_string(),
            })?;
        let source = source.into();
        let mut env = Self::new_env();
        env.add_template(&self.entries[idx].file_name, &source)
            .map_err(|e| template_error(&e, self.entries[idx].name))?;
        let entry = &mut self.entries[idx];
        entry.source = source;
        entry.origin = TemplateOrigin::Override(origin.into());
        Ok(())
    }

    /// Builder form of [`Templates::set_override`].
    pub fn with_override(
        mut self,
        name: &str,
        source: impl Into<String>,
        origin: impl Into<PathBuf>,
    ) -> Result<Templates, LetterError> {
        self.set_override(name, source, origin)?;
        Ok(self)
    }

    /// Every template (letters first, then shared parts) with where its text comes from.
    pub fn list(&self) -> Vec<TemplateInfo> {
        let mut out: Vec<TemplateInfo> = self
            .entries
            .iter()
            .map(|e| TemplateInfo {
                name: e.name.to_string(),
                file_name: e.file_name.clone(),
                step: LetterStep::parse(e.name),
                origin: e.origin.clone(),
            })
            .collect();
        out.sort_by_key(|i| (i.step.is_none(), i.step, i.name.clone()));
        out
    }

    /// The text of a template (`relance_1` or `relance_1.txt.j2`), e.g. to copy it into the
    /// config dir as a starting point.
    pub fn source(&self, name: &str) -> Option<&str> {
        self.index_of(name).map(|i| self.entries[i].source.as_str())
    }

    fn new_env<'s>() -> Environment<'s> {
        let mut env = Environment::new();
        // Letters are plain text: never HTML-escape, whatever the file name.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        // A misspelt variable in a user's template must fail loudly, not print nothing.
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_keep_trailing_newline(true);
        // A user's template is code: bound what it may cost.
        env.set_fuel(Some(TEMPLATE_FUEL));
        env.set_recursion_limit(RECURSION_LIMIT);
        env
    }

    fn environment(&self) -> Result<Environment<'_>, LetterError> {
        let mut env = Self::new_env();
        for e in &self.entries {
            env.add_template(&e.file_name, &e.source)
                .map_err(|err| template_error(&err, e.name))?;
        }
        Ok(env)
    }

    /// Renders the letter of `ctx.step`: the template's output wrapped at 78 columns and tidied
    /// (single blank lines, one final newline).
    pub fn render(&self, ctx: &LetterContext) -> Result<String, LetterError> {
        let env = self.environment()?;
        let name = ctx.step.file_name();
        let tmpl = env
            .get_template(&name)
            .map_err(|e| template_error(&e, ctx.step.slug()))?;
        let mut out = Capped::default();
        let rendered = tmpl.render_captured_to(minijinja::Value::from_serialize(ctx), &mut out);
        if let Err(e) = rendered {
            return Err(if out.overflowed {
                LetterError::TooLarge { template: name }
            } else if e.kind() == minijinja::ErrorKind::OutOfFuel {
                match template_error(&e, ctx.step.slug()) {
                    LetterError::Template { template, .. } => LetterError::OutOfFuel { template },
                    other => other,
                }
            } else {
                template_error(&e, ctx.step.slug())
            });
        }
        let text = String::from_utf8_lossy(&out.text);
        Ok(tidy(&wrap(&text, WRAP_WIDTH)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_has_a_builtin_template_that_compiles() {
        let t = Templates::builtin();
        for step in LetterStep::ALL {
            assert!(t.source(step.slug()).is_some(), "{step:?}");
        }
        t.environment().expect("built-in templates compile");
        assert_eq!(t.list().len(), BUILTIN.len());
        assert_eq!(t.list()[0].step, Some(LetterStep::Relance1));
    }

    #[test]
    fn unknown_override_is_refused() {
        let err = Templates::builtin()
            .with_override("relance_9.txt.j2", "x", "/tmp/relance_9.txt.j2")
            .unwrap_err();
        assert!(matches!(err, LetterError::UnknownTemplate { .. }));
    }
}
