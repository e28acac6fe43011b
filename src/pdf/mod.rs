//! Printable letters: the letter's text laid out on A4 for a French window envelope, written
//! as PDF/A-2b (archival) with an embedded, subsetted font.
//!
//! One composition path: the PDF is made from the very text `compose` rendered, the editor
//! changed or the journal kept, read back into its parts by `domain::letters::parts`; nothing
//! here knows a dossier. Pure: bytes in (text, logo), bytes out; the caller writes the file.

mod fonts;
pub mod layout;
mod meta;
mod render;

pub use layout::{Rect, WINDOW};
pub use meta::{subject, Logo, PdfError, PdfMeta};

/// A rendered letter and where its recipient block landed (mm from the top-left corner).
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    pub recipient: Option<Rect>,
}

/// The letter's PDF.
pub fn render(text: &str, meta: &PdfMeta, logo: Option<&Logo>) -> Result<Rendered, PdfError> {
    let fonts = fonts::Fonts::load();
    let parts = crate::domain::letters::parts(&fonts.sanitize(text));
    let size = logo.map(Logo::size).transpose()?;
    let layout = layout::layout(&fonts, &parts, size);
    let bytes = render::render(&layout, meta, logo)?;
    Ok(Rendered {
        bytes,
        pages: layout.pages.len(),
        recipient: layout.recipient,
    })
}
