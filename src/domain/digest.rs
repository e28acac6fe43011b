//! What a list row or a query needs about one dossier, kept beside its journal so that a query or
//! the first screen reads one small record per dossier instead of folding every journal.
//!
//! A digest is a function of the journal alone. What is owed, the stage and the next action depend
//! on the reader's rules (each user has their own config: rates, schedules, imputation) and on
//! today (penalties grow every day, a promise lapses), so they are not stored: they are computed
//! at read from the digest, by the same `assess` as everything else. That is what keeps a digest
//! right the next morning, and for every colleague, without rewriting it.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::assess::{assess, Rules};
use super::event::{Event, EventKind, HandOver};
use super::fold::{fold, DossierState, FoldError};
use super::model::{Debtor, DossierId};
use super::schedule::BuiltinProfiles;

/// Bumped whenever what a digest, or what the store derives beside it, holds changes: an older
/// database has them rebuilt from the journal on first open. 2: the store's search blocks;
/// 3: of 64 dossiers each; 4: urgency hints since a credit note corrects its invoice (a late
/// invoice cancelled whole no longer leaves accessories to claim).
pub const DIGEST_FORMAT: u32 = 4;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    pub debtor: Debtor,
    /// The journal without the letter bodies, which no rule, row or detail reads (they are the
    /// bulk of a journal; `letter --event N` reads them from the journal itself).
    pub events: Vec<Event>,
}

impl Digest {
    /// The digest of a whole journal, with the fold it was checked against.
    pub fn new(id: DossierId, debtor: &Debtor, events: &[Event]) -> Result<Digest, FoldError> {
        // Folded once to refuse a journal the rules cannot read, as loading it would.
        fold(id, events)?;
        Ok(Digest {
            debtor: debtor.clone(),
            events: events.iter().map(compact).collect(),
        })
    }

    /// The digest after `new_events` were appended: the previous digest's events are already
    /// compact, so the journal itself need not be read.
    pub fn extended(&self, id: DossierId, new_events: &[Event]) -> Result<Digest, FoldError> {
        let mut all = self.events.clone();
        all.extend(new_events.iter().cloned());
        Digest::new(id, &self.debtor, &all)
    }

    pub fn journal_len(&self) -> u32 {
        self.events.len() as u32
    }

    pub fn state(&self, id: DossierId) -> Result<DossierState, FoldError> {
        fold(id, &self.events)
    }
}

/// An event without its letter body.
fn compact(e: &Event) -> Event {
    let mut e = e.clone();
    match &mut e.kind {
        EventKind::RelanceSent { letter, .. }
        | EventKind::NoticeSent { letter, .. }
        | EventKind::LastNoticeSent { letter, .. } => *letter = None,
        // The kept message (PDF included) is read from the journal, like the letters.
        EventKind::EmailSent { eml, .. } => eml.clear(),
        _ => {}
    }
    e
}

/// How far a dossier has gone by its journal alone (what was done, not what is owed today): the
/// key of the per-step counts a database keeps up to date with every write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Step {
    Open,
    Relance1,
    Relance2,
    Relance3,
    Notice,
    Injonction,
    Agency,
    Enforcement,
    Disputed,
    Plan,
    Paid,
    WrittenOff,
}

impl Step {
    pub fn of(st: &DossierState) -> Step {
        use super::event::CloseReason;
        match st.closed {
            Some((CloseReason::Paid, _)) => return Step::Paid,
            Some((CloseReason::WrittenOff, _)) => return Step::WrittenOff,
            None => {}
        }
        if st.contestation.is_some() {
            return Step::Disputed;
        }
        if st.plan.is_some() {
            return Step::Plan;
        }
        match st.handed_over {
            Some((HandOver::Agency, _)) => return Step::Agency,
            Some((HandOver::Enforcement, _)) => return Step::Enforcement,
            None => {}
        }
        if st.injonction.is_some() {
            Step::Injonction
        } else if st.notice.is_some() {
            Step::Notice
        } else {
            match st.relance_level() {
                0 => Step::Open,
                1 => Step::Relance1,
                2 => Step::Relance2,
                _ => Step::Relance3,
            }
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Step::Paid | Step::WrittenOff)
    }
}

