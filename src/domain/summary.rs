//! What a listing shows about one dossier at a given date, and how a query finds it.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::fold::{DossierState, Stage};
use super::model::Debtor;
use super::schedule::{next_action, NextAction, Profiles};

#[derive(Debug, Clone)]
pub struct Summary {
    pub stage: Stage,
    pub balance: Decimal,
    pub days_past_due: i64,
    pub next: Option<NextAction>,
    pub open_items: usize,
}

impl Summary {
    pub fn of(
        st: &DossierState,
        debtor: &Debtor,
        profiles: &dyn Profiles,
        today: NaiveDate,
    ) -> Summary {
        Summary {
            stage: st.stage(today),
            balance: st.balance(),
            days_past_due: st.days_past_due(today),
            next: next_action(st, debtor.debtor_type, profiles, today),
            open_items: st.open_items().len(),
        }
    }

    /// Whether the next action is due today or overdue.
    pub fn action_due(&self, today: NaiveDate) -> bool {
        self.next.as_ref().is_some_and(|n| n.date <= today)
    }
}

/// Lower-cases and drops French diacritics so "lefevre" finds "Lefèvre".
pub fn normalize(s: &str) -> String {
    s.chars()
        .flat_map(|c| c.to_lowercase())
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'œ' => 'o',
            other => other,
        })
        .collect()
}

/// A query matches a debtor name fragment, a customer number, an invoice reference or the
/// dossier id (`12`, or `#12` for the id alone).
pub fn matches(query: &str, st: &DossierState, debtor: &Debtor) -> bool {
    let q = normalize(query.trim());
    if q.is_empty() {
        return true;
    }
    // "#12" names a dossier number and nothing else.
    if let Some(id_q) = q.strip_prefix('#') {
        return id_q.parse::<u64>().ok() == Some(st.id);
    }
    if q.parse::<u64>().ok() == Some(st.id) {
        return true;
    }
    normalize(&debtor.name).contains(&q)
        || debtor
            .customer_number
            .as_deref()
            .is_some_and(|c| normalize(c).contains(&q))
        || st
            .items
            .iter()
            .any(|i| normalize(&i.reference).contains(&q))
}
