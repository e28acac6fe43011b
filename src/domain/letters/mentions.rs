//! Checks that an (edited) letter still carries the mentions the law or practice requires.
//!
//! The check is textual and forgiving about layout: case, line breaks, indentation and no-break
//! spaces are ignored, so re-wrapping a paragraph never makes a mention "disappear".

use serde::Serialize;

use super::context::LetterContext;
use super::step::LetterStep;
use crate::i18n::t;

/// A mandatory mention of a formal notice (the nine) or of a NL/BE consumer last notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mention {
    /// 1. Creditor's full details (name and address).
    Creditor,
    /// 2. Debtor's exact details (name and registered office).
    Debtor,
    /// 3. "MISE EN DEMEURE" in the subject line.
    NoticeTitle,
    /// 4. Date of writing (place and date line).
    WritingDate,
    /// 5. The claim: invoice numbers, amount, due dates (refund: reason and sum).
    Claim,
    /// 6. Dates of the previous reminders.
    PreviousReminders,
    /// 7. Time allowed to pay and the resulting date.
    Deadline,
    /// 8. Consequences of non-payment (court action, injonction de payer).
    Consequences,
    /// 9. Signature: name and function.
    Signature,
    // NL/BE last notice.
    InvoiceNumber,
    InvoiceDate,
    DueDate,
    AmountOutstanding,
    CustomerNumber,
    Description,
    PaymentDeadline,
    BankDetails,
    CollectionCosts,
    PaymentReference,
}

impl Mention {
    /// The nine mentions of a mise en demeure, in the order of domain.md.
    pub const NOTICE: [Mention; 9] = [
        Mention::Creditor,
        Mention::Debtor,
        Mention::NoticeTitle,
        Mention::WritingDate,
        Mention::Claim,
        Mention::PreviousReminders,
        Mention::Deadline,
        Mention::Consequences,
        Mention::Signature,
    ];

    /// What a NL/BE consumer last notice must list.
    pub const LAST_NOTICE: [Mention; 10] = [
        Mention::InvoiceNumber,
        Mention::InvoiceDate,
        Mention::DueDate,
        Mention::AmountOutstanding,
        Mention::CustomerNumber,
        Mention::Description,
        Mention::PaymentDeadline,
        Mention::BankDetails,
        Mention::CollectionCosts,
        Mention::PaymentReference,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Mention::Creditor => "creditor",
            Mention::Debtor => "debtor",
            Mention::NoticeTitle => "notice_title",
            Mention::WritingDate => "writing_date",
            Mention::Claim => "claim",
            Mention::PreviousReminders => "previous_reminders",
            Mention::Deadline => "deadline",
            Mention::Consequences => "consequences",
            Mention::Signature => "signature",
            Mention::InvoiceNumber => "invoice_number",
            Mention::InvoiceDate => "invoice_date",
            Mention::DueDate => "due_date",
            Mention::AmountOutstanding => "amount_outstanding",
            Mention::CustomerNumber => "customer_number",
            Mention::Description => "description",
            Mention::PaymentDeadline => "payment_deadline",
            Mention::BankDetails => "bank_details",
            Mention::CollectionCosts => "collection_costs",
            Mention::PaymentReference => "payment_reference",
        }
    }

    /// Label in the interface language.
    pub fn label(self) -> &'static str {
        match self {
            Mention::Creditor => t("letters.mention.creditor"),
            Mention::Debtor => t("letters.mention.debtor"),
            Mention::NoticeTitle => t("letters.mention.notice_title"),
            Mention::WritingDate => t("letters.mention.writing_date"),
            Mention::Claim => t("letters.mention.claim"),
            Mention::PreviousReminders => t("letters.mention.previous_reminders"),
            Mention::Deadline => t("letters.mention.deadline"),
            Mention::Consequences => t("letters.mention.consequences"),
            Mention::Signature => t("letters.mention.signature"),
            Mention::InvoiceNumber => t("letters.mention.invoice_number"),
            Mention::InvoiceDate => t("letters.mention.invoice_date"),
            Mention::DueDate => t("letters.mention.due_date"),
            Mention::AmountOutstanding => t("letters.mention.amount_outstanding"),
            Mention::CustomerNumber => t("letters.mention.customer_number"),
            Mention::Description => t("letters.mention.description"),
            Mention::PaymentDeadline => t("letters.mention.payment_deadline"),
            Mention::BankDetails => t("letters.mention.bank_details"),
            Mention::CollectionCosts => t("letters.mention.collection_costs"),
            Mention::PaymentReference => t("letters.mention.payment_reference"),
        }
    }
}

