//! What an import would do to the journal, decided against the dossiers already there.
//!
//! - A debtor is matched by customer number (the auxiliary account), then by exact name; two
//!   debtors with the same number or name, a name match whose customer number differs, or two
//!   accounts of the file landing on one debtor are refused, never merged.
//! - An item is keyed by debtor + reference: one already recorded is skipped (its amount, when
//!   it differs, is reported, never overwritten). New items go to the debtor's newest open
//!   invoices dossier, or to a new dossier.
//! - Payments and credit notes are keyed by debtor + reference too, and become the events
//!   `log payment` and `log credit-note` write, so the same imputation applies.
//! - An item lettered in the books, or (when it came from an import) gone from the file, is
//!   reported; with `settle_missing` it is settled by a payment of its open principal naming it.
//! - Every dossier written gets a note saying which file and lines it came from.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::matching::{rejection, Directory};
use super::{Format, Ledger, MovementKind, Rejection, Settings};
use crate::domain::event::{EventKind, NoteKind};
use crate::domain::fold::DossierState;
use crate::domain::model::*;
use crate::i18n::{money, tf};

/// Only items carrying this mark when they were added (`DossierState::imported`) are ever settled
/// for being absent from a later file; items typed by hand are left alone.
pub use crate::domain::model::PROOF_MARK;

/// A dossier as the planner sees it, with each item's principal still open after imputation.
pub struct Existing<'a> {
    pub state: &'a DossierState,
    pub debtor: &'a Debtor,
    pub open: Vec<(String, Decimal)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebtorRef {
    Existing(DebtorId),
    New(Debtor),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A new dossier, for a new debtor or one whose dossiers are all closed.
    New {
        debtor: Box<DebtorRef>,
        created: Box<EventKind>,
    },
    /// Events appended to a dossier whose journal had this length when planned.
    Existing { id: DossierId, expected_len: u32 },
}

/// What one write brings, for the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub invoices: usize,
    pub invoiced: Decimal,
    pub payments: usize,
    pub paid: Decimal,
    pub credit_notes: usize,
    pub credited: Decimal,
    pub settled: usize,
    pub settled_amount: Decimal,
}

/// The events for one dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub target: Target,
    pub debtor: String,
    pub debtor_type: DebtorType,
    /// Each with its business date.
    pub events: Vec<(NaiveDate, EventKind)>,
    pub tally: Tally,
    /// Provenance lines, gathered into the closing note.
    lines: Vec<String>,
}

/// An amount that differs between the journal and the file: reported, not overwritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub dossier: DossierId,
    pub debtor: String,
    pub reference: String,
    pub recorded: Decimal,
    pub in_file: Decimal,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Lettered in the books (code, line, lettering date when known).
    Lettered {
        code: String,
        line: usize,
        date: Option<NaiveDate>,
    },
    /// Imported earlier, no longer in the file.
    Absent,
}

/// An item the books consider settled while the dossier still shows it open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub dossier: DossierId,
    pub debtor: String,
    pub reference: String,
    pub open: Decimal,
    pub why: Why,
    /// Settled by this import (`settle_missing`).
    pub settled: bool,
}

/// A payment or credit note that could not be placed, or placed by the default rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub debtor: String,
    pub reference: String,
    pub amount: Decimal,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub format: Format,
    pub file_name: String,
    pub encoding: &'static str,
    pub lines: usize,
    pub ignored: usize,
    pub payment_terms_days: i64,
    /// Due dates were computed from the payment terms.
    pub due_assumed: bool,
    pub settle_missing: bool,
    /// The database's change counter when planned: a real run refuses a database that moved.
    pub generation: u64,
    pub writes: Vec<Write>,
    pub changed: Vec<Changed>,
    pub missing: Vec<Missing>,
    /// Payments and credit notes of a debtor with no open dossier and no new invoice: skipped.
    pub orphans: Vec<Notice>,
    /// Credit notes that name no invoice the dossier has: imputed to the oldest open invoice.
    pub unlinked: Vec<Notice>,
    /// Accounts matched to an existing debtor by name (no customer number to go by).
    pub by_name: Vec<String>,
    /// Items, payments and credit notes already recorded.
    pub skipped: usize,
}

