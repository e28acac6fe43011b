//! What the list keeps of a dossier, computed once per load, and the whole dossier, held only for
//! the rows on screen.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::env::LetterEnv;
use crate::domain::assess::{assess, Assessment};
use crate::domain::event::Event;
use crate::domain::fold::{DossierState, Stage};
use crate::domain::model::{Debtor, DebtorId, DebtorType, DossierId};
use crate::domain::money::{in_collective_proceedings, needed_chasing};
use crate::domain::schedule::NextAction;
use crate::domain::summary::{matches_text, search_text};
use crate::model::{LoadedDossier, RecordProblem, Snapshot};

/// The whole dossier: its fold, its debtor, its assessment and its journal. Only the dossier on
/// screen and the rows around it hold one (at most `State::journal_capacity`; `app::journal`
/// loads and drops them): measured at 10 000 dossiers, the fold was 1.8 KB of a row's 6.3 KB,
/// the debtor 0.5 KB and the assessment 2.8 KB, for a list that shows a name, a stage, a balance
/// and a date. The detail, the letters, the forms, undo and the channel advice read it.
#[derive(Debug, Clone)]
pub struct Whole {
    pub state: DossierState,
    pub debtor: Debtor,
    pub assessment: Assessment,
    pub events: Vec<Event>,
}

/// A dossier as the list shows, filters, sorts and counts it, computed once per load (not once
/// per frame) by the same rules as the CLI and the letters.
#[derive(Debug, Clone)]
pub struct Entry {
    id: DossierId,
    /// The journal's length when the row was assessed: the version of the dossier it shows.
    pub journal_len: u32,
    pub debtor_id: DebtorId,
    pub debtor_type: DebtorType,
    debtor_name: String,
    /// Whom the dossier is assigned to (the "mine" filter).
    pub assigned: Option<String>,
    /// The journal's word that the dossier is closed (with a closing stage: see `is_closed`).
    closed: bool,
    /// The last event (sequence, date, kind), for the list's "last" column.
    pub last_event: Option<(u32, NaiveDate, &'static str)>,
    pub stage: Stage,
    pub next: Option<NextAction>,
    /// Everything the debtor owes (`Assessment::outstanding`): the "Solde" column.
    pub balance: Decimal,
    pub open_items: usize,
    pub days_past_due: i64,
    /// In collective proceedings (the journal's word over the debtor record's): the detail says
    /// so, since amounts and letters change.
    pub collective: bool,
    /// This dossier needed chasing (`money::needed_chasing`): part of the debtor's history for
    /// the advice on the debtor's other dossiers.
    pub chased: bool,
    /// What the filter searches (`summary::search_text`).
    haystack: String,
    whole: Option<Box<Whole>>,
}

impl Entry {
    /// The entry of a dossier, whole.
    pub fn new(dossier: LoadedDossier, today: NaiveDate, env: &LetterEnv) -> Entry {
        let LoadedDossier {
            state,
            debtor,
            events,
        } = dossier;
        let a = assess(&state, &debtor, &env.profiles, &env.rules, today);
        Entry {
            id: state.id,
            journal_len: state.journal_len,
            debtor_id: debtor.id,
            debtor_type: debtor.debtor_type,
            debtor_name: debtor.name.clone(),
            assigned: state.assigned.clone(),
            closed: state.closed.is_some(),
            last_event: state.last_event,
            collective: in_collective_proceedings(&state, &debtor),
            chased: needed_chasing(&state),
            stage: a.stage,
            next: a.next.clone(),
            balance: a.outstanding(),
            open_items: a.open_items(),
            days_past_due: a.days_past_due,
            haystack: search_text(&state, &debtor),
            whole: Some(Box::new(Whole {
                state,
                debtor,
                assessment: a,
                events,
            })),
        }
    }

    /// The entry without the whole dossier: what a row of a large list keeps.
    pub fn listed(dossier: LoadedDossier, today: NaiveDate, env: &LetterEnv) -> Entry {
        let mut e = Entry::new(dossier, today, env);
        e.whole = None;
        e
    }

    /// The whole dossier, when it is at hand (it is always of the version the row shows: a row
    /// replaced by a write or a colleague's change brings its own, or has none).
    pub fn whole(&self) -> Option<&Whole> {
        self.whole.as_deref()
    }

    /// Takes the whole dossier of `other`, the same dossier at the same version, read again.
    pub fn hold(&mut self, other: Entry) {
        if other.id == self.id && other.journal_len == self.journal_len {
            self.whole = other.whole;
        }
    }

