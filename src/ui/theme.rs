//! Colours and text attributes, chosen to stay readable on 8- and 16-colour terminals.
//!
//! Only the 16 named ANSI colours are used (never 256-colour or RGB), because the Linux console
//! and `screen` map anything else unpredictably. In 8-colour mode the bright variants are folded
//! onto the base ones; with NO_COLOR every colour is dropped and emphasis uses bold, underline and
//! reverse video. The stage is always spelled out in the badge, so colour only reinforces it.

use ratatui::style::{Color, Modifier, Style};

use crate::config::ui::{Background, ColorMode};
use crate::domain::fold::Stage;

/// The palette actually in use once the environment is taken into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    Sixteen,
    Eight,
    Mono,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub palette: Palette,
    pub background: Background,
}

impl Default for Theme {
    fn default() -> Self {
        Theme::new(Palette::Sixteen)
    }
}

impl Theme {
    pub fn new(palette: Palette) -> Theme {
        Theme {
            palette,
            background: Background::Dark,
        }
    }

    pub fn with_background(mut self, background: Background) -> Theme {
        self.background = background;
        self
    }

    /// Resolves the configured mode against NO_COLOR (any non-empty value, per no-color.org) and
    /// TERM. NO_COLOR wins even over an explicit mode: the user set it for a reason.
    pub fn resolve(mode: ColorMode, no_color: Option<&str>, term: Option<&str>) -> Theme {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return Theme::new(Palette::Mono);
        }
        let palette = match mode {
            ColorMode::None => Palette::Mono,
            ColorMode::Eight => Palette::Eight,
            ColorMode::Sixteen => Palette::Sixteen,
            ColorMode::Auto => {
                let term = term.unwrap_or("");
                if term == "dumb" {
                    Palette::Mono
                } else if term == "linux"
                    || term.starts_with("screen")
                    || term.starts_with("vt")
                    || term == "ansi"
                {
                    Palette::Eight
                } else {
                    Palette::Sixteen
                }
            }
        };
        Theme::new(palette)
    }

    pub fn from_env(mode: ColorMode) -> Theme {
        let no_color = std::env::var("NO_COLOR").ok();
        let term = std::env::var("TERM").ok();
        Theme::resolve(mode, no_color.as_deref(), term.as_deref())
    }

    fn color(&self, c: Color) -> Option<Color> {
        match self.palette {
            Palette::Mono => None,
            Palette::Sixteen => Some(c),
            Palette::Eight => Some(match c {
                Color::LightRed => Color::Red,
                Color::LightGreen => Color::Green,
                Color::LightYellow => Color::Yellow,
                Color::LightBlue => Color::Blue,
                Color::LightMagenta => Color::Magenta,
                Color::LightCyan => Color::Cyan,
                // Terminal colour 7 is what ratatui calls Gray; "White" is bright (15).
                Color::White | Color::DarkGray => Color::Gray,
                other => other,
            }),
        }
    }

    fn fg(&self, c: Color) -> Style {
        // On a light background the bright and grey text colours lose their contrast: use the
        // darker counterpart (backgrounds, as in badges, keep their colour).
        let c = match (self.background, c) {
            (Background::Dark, c) => c,
            (Background::Light, Color::LightRed) => Color::Red,
            (Background::Light, Color::LightGreen) => Color::Green,
            (Background::Light, Color::LightYellow) => Color::Yellow,
            (Background::Light, Color::LightBlue) => Color::Blue,
            (Background::Light, Color::LightMagenta) => Color::Magenta,
            (Background::Light, Color::LightCyan) => Color::Cyan,
            (Background::Light, Color::Gray | Color::White) => Color::DarkGray,
            (Background::Light, c) => c,
        };
        match self.color(c) {
            Some(c) => Style::new().fg(c),
            None => Style::new(),
        }
    }

    fn stage_color(stage: Stage) -> Color {
        match stage {
            Stage::NotDue => Color::Gray,
            Stage::Due => Color::LightYellow,
            Stage::Relance1 => Color::Cyan,
            Stage::Relance2 => Color::Yellow,
            Stage::Relance3 => Color::LightMagenta,
            Stage::MiseEnDemeure | Stage::LastNotice => Color::LightRed,
            Stage::Injonction => Color::Red,
            Stage::Enforcement | Stage::Agency => Color::Magenta,
            Stage::Disputed => Color::LightBlue,
            Stage::PaymentPlan => Color::LightCyan,
            Stage::Paid => Color::Green,
            Stage::WrittenOff => Color::DarkGray,
        }
    }

    /// The stage badge: black text on the stage colour; in mono, bold for stages past the
    /// reminders so the eye still finds the serious ones.
    pub fn stage_badge(&self, stage: Stage) -> Style {
        match self.color(Self::stage_color(stage)) {
            Some(bg) => Style::new().fg(Color::Black).bg(bg),
            None => {
                if stage >= Stage::MiseEnDemeure
                    && !stage.is_closed()
                    && stage != Stage::PaymentPlan
                {
                    Style::new().add_modifier(Modifier::BOLD)
                } else {
                    Style::new()
                }
            }
        }
    }

    /// Stage colour as text colour (chips in the header).
    pub fn stage_text(&self, stage: Stage) -> Style {
        self.fg(Self::stage_color(stage))
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn border(&self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn border_focused(&self) -> Style {
        match self.palette {
            Palette::Mono => Style::new().add_modifier(Modifier::BOLD),
            _ => self.fg(Color::LightCyan),
        }
    }

    pub fn selected(&self) -> Style {
        // Reverse video works everywhere, including NO_COLOR and the Linux console.
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn due_today(&self) -> Style {
        self.fg(Color::LightYellow).add_modifier(Modifier::BOLD)
    }

    pub fn overdue(&self) -> Style {
        let s = self.fg(Color::LightRed).add_modifier(Modifier::BOLD);
        if self.palette == Palette::Mono {
            s.add_modifier(Modifier::UNDERLINED)
        } else {
            s
        }
    }

    pub fn dim(&self) -> Style {
        match self.palette {
            Palette::Mono => Style::new(),
            _ => self.fg(Color::DarkGray),
        }
    }

    pub fn label(&self) -> Style {
        self.fg(Color::Gray)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::LightCyan).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::LightRed).add_modifier(Modifier::BOLD)
    }

    pub fn success(&self) -> Style {
        self.fg(Color::LightGreen)
    }

    pub fn info(&self) -> Style {
        Style::new()
    }

    pub fn money(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn cancelled(&self) -> Style {
        self.dim().add_modifier(Modifier::CROSSED_OUT)
    }

    pub fn input(&self) -> Style {
        match self.palette {
            Palette::Mono => Style::new().add_modifier(Modifier::UNDERLINED),
            _ => Style::new()
                .bg(self.color(Color::Blue).unwrap_or(Color::Reset))
                .fg(self.color(Color::White).unwrap_or(Color::Reset)),
        }
    }

    pub fn input_focused(&self) -> Style {
        match self.palette {
            Palette::Mono => Style::new().add_modifier(Modifier::REVERSED),
            _ => Style::new()
                .bg(self.color(Color::LightBlue).unwrap_or(Color::Reset))
                .fg(Color::Black),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_over_everything() {
        let t = Theme::resolve(ColorMode::Sixteen, Some("1"), Some("xterm-256color"));
        assert_eq!(t.palette, Palette::Mono);
        // An empty NO_COLOR does not count (no-color.org).
        let t = Theme::resolve(ColorMode::Auto, Some(""), Some("xterm"));
        assert_eq!(t.palette, Palette::Sixteen);
    }

    #[test]
    fn light_background_darkens_text_colours() {
        let t = Theme::new(Palette::Sixteen).with_background(Background::Light);
        assert_eq!(t.label().fg, Some(Color::DarkGray));
        assert_eq!(t.overdue().fg, Some(Color::Red));
    }

    #[test]
    fn linux_console_gets_eight_colours_only() {
        let t = Theme::resolve(ColorMode::Auto, None, Some("linux"));
        assert_eq!(t.palette, Palette::Eight);
        for st in Stage::ALL {
            let s = t.stage_badge(st);
            for c in [s.fg, s.bg].into_iter().flatten() {
                assert!(
                    matches!(
                        c,
                        Color::Black
                            | Color::Red
                            | Color::Green
                            | Color::Yellow
                            | Color::Blue
                            | Color::Magenta
                            | Color::Cyan
                            | Color::Gray
                    ),
                    "{st:?}: {c:?}"
                );
            }
        }
    }
}