/// Lower case, one ordinary space for any run of whitespace (no-break ones included), straight
/// apostrophes.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || matches!(c, '\u{a0}' | '\u{202f}' | '\u{2009}') {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        let c = if matches!(c, '’' | 'ʼ') { '\'' } else { c };
        out.extend(c.to_lowercase());
    }
    out
}

struct Text {
    norm: String,
    lines: Vec<String>,
}

impl Text {
    fn new(text: &str) -> Text {
        Text {
            norm: normalize(text),
            lines: text.lines().map(normalize).collect(),
        }
    }
    /// Whole-word containment: "2 février 2026" must not match inside "12 février 2026", nor
    /// "F-1" inside "F-12".
    fn has(&self, needle: &str) -> bool {
        let n = normalize(needle);
        if n.is_empty() {
            return true;
        }
        let hay = &self.norm;
        // Boundaries matter only where the needle itself starts or ends with a word character.
        let check_start = n.chars().next().is_some_and(char::is_alphanumeric);
        let check_end = n.chars().next_back().is_some_and(char::is_alphanumeric);
        let mut from = 0;
        while let Some(pos) = hay[from..].find(&n) {
            let start = from + pos;
            let end = start + n.len();
            let before = hay[..start].chars().next_back();
            let after = hay[end..].chars().next();
            let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
            if (!check_start || boundary(before)) && (!check_end || boundary(after)) {
                return true;
            }
            from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
        }
        false
    }
    fn has_any(&self, needles: &[String]) -> bool {
        needles.iter().any(|n| self.has(n))
    }
    fn has_all(&self, needles: &[String]) -> bool {
        needles.iter().all(|n| self.has(n))
    }
    /// A date in either of the forms letters use: `20/03/2026` or `20 mars 2026`.
    fn has_date(&self, short: &str, long: &str) -> bool {
        self.has(short) || self.has(long)
    }
}

fn creditor_ok(x: &Text, ctx: &LetterContext) -> bool {
    x.has(&ctx.creditor.name) && x.has_all(&ctx.creditor.address)
}

fn debtor_ok(x: &Text, ctx: &LetterContext) -> bool {
    x.has(&ctx.debtor.name) && x.has_all(&ctx.debtor.address)
}

fn amount_ok(x: &Text, ctx: &LetterContext) -> bool {
    x.has_any(&[ctx.money.principal.clone(), ctx.money.total_due.clone()])
}

