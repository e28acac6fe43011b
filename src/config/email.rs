//! `[email]`: how letters leave by e-mail — an SMTP server or the local `sendmail`. The password
//! is never in this file: it comes from `RECOUVRE_SMTP_PASSWORD` or a `password_file` only its
//! owner can read.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::i18n::tf;
use crate::mail::{Tls, Transport};

/// The environment variable that carries the SMTP password.
pub const PASSWORD_ENV: &str = "RECOUVRE_SMTP_PASSWORD";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    Smtp,
    Sendmail,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    /// "smtp" or "sendmail"; unset, nothing can be sent by e-mail.
    pub transport: Option<TransportKind>,
    pub host: Option<String>,
    /// Default: 587 (starttls), 465 (implicit), 25 (none).
    pub port: Option<u16>,
    #[serde(default)]
    pub tls: Tls,
    pub user: Option<String>,
    /// A file holding the password, readable by its owner only (mode 600 or 400).
    pub password_file: Option<PathBuf>,
    /// Only here to be refused by name: a password never lives in the configuration.
    password: Option<toml::Value>,
    /// Seconds to wait for the server at each step (default 20).
    pub timeout_seconds: Option<u64>,
    /// Default /usr/sbin/sendmail.
    pub sendmail_path: Option<PathBuf>,
}

pub const DEFAULT_TIMEOUT_SECONDS: u64 = 20;
const TIMEOUT_RANGE: std::ops::RangeInclusive<u64> = 1..=600;

fn is_local(host: &str) -> bool {
    matches!(
        host.trim_matches(['[', ']']),
        "127.0.0.1" | "localhost" | "::1"
    )
}

impl EmailConfig {
    /// What can be checked without the environment: called when the configuration is loaded.
    pub fn check(&self) -> Result<(), String> {
        if self.password.is_some() {
            return Err(tf(
                "config.email.password_in_config",
                &[("env", &PASSWORD_ENV)],
            ));
        }
        if let Some(t) = self.timeout_seconds {
            if !TIMEOUT_RANGE.contains(&t) {
                return Err(tf(
                    "config.out_of_range",
                    &[
                        ("key", &"[email] timeout_seconds"),
                        ("value", &t),
                        ("min", TIMEOUT_RANGE.start()),
                        ("max", TIMEOUT_RANGE.end()),
                    ],
                ));
            }
        }
        if self.transport == Some(TransportKind::Smtp) {
            let host = self.host.as_deref().unwrap_or_default();
            if host.trim().is_empty() {
                return Err(tf("config.email.no_host", &[]));
            }
            if self.tls == Tls::None && !is_local(host) {
                return Err(tf("config.email.plain_remote", &[("host", &host)]));
            }
        }
        Ok(())
    }

    /// The same, with `password_file` made absolute (the TUI resolves its paths once, at start).
    pub fn resolved(&self, config_dir: &Path) -> EmailConfig {
        let mut c = self.clone();
        c.password_file = c.password_file.map(|p| config_dir.join(p));
        c
    }

    /// The transport to send with, the password read now; an error says what to configure.
    pub fn transport(&self, config_dir: &Path) -> Result<Transport, String> {
        self.check()?;
        match self.transport {
            None => Err(tf("config.email.not_configured", &[])),
            Some(TransportKind::Sendmail) => Ok(Transport::Sendmail {
                path: self
                    .sendmail_path
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("/usr/sbin/sendmail")),
            }),
            Some(TransportKind::Smtp) => {
                let host = self.host.clone().unwrap_or_default();
                let password = match &self.user {
                    Some(_) => Some(self.password(config_dir)?),
                    None => None,
                };
                Ok(Transport::Smtp {
                    port: self.port.unwrap_or(self.tls.default_port()),
                    host,
                    tls: self.tls,
                    user: self.user.clone(),
                    password,
                    timeout: Duration::from_secs(
                        self.timeout_seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS),
                    ),
                })
            }
        }
    }

    /// The password: the environment first, else the owner-only file.
    fn password(&self, config_dir: &Path) -> Result<String, String> {
        if let Ok(p) = std::env::var(PASSWORD_ENV) {
            if !p.is_empty() {
                return Ok(p);
            }
        }
        let Some(file) = &self.password_file else {
            return Err(tf("config.email.no_password", &[("env", &PASSWORD_ENV)]));
        };
        let path = if file.is_absolute() {
            file.clone()
        } else {
            config_dir.join(file)
        };
        let unreadable = |e: &dyn std::fmt::Display| {
            tf(
                "config.email.password_unreadable",
                &[("path", &path.display()), ("reason", e)],
            )
        };
        let meta = std::fs::metadata(&path).map_err(|e| unreadable(&e))?;
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(tf(
                "config.email.password_file_open",
                &[("path", &path.display()), ("mode", &format!("{mode:o}"))],
            ));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| unreadable(&e))?;
        Ok(text.trim_end_matches(['\n', '\r']).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<EmailConfig, String> {
        let c: EmailConfig = toml::from_str(s).map_err(|e| e.to_string())?;
        c.check().map(|_| c)
    }

    #[test]
    fn plain_smtp_is_only_for_this_machine() {
        assert!(parse("transport = \"smtp\"\nhost = \"127.0.0.1\"\ntls = \"none\"").is_ok());
        assert!(parse("transport = \"smtp\"\nhost = \"localhost\"\ntls = \"none\"").is_ok());
        let e =
            parse("transport = \"smtp\"\nhost = \"smtp.example.fr\"\ntls = \"none\"").unwrap_err();
        assert!(e.contains("smtp.example.fr"), "{e}");
    }

    #[test]
    fn a_password_in_the_file_is_refused_by_name() {
        let e = parse("transport = \"smtp\"\nhost = \"h\"\npassword = \"secret\"").unwrap_err();
        assert!(e.contains(PASSWORD_ENV), "{e}");
        assert!(!e.contains("secret"), "{e}");
    }

    #[test]
    fn defaults_port_by_tls_and_timeout() {
        let c =
            parse("transport = \"smtp\"\nhost = \"smtp.example.fr\"\ntls = \"implicit\"").unwrap();
        match c.transport(Path::new("/nonexistent")).unwrap() {
            Transport::Smtp { port, timeout, .. } => {
                assert_eq!(port, 465);
                assert_eq!(timeout, Duration::from_secs(20));
            }
            other => panic!("{other:?}"),
        }
        assert!(parse("tls = \"ssl\"").is_err());
        assert!(parse("timeout_seconds = 0").is_err());
    }

    #[test]
    fn a_password_file_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        let c = EmailConfig {
            transport: Some(TransportKind::Smtp),
            host: Some("smtp.example.fr".into()),
            user: Some("u".into()),
            password_file: Some(f.clone()),
            ..Default::default()
        };
        if std::env::var(PASSWORD_ENV).is_ok() {
            return; // the environment wins; nothing to check here
        }
        let e = c.password(dir.path()).unwrap_err();
        assert!(e.contains("644"), "{e}");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(c.password(dir.path()).unwrap(), "s3cret");
    }
}
