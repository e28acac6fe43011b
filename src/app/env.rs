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

impl LetterEnv {
    /// What sending by e-mail needs. The TUI's configuration has its paths made absolute when
    /// it starts, so nothing is read relative to the working directory.
    pub fn mailer(&self) -> crate::outbox::Mailer<'_> {
        crate::outbox::Mailer {
            config: &self.profiles,
            config_dir: std::path::Path::new("."),
            rules: &self.rules,
            templates: &self.templates,
        }
    }

    /// Whether `[email]` names a way out: without it, "courriel" records a message the user
    /// sent from their own mail program.
    pub fn can_send_email(&self) -> bool {
        self.profiles.email.transport.is_some()
    }
}