/// Which of the nine mentions of a formal notice are missing from `text`; empty when complete.
pub fn check_notice_mentions(text: &str, ctx: &LetterContext) -> Vec<Mention> {
    let x = Text::new(text);
    Mention::NOTICE
        .into_iter()
        .filter(|m| {
            !match m {
                Mention::Creditor => creditor_ok(&x, ctx),
                Mention::Debtor => debtor_ok(&x, ctx),
                // In the subject line: after "objet", on the same line.
                Mention::NoticeTitle => x.lines.iter().any(|l| {
                    l.find("objet")
                        .is_some_and(|i| l[i..].contains("mise en demeure"))
                }),
                Mention::WritingDate => {
                    let forms = [
                        format!(", le {}", ctx.date),
                        format!(", le {}", ctx.date_long),
                    ];
                    x.has_any(&forms)
                        || x.lines.iter().any(|l| {
                            let l = l.trim_start();
                            l.starts_with(&format!("le {}", normalize(&ctx.date_long)))
                                || l.starts_with(&format!("le {}", ctx.date))
                        })
                }
                Mention::Claim => {
                    if ctx.step == LetterStep::MiseEnDemeureRemboursement || ctx.refund {
                        let reason_ok = match &ctx.refund_reason {
                            Some(r) => x.has(r),
                            None => x.has_all(&ctx.references),
                        };
                        reason_ok && amount_ok(&x, ctx)
                    } else {
                        x.has_all(&ctx.references)
                            && amount_ok(&x, ctx)
                            && ctx.items.iter().all(|i| x.has_date(&i.due, &i.due_long))
                    }
                }
                Mention::PreviousReminders => ctx
                    .reminders
                    .iter()
                    .all(|r| x.has_date(&r.date, &r.date_long)),
                Mention::Deadline => match &ctx.deadline {
                    Some(d) => x.has(&d.days_text) && x.has_date(&d.date, &d.date_long),
                    None => false,
                },
                Mention::Consequences => x.has_any(&[
                    "injonction de payer".to_string(),
                    "action en justice".to_string(),
                    "procédure judiciaire".to_string(),
                    "poursuites judiciaires".to_string(),
                ]),
                Mention::Signature => x.has(&ctx.signatory.name) && x.has(&ctx.signatory.function),
                _ => true,
            }
        })
        .collect()
}

/// Which items of a NL/BE consumer last notice are missing from `text`.
pub fn check_last_notice_mentions(text: &str, ctx: &LetterContext) -> Vec<Mention> {
    let x = Text::new(text);
    Mention::LAST_NOTICE
        .into_iter()
        .filter(|m| {
            !match m {
                Mention::InvoiceNumber => x.has_all(&ctx.references),
                Mention::InvoiceDate => ctx
                    .items
                    .iter()
                    .all(|i| x.has_date(&i.issued, &i.issued_long)),
                Mention::DueDate => ctx.items.iter().all(|i| x.has_date(&i.due, &i.due_long)),
                Mention::AmountOutstanding => amount_ok(&x, ctx),
                // Nothing to state when the debtor has no customer number or items no
                // description.
                Mention::CustomerNumber => {
                    ctx.debtor.customer_number.as_ref().is_none_or(|c| x.has(c))
                }
                Mention::Description => ctx
                    .items
                    .iter()
                    .filter_map(|i| i.description.as_ref())
                    .all(|d| x.has(d)),
                Mention::PaymentDeadline => ctx
                    .deadline
                    .as_ref()
                    .is_some_and(|d| x.has_date(&d.date, &d.date_long)),
                Mention::BankDetails => {
                    !ctx.payment.iban.trim().is_empty()
                        && x.has(&ctx.payment.iban)
                        && x.has(&ctx.payment.holder)
                }
                // With no costs to announce, the letter must still say so.
                Mention::CollectionCosts => {
                    x.has("frais de recouvrement")
                        && (!ctx.money.has_costs || x.has(&ctx.money.costs))
                }
                Mention::PaymentReference => x.has(&ctx.payment.reference),
                _ => true,
            }
        })
        .collect()
}

/// The missing mentions for the letter's step: the nine for a formal notice, the last-notice list
/// for a NL/BE last notice, nothing for other letters.
pub fn check_mentions(text: &str, ctx: &LetterContext) -> Vec<Mention> {
    match ctx.step {
        LetterStep::MiseEnDemeure | LetterStep::MiseEnDemeureRemboursement => {
            check_notice_mentions(text, ctx)
        }
        LetterStep::LastNoticeNlBe => check_last_notice_mentions(text, ctx),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_layout() {
        assert_eq!(
            normalize("  Total\u{a0}:\n 1\u{a0}234,56\u{a0}€  L’an "),
            "total : 1 234,56 € l'an"
        );
    }
}