impl Plan {
    pub fn created(&self) -> usize {
        self.writes
            .iter()
            .filter(|w| matches!(w.target, Target::New { .. }))
            .count()
    }
    pub fn updated(&self) -> usize {
        self.writes.len() - self.created()
    }
    pub fn settled(&self) -> usize {
        self.missing.iter().filter(|m| m.settled).count()
    }
    /// Whether a real run would write anything.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Where a write goes, before it is a [`Target`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Dossier(DossierId),
    /// New dossier for the debtor of this account (index in the ledger).
    NewFor(usize),
}

pub fn plan(
    ledger: &Ledger,
    existing: &[Existing],
    settings: &Settings,
) -> Result<Plan, Vec<Rejection>> {
    let file = &settings.file_name;
    let mut debtors: BTreeMap<DebtorId, &Debtor> = BTreeMap::new();
    for e in existing {
        debtors.insert(e.debtor.id, e.debtor);
    }
    let directory = Directory::new(debtors.clone());
    let mut by_debtor: HashMap<DebtorId, Vec<&Existing>> = HashMap::new();
    for e in existing {
        by_debtor.entry(e.debtor.id).or_default().push(e);
    }
    let mut rejections = Vec::new();
    let mut claimed: HashMap<DebtorId, usize> = HashMap::new();
    let mut out = Plan {
        format: ledger.format,
        file_name: file.clone(),
        encoding: ledger.encoding,
        lines: ledger.lines,
        ignored: ledger.ignored,
        payment_terms_days: settings.payment_terms_days,
        due_assumed: ledger.due_assumed,
        settle_missing: settings.settle_missing,
        generation: 0,
        writes: vec![],
        changed: vec![],
        missing: vec![],
        orphans: vec![],
        unlinked: vec![],
        by_name: vec![],
        skipped: 0,
    };
    let mut writes: BTreeMap<Slot, Write> = BTreeMap::new();
    // (debtor, item reference) the file speaks of, open or lettered.
    let mut seen: HashSet<(DebtorId, String)> = HashSet::new();
    for (ai, account) in ledger.accounts.iter().enumerate() {
        let matched = match directory.match_debtor(account) {
            Ok(m) => m,
            Err(reason) => {
                rejections.push(rejection(account, ledger.format, reason));
                continue;
            }
        };
        if let Some((id, by_name)) = matched {
            if let Some(other) = claimed.insert(id, account.line) {
                let reason = tf(
                    "import.two_accounts_one_debtor",
                    &[("name", &debtors[&id].name), ("line", &other)],
                );
                rejections.push(rejection(account, ledger.format, reason));
                continue;
            }
            if by_name {
                out.by_name.push(debtors[&id].name.clone());
            }
        }
        let debtor_id = matched.map(|(id, _)| id);
        let theirs: Vec<&Existing> = debtor_id
            .and_then(|id| by_debtor.get(&id))
            .cloned()
            .unwrap_or_default();
        let debtor_name = debtor_id
            .map(|id| debtors[&id].name.clone())
            .unwrap_or_else(|| account.name.clone());
        let debtor_type = debtor_id
            .map(|id| debtors[&id].debtor_type)
            .unwrap_or(account.debtor_type);
        let target = theirs
            .iter()
            .filter(|e| e.state.is_open() && e.state.kind == DossierKind::Invoices)
            .max_by_key(|e| e.state.id);
        let slot = match target {
            Some(e) => Slot::Dossier(e.state.id),
            None => Slot::NewFor(ai),
        };
        let new_write = |slot: &Slot| Write {
            target: match slot {
                Slot::Dossier(id) => Target::Existing {
                    id: *id,
                    expected_len: theirs
                        .iter()
                        .find(|e| e.state.id == *id)
                        .map(|e| e.state.journal_len)
                        .unwrap_or(0),
                },
                Slot::NewFor(_) => Target::New {
                    debtor: Box::new(match debtor_id {
                        Some(id) => DebtorRef::Existing(id),
                        None => {
                            let mut d = Debtor::new(0, account.name.trim(), account.debtor_type);
                            d.customer_number = account.number.clone();
                            DebtorRef::New(d)
                        }
                    }),
                    created: Box::new(EventKind::Created {
                        debtor: 0,
                        kind: DossierKind::Invoices,
                        profile: settings.profile,
                        jurisdiction: Jurisdiction::Fr,
                        contractual_rate: None,
                        refund_reason: None,
                        terms: None,
                    }),
                },
            },
            debtor: debtor_name.clone(),
            debtor_type,
            events: vec![],
            tally: Tally::default(),
            lines: vec![],
        };
        // Invoices of the debtor already recorded, and what is left open of each.
        let mut known: HashMap<String, (DossierId, Decimal, Decimal, bool)> = HashMap::new();
        for e in &theirs {
            for item in &e.state.items {
                let open = e
                    .open
                    .iter()
                    .find(|(r, _)| key(r) == key(&item.reference))
                    .map(|(_, o)| *o)
                    .unwrap_or(Decimal::ZERO);
                known.insert(
                    key(&item.reference),
                    (e.state.id, item.amount, open, e.state.is_open()),
                );
            }
        }
        let recorded = |kind: MovementKind, reference: &str| -> Decimal {
            theirs
                .iter()
                .map(|e| match kind {
                    MovementKind::Payment => e
                        .state
                        .payments
                        .iter()
                        .filter(|p| p.reference.as_deref().map(key) == Some(key(reference)))
                        .map(|p| p.amount)
                        .sum::<Decimal>(),
                    MovementKind::CreditNote => e
                        .state
                        .credit_notes
                        .iter()
                        .filter(|c| key(&c.reference) == key(reference))
                        .map(|c| c.amount)
                        .sum(),
                })
                .sum()
        };
        let mut events: Vec<(NaiveDate, EventKind)> = vec![];
        let mut tally = Tally::default();
        let mut lines = vec![];
        // Invoices of the target dossier once this import is done: what a credit note may name.
        let mut invoices_there: Vec<(String, Decimal)> = match target {
            Some(e) => e
                .state
                .items
                .iter()
                .map(|i| {
                    let open = known.get(&key(&i.reference)).map(|k| k.2);
                    (i.reference.clone(), open.unwrap_or(Decimal::ZERO))
                })
                .collect(),
            None => vec![],
        };
        for inv in &account.invoices {
            if let Some(id) = debtor_id {
                seen.insert((id, key(&inv.reference)));
            }
            match known.get(&key(&inv.reference)) {
                Some((dossier, amount, _, _)) => {
                    if *amount != inv.amount {
                        out.changed.push(Changed {
                            dossier: *dossier,
                            debtor: debtor_name.clone(),
                            reference: inv.reference.clone(),
                            recorded: *amount,
                            in_file: inv.amount,
                            line: inv.line,
                        });
                    } else {
                        out.skipped += 1;
                    }
                }
                None => {
                    events.push((
                        settings.today,
                        EventKind::ItemAdded(Item {
                            reference: inv.reference.clone(),
                            issued: inv.issued,
                            due: inv.due,
                            amount: inv.amount,
                            description: inv.label.clone(),
                            proof: Some(format!("{PROOF_MARK}{file}:{}", inv.line)),
                        }),
                    ));
                    invoices_there.push((inv.reference.clone(), inv.amount));
                    tally.invoices += 1;
                    tally.invoiced += inv.amount;
                    lines.push(tf(
                        "import.line_invoice",
                        &[
                            ("line", &inv.line),
                            ("reference", &inv.reference),
                            ("amount", &money(inv.amount)),
                        ],
                    ));
                }
            }
        }
        let mut moves = account.movements.clone();
        moves.sort_by_key(|m| (m.date, m.line));
        for m in &moves {
            let already = recorded(m.kind, &m.reference);
            let amount = if m.cumulative {
                m.amount - already
            } else if already.is_zero() {
                m.amount
            } else {
                Decimal::ZERO
            };
            if amount < Decimal::ZERO
                || (!m.cumulative && !already.is_zero() && already != m.amount)
            {
                out.changed.push(Changed {
                    dossier: target.map(|e| e.state.id).unwrap_or(0),
                    debtor: debtor_name.clone(),
                    reference: m.reference.clone(),
                    recorded: already,
                    in_file: m.amount,
                    line: m.line,
                });
                continue;
            }
            if amount.is_zero() {
                out.skipped += 1;
                continue;
            }
            let notice = Notice {
                debtor: debtor_name.clone(),
                reference: m.reference.clone(),
                amount,
                line: m.line,
            };
            if invoices_there.is_empty() {
                out.orphans.push(notice);
                continue;
            }
            let named = m.invoice.as_ref().and_then(|r| {
                invoices_there
                    .iter()
                    .find(|(x, _)| key(x) == key(r))
                    .map(|(x, _)| x.clone())
            });
            let (event, word) = match m.kind {
                MovementKind::Payment => {
                    tally.payments += 1;
                    tally.paid += amount;
                    (
                        EventKind::PaymentReceived {
                            amount,
                            reference: Some(m.reference.clone()),
                            invoice: named,
                        },
                        "import.line_payment",
                    )
                }
                MovementKind::CreditNote => {
                    // A credit note cancels one invoice: the one named (in its own column
                    // or in its label), else the only one, else the one whose open amount it
                    // equals.
                    let in_label = m.label.as_deref().and_then(|l| {
                        let l = key(l);
                        invoices_there
                            .iter()
                            .find(|(r, _)| l.contains(&key(r)))
                            .map(|(r, _)| r.clone())
                    });
                    let link = named
                        .or(in_label)
                        .or_else(|| match invoices_there.as_slice() {
                            [(only, _)] => Some(only.clone()),
                            _ => None,
                        })
                        .or_else(|| {
                            invoices_there
                                .iter()
                                .find(|(_, open)| *open == amount)
                                .map(|(r, _)| r.clone())
                        });
                    if link.is_none() {
                        out.unlinked.push(notice);
                    }
                    tally.credit_notes += 1;
                    tally.credited += amount;
                    (
                        EventKind::CreditNote {
                            reference: m.reference.clone(),
                            amount,
                            invoice: link,
                        },
                        "import.line_credit_note",
                    )
                }
            };
            events.push((m.date, event));
            lines.push(tf(
                word,
                &[
                    ("line", &m.line),
                    ("reference", &m.reference),
                    ("amount", &money(amount)),
                ],
            ));
        }
        if !events.is_empty() {
            let w = writes
                .entry(slot.clone())
                .or_insert_with(|| new_write(&slot));
            w.events.extend(events);
            w.lines.extend(lines);
            add_tally(&mut w.tally, &tally);
        }
        // Lettered in the books while still open here.
        for l in &account.lettered {
            let Some(id) = debtor_id else { continue };
            seen.insert((id, key(&l.reference)));
            if let Some((dossier, _, open, true)) = known.get(&key(&l.reference)) {
                if *open > Decimal::ZERO {
                    let why = Why::Lettered {
                        code: l.code.clone(),
                        line: l.line,
                        date: l.date,
                    };
                    let e = theirs.iter().find(|e| e.state.id == *dossier);
                    if let Some(e) = e {
                        settle(&mut out, &mut writes, e, &l.reference, *open, why, settings);
                    }
                }
            }
        }
    }
    if !rejections.is_empty() {
        return Err(rejections);
    }
    // Imported earlier, gone from this file.
    for e in existing.iter().filter(|e| e.state.is_open()) {
        for item in &e.state.items {
            if !e.state.imported(&item.reference)
                || seen.contains(&(e.debtor.id, key(&item.reference)))
            {
                continue;
            }
            let open = e
                .open
                .iter()
                .find(|(r, _)| key(r) == key(&item.reference))
                .map(|(_, o)| *o)
                .unwrap_or(Decimal::ZERO);
            if open > Decimal::ZERO {
                settle(
                    &mut out,
                    &mut writes,
                    e,
                    &item.reference,
                    open,
                    Why::Absent,
                    settings,
                );
            }
        }
    }
    out.writes = writes
        .into_values()
        .map(|mut w| {
            let text = format!(
                "{}\n{}",
                tf(
                    "import.note",
                    &[("format", &ledger.format.slug()), ("file", file)]
                ),
                w.lines.join("\n")
            );
            w.events.push((
                settings.today,
                EventKind::Note {
                    kind: NoteKind::Note,
                    text,
                },
            ));
            w
        })
        .collect();
    Ok(out)
}

