//! `config.toml`: the creditor's identity and the user's preferences.
//!
//! A missing file works with visible placeholders and a warning; an unknown key or a bad value is
//! an error naming the key, so a typo never silently falls back to a default.

pub mod email;
pub mod import;
pub mod letters;
pub mod ui;

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::domain::assess::Rules;
use crate::domain::event::Channel;
use crate::domain::letters::Templates;
use crate::domain::model::{Creditor, ProfileId};
use crate::domain::money::deadline::DEADLINE_DAYS;
use crate::domain::money::{rates, ChannelRules, DeadlineRules, MoneyRules, RateTable};
use crate::domain::schedule::{Profile, Profiles, Step, NOTICE};
use crate::i18n::{tf, Lang};

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// "fr" (default) or "en"; the locale decides when unset.
    pub language: Option<String>,
    #[serde(default)]
    pub creditor: CreditorConfig,
    #[serde(default)]
    pub defaults: Defaults,
    /// Replacement schedules for the built-in profiles.
    #[serde(default)]
    pub profiles: ProfilesConfig,
    /// Imputation of payments, the recovery indemnity, the limitation warning period.
    #[serde(default)]
    pub money: MoneyRules,
    /// Notice periods (default 8 days B2B, 15 B2C, 14 for a NL/BE last notice).
    #[serde(default)]
    pub deadlines: DeadlineRules,
    /// Thresholds and prices behind the sending-channel advice.
    #[serde(default)]
    pub channels: ChannelRules,
    /// The full-screen interface: keymap, colours, refresh.
    #[serde(default)]
    pub ui: ui::UiConfig,
    /// What an import from the accounting system assumes where the file is silent.
    #[serde(default)]
    pub import: import::ImportConfig,
    /// Printable letters: outbox folder, letterhead logo.
    #[serde(default)]
    pub letters: letters::LettersConfig,
    /// Sending letters by e-mail: SMTP server or sendmail.
    #[serde(default)]
    pub email: email::EmailConfig,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ProfilesConfig {
    pub b2b: Option<ProfileConfig>,
    pub b2c: Option<ProfileConfig>,
    pub rent: Option<ProfileConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileConfig {
    pub steps: Vec<StepConfig>,
}

/// One rung: `{ step = "relance_1", day = 5, channel = "email" }`; `day` counts from the due date.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepConfig {
    pub step: String,
    pub day: i64,
    pub channel: String,
}

impl ProfileConfig {
    /// Checks and converts a configured schedule; the message names the profile and the rung.
    fn to_profile(&self, id: ProfileId) -> Result<Profile, String> {
        let name = id.slug();
        let mut steps = Vec::new();
        for (i, s) in self.steps.iter().enumerate() {
            let level = match s.step.as_str() {
                "relance_1" => 1,
                "relance_2" => 2,
                "relance_3" => 3,
                "notice" | "mise_en_demeure" => NOTICE,
                other => {
                    return Err(tf(
                        "config.bad_step",
                        &[("profile", &name), ("index", &(i + 1)), ("value", &other)],
                    ))
                }
            };
            let channel = Channel::parse(&s.channel).ok_or_else(|| {
                tf(
                    "config.bad_step_channel",
                    &[
                        ("profile", &name),
                        ("index", &(i + 1)),
                        ("value", &s.channel),
                    ],
                )
            })?;
            if level == NOTICE && !channel.is_formal() {
                return Err(tf(
                    "config.bad_step_channel",
                    &[
                        ("profile", &name),
                        ("index", &(i + 1)),
                        ("value", &s.channel),
                    ],
                ));
            }
            if !PROFILE_DAYS.contains(&s.day) {
                return Err(out_of_range(
                    &format!("profiles.{name}, step {}: day", i + 1),
                    &s.day,
                    PROFILE_DAYS.start(),
                    PROFILE_DAYS.end(),
                ));
            }
            steps.push(Step {
                level,
                offset: s.day,
                channel,
            });
        }
        let ordered = steps.windows(2).all(|w| {
            w[0].offset <= w[1].offset
                && w[0].level != NOTICE
                && (w[1].level == NOTICE || w[1].level > w[0].level)
        });
        if !ordered || steps.last().is_none_or(|s| s.level != NOTICE) {
            return Err(tf("config.bad_profile_order", &[("profile", &name)]));
        }
        Ok(Profile { id, steps })
    }
}

impl Profiles for Config {
    fn profile(&self, id: ProfileId) -> Profile {
        let configured = match id {
            ProfileId::B2b => &self.profiles.b2b,
            ProfileId::B2c => &self.profiles.b2c,
            ProfileId::Rent => &self.profiles.rent,
        };
        // Validated at load time; a profile that fails here was never accepted.
        configured
            .as_ref()
            .and_then(|p| p.to_profile(id).ok())
            .unwrap_or_else(|| Profile::builtin(id))
    }
}