/// Dossier counts per step, kept with every write and checked by `doctor`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub per_step: BTreeMap<Step, u64>,
}

impl Tally {
    pub fn add(&mut self, step: Step) {
        *self.per_step.entry(step).or_default() += 1;
    }

    pub fn remove(&mut self, step: Step) {
        if let Some(n) = self.per_step.get_mut(&step) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_step.remove(&step);
            }
        }
    }

    pub fn total(&self) -> u64 {
        self.per_step.values().sum()
    }

    pub fn open(&self) -> u64 {
        self.per_step
            .iter()
            .filter(|(s, _)| s.is_open())
            .map(|(_, n)| n)
            .sum()
    }
}

/// The order of the first screen before every dossier is assessed: the next action's date under
/// the built-in schedules at `at`. Only a hint (the reader's own schedules and today may move a
/// dossier a little); the full list, assessed with the reader's rules, replaces it.
pub fn urgency_hint(st: &DossierState, debtor: &Debtor, at: NaiveDate) -> Option<NaiveDate> {
    assess(st, debtor, &BuiltinProfiles, &Rules::default(), at)
        .next
        .map(|n| n.date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{Channel, NoteKind};
    use crate::domain::model::{DebtorType, DossierKind, Item, Jurisdiction};
    use chrono::Utc;
    use rust_decimal::Decimal;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn ev(seq: u32, date: NaiveDate, kind: EventKind) -> Event {
        Event {
            seq,
            at: Utc::now(),
            date,
            user: "u".into(),
            kind,
        }
    }

    fn journal() -> Vec<Event> {
        vec![
            ev(
                0,
                day(1),
                EventKind::Created {
                    debtor: 1,
                    kind: DossierKind::Invoices,
                    profile: None,
                    jurisdiction: Jurisdiction::Fr,
                    contractual_rate: None,
                    refund_reason: None,
                    terms: None,
                },
            ),
            ev(
                1,
                day(1),
                EventKind::ItemAdded(Item {
                    reference: "F-1".into(),
                    issued: day(1),
                    due: day(2),
                    amount: Decimal::new(100_000, 2),
                    description: None,
                    proof: None,
                }),
            ),
            ev(
                2,
                day(10),
                EventKind::RelanceSent {
                    level: 1,
                    channel: Channel::Email,
                    letter: Some("Madame, Monsieur, … une longue lettre".repeat(40)),
                    overrides: vec![],
                },
            ),
            ev(
                3,
                day(12),
                EventKind::Note {
                    kind: NoteKind::PhoneCall,
                    text: "Rappeler lundi".into(),
                },
            ),
        ]
    }

    #[test]
    fn a_digest_folds_to_the_journal_state_without_the_letters() {
        let debtor = Debtor::new(1, "Hôtel du Marché", DebtorType::B2b);
        let events = journal();
        let d = Digest::new(7, &debtor, &events).unwrap();
        assert_eq!(d.state(7).unwrap(), fold(7, &events).unwrap());
        // The letter body is gone; the last event (the call) is kept whole for the row.
        assert!(matches!(
            &d.events[2].kind,
            EventKind::RelanceSent { letter: None, .. }
        ));
        assert!(
            matches!(&d.events[3].kind, EventKind::Note { text, .. } if text == "Rappeler lundi")
        );
        assert_eq!(Step::of(&d.state(7).unwrap()), Step::Relance1);
    }

    #[test]
    fn extending_a_digest_equals_digesting_the_longer_journal() {
        let debtor = Debtor::new(1, "Lefèvre", DebtorType::B2c);
        let events = journal();
        let short = Digest::new(7, &debtor, &events[..3]).unwrap();
        let long = short.extended(7, &events[3..]).unwrap();
        assert_eq!(long, Digest::new(7, &debtor, &events).unwrap());
        assert_eq!(long.journal_len(), 4);
    }

    #[test]
    fn the_tally_counts_and_forgets() {
        let mut t = Tally::default();
        t.add(Step::Open);
        t.add(Step::Relance1);
        t.add(Step::Paid);
        t.remove(Step::Open);
        assert_eq!((t.total(), t.open()), (2, 1));
        assert!(!t.per_step.contains_key(&Step::Open));
    }
}
