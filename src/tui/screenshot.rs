//! Turns a rendered buffer into plain text and a colour SVG, for `screenshots/` and the README.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

use crate::app::editor::LetterEnv;
use crate::app::{update, Action, Command, State};
use crate::config::ui::UiConfig;
use crate::storage::Store;
use crate::ui::theme::{Palette, Theme};

/// Fixed colours: the pictures must not depend on the terminal that made them.
const THEME: Theme = Theme {
    palette: Palette::Sixteen,
    background: crate::config::ui::Background::Dark,
};

/// Why the screens could not be written: the state could not be set up, or a file not written.
#[derive(Debug)]
pub enum ScreensError {
    Setup(anyhow::Error),
    Write(std::io::Error),
}

/// Renders the standard screens of the dossiers in `store` (the demo database in the real
/// command) into `dir` as SVG and text, `w`×`h` cells each, with the default keymap and fixed
/// colours; returns the files written.
pub fn write_demo_screens(
    store: &Store,
    env: LetterEnv,
    today: NaiveDate,
    dir: &Path,
    w: u16,
    h: u16,
) -> Result<Vec<PathBuf>, ScreensError> {
    let mut state =
        super::initial_state(&UiConfig::default(), today).map_err(ScreensError::Setup)?;
    state.env = std::sync::Arc::new(env);
    update(
        &mut state,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    write_screens(dir, &state, w, h).map_err(ScreensError::Write)
}

/// Renders `state` into a fresh `w`×`h` buffer with the real rendering code and fixed colours.
pub fn render_buffer(state: &State, w: u16, h: u16) -> Buffer {
    let mut state = state.clone();
    // Page sizes and scroll offsets follow the size, as after a real resize.
    update(&mut state, Action::Resize(w, h));
    let mut term = match Terminal::new(TestBackend::new(w, h)) {
        Ok(t) => t,
        Err(_) => return Buffer::empty(Rect::new(0, 0, w, h)),
    };
    if term.draw(|f| crate::ui::render(f, &state, &THEME)).is_err() {
        return Buffer::empty(Rect::new(0, 0, w, h));
    }
    term.backend().buffer().clone()
}

/// The standard set of screens for `screenshots/`, derived from any loaded state (the demo
/// database in the real command): (file stem, state). The first one is the README's main screen.
pub fn standard_screens(base: &State) -> Vec<(&'static str, State)> {
    let run = |cmds: &[Command]| {
        let mut s = base.clone();
        for c in cmds {
            update(&mut s, Action::Command(*c));
        }
        s
    };
    let mut out = vec![
        ("main", base.clone()),
        ("detail", run(&[Command::NextDue, Command::Open])),
        ("agenda", run(&[Command::Agenda])),
        ("help", run(&[Command::Help])),
        ("reports", run(&[Command::Reports])),
        (
            "reports-stages",
            run(&[Command::Reports, Command::NextReport]),
        ),
    ];
    // The letter editor on the first business dossier whose next letter is relance 2: the screen a
    // credit manager sees after pressing r on it.
    let mut ed = base.clone();
    if let Some(pos) = ed.visible.iter().position(|i| {
        let e = &ed.entries[*i];
        e.debtor_type == crate::domain::model::DebtorType::B2b
            && e.next.as_ref().is_some_and(|n| {
                n.kind == crate::domain::schedule::NextActionKind::Relance { level: 2 }
            })
    }) {
        update(&mut ed, Action::Command(Command::Top));
        for _ in 0..pos {
            update(&mut ed, Action::Command(Command::Down));
        }
        update(&mut ed, Action::Command(Command::Relance));
        ed.notice = None;
        out.push(("editor", ed));
    }
    // A form showing an error exactly as the user would see it.
    let mut pay = run(&[Command::NextDue, Command::Payment]);
    for c in "12,345".chars() {
        update(
            &mut pay,
            Action::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
            )),
        );
    }
    // Navigation notices ("Suivant : …") are noise in a screenshot; the form's error is not.
    for s in &mut out {
        s.1.notice = None;
    }
    update(&mut pay, Action::Command(Command::Submit));
    out.push(("payment_error", pay));
    out.push(("email-round", email_round(base)));
    out
}