/// Days from the due date a configured schedule step may fall on (ten years).
pub const PROFILE_DAYS: std::ops::RangeInclusive<i64> = 0..=3650;
/// Largest recovery indemnity per invoice (the statutory one is 40 €).
const MAX_INDEMNITY: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);
/// Largest price of a sending channel (a lawyer's letter included).
const MAX_PRICE: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);
/// Days a warning threshold on notice deadlines may take.
const WARN_DAYS: std::ops::RangeInclusive<i64> = 0..=365;

fn out_of_range(
    key: &str,
    value: &dyn std::fmt::Display,
    min: &dyn std::fmt::Display,
    max: &dyn std::fmt::Display,
) -> String {
    tf(
        "config.out_of_range",
        &[("key", &key), ("value", value), ("min", min), ("max", max)],
    )
}

/// `[import] payment_terms_days` within [`import::TERMS_DAYS`].
fn check_import(c: &import::ImportConfig) -> Result<(), String> {
    if import::TERMS_DAYS.contains(&c.payment_terms_days) {
        return Ok(());
    }
    Err(out_of_range(
        "[import] payment_terms_days",
        &c.payment_terms_days,
        import::TERMS_DAYS.start(),
        import::TERMS_DAYS.end(),
    ))
}

/// Every number of the `[money]`, `[deadlines]` and `[channels]` sections within its range, so
/// that a typo (an indemnity of 4e20, a deadline of -30 days) is refused at start-up with the
/// key and the range instead of overflowing or printing nonsense in a letter.
fn check_numbers(cfg: &Config) -> Result<(), String> {
    let money = |key: &str, v: Decimal, max: Decimal| {
        if v.is_sign_negative() && !v.is_zero() || v > max {
            Err(out_of_range(key, &v, &"0", &crate::i18n::money(max)))
        } else {
            Ok(())
        }
    };
    let days = |key: &str, v: i64, range: &std::ops::RangeInclusive<i64>| {
        if range.contains(&v) {
            Ok(())
        } else {
            Err(out_of_range(key, &v, range.start(), range.end()))
        }
    };
    let m = &cfg.money;
    money(
        "[money] recovery_indemnity",
        m.recovery_indemnity,
        MAX_INDEMNITY,
    )?;
    if m.limitation_warning_months > 120 {
        return Err(out_of_range(
            "[money] limitation_warning_months",
            &m.limitation_warning_months,
            &0,
            &120,
        ));
    }
    let d = &cfg.deadlines;
    for (key, v) in [
        ("[deadlines] b2b_days", d.b2b_days),
        ("[deadlines] b2c_days", d.b2c_days),
        ("[deadlines] last_notice_min_days", d.last_notice_min_days),
    ] {
        days(key, v, &DEADLINE_DAYS)?;
    }
    days("[deadlines] warn_below_days", d.warn_below_days, &WARN_DAYS)?;
    days("[deadlines] warn_above_days", d.warn_above_days, &WARN_DAYS)?;
    let c = &cfg.channels;
    let max_amount = crate::domain::parse::MAX_AMOUNT;
    money(
        "[channels] commissaire_from",
        c.commissaire_from,
        max_amount,
    )?;
    money("[channels] lawyer_from", c.lawyer_from, max_amount)?;
    for (key, v) in [
        ("[channels] lrar_price", c.lrar_price),
        ("[channels] ar_option_min", c.ar_option_min),
        ("[channels] ar_option_max", c.ar_option_max),
        ("[channels] commissaire_min", c.commissaire_min),
        ("[channels] commissaire_max", c.commissaire_max),
        ("[channels] lawyer_min", c.lawyer_min),
        ("[channels] lawyer_max", c.lawyer_max),
    ] {
        money(key, v, MAX_PRICE)?;
    }
    let hundred = Decimal::from(100);
    if c.max_cost_percent.is_sign_negative() || c.max_cost_percent > hundred {
        return Err(out_of_range(
            "[channels] max_cost_percent",
            &c.max_cost_percent,
            &0,
            &100,
        ));
    }
    if c.repeat_offender_after > 1000 {
        return Err(out_of_range(
            "[channels] repeat_offender_after",
            &c.repeat_offender_after,
            &0,
            &1000,
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Schedule profile for new dossiers: "b2b", "b2c" or "rent" (else chosen by debtor type).
    pub profile: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CreditorConfig {
    pub name: Option<String>,
    #[serde(default)]
    pub address: Vec<String>,
    pub city: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub siren: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub account_holder: Option<String>,
    pub signatory_name: Option<String>,
    pub signatory_function: Option<String>,
    /// True when the creditor is a natural person not acting professionally (changes the legal
    /// interest rate that applies to consumers).
    #[serde(default)]
    pub natural_person: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", tf("config.unreadable", &[("path", &path.display()), ("reason", reason)]))]
    Unreadable { path: PathBuf, reason: String },
    #[error("{}", tf("config.invalid", &[("path", &path.display()), ("reason", reason)]))]
    Invalid { path: PathBuf, reason: String },
}

/// A loaded configuration plus the warnings to show once (missing file, placeholders, modes).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
    pub warnings: Vec<String>,
}

impl Config {
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            reason: e.to_string().trim().to_string(),
        })?;
        if let Some(l) = &cfg.language {
            if Lang::parse(l).is_none() {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    reason: tf("config.bad_language", &[("value", l)]),
                });
            }
        }
        for (id, p) in [
            (ProfileId::B2b, &cfg.profiles.b2b),
            (ProfileId::B2c, &cfg.profiles.b2c),
            (ProfileId::Rent, &cfg.profiles.rent),
        ] {
            if let Some(p) = p {
                p.to_profile(id).map_err(|reason| ConfigError::Invalid {
                    path: path.to_path_buf(),
                    reason,
                })?;
            }
        }
        check_numbers(&cfg)
            .and_then(|_| check_import(&cfg.import))
            .and_then(|_| cfg.email.check())
            .map_err(|reason| ConfigError::Invalid {
                path: path.to_path_buf(),
                reason,
            })?;
        if let Some(p) = &cfg.defaults.profile {
            if ProfileId::parse(p).is_none() {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    reason: tf("config.bad_profile", &[("value", p)]),
                });
            }
        }
        Ok(cfg)
    }

    /// Loads `path`; a missing file gives the defaults and a warning.
    pub fn load(path: &Path, explicit: bool) -> Result<Loaded, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let config = Config::parse(path, &text)?;
                let mut warnings = Vec::new();
                if config.creditor.name.is_none() || config.creditor.iban.is_none() {
                    warnings.push(tf("config.placeholders", &[("path", &path.display())]));
                }
                Ok(Loaded {
                    config,
                    path: Some(path.to_path_buf()),
                    warnings,
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(Loaded {
                config: Config::default(),
                path: None,
                warnings: vec![tf("config.missing", &[("path", &path.display())])],
            }),
            Err(e) => Err(ConfigError::Unreadable {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }),
        }
    }

    /// The rules in force: built-in rates plus the user's `rates.toml` beside the config file
    /// (same `[[semester]]` format as the built-in table; a row there adds or replaces a
    /// half-year), and the `[money]`, `[deadlines]`, `[channels]` sections.
    pub fn rules(&self, config_dir: &Path) -> Result<Rules, ConfigError> {
        let path = config_dir.join("rates.toml");
        let mut table = RateTable::builtin();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let invalid = |e: crate::domain::money::MoneyError| ConfigError::Invalid {
                    path: path.clone(),
                    reason: e.to_string(),
                };
                let rows = rates::parse_rows(&text).map_err(invalid)?;
                table = table
                    .with_overrides(rows, &path.display().to_string())
                    .map_err(invalid)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(ConfigError::Unreadable {
                    path,
                    reason: e.to_string(),
                })
            }
        }
        Ok(Rules {
            rates: table,
            money: self.money.clone(),
            deadlines: self.deadlines.clone(),
            channels: self.channels.clone(),
            creditor: self.creditor(),
        })
    }

    /// Letter templates: the built-in ones, each replaced by a file of the same name in
    /// `<config dir>/templates/` when there is one.
    pub fn templates(config_dir: &Path) -> Result<Templates, ConfigError> {
        let mut templates = Templates::builtin();
        let dir = config_dir.join("templates");
        for info in Templates::builtin().list() {
            let path = dir.join(&info.file_name);
            match std::fs::read_to_string(&path) {
                Ok(source) => templates
                    .set_override(&info.name, source, path.clone())
                    .map_err(|e| ConfigError::Invalid {
                        path: path.clone(),
                        reason: e.to_string(),
                    })?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(ConfigError::Unreadable {
                        path,
                        reason: e.to_string(),
                    })
                }
            }
        }
        Ok(templates)
    }

    pub fn lang(&self) -> Option<Lang> {
        self.language.as_deref().and_then(Lang::parse)
    }

    pub fn default_profile(&self) -> Option<ProfileId> {
        self.defaults.profile.as_deref().and_then(ProfileId::parse)
    }

    /// The creditor for letters; unset fields become visible placeholders, never blanks.
    pub fn creditor(&self) -> Creditor {
        let c = &self.creditor;
        let or = |v: &Option<String>, ph: &str| v.clone().unwrap_or_else(|| format!("[{ph}]"));
        Creditor {
            name: or(&c.name, "Votre société"),
            address: if c.address.is_empty() {
                vec!["[Adresse]".into(), "[Code postal Ville]".into()]
            } else {
                c.address.clone()
            },
            city: or(&c.city, "Ville"),
            phone: or(&c.phone, "Téléphone"),
            email: or(&c.email, "Courriel"),
            siren: or(&c.siren, "SIREN"),
            iban: or(&c.iban, "IBAN"),
            bic: or(&c.bic, "BIC"),
            account_holder: c
                .account_holder
                .clone()
                .or_else(|| c.name.clone())
                .unwrap_or_else(|| "[Titulaire du compte]".into()),
            signatory_name: or(&c.signatory_name, "Nom du signataire"),
            signatory_function: or(&c.signatory_function, "Fonction"),
            natural_person: c.natural_person,
        }
    }
}

