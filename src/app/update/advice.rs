//! The notice channel advised for the dossier on screen, with its debtor's history.
//!
//! Computed for that one dossier after each update, not for every row when the list loads
//! (the advice was two allocations and some 250 bytes in each of 100 000 rows, for a detail that
//! shows one). The header's totals count, per debtor, the dossiers that needed chasing (kept by
//! every load and write); the advice is computed again when the dossier on screen, its version
//! or that count, less the dossier itself, differs from what it was computed with.

use crate::app::state::{ShownAdvice, State};
use crate::domain::money::notice_advice;

pub(super) fn refresh(state: &mut State) {
    // The advice reads the whole dossier; until it is read, none is shown.
    let Some((e, w)) = state.current().and_then(|e| Some((e, e.whole()?))) else {
        state.advice = None;
        return;
    };
    let history = state
        .totals
        .chased_by_debtor
        .get(&e.debtor_id)
        .copied()
        .unwrap_or(0)
        .saturating_sub(u32::from(e.chased));
    let (id, journal_len) = (e.id(), e.journal_len);
    let same = |a: &ShownAdvice| a.id == id && a.journal_len == journal_len && a.history == history;
    if state.advice.as_ref().is_some_and(same) {
        return;
    }
    let advice = notice_advice(
        &w.state,
        e.debtor_type,
        w.assessment.claim.total_due,
        history,
        &state.env.rules.channels,
    );
    state.advice = Some(ShownAdvice {
        id,
        journal_len,
        history,
        advice,
    });
}
