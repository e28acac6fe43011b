//! Handing a built message to an SMTP server or to the local `sendmail` (blocking, with a
//! timeout). The error keeps what the server said.

use std::path::PathBuf;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls as LettreTls, TlsParameters};
use lettre::{Message, SendmailTransport, SmtpTransport, Transport as _};
use serde::Deserialize;

use crate::i18n::tf;

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tls {
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Implicit,
    /// No encryption at all: only for a server on this machine.
    None,
}

impl Tls {
    pub fn default_port(self) -> u16 {
        match self {
            Tls::Starttls => 587,
            Tls::Implicit => 465,
            Tls::None => 25,
        }
    }
}

/// Where messages go, with everything needed to connect (the password already read).
#[derive(Clone)]
pub enum Transport {
    Smtp {
        host: String,
        port: u16,
        tls: Tls,
        user: Option<String>,
        password: Option<String>,
        timeout: Duration,
    },
    Sendmail {
        path: PathBuf,
    },
}

impl std::fmt::Debug for Transport {
    // Never prints the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.describe())
    }
}

impl Transport {
    /// For messages: `smtp://host:port (starttls)` or the sendmail program.
    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp {
                host, port, tls, ..
            } => format!("smtp://{host}:{port} ({tls:?})").to_lowercase(),
            Transport::Sendmail { path } => path.display().to_string(),
        }
    }

    /// Sends `message`; `Ok` carries the server's reply to the message (with its queue id,
    /// when the server gives one). `Err` says what the server said, or why it could not be
    /// reached.
    pub fn send(&self, message: &Message) -> Result<String, String> {
        let failed = |reason: &dyn std::fmt::Display| {
            tf(
                "mail.send_failed",
                &[
                    ("server", &self.describe()),
                    ("reason", &printable(&reason.to_string())),
                ],
            )
        };
        match self {
            Transport::Smtp {
                host,
                port,
                tls,
                user,
                password,
                timeout,
            } => {
                let params = || TlsParameters::new(host.clone()).map_err(|e| failed(&e));
                let tls = match tls {
                    Tls::Starttls => LettreTls::Required(params()?),
                    Tls::Implicit => LettreTls::Wrapper(params()?),
                    Tls::None => LettreTls::None,
                };
                let mut b = SmtpTransport::builder_dangerous(host.as_str())
                    .port(*port)
                    .tls(tls)
                    .timeout(Some(*timeout));
                if let Some(user) = user {
                    b = b.credentials(Credentials::new(
                        user.clone(),
                        password.clone().unwrap_or_default(),
                    ));
                }
                let response = b.build().send(message).map_err(|e| failed(&e))?;
                let words: Vec<&str> = response.message().collect();
                Ok(printable(&format!(
                    "{} {}",
                    response.code(),
                    words.join(" ")
                )))
            }
            Transport::Sendmail { path } => {
                SendmailTransport::new_with_command(path.as_os_str())
                    .send(message)
                    .map_err(|e| failed(&e))?;
                Ok(tf("mail.sendmail_accepted", &[("path", &path.display())]))
            }
        }
    }
}

/// A server's words as the journal may keep them: control characters (a hostile or broken
/// server could send escape sequences) become spaces.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
