//! A letter as an RFC 5322 message: From/Reply-To the creditor, To the debtor's addresses, the
//! letter's subject line as Subject (RFC 2047 when it has accents), the exact letter text as a
//! UTF-8 quoted-printable body and the PDF attached.

use std::time::SystemTime;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use crate::i18n::tf;

/// Everything a message is made of; `build` turns it into bytes without any I/O.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub from_name: String,
    pub from_address: String,
    pub to: Vec<String>,
    pub subject: String,
    /// The letter text, sent as is.
    pub body: String,
    /// File name and bytes of the PDF copy.
    pub pdf: Option<(String, Vec<u8>)>,
    pub message_id: String,
    pub date: SystemTime,
}

/// The debtor's addresses: several may be given, separated by `,` or `;`.
pub fn recipients(field: &str) -> Vec<String> {
    field
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn mailbox(name: Option<&str>, address: &str) -> Result<Mailbox, String> {
    let addr = address
        .parse()
        .map_err(|_| tf("mail.bad_address", &[("address", &address)]))?;
    Ok(Mailbox::new(name.map(str::to_string), addr))
}

/// A fresh Message-ID: time and 12 random bytes, at the creditor's domain
/// (`<20261201T185300.1a2b…@atelier-durand.fr>`).
pub fn message_id(from_address: &str) -> String {
    let domain = from_address
        .rsplit_once('@')
        .map(|(_, d)| d.trim())
        .filter(|d| {
            !d.is_empty()
                && d.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
        })
        .unwrap_or("recouvre.invalid");
    let mut random = [0u8; 12];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut random))
        .is_ok();
    if !filled {
        // No urandom: the clock's nanoseconds and the process id still make a collision
        // unlikely within one creditor's mail.
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let mixed = nanos ^ ((std::process::id() as u128) << 64);
        random.copy_from_slice(&mixed.to_le_bytes()[..12]);
    }
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    format!("<{stamp}.{hex}@{domain}>")
}

impl Outgoing {
    /// The message, or what is wrong with an address (named).
    pub fn build(&self) -> Result<Message, String> {
        if self.to.is_empty() {
            return Err(tf("mail.no_recipient", &[]));
        }
        let from = mailbox(Some(&self.from_name), &self.from_address)?;
        let mut b = Message::builder()
            .from(from.clone())
            .reply_to(from)
            .subject(self.subject.clone())
            .date(self.date)
            .message_id(Some(self.message_id.clone()))
            .user_agent(format!("recouvre {}", env!("CARGO_PKG_VERSION")));
        for to in &self.to {
            b = b.to(mailbox(None, to)?);
        }
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .header(ContentTransferEncoding::QuotedPrintable)
            .body(self.body.clone());
        let built = match &self.pdf {
            Some((name, bytes)) => {
                let pdf = ContentType::parse("application/pdf").expect("a valid MIME type");
                b.multipart(
                    MultiPart::mixed()
                        .singlepart(text)
                        .singlepart(Attachment::new(name.clone()).body(bytes.clone(), pdf)),
                )
            }
            None => b.singlepart(text),
        };
        built.map_err(|e| tf("mail.build_failed", &[("reason", &e)]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_split_on_commas_and_semicolons() {
        assert_eq!(
            recipients(" a@x.fr, b@y.fr;c@z.fr ;"),
            vec!["a@x.fr", "b@y.fr", "c@z.fr"]
        );
        assert!(recipients(" ; ").is_empty());
    }

    #[test]
    fn message_ids_are_unique_and_at_the_creditor_domain() {
        let a = message_id("compta@atelier-durand.fr");
        let b = message_id("compta@atelier-durand.fr");
        assert_ne!(a, b);
        assert!(
            a.starts_with('<') && a.ends_with("@atelier-durand.fr>"),
            "{a}"
        );
        assert!(message_id("[Courriel]").ends_with("@recouvre.invalid>"));
    }

    #[test]
    fn accents_are_encoded_in_headers_and_the_body_is_utf8() {
        let m = Outgoing {
            from_name: "Atelier Durand SAS".into(),
            from_address: "compta@atelier-durand.fr".into(),
            to: vec!["a@x.fr".into(), "b@y.fr".into()],
            subject: "Relance : facture impayée n° F-1".into(),
            body: "Madame, Monsieur,\nréglez 1 234,56 € avant le 3 décembre.\n".into(),
            pdf: Some(("lettre.pdf".into(), b"%PDF-1.7 fake".to_vec())),
            message_id: "<x.1@atelier-durand.fr>".into(),
            date: SystemTime::UNIX_EPOCH,
        }
        .build()
        .unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        assert!(raw.is_ascii(), "every byte of the message is 7-bit: {raw}");
        assert!(raw.contains("=?utf-8?b?"), "{raw}");
        assert!(raw.contains("Message-ID: <x.1@atelier-durand.fr>"), "{raw}");
        assert!(raw.contains("To: a@x.fr, b@y.fr"), "{raw}");
        assert!(raw.contains("application/pdf"), "{raw}");
        assert!(raw.contains("Date: "), "{raw}");
    }

    #[test]
    fn a_bad_address_is_named() {
        let e = Outgoing {
            from_name: "A".into(),
            from_address: "compta@a.fr".into(),
            to: vec!["pas une adresse".into()],
            subject: "s".into(),
            body: "b".into(),
            pdf: None,
            message_id: "<a@a.fr>".into(),
            date: SystemTime::UNIX_EPOCH,
        }
        .build()
        .unwrap_err();
        assert!(e.contains("pas une adresse"), "{e}");
    }
}
