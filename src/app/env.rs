//! What the money figures and the letters are computed with besides the dossier.

use crate::config::Config;
use crate::domain::assess::Rules;
use crate::domain::letters::Templates;

/// What the letter engine needs besides the dossier: rules (rates, creditor), templates (with the
/// user's overrides) and the schedule profiles. Loaded once at startup by the CLI.
#[derive(Debug, Clone)]
pub struct LetterEnv {
    pub rules: Rules,
    pub templates: Templates,
    pub profiles: Config,
}

impl Default for LetterEnv {
    fn default() -> Self {
        LetterEnv {
            rules: Rules::default(),
            templates: Templates::builtin(),
            profiles: Config::default(),
        }
    }
}
