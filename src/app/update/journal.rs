//! The whole dossiers on screen, loaded on demand: the list keeps of each dossier what its row
//! shows, filters and sorts by, and the whole dossier (fold, debtor, assessment, journal) only
//! for the dossier under the cursor and the rows around it.
//!
//! A whole dossier held by an entry is of the very version the row shows (`Entry::hold` and
//! `Entry::restore` check the journal's length), so a row replaced by a write or a colleague's
//! change never shows an older one: the replacement brings its own, or it is asked for again.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::common::{notice, replace_entry};
use crate::app::action::Effect;
use crate::app::failure::Failure;
use crate::app::state::*;
use crate::domain::model::DossierId;
use crate::model::Snapshot;

/// The dossiers to read for the screen, if the current one is not whole: that one first, then
/// those of the rows a page above and two pages below, so that moving on reads nothing for a while.
pub fn wanted(state: &mut State) -> Option<Effect> {
    if state.journal_pending.is_some() {
        return None;
    }
    let e = state.current()?;
    let id = e.id();
    if e.is_whole() || state.journal_failed == Some(id) {
        return None;
    }
    let mut ids = vec![id];
    let room = state.journal_capacity.saturating_sub(1);
    ids.extend(
        window(state)
            .map(|i| &state.entries[i])
            .filter(|e| e.id() != id && !e.is_whole())
            .map(|e| e.id())
            .take(room),
    );
    state.journal_pending = Some(ids.clone());
    Some(Effect::LoadJournals(ids))
}

/// The answer of `Effect::LoadJournals`. A dossier that changed since its row was assessed comes
/// back newer than the row: the row is replaced with it, so row, detail and journal agree.
pub fn loaded(state: &mut State, res: Result<Snapshot, Failure>) {
    let asked = state.journal_pending.take().unwrap_or_default();
    match res {
        Ok(snap) => {
            state.generation = state.generation.max(snap.generation);
            if asked.contains(&state.current().map(|e| e.id()).unwrap_or_default()) {
                state.journal_failed = None;
            }
            let wanted: HashSet<_> = snap.dossiers.iter().map(|d| d.state.id).collect();
            let at: HashMap<_, _> = state
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| wanted.contains(&e.id()))
                .map(|(i, e)| (e.id(), i))
                .collect();
            let mut changed = false;
            for d in snap.dossiers {
                let Some(&i) = at.get(&d.state.id) else {
                    continue;
                };
                let held = state.entries[i].journal_len;
                let read = crate::app::entry::Entry::new(d, state.today, &state.env);
                if read.journal_len == held {
                    state.entries[i].hold(read);
                } else if read.journal_len > held {
                    replace_entry(state, read);
                    changed = true;
                }
            }
            if changed {
                super::list::rebuild(state);
            }
            trim(state);
        }
        Err(e) => {
            state.journal_failed = state.current().map(|e| e.id());
            notice(state, Level::Error, e.to_string());
        }
    }
}

/// The whole dossiers of the entries a new list replaces, moved to their replacements when of
/// the same version (a reload must not read again the dossier on screen). Entries in `kept`
/// stay, whole or not.
pub fn carry_over(old: &mut [Entry], kept: &BTreeSet<DossierId>, new: &mut [Entry]) {
    let mut held: HashMap<_, _> = old
        .iter_mut()
        .filter(|e| !kept.contains(&e.id()))
        .filter_map(|e| Some((e.id(), e.release()?)))
        .collect();
    if held.is_empty() {
        return;
    }
    for e in new.iter_mut().filter(|e| !e.is_whole()) {
        if let Some(w) = held.remove(&e.id()) {
            e.restore(w);
        }
    }
}

/// Drops whole dossiers beyond `journal_capacity`, keeping those nearest the cursor.
pub fn trim(state: &mut State) {
    let held = state.entries.iter().filter(|e| e.is_whole()).count();
    if held <= state.journal_capacity {
        return;
    }
    // The window's rows, the cursor's first, then outwards.
    let (from, _) = bounds(state);
    let mut near: Vec<(usize, usize)> = window(state)
        .enumerate()
        .map(|(k, i)| ((from + k).abs_diff(state.cursor), i))
        .collect();
    near.sort_unstable();
    let keep: HashSet<usize> = near
        .into_iter()
        .map(|(_, i)| i)
        .filter(|&i| state.entries[i].is_whole())
        .take(state.journal_capacity)
        .collect();
    for (i, e) in state.entries.iter_mut().enumerate() {
        if !keep.contains(&i) {
            e.release();
        }
    }
}

/// Indices into `entries` of the rows from a page above the cursor to two pages below it.
fn window(state: &State) -> impl Iterator<Item = usize> + '_ {
    let (from, to) = bounds(state);
    state
        .visible
        .get(from..to)
        .unwrap_or_default()
        .iter()
        .copied()
}

/// The window's positions in `visible`.
fn bounds(state: &State) -> (usize, usize) {
    let page = table_rows(state.size);
    let from = state.cursor.saturating_sub(page);
    (from, (state.cursor + 2 * page + 1).min(state.visible.len()))
}
