//! Draws a [`Layout`] with krilla as PDF/A-2b: fonts embedded and subsetted by krilla, XMP
//! metadata with the PDF/A identification, an sRGB output intent; krilla's validator refuses
//! to write a file that breaks the rules it can check.

use krilla::color::rgb;
use krilla::configure::{Configuration, Validator};
use krilla::geom::{PathBuilder, Point, Size, Transform};
use krilla::image::Image;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::{Document, SerializeSettings};

use super::fonts::{BOLD, MM_PER_PT, REGULAR};
use super::layout::{Item, Layout, PAGE_H, PAGE_W};
use super::meta::{Logo, PdfError, PdfMeta};

fn pt(mm: f32) -> f32 {
    mm / MM_PER_PT
}

pub fn render(layout: &Layout, meta: &PdfMeta, logo: Option<&Logo>) -> Result<Vec<u8>, PdfError> {
    let settings = SerializeSettings {
        configuration: Configuration::new_with_validator(Validator::A2_B),
        ..SerializeSettings::default()
    };
    let mut doc = Document::new_with(settings);
    let regular = Font::new(REGULAR.into(), 0).ok_or_else(|| PdfError::Pdf("font".into()))?;
    let bold = Font::new(BOLD.into(), 0).ok_or_else(|| PdfError::Pdf("font".into()))?;
    let image = match logo {
        None => None,
        Some(Logo::Png(b)) => {
            Some(Image::from_png(b.clone().into(), false).map_err(PdfError::Logo)?)
        }
        Some(Logo::Jpeg(b)) => {
            Some(Image::from_jpeg(b.clone().into(), false).map_err(PdfError::Logo)?)
        }
    };
    let black = Fill {
        paint: rgb::Color::new(0, 0, 0).into(),
        ..Fill::default()
    };
    let settings = PageSettings::from_wh(pt(PAGE_W), pt(PAGE_H))
        .ok_or_else(|| PdfError::Pdf("page size".into()))?;
    for items in &layout.pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut s = page.surface();
        for item in items {
            match item {
                Item::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    text,
                } => {
                    s.set_fill(Some(black.clone()));
                    s.set_stroke(None);
                    let font = if *b { bold.clone() } else { regular.clone() };
                    s.draw_text(
                        Point::from_xy(pt(*x), pt(*y)),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Item::Rule { x1, x2, y } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(pt(*x1), pt(*y));
                    pb.line_to(pt(*x2), pt(*y));
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(0, 0, 0).into(),
                            width: 0.5,
                            ..Stroke::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
                Item::Logo(at) => {
                    if let (Some(img), Some(size)) = (&image, Size::from_wh(pt(at.w), pt(at.h))) {
                        s.push_transform(&Transform::from_translate(pt(at.x), pt(at.y)));
                        s.draw_image(img.clone(), size);
                        s.pop();
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }
    doc.set_metadata(metadata(meta));
    doc.finish().map_err(|e| PdfError::Pdf(format!("{e:?}")))
}

fn metadata(m: &PdfMeta) -> Metadata {
    use chrono::Datelike;
    let date = DateTime::new(m.date.year().clamp(0, 9999) as u16)
        .month(m.date.month() as u8)
        .day(m.date.day() as u8);
    Metadata::new()
        .title(format!(
            "{} — dossier n° {} — {}",
            m.step,
            m.dossier,
            m.date.format("%d/%m/%Y")
        ))
        .description(m.subject.clone())
        .keywords(vec![
            format!("dossier {}", m.dossier),
            format!("étape {}", m.step_slug),
            format!("date {}", m.date.format("%Y-%m-%d")),
        ])
        .authors(vec![m.creditor.clone()])
        .creator("recouvre".to_string())
        .language("fr-FR".to_string())
        .creation_date(date)
}
