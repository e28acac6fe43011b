//! Where everything goes on the A4 page, in millimetres from the top-left corner. Pure geometry:
//! the parts of the letter in, positioned text runs and rules out; `render` draws them.
//!
//! The address window: French window envelopes (DL 110 × 220 mm, NF EN ISO 269, window on the
//! right) show an address block of about 85 × 33 mm whose left edge is 110 mm from the left of
//! the sheet and whose top is 55 mm from its top, when the A4 sheet is folded in three; this is
//! the zone La Poste's practice guides give for the recipient block (geometry as issue #15
//! states it). The recipient is set inside that rectangle with a 2 mm margin, smaller if its
//! lines would not fit; nothing else is printed in it.

use super::fonts::Fonts;
use crate::domain::letters::format::break_groups;
use crate::domain::letters::{Block, LetterParts, Row, Table, TextLine};

pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
/// The envelope window: left, top, width, height (mm).
pub const WINDOW: Rect = Rect {
    x: 110.0,
    y: 55.0,
    w: 85.0,
    h: 33.0,
};
const WINDOW_PAD: f32 = 2.0;
const LEFT: f32 = 20.0;
const RIGHT: f32 = 190.0;
const TOP: f32 = 15.0;
/// Lowest baseline of body text; page numbers go below.
const BOTTOM: f32 = 272.0;
const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;
const LEAD: f32 = 1.3;
/// Space between paragraphs.
const GAP: f32 = 2.6;
/// Room left for the handwritten signature above the signatory's name.
const SIGN_ROOM: f32 = 16.0;
/// The logo's largest size.
const LOGO_W: f32 = 60.0;
const LOGO_H: f32 = 20.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub fn contains(&self, o: &Rect) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
    },
    /// The logo, scaled into `at`.
    Logo(Rect),
}

#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub pages: Vec<Vec<Item>>,
    /// Where the recipient's lines are set (their ink box), for the window check.
    pub recipient: Option<Rect>,
}

struct Flow<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Item>>,
    y: f32,
}

impl Flow<'_> {
    fn page(&mut self) -> &mut Vec<Item> {
        self.pages.last_mut().expect("a page")
    }

    fn line_h(size: f32) -> f32 {
        size * super::fonts::MM_PER_PT * LEAD
    }

    /// Moves down one line of `size`, starting a page when it would pass the bottom.
    fn advance(&mut self, size: f32) {
        self.y += Flow::line_h(size);
        if self.y > BOTTOM {
            self.pages.push(vec![]);
            self.y = TOP + 5.0;
        }
    }

    /// Starts a new page unless `height` more millimetres fit on this one.
    fn keep(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.pages.push(vec![]);
            self.y = TOP + 5.0 - Flow::line_h(BODY);
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y;
        self.page().push(Item::Text {
            x,
            y,
            size,
            bold,
            text: text.to_string(),
        });
    }

    /// `text` broken to fit from `x` to `right`, continuation lines at `x + hang`.
    fn paragraph(&mut self, x: f32, hang: f32, right: f32, size: f32, bold: bool, text: &str) {
        let lines = fill(self.fonts, text, size, bold, right - x, right - x - hang);
        for (i, l) in lines.iter().enumerate() {
            self.advance(size);
            let at = if i == 0 { x } else { x + hang };
            self.text(at, size, bold, l);
        }
    }
}