fn add_tally(to: &mut Tally, t: &Tally) {
    to.invoices += t.invoices;
    to.invoiced += t.invoiced;
    to.payments += t.payments;
    to.paid += t.paid;
    to.credit_notes += t.credit_notes;
    to.credited += t.credited;
    to.settled += t.settled;
    to.settled_amount += t.settled_amount;
}

/// Reports an item settled in the books; settles it here too when asked.
fn settle(
    out: &mut Plan,
    writes: &mut BTreeMap<Slot, Write>,
    e: &Existing,
    reference: &str,
    open: Decimal,
    why: Why,
    settings: &Settings,
) {
    out.missing.push(Missing {
        dossier: e.state.id,
        debtor: e.debtor.name.clone(),
        reference: reference.to_string(),
        open,
        why: why.clone(),
        settled: settings.settle_missing,
    });
    if !settings.settle_missing {
        return;
    }
    let file = &settings.file_name;
    let (label, line) = match &why {
        Why::Lettered { code, line, .. } if !code.is_empty() => (
            tf("import.settle_lettered", &[("code", code), ("file", file)]),
            tf(
                "import.line_settled_lettered",
                &[
                    ("line", line),
                    ("reference", &reference),
                    ("code", code),
                    ("amount", &money(open)),
                ],
            ),
        ),
        Why::Lettered { line, .. } => (
            tf("import.settle_paid", &[("file", file)]),
            tf(
                "import.line_settled_paid",
                &[
                    ("line", line),
                    ("reference", &reference),
                    ("amount", &money(open)),
                ],
            ),
        ),
        Why::Absent => (
            tf("import.settle_absent", &[("file", file)]),
            tf(
                "import.line_settled_absent",
                &[("reference", &reference), ("amount", &money(open))],
            ),
        ),
    };
    let slot = Slot::Dossier(e.state.id);
    let w = writes.entry(slot).or_insert_with(|| Write {
        target: Target::Existing {
            id: e.state.id,
            expected_len: e.state.journal_len,
        },
        debtor: e.debtor.name.clone(),
        debtor_type: e.debtor.debtor_type,
        events: vec![],
        tally: Tally::default(),
        lines: vec![],
    });
    // Dated when the books lettered it (penalties stop then), else the day of the import.
    let date = match &why {
        Why::Lettered { date: Some(d), .. } => *d,
        _ => settings.today,
    };
    w.events.push((
        date,
        EventKind::PaymentReceived {
            amount: open,
            reference: Some(label),
            invoice: Some(reference.to_string()),
        },
    ));
    w.lines.push(line);
    w.tally.settled += 1;
    w.tally.settled_amount += open;
}
