//! `[letters]`: where printable (PDF) letters go and the letterhead's logo. The letterhead's
//! text is the creditor's block of the letter itself (`[creditor]`).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::{t, tf};
use crate::pdf::{Logo, PdfMeta, Rendered};

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LettersConfig {
    /// Folder the letter editor writes PDF letters into (default: `outbox` in the data
    /// directory, e.g. ~/.local/share/recouvre/outbox).
    pub outbox: Option<PathBuf>,
    /// PNG or JPEG image printed at the top left of the letterhead (at most 60 × 20 mm).
    pub logo: Option<PathBuf>,
}

/// A relative path in the configuration is relative to the configuration file's folder.
fn resolve(p: &Path, config_dir: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        config_dir.join(p)
    }
}

impl LettersConfig {
    pub fn outbox_dir(&self, config_dir: &Path, data_dir: &Path) -> PathBuf {
        match &self.outbox {
            Some(p) => resolve(p, config_dir),
            None => data_dir.join("outbox"),
        }
    }

    /// The same settings with absolute paths: the outbox always set, both relative to
    /// `config_dir`.
    pub fn resolved(&self, config_dir: &Path, data_dir: &Path) -> LettersConfig {
        LettersConfig {
            outbox: Some(self.outbox_dir(config_dir, data_dir)),
            logo: self.logo.as_ref().map(|p| resolve(p, config_dir)),
        }
    }

    /// The logo, read and recognised; an unreadable one is an error, never silently dropped.
    pub fn logo(&self, config_dir: &Path) -> Result<Option<Logo>, String> {
        let Some(p) = &self.logo else {
            return Ok(None);
        };
        let path = resolve(p, config_dir);
        let bytes = std::fs::read(&path).map_err(|e| {
            tf(
                "pdf.logo_unreadable",
                &[("path", &path.display()), ("reason", &e)],
            )
        })?;
        Logo::from_bytes(bytes).map(Some).ok_or_else(|| {
            tf(
                "pdf.logo_unreadable",
                &[
                    ("path", &path.display()),
                    ("reason", &t("pdf.not_an_image")),
                ],
            )
        })
    }

    /// Renders `text` as a PDF in memory (with the configured logo).
    pub fn render_pdf(
        &self,
        config_dir: &Path,
        text: &str,
        meta: &PdfMeta,
    ) -> Result<Rendered, String> {
        let logo = self.logo(config_dir)?;
        crate::pdf::render(text, meta, logo.as_ref()).map_err(|e| e.to_string())
    }

    /// Renders `text` and writes it to `path` (mode 600: a letter carries personal data),
    /// through a temporary file so that a failure never leaves half a PDF.
    pub fn write_pdf(
        &self,
        config_dir: &Path,
        text: &str,
        meta: &PdfMeta,
        path: &Path,
    ) -> Result<Rendered, String> {
        let rendered = self.render_pdf(config_dir, text, meta)?;
        let failed = |e: std::io::Error| {
            tf(
                "pdf.write_failed",
                &[("path", &path.display()), ("reason", &e)],
            )
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(failed)?;
        }
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let write = || -> std::io::Result<()> {
            use std::os::unix::fs::OpenOptionsExt;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(&rendered.bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            failed(e)
        })?;
        Ok(rendered)
    }
}

/// The file name a letter gets in the outbox: dossier, step and date, e.g.
/// `dossier-41-mise_en_demeure-2026-12-01.pdf`.
pub fn outbox_name(meta: &PdfMeta) -> String {
    format!(
        "dossier-{}-{}-{}.pdf",
        meta.dossier,
        meta.step_slug,
        meta.date.format("%Y-%m-%d")
    )
}
