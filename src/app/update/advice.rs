//! The notice channel advised for the dossier on screen, with its debtor's history.
//!
//! An entry's advice is computed with the entry itself, which knows nothing of the debtor's
//! other dossiers; the header's totals count, per debtor, the dossiers that needed chasing
//! (kept with every load and write). After each update, the advice of the dossier under the
//! cursor is computed again when that count, less the dossier itself, differs from the one it
//! was computed with: the detail is its only reader, and a write to any of the debtor's dossiers
//! can change it.

use crate::app::state::State;
use crate::domain::money::notice_advice;

pub(super) fn refresh(state: &mut State) {
    let Some(&i) = state.visible.get(state.cursor) else {
        return;
    };
    let Some(e) = state.entries.get(i) else {
        return;
    };
    let others = state
        .totals
        .chased_by_debtor
        .get(&e.dossier.debtor.id)
        .copied()
        .unwrap_or(0)
        .saturating_sub(u32::from(e.chased));
    if others == e.advice_history {
        return;
    }
    let advice = notice_advice(
        &e.dossier.state,
        e.dossier.debtor.debtor_type,
        e.assessment.claim.total_due,
        others,
        &state.env.rules.channels,
    );
    let e = &mut state.entries[i];
    e.channel_advice = advice;
    e.advice_history = others;
}
