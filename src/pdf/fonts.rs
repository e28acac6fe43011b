//! The letter font, shipped in the repository (`assets/fonts/`, SIL Open Font License 1.1):
//! Liberation Sans 2.1.5 regular and bold, as Debian's `fonts-liberation2` installs them. It
//! covers French (accents, œ, « », €, the no-break and narrow no-break spaces); the PDF embeds
//! only the glyphs a letter uses.
//!
//! Text is measured by shaping it with rustybuzz, as krilla does when it draws it, so that a
//! right-aligned amount ends where the layout says.

use rustybuzz::{Face, UnicodeBuffer};

pub(crate) static REGULAR: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Bold.ttf");

/// Millimetres per point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;

pub struct Fonts {
    regular: Face<'static>,
    bold: Face<'static>,
}

impl Fonts {
    pub fn load() -> Fonts {
        // The files are compiled in and tested: a parse failure is a broken build.
        Fonts {
            regular: Face::from_slice(REGULAR, 0).expect("bundled regular font parses"),
            bold: Face::from_slice(BOLD, 0).expect("bundled bold font parses"),
        }
    }

    fn face(&self, bold: bool) -> &Face<'static> {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }

    /// Width of `text` at `size` points, in millimetres.
    pub fn width(&self, text: &str, bold: bool, size: f32) -> f32 {
        let face = self.face(bold);
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let out = rustybuzz::shape(face, &[], buffer);
        let units: i32 = out.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 / face.units_per_em() as f32 * size * MM_PER_PT
    }

    /// Ascent above the baseline at `size` points, in millimetres.
    pub fn ascent(&self, size: f32) -> f32 {
        let f = &self.regular;
        f.ascender() as f32 / f.units_per_em() as f32 * size * MM_PER_PT
    }

    /// Descent below the baseline (positive) at `size` points, in millimetres.
    pub fn descent(&self, size: f32) -> f32 {
        let f = &self.regular;
        -(f.descender() as f32) / f.units_per_em() as f32 * size * MM_PER_PT
    }

    /// `text` with every character the font cannot draw replaced by `?`: PDF/A forbids the
    /// empty box (.notdef) a missing glyph would print, and an unreadable name is still better
    /// than no letter. Line breaks are kept.
    pub fn sanitize(&self, text: &str) -> String {
        text.chars()
            .map(|c| {
                if c == '\t' {
                    return ' ';
                }
                let drawn = c == '\n'
                    || (self.regular.glyph_index(c).is_some()
                        && self.bold.glyph_index(c).is_some());
                if drawn {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_covers_french_typography() {
        let fonts = Fonts::load();
        let french = "Échéance à 1\u{202f}234,56\u{a0}€ « œuvre » – n° ç ù ê ï — …";
        assert_eq!(fonts.sanitize(french), french);
        assert_eq!(fonts.sanitize("a\tb 漢"), "a b ?");
        assert!(fonts.width("M", true, 10.0) > fonts.width("M", false, 10.0) * 0.9);
    }
}