/// Where things live by default (XDG): config in ~/.config/recouvre, data in
/// ~/.local/share/recouvre.
pub struct Dirs {
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Dirs {
    pub fn new() -> Dirs {
        match directories::ProjectDirs::from("", "", "recouvre") {
            Some(p) => Dirs {
                config_dir: p.config_dir().to_path_buf(),
                data_dir: p.data_dir().to_path_buf(),
            },
            // No home directory (a service account): fall back to the working directory.
            None => Dirs {
                config_dir: PathBuf::from(".recouvre"),
                data_dir: PathBuf::from(".recouvre"),
            },
        }
    }
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
    pub fn default_db(&self) -> PathBuf {
        self.data_dir.join("db")
    }
    pub fn demo_db(&self) -> PathBuf {
        self.data_dir.join("demo")
    }
}

impl Default for Dirs {
    fn default() -> Self {
        Dirs::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = Config::parse(
            Path::new("c.toml"),
            "[creditor]\nname = \"ACME\"\nibann = \"FR76\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("ibann"), "{err}");
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn bad_language_and_profile_are_rejected() {
        assert!(Config::parse(Path::new("c"), "language = \"de\"")
            .unwrap_err()
            .to_string()
            .contains("de"));
        assert!(Config::parse(Path::new("c"), "[defaults]\nprofile = \"x\"").is_err());
    }

    #[test]
    fn configured_profiles_replace_the_builtin_ones_and_are_checked() {
        let cfg = Config::parse(
            Path::new("c"),
            "[profiles.b2c]\nsteps = [\n  { step = \"relance_1\", day = 2, channel = \"email\" },\n  { step = \"notice\", day = 20, channel = \"lrar\" },\n]\n",
        )
        .unwrap();
        let p = cfg.profile(ProfileId::B2c);
        assert_eq!(p.steps.len(), 2);
        assert_eq!(p.steps[1].offset, 20);
        assert_eq!(
            cfg.profile(ProfileId::B2b),
            Profile::builtin(ProfileId::B2b)
        );
        let err = Config::parse(
            Path::new("c"),
            "[profiles.b2b]\nsteps = [{ step = \"notice\", day = 20, channel = \"email\" }]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("b2b") && err.contains("email"), "{err}");
        assert!(Config::parse(
            Path::new("c"),
            "[profiles.rent]\nsteps = [{ step = \"relance_1\", day = 20, channel = \"email\" }]\n",
        )
        .is_err(), "a schedule without a notice is refused");
    }

    #[test]
    fn numbers_out_of_range_are_refused_with_the_key_and_the_range() {
        for (text, key) in [
            ("[money]\nrecovery_indemnity = \"400000000000000000000\"\n", "[money] recovery_indemnity"),
            ("[money]\nrecovery_indemnity = \"-40\"\n", "[money] recovery_indemnity"),
            ("[deadlines]\nb2b_days = -30\n", "[deadlines] b2b_days"),
            ("[deadlines]\nb2c_days = 3000000\n", "[deadlines] b2c_days"),
            ("[channels]\nlrar_price = \"100000000\"\n", "[channels] lrar_price"),
            (
                "[profiles.b2b]\nsteps = [{ step = \"notice\", day = 9000000000000000000, channel = \"lrar\" }]\n",
                "profiles.b2b",
            ),
        ] {
            let err = Config::parse(Path::new("c.toml"), text);
            let err = match err {
                Err(e) => e.to_string(),
                Ok(_) => panic!("{text} accepted"),
            };
            assert!(err.contains(key), "{err}");
        }
        crate::i18n::set_lang(crate::i18n::Lang::Fr);
        let err = Config::parse(Path::new("c.toml"), "[deadlines]\nb2b_days = 0\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("1 à 90"), "{err}");
        assert!(Config::parse(
            Path::new("c.toml"),
            "[money]\nrecovery_indemnity = \"40\"\n[deadlines]\nb2b_days = 90\n"
        )
        .is_ok());
    }

    #[test]
    fn placeholders_are_visible() {
        let c = Config::default().creditor();
        assert_eq!(c.iban, "[IBAN]");
        assert!(c.name.starts_with('['));
    }
}