/// The e-mail round's preview over the list, on the dossiers at a reminder (due or marked),
/// checked by the round's own code; the cursor on the first line that would not go, so its
/// reason shows under the list.
fn email_round(base: &State) -> State {
    use crate::domain::schedule::NextActionKind;
    let mut round = base.clone();
    // The demo has no creditor configured, and the round rightly flags every letter that
    // still has "[Votre société]" in it; the picture is of a configured desk (the fixtures'
    // creditor), so it shows what goes as well as what is held back and why.
    let mut env = (*round.env).clone();
    env.rules.creditor = crate::app::fixtures::creditor();
    let mailer = env.mailer();
    let on_screen = || round.visible.iter().filter_map(|i| round.entries.get(*i));
    let at_reminder = on_screen()
        .filter(|e| {
            e.next
                .as_ref()
                .is_some_and(|n| matches!(n.kind, NextActionKind::Relance { .. }))
        })
        .take(6);
    // And one marked by mistake: a disputed dossier, which the round holds back.
    let disputed = on_screen().find(|e| e.stage == crate::domain::fold::Stage::Disputed);
    // (The demo is small enough for every journal to be held.)
    let candidates: Vec<_> = at_reminder
        .chain(disputed)
        .filter_map(|e| e.to_loaded())
        .map(|d| mailer.check(&d, round.today).0)
        .collect();
    for c in &candidates {
        round.marked.insert(c.id);
    }
    let mut view = crate::app::mailing::BatchView::new(candidates);
    view.cursor = view
        .candidates
        .iter()
        .position(|c| c.skip.is_some())
        .unwrap_or(0);
    round.popup = Some(crate::app::state::Popup::Batch(Box::new(view)));
    round.notice = None;
    round
}

/// Writes `<name>.svg` and `<name>.txt` for every standard screen into `dir`; returns the files.
fn write_screens(
    dir: &std::path::Path,
    base: &State,
    w: u16,
    h: u16,
) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for (name, st) in standard_screens(base) {
        let buf = render_buffer(&st, w, h);
        for (ext, body) in [("svg", buffer_to_svg(&buf)), ("txt", buffer_to_text(&buf))] {
            let p = dir.join(format!("{name}.{ext}"));
            std::fs::write(&p, body)?;
            out.push(p);
        }
    }
    Ok(out)
}

/// Width of a cell's symbol, so that a wide character hides the cell it covers.
fn symbol_width(s: &str) -> usize {
    ratatui::text::Span::raw(s).width()
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn buffer_to_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = symbol_width(sym).saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

const DEFAULT_FG: &str = "#d0d0d0";
const DEFAULT_BG: &str = "#1c1c1c";

/// xterm's default palette for the 16 named colours (the SVG has to pick some values).
fn hex(c: Color, fg: bool) -> String {
    let s = match c {
        Color::Reset => {
            if fg {
                DEFAULT_FG
            } else {
                DEFAULT_BG
            }
        }
        Color::Black => "#000000",
        Color::Red => "#cd0000",
        Color::Green => "#00cd00",
        Color::Yellow => "#cdcd00",
        Color::Blue => "#0000ee",
        Color::Magenta => "#cd00cd",
        Color::Cyan => "#00cdcd",
        Color::Gray => "#e5e5e5",
        Color::DarkGray => "#7f7f7f",
        Color::LightRed => "#ff5555",
        Color::LightGreen => "#55ff55",
        Color::LightYellow => "#ffff55",
        Color::LightBlue => "#5c5cff",
        Color::LightMagenta => "#ff55ff",
        Color::LightCyan => "#55ffff",
        Color::White => "#ffffff",
        Color::Rgb(r, g, b) => return format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => return format!("#{i:02x}{i:02x}{i:02x}"),
    };
    s.to_string()
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Keep columns aligned in SVG viewers that collapse spaces.
            ' ' | '\u{a0}' | '\u{202f}' => out.push('\u{a0}'),
            c => out.push(c),
        }
    }
    out
}

/// Cell size in tenths of a pixel: integers keep the SVG geometry exact and float-free.
const CELL_W: u32 = 84;
const CELL_H: u32 = 170;
/// Text baseline from the top of its cell, in tenths of a pixel.
const BASELINE: u32 = 133;