    /// Gives up the whole dossier, keeping the row.
    pub fn release(&mut self) -> Option<Box<Whole>> {
        self.whole.take()
    }

    /// Gives back a whole dossier taken by [`Entry::release`] from a row of the same version.
    pub fn restore(&mut self, whole: Box<Whole>) {
        if whole.state.id == self.id && whole.state.journal_len == self.journal_len {
            self.whole = Some(whole);
        }
    }

    pub fn is_whole(&self) -> bool {
        self.whole.is_some()
    }

    /// The journal, when the whole dossier is at hand.
    pub fn events(&self) -> Option<&[Event]> {
        self.whole().map(|w| w.events.as_slice())
    }

    /// The dossier as the store loads it, when it is at hand.
    pub fn to_loaded(&self) -> Option<LoadedDossier> {
        let w = self.whole()?;
        Some(LoadedDossier {
            events: w.events.clone(),
            state: w.state.clone(),
            debtor: w.debtor.clone(),
        })
    }

    pub fn id(&self) -> DossierId {
        self.id
    }

    pub fn debtor(&self) -> &str {
        &self.debtor_name
    }

    pub fn is_closed(&self) -> bool {
        self.stage.is_closed() && self.closed
    }

    /// Due today or overdue: what the morning round must handle.
    pub fn needs_action(&self, today: NaiveDate) -> bool {
        self.next.as_ref().is_some_and(|n| n.is_due(today))
    }

    /// The debtor's name as the search normalises it (lower case, accents off): the name sort's
    /// key, so "Électricité Faure" sorts among the E and nothing is allocated per row.
    pub fn sort_name(&self) -> &str {
        self.haystack.split('\n').next().unwrap_or_default()
    }

    /// The search rule of `recouvre status QUERY`.
    pub fn matches(&self, filter: &str) -> bool {
        matches_text(&self.haystack, self.id(), filter)
    }

    /// The same, with the query prepared once for the whole list.
    pub fn matches_query(&self, q: &crate::domain::summary::Query) -> bool {
        q.matches(&self.haystack, self.id())
    }
}

/// What a filter keystroke reads of every entry, laid out contiguously in entry order: the search
/// texts end to end and one byte or so per flag. A keystroke over 100 000 rows read each entry
/// (some 8 KB apart in memory, its text behind another pointer) in sort order: 41 ms of cache
/// misses. Rebuilt with the header's totals when the entries are loaded; a write updates its
/// one entry in place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterIndex {
    /// Every search text, each followed by a line break; `ends[i]` is where entry `i`'s ends.
    text: String,
    ends: Vec<u32>,
    pub ids: Vec<crate::domain::model::DossierId>,
    pub stages: Vec<crate::domain::fold::Stage>,
    pub closed: Vec<bool>,
    pub needs_action: Vec<bool>,
    pub mine: Vec<bool>,
    /// The sort keys (next action date, balance, days late), side by side for the same reason.
    pub next: Vec<Option<NaiveDate>>,
    pub balance: Vec<Decimal>,
    /// The balance in whole cents, ordered from the largest down (see [`descending_cents`]).
    pub balance_desc: Vec<(u64, bool)>,
    pub days_past_due: Vec<i64>,
    /// Where each entry's sort name (the first line of its text) ends.
    name_ends: Vec<u32>,
}

impl FilterIndex {
    pub fn of(entries: &[Entry], today: NaiveDate, user: &str) -> FilterIndex {
        let mut ix = FilterIndex {
            text: String::with_capacity(entries.iter().map(|e| e.haystack.len() + 1).sum()),
            ..FilterIndex::default()
        };
        for e in entries {
            ix.push(e, today, user);
        }
        ix
    }

    /// Adds `e` as the last entry.
    pub fn push(&mut self, e: &Entry, today: NaiveDate, user: &str) {
        self.name_ends
            .push((self.text.len() + e.sort_name().len()) as u32);
        self.text.push_str(&e.haystack);
        self.ends.push(self.text.len() as u32);
        self.text.push('\n');
        self.ids.push(e.id());
        self.stages.push(e.stage);
        self.closed.push(e.is_closed());
        self.needs_action.push(e.needs_action(today));
        self.mine.push(e.assigned.as_deref() == Some(user));
        self.next.push(e.next.as_ref().map(|n| n.date));
        self.balance.push(e.balance);
        self.balance_desc.push(descending_cents(e.balance));
        self.days_past_due.push(e.days_past_due);
    }

