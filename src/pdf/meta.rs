//! What a PDF letter says about itself (metadata), its logo, and its errors.

use chrono::NaiveDate;

/// What the document's information and XMP metadata say about the letter.
#[derive(Debug, Clone)]
pub struct PdfMeta {
    pub dossier: String,
    /// The step's label (`Mise en demeure de payer`) and slug (`mise-en-demeure`).
    pub step: String,
    pub step_slug: String,
    /// The letter's date.
    pub date: NaiveDate,
    /// The creditor (the document's author).
    pub creditor: String,
    /// The subject line, without `Objet :`.
    pub subject: String,
}

impl PdfMeta {
    /// The metadata of a letter of `step` dated `date` in dossier `id`.
    pub fn for_letter(
        id: &str,
        step: crate::domain::letters::LetterStep,
        date: NaiveDate,
        creditor: &str,
        text: &str,
    ) -> PdfMeta {
        PdfMeta {
            dossier: id.to_string(),
            step: step.label().to_string(),
            step_slug: step.slug().to_string(),
            date,
            creditor: creditor.to_string(),
            subject: subject(text),
        }
    }
}

/// A letterhead logo: PNG or JPEG, as krilla embeds them (never interpolated: PDF/A forbids it).
#[derive(Debug, Clone)]
pub enum Logo {
    Png(Vec<u8>),
    Jpeg(Vec<u8>),
}

impl Logo {
    /// Recognises the image by its signature, not its name.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Logo> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Logo::Png(bytes))
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Logo::Jpeg(bytes))
        } else {
            None
        }
    }

    /// Pixel size, for the aspect ratio.
    pub(crate) fn size(&self) -> Result<(f32, f32), PdfError> {
        let img = match self {
            Logo::Png(b) => krilla::image::Image::from_png(b.clone().into(), false),
            Logo::Jpeg(b) => krilla::image::Image::from_jpeg(b.clone().into(), false),
        }
        .map_err(PdfError::Logo)?;
        let (w, h) = img.size();
        if w == 0 || h == 0 {
            return Err(PdfError::Logo("0 px".into()));
        }
        Ok((w as f32, h as f32))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("{}", crate::i18n::tf("pdf.bad_logo", &[("reason", .0)]))]
    Logo(String),
    #[error("{}", crate::i18n::tf("pdf.failed", &[("reason", .0)]))]
    Pdf(String),
}

/// The subject of a letter's text (`Objet : …`), for the metadata.
pub fn subject(text: &str) -> String {
    crate::domain::letters::parts(text)
        .heading
        .iter()
        .find(|h| h.subject)
        .map(|h| h.text.trim_start_matches("Objet :").trim().to_string())
        .unwrap_or_default()
}