/// Greedy line filling on the break groups of French typography (dates, `n° 12`, `mot :` stay
/// together); a group wider than the line is set on its own.
pub fn fill(
    fonts: &Fonts,
    text: &str,
    size: f32,
    bold: bool,
    first: f32,
    rest: f32,
) -> Vec<String> {
    let mut lines = vec![];
    let mut cur = String::new();
    for g in break_groups(text) {
        let candidate = if cur.is_empty() {
            g.clone()
        } else {
            format!("{cur} {g}")
        };
        let room = if lines.is_empty() { first } else { rest };
        if !cur.is_empty() && fonts.width(&candidate, bold, size) > room {
            lines.push(std::mem::replace(&mut cur, g));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

fn letterhead(f: &mut Flow, lines: &[String], logo: Option<(f32, f32)>) -> f32 {
    let mut y = TOP;
    if let Some((w, h)) = logo {
        let scale = (LOGO_W / w).min(LOGO_H / h);
        let at = Rect {
            x: LEFT,
            y: TOP - 3.0,
            w: w * scale,
            h: h * scale,
        };
        f.page().push(Item::Logo(at));
        y = at.y + at.h + 2.0;
    }
    f.y = y;
    for (i, l) in lines.iter().enumerate() {
        let (size, bold) = if i == 0 { (12.0, true) } else { (9.0, false) };
        f.paragraph(LEFT, 4.0, WINDOW.x - 8.0, size, bold, l);
    }
    f.y
}

/// The recipient in the window: 10 pt, smaller when the block would not fit.
fn recipient(f: &mut Flow, lines: &[String]) -> Option<Rect> {
    if lines.is_empty() {
        return None;
    }
    let inner_w = WINDOW.w - 2.0 * WINDOW_PAD;
    let inner_h = WINDOW.h - 2.0 * WINDOW_PAD;
    let mut size = 10.0_f32;
    let fits = |size: f32| {
        let widest = lines
            .iter()
            .map(|l| f.fonts.width(l, false, size))
            .fold(0.0, f32::max);
        let height = f.fonts.ascent(size)
            + Flow::line_h(size) * (lines.len() - 1) as f32
            + f.fonts.descent(size);
        widest <= inner_w && height <= inner_h
    };
    while size > 6.0 && !fits(size) {
        size -= 0.25;
    }
    let x = WINDOW.x + WINDOW_PAD;
    let top = WINDOW.y + WINDOW_PAD;
    let mut widest = 0.0_f32;
    for (i, l) in lines.iter().enumerate() {
        let y = top + f.fonts.ascent(size) + Flow::line_h(size) * i as f32;
        widest = widest.max(f.fonts.width(l, false, size));
        f.page().push(Item::Text {
            x,
            y,
            size,
            bold: false,
            text: l.clone(),
        });
    }
    let h = f.fonts.ascent(size)
        + Flow::line_h(size) * (lines.len() - 1) as f32
        + f.fonts.descent(size);
    Some(Rect {
        x,
        y: top,
        w: widest,
        h,
    })
}

fn text_block(f: &mut Flow, lines: &[TextLine]) {
    let space = f.fonts.width(" ", false, BODY);
    for l in lines {
        let x = LEFT + space * l.lead as f32;
        let marker: String = l.text.chars().take(l.hang).collect();
        let hang = f.fonts.width(&marker, false, BODY);
        f.paragraph(x, hang, RIGHT, BODY, false, &l.text);
    }
}

fn table(f: &mut Flow, t: &Table) {
    let ncol = t.right.len();
    let gap = 6.0;
    let mut size = BODY;
    let widths = |size: f32| {
        let mut w = vec![0.0_f32; ncol];
        for r in &t.rows {
            let (cells, bold) = match r {
                Row::Header(c) | Row::Total(c) => (c, true),
                Row::Cells(c) => (c, false),
                Row::Detail(_) | Row::Rule => continue,
            };
            for (i, c) in cells.iter().enumerate().take(ncol) {
                w[i] = w[i].max(f.fonts.width(c, bold, size));
            }
        }
        w
    };
    let mut w = widths(size);
    while size > 7.0 && w.iter().sum::<f32>() + gap * (ncol as f32 - 1.0) > RIGHT - LEFT {
        size -= 0.5;
        w = widths(size);
    }
    let total_w = w.iter().sum::<f32>() + gap * (ncol as f32 - 1.0);
    let mut starts = vec![LEFT];
    for i in 1..ncol {
        starts.push(starts[i - 1] + w[i - 1] + gap);
    }
    let cells = |f: &mut Flow, cells: &[String], bold: bool| {
        f.advance(size);
        for (i, c) in cells.iter().enumerate().take(ncol) {
            let x = if t.right[i] {
                starts[i] + w[i] - f.fonts.width(c, bold, size)
            } else {
                starts[i]
            };
            f.text(x, size, bold, c);
        }
    };
    for r in &t.rows {
        match r {
            Row::Header(c) | Row::Total(c) => cells(f, c, true),
            Row::Cells(c) => cells(f, c, false),
            Row::Detail(d) => {
                let room = starts.get(1).map_or(RIGHT, |s| s - gap) - LEFT;
                let right = (LEFT + room).max(LEFT + total_w * 0.6);
                f.paragraph(LEFT + 4.0, 0.0, right, SMALL, false, d);
            }
            Row::Rule => {
                let y = f.y + Flow::line_h(size) * 0.3;
                f.page().push(Item::Rule {
                    x1: LEFT,
                    x2: LEFT + total_w,
                    y,
                });
                f.y += Flow::line_h(size) * 0.25;
            }
        }
    }
}

/// Lays the letter out; `logo` is the logo's pixel size when there is one.
pub fn layout(fonts: &Fonts, p: &LetterParts, logo: Option<(f32, f32)>) -> Layout {
    let mut f = Flow {
        fonts,
        pages: vec![vec![]],
        y: TOP,
    };
    let head_bottom = letterhead(&mut f, &p.letterhead, logo);
    let recipient = recipient(&mut f, &p.recipient);
    let mut y = if p.recipient.is_empty() && p.letterhead.is_empty() {
        TOP
    } else {
        head_bottom.max(WINDOW.y + WINDOW.h) + 4.0
    };
    if let Some(d) = &p.date_line {
        f.y = y;
        f.paragraph(WINDOW.x + WINDOW_PAD, 0.0, RIGHT + 5.0, BODY, false, d);
        y = f.y + 6.0;
    }
    f.y = y;
    for h in &p.heading {
        let hang = if h.subject {
            fonts.width("Objet : ", true, BODY)
        } else {
            0.0
        };
        f.paragraph(LEFT, hang, RIGHT, BODY, h.subject, &h.text);
    }
    if !p.heading.is_empty() {
        f.y += 4.0;
    }
    for (i, b) in p.body.iter().enumerate() {
        if i > 0 {
            f.y += GAP;
        }
        match b {
            Block::Text(lines) => {
                // A paragraph's first two lines stay together.
                f.keep(Flow::line_h(BODY) * 2.0);
                text_block(&mut f, lines);
            }
            Block::Table(t) => {
                f.keep(Flow::line_h(BODY) * t.rows.len().min(8) as f32);
                table(&mut f, t);
            }
        }
    }
    if !p.signature.is_empty() {
        let height = SIGN_ROOM + Flow::line_h(BODY) * p.signature.len() as f32;
        f.keep(height);
        f.y += SIGN_ROOM;
        for (i, l) in p.signature.iter().enumerate() {
            f.paragraph(WINDOW.x + WINDOW_PAD, 0.0, RIGHT + 5.0, BODY, i == 0, l);
        }
    }
    let mut pages = f.pages;
    let n = pages.len();
    if n > 1 {
        for (i, page) in pages.iter_mut().enumerate() {
            let text = format!("Page {} / {}", i + 1, n);
            let w = fonts.width(&text, false, SMALL);
            page.push(Item::Text {
                x: (PAGE_W - w) / 2.0,
                y: PAGE_H - 12.0,
                size: SMALL,
                bold: false,
                text,
            });
        }
    }
    // Fold marks in the left margin (the sheet folds in three for the envelope).
    for page in pages.iter_mut().take(1) {
        for y in [99.0, 198.0] {
            page.push(Item::Rule {
                x1: 4.0,
                x2: 8.0,
                y,
            });
        }
    }
    Layout { pages, recipient }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recipient_is_inside_the_window_even_when_long() {
        let fonts = Fonts::load();
        let mut p = LetterParts {
            recipient: vec!["Société Nouvelle des Établissements Durand & Fils".into()],
            ..LetterParts::default()
        };
        for n in 0..7 {
            p.recipient.push(format!("Ligne d'adresse numéro {n}"));
        }
        let l = layout(&fonts, &p, None);
        let r = l.recipient.unwrap();
        assert!(WINDOW.contains(&r), "{r:?}");
    }

    #[test]
    fn filling_keeps_dates_together() {
        let fonts = Fonts::load();
        let lines = fill(
            &fonts,
            "au plus tard le 12 décembre 2026, par virement",
            10.0,
            false,
            40.0,
            40.0,
        );
        assert!(
            lines.iter().any(|l| l.contains("12 décembre 2026")),
            "{lines:?}"
        );
    }
}