    /// Puts `e` in place of entry `i` (a write changed one dossier): its text is spliced in and
    /// the texts after it move, one pass over the offsets instead of a rebuild from every entry.
    pub fn set(&mut self, i: usize, e: &Entry, today: NaiveDate, user: &str) {
        // What each column holds is said once, by `push`; the whole pattern makes a new column
        // a compile error here until it is placed too.
        let mut one = FilterIndex::default();
        one.push(e, today, user);
        let FilterIndex {
            text,
            ends,
            ids,
            stages,
            closed,
            needs_action,
            mine,
            next,
            balance,
            balance_desc,
            days_past_due,
            name_ends,
        } = one;
        let (start, end) = (self.start(i), self.ends[i] as usize);
        let len = ends[0] as usize;
        self.text.replace_range(start..end, &text[..len]);
        let shift = |x: &mut u32| *x = (i64::from(*x) + len as i64 - (end - start) as i64) as u32;
        self.ends[i..].iter_mut().for_each(shift);
        self.name_ends[i + 1..].iter_mut().for_each(shift);
        self.name_ends[i] = (start + name_ends[0] as usize) as u32;
        self.ids[i] = ids[0];
        self.stages[i] = stages[0];
        self.closed[i] = closed[0];
        self.needs_action[i] = needs_action[0];
        self.mine[i] = mine[0];
        self.next[i] = next[0];
        self.balance[i] = balance[0];
        self.balance_desc[i] = balance_desc[0];
        self.days_past_due[i] = days_past_due[0];
    }

    /// [`Entry::sort_name`] of entry `i`.
    pub fn sort_name(&self, i: usize) -> &str {
        self.text
            .get(self.start(i)..self.name_ends[i] as usize)
            .unwrap_or("")
    }

    fn text(&self, i: usize) -> &str {
        self.text
            .get(self.start(i)..self.ends[i] as usize)
            .unwrap_or("")
    }

    /// Where entry `i`'s text begins: after the previous one and its line break.
    fn start(&self, i: usize) -> usize {
        i.checked_sub(1).map_or(0, |p| self.ends[p] as usize + 1)
    }

    /// Whether entry `i` matches `q`, as [`Entry::matches_query`] says.
    pub fn matches(&self, i: usize, q: &crate::domain::summary::Query) -> bool {
        q.matches(self.text(i), self.ids[i])
    }

    /// Whether each entry matches `q`, as [`FilterIndex::matches`] says, in one pass.
    pub fn matching(&self, q: &crate::domain::summary::Query) -> Vec<bool> {
        q.matches_all(&self.text, &self.ends, &self.ids)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// A balance as 64 bits ordered from the largest down: whole cents, rounded towards minus
/// infinity (so never out of order), and whether that was the exact amount.
pub fn descending_cents(balance: Decimal) -> (u64, bool) {
    use rust_decimal::prelude::ToPrimitive;
    let scaled = balance * Decimal::ONE_HUNDRED;
    let floor = scaled.floor();
    let (cents, exact) = match floor.to_i64() {
        Some(c) => (c, floor == scaled),
        None if balance.is_sign_negative() => (i64::MIN, false),
        None => (i64::MAX, false),
    };
    (!((cents as u64) ^ (1 << 63)), exact)
}

/// A whole load, assessed: what the list shows once every dossier is read.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub entries: Vec<Entry>,
    pub problems: Vec<RecordProblem>,
    pub generation: u64,
}

impl Loaded {
    /// The load assessed; every journal is kept when there are no more than `keep` dossiers (a
    /// small database then never waits for one), none otherwise.
    pub fn assess(snap: Snapshot, today: NaiveDate, env: &LetterEnv, keep: usize) -> Loaded {
        let entries = if snap.dossiers.len() <= keep {
            assess_all(snap.dossiers, today, env)
        } else {
            // Dropped in the workers, dossier by dossier, so the journals of a large list are
            // never all held at once with the rows built from them.
            crate::domain::par::map(snap.dossiers, |d| Entry::listed(d, today, env))
        };
        Loaded {
            entries,
            problems: snap.problems,
            generation: snap.generation,
        }
    }
}

/// Every dossier of a load assessed, on every core, in the order given, journals kept.
pub fn assess_all(dossiers: Vec<LoadedDossier>, today: NaiveDate, env: &LetterEnv) -> Vec<Entry> {
    crate::domain::par::map(dossiers, |d| Entry::new(d, today, env))
}
