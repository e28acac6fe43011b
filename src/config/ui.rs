//! The `[ui]` section of config.toml: how the full-screen interface looks and behaves. Plain
//! settings; the terminal interface turns them into a keymap and a theme.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The `[ui]` section of config.toml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// `default`, `vim`, `emacs`, or the path of a complete keymap file.
    pub keymap: String,
    /// A file of single-binding overrides applied over `keymap` (the CLI passes
    /// `<config dir>/keymap.toml` when it exists).
    pub keymap_file: Option<PathBuf>,
    /// `auto` (default; honours NO_COLOR and TERM), `16`, `8` or `none`.
    pub colors: ColorMode,
    /// `dark` (default) or `light`: the terminal's background, so text keeps its contrast.
    pub theme: Background,
    /// Seconds between checks for other users' writes; 0 turns live refresh off.
    pub refresh_seconds: u64,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            keymap: "default".into(),
            keymap_file: None,
            colors: ColorMode::Auto,
            theme: Background::Dark,
            refresh_seconds: 1,
        }
    }
}

/// What the user asks for in `[ui] colors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColorMode {
    /// NO_COLOR → none; TERM=linux/screen/vt* → 8; otherwise 16.
    #[default]
    Auto,
    #[serde(rename = "16")]
    Sixteen,
    #[serde(rename = "8")]
    Eight,
    None,
}

/// Terminal background, from `[ui] theme`: text colours that read well on black vanish on white.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Background {
    #[default]
    Dark,
    Light,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_config_rejects_unknown_keys_and_has_defaults() {
        let c: UiConfig =
            toml::from_str("keymap = \"vim\"\ncolors = \"8\"\ntheme = \"light\"").unwrap();
        assert_eq!(c.theme, Background::Light);
        assert_eq!(c.keymap, "vim");
        assert_eq!(c.colors, ColorMode::Eight);
        assert_eq!(c.refresh_seconds, 1);
        assert!(toml::from_str::<UiConfig>("keymapp = \"vim\"").is_err());
    }
}
