//! `recouvre letter … --pdf FILE`: the letter's text (composed, or the kept copy) as a
//! printable PDF/A, laid out by `crate::pdf` from that very text.

use chrono::NaiveDate;

use crate::cli::{exit, Ctx, UserError};
use crate::config::Dirs;
use crate::domain::event::EventKind;
use crate::domain::letters::LetterStep;
use crate::i18n::tf;
use crate::model::LoadedDossier;
use crate::pdf::PdfMeta;

/// The step a kept letter was sent as, from its journal event.
pub(super) fn kept_step(kind: &EventKind, text: &str) -> LetterStep {
    match kind {
        EventKind::RelanceSent { level: 1, .. } => LetterStep::Relance1,
        EventKind::RelanceSent { level: 2, .. } => LetterStep::Relance2,
        EventKind::RelanceSent { .. } => LetterStep::Relance3,
        EventKind::LastNoticeSent { .. } => LetterStep::LastNoticeNlBe,
        _ if crate::pdf::subject(text).contains("REMBOURSEMENT") => {
            LetterStep::MiseEnDemeureRemboursement
        }
        _ => LetterStep::MiseEnDemeure,
    }
}

pub(super) fn write(
    ctx: &Ctx,
    d: &LoadedDossier,
    text: &str,
    step: LetterStep,
    date: NaiveDate,
    path: &std::path::Path,
) -> Result<(), UserError> {
    let meta = PdfMeta::for_letter(
        &d.state.id.to_string(),
        step,
        date,
        &ctx.rules.creditor.name,
        text,
    );
    let rendered = ctx
        .config
        .letters
        .write_pdf(&ctx.config_dir, text, &meta, path)
        .map_err(|message| UserError {
            code: exit::STORAGE,
            message,
        })?;
    eprintln!(
        "{}",
        tf(
            "pdf.written",
            &[("path", &path.display()), ("pages", &rendered.pages)]
        )
    );
    Ok(())
}

/// The configuration for the TUI, with the `[letters]` and `[email]` paths made absolute (relative to the
/// configuration file; the outbox defaults to the data directory).
pub(super) fn with_resolved_paths(ctx: &Ctx) -> crate::config::Config {
    let mut c = ctx.config.clone();
    c.letters = c.letters.resolved(&ctx.config_dir, &Dirs::new().data_dir);
    c.email = c.email.resolved(&ctx.config_dir);
    c
}
