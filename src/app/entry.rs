//! A loaded dossier with what the screen shows of it, computed once per load.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::env::LetterEnv;
use crate::domain::assess::{assess, Assessment};
use crate::domain::fold::Stage;
use crate::domain::model::DossierId;
use crate::domain::money::{
    advise_channel, in_collective_proceedings, ChannelAdvice, ChannelHistory,
};
use crate::domain::schedule::NextAction;
use crate::domain::summary::{matches_text, search_text};
use crate::model::{LoadedDossier, RecordProblem, Snapshot};

/// A loaded dossier with its assessment, computed once per load (not once per frame) by the same
/// rules as the CLI and the letters.
#[derive(Debug, Clone)]
pub struct Entry {
    pub dossier: LoadedDossier,
    pub assessment: Assessment,
    pub stage: Stage,
    pub next: Option<NextAction>,
    /// Everything the debtor owes (`Assessment::outstanding`): the "Solde" column.
    pub balance: Decimal,
    pub open_items: usize,
    pub days_past_due: i64,
    /// In collective proceedings (the journal's word over the debtor record's): the detail says
    /// so, since amounts and letters change.
    pub collective: bool,
    /// The sending channel advised for the formal notice, while none has been sent and something
    /// is due: computed here with the rest so that drawing the detail applies no rule.
    pub channel_advice: Option<ChannelAdvice>,
    /// What the filter searches (`summary::search_text`).
    haystack: String,
}

impl Entry {
    pub fn new(dossier: LoadedDossier, today: NaiveDate, env: &LetterEnv) -> Entry {
        let a = assess(
            &dossier.state,
            &dossier.debtor,
            &env.profiles,
            &env.rules,
            today,
        );
        let channel_advice = (dossier.state.notice.is_none() && a.claim.total_due > Decimal::ZERO)
            .then(|| {
                advise_channel(
                    a.claim.total_due,
                    dossier.debtor.debtor_type,
                    &ChannelHistory::from_state(&dossier.state, 0),
                    &env.rules.channels,
                )
            });
        Entry {
            collective: in_collective_proceedings(&dossier.state, &dossier.debtor),
            channel_advice,
            stage: a.stage,
            next: a.next.clone(),
            balance: a.outstanding(),
            open_items: a.open_items(),
            days_past_due: a.days_past_due,
            haystack: search_text(&dossier.state, &dossier.debtor),
            assessment: a,
            dossier,
        }
    }

    pub fn id(&self) -> DossierId {
        self.dossier.state.id
    }

    pub fn debtor(&self) -> &str {
        &self.dossier.debtor.name
    }

    pub fn is_closed(&self) -> bool {
        self.stage.is_closed() && self.dossier.state.closed.is_some()
    }

    /// Due today or overdue: what the morning round must handle.
    pub fn needs_action(&self, today: NaiveDate) -> bool {
        self.assessment.action_due(today)
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

/// A whole load, assessed: what the list shows once every dossier is read.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub entries: Vec<Entry>,
    pub problems: Vec<RecordProblem>,
    pub generation: u64,
}

impl Loaded {
    pub fn assess(snap: Snapshot, today: NaiveDate, env: &LetterEnv) -> Loaded {
        Loaded {
            entries: assess_all(snap.dossiers, today, env),
            problems: snap.problems,
            generation: snap.generation,
        }
    }
}

/// Every dossier of a load assessed, on every core, in the order given: at 100 000 dossiers the
/// assessments take seconds on one core. In batches, so that what is copied between threads
/// stays small next to the list itself (a split of the whole list in one go cost 350 MB more at
/// 100 000 dossiers).
pub fn assess_all(dossiers: Vec<LoadedDossier>, today: NaiveDate, env: &LetterEnv) -> Vec<Entry> {
    const BATCH: usize = 4_096;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut out = Vec::with_capacity(dossiers.len());
    let mut rest = dossiers.into_iter();
    loop {
        let batch: Vec<LoadedDossier> = rest.by_ref().take(BATCH * workers).collect();
        if batch.is_empty() {
            break;
        }
        if workers == 1 || batch.len() < BATCH {
            out.extend(batch.into_iter().map(|d| Entry::new(d, today, env)));
            continue;
        }
        let mut parts = Vec::with_capacity(workers);
        let mut batch = batch.into_iter();
        for _ in 0..workers {
            parts.push(batch.by_ref().take(BATCH).collect::<Vec<_>>());
        }
        std::thread::scope(|s| {
            let handles: Vec<_> = parts
                .into_iter()
                .map(|part| {
                    s.spawn(move || {
                        part.into_iter()
                            .map(|d| Entry::new(d, today, env))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                // A rule that panics on one dossier must not be swallowed by the worker.
                out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
        });
    }
    out
}