/// Tenths of a pixel as SVG text: `84` → `8.4`.
fn px(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// A self-contained SVG: one background rectangle per run of equal background, one `<text>` per
/// cell run of equal style (positioned per cell so wide glyphs cannot shift the grid).
pub fn buffer_to_svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (
        u32::from(area.width) * CELL_W,
        u32::from(area.height) * CELL_H,
    );
    let mut out = String::new();
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\">\n",
        (w + 5) / 10,
        (h + 5) / 10,
        px(w),
        px(h)
    ));
    out.push_str(&format!(
        "<rect width=\"100%\" height=\"100%\" fill=\"{DEFAULT_BG}\"/>\n<g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\" xml:space=\"preserve\">\n"
    ));
    for y in area.top()..area.bottom() {
        let py = u32::from(y - area.top()) * CELL_H;
        // Background runs.
        let mut x = area.left();
        while x < area.right() {
            let cell = &buf[(x, y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let bg = if reversed {
                hex(cell.fg, true)
            } else {
                hex(cell.bg, false)
            };
            let start = x;
            while x < area.right() {
                let c = &buf[(x, y)];
                let r = c.modifier.contains(Modifier::REVERSED);
                let b = if r { hex(c.fg, true) } else { hex(c.bg, false) };
                if b != bg {
                    break;
                }
                x += 1;
            }
            if bg != DEFAULT_BG {
                out.push_str(&format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{bg}\"/>\n",
                    px(u32::from(start - area.left()) * CELL_W),
                    px(py),
                    px(u32::from(x - start) * CELL_W),
                    px(CELL_H)
                ));
            }
        }
        // Text runs of one style; every glyph gets its own x so wide glyphs cannot shift the grid.
        let mut run: Option<(String, Vec<u32>, String)> = None;
        let flush = |run: &mut Option<(String, Vec<u32>, String)>, out: &mut String| {
            if let Some((attrs, xs, text)) = run.take() {
                let xs: Vec<String> = xs.iter().map(|x| px(*x)).collect();
                out.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" {attrs}>{}</text>\n",
                    xs.join(" "),
                    px(py + BASELINE),
                    text
                ));
            }
        };
        let mut skip = 0usize;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            let sym = cell.symbol();
            skip = symbol_width(sym).saturating_sub(1);
            if sym.trim().is_empty() {
                flush(&mut run, &mut out);
                continue;
            }
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let fg = if reversed {
                hex(cell.bg, false)
            } else {
                hex(cell.fg, true)
            };
            let mut attrs = format!("fill=\"{fg}\"");
            if cell.modifier.contains(Modifier::BOLD) {
                attrs.push_str(" font-weight=\"bold\"");
            }
            let mut deco = vec![];
            if cell.modifier.contains(Modifier::UNDERLINED) {
                deco.push("underline");
            }
            if cell.modifier.contains(Modifier::CROSSED_OUT) {
                deco.push("line-through");
            }
            if !deco.is_empty() {
                attrs.push_str(&format!(" text-decoration=\"{}\"", deco.join(" ")));
            }
            let cell_x = u32::from(x - area.left()) * CELL_W;
            match &mut run {
                Some((a, xs, text)) if *a == attrs => {
                    xs.push(cell_x);
                    text.push_str(&escape(sym));
                }
                _ => {
                    flush(&mut run, &mut out);
                    run = Some((attrs, vec![cell_x], escape(sym)));
                }
            }
        }
        flush(&mut run, &mut out);
    }
    out.push_str("</g>\n</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Style;

    #[test]
    fn text_and_svg_carry_content_and_colour() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 2));
        buf.set_string(
            0,
            0,
            "R2 <ACME>",
            Style::new().fg(Color::Black).bg(Color::Yellow),
        );
        buf.set_string(0, 1, "日本", Style::new());
        let text = buffer_to_text(&buf);
        assert_eq!(text, "R2 <ACME>\n日本\n");
        let svg = buffer_to_svg(&buf);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("&lt;"));
        assert!(svg.contains("#cdcd00"), "yellow background present");
        assert!(svg.contains("日"));
    }

    fn tempfile_dir() -> std::path::PathBuf {
        std::env::temp_dir().join(format!("recouvre-shots-{}", std::process::id()))
    }

    #[test]
    fn standard_screens_render_at_screenshot_size() {
        let base = crate::app::fixtures::state(crate::app::fixtures::today());
        let shots = standard_screens(&base);
        assert_eq!(shots[0].0, "main");
        for (name, st) in &shots {
            let text = buffer_to_text(&render_buffer(st, 140, 40));
            assert!(text.contains("recouvre"), "{name}");
        }
        let dir = tempfile_dir();
        let files = write_screens(&dir, &base, 120, 36).unwrap();
        assert_eq!(files.len(), shots.len() * 2);
        let _ = std::fs::remove_dir_all(&dir);
        let pay = &shots.iter().find(|s| s.0 == "payment_error").unwrap().1;
        assert!(buffer_to_text(&render_buffer(pay, 140, 40)).contains("12,345"));
    }
}
