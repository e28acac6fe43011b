//! The list's order: every sort's definition, the sort of all entries by it, and a write's
//! entry put back in its place.

use crate::app::entry::{Entry, FilterIndex};
use crate::app::state::{SortKey, State};
use crate::domain::assess::urgency;

/// The order of `sort` between entries `a` and `b`: its whole definition, which [`sorted`]
/// follows with packed keys and a write's entry is put back in by.
fn in_order(ix: &FilterIndex, sort: SortKey, a: usize, b: usize) -> std::cmp::Ordering {
    use std::cmp::Reverse;
    match sort {
        SortKey::Urgency => {
            urgency(ix.next[a], ix.balance[a]).cmp(&urgency(ix.next[b], ix.balance[b]))
        }
        SortKey::DaysPastDue => (Reverse(ix.days_past_due[a]), Reverse(ix.balance[a]))
            .cmp(&(Reverse(ix.days_past_due[b]), Reverse(ix.balance[b]))),
        SortKey::Balance => Reverse(ix.balance[a]).cmp(&Reverse(ix.balance[b])),
        SortKey::Debtor => ix.sort_name(a).cmp(ix.sort_name(b)),
    }
    .then(ix.ids[a].cmp(&ix.ids[b]))
}

/// Puts a dossier a write changed (or added) in place of its entry, and keeps the header's
/// totals, the filter index and the sorted orders in step with one entry's worth of work: a
/// rebuild from every entry took some 75 ms at 100 000 dossiers, after each write. Anything
/// not in step (no order yet, or a load under way) is left to `list::rebuild`.
pub(super) fn put_entry(state: &mut State, entry: Entry) {
    let (today, id) = (state.today, entry.id());
    let n = state.entries.len();
    let in_step = state.order_sort == Some(state.sort)
        && state.filter_index.len() == n
        && state.order.len() == n
        && state.kept_orders.iter().all(|(_, o)| o.len() == n);
    if !in_step {
        state.order_sort = None;
        match state.entries.iter_mut().find(|e| e.id() == id) {
            Some(slot) => *slot = entry,
            None => state.entries.push(entry),
        }
        return;
    }
    // The index's ids lie side by side: no walk over the entries themselves.
    let at = state.filter_index.ids.iter().position(|x| *x == id);
    let i = match at {
        Some(i) => {
            state.totals.count(&state.entries[i], today, false);
            let orders = std::iter::once(&mut state.order)
                .chain(state.kept_orders.iter_mut().map(|(_, o)| o));
            for order in orders {
                if let Some(p) = order.iter().position(|x| *x == i) {
                    order.remove(p);
                }
            }
            state.filter_index.set(i, &entry, today, &state.user);
            state.entries[i] = entry;
            i
        }
        None => {
            state.filter_index.push(&entry, today, &state.user);
            state.entries.push(entry);
            state.entries.len() - 1
        }
    };
    state.totals.count(&state.entries[i], today, true);
    let ix = &state.filter_index;
    let orders = std::iter::once((state.sort, &mut state.order))
        .chain(state.kept_orders.iter_mut().map(|(k, o)| (*k, o)));
    for (sort, order) in orders {
        let p = order.partition_point(|&j| in_order(ix, sort, j, i).is_lt());
        order.insert(p, i);
    }
}

/// Every entry's index, in the order of `sort`; ties end on the dossier number.
///
/// Sorted on a 128-bit prefix of the order, packed from the index's side-by-side copies of the
/// keys, the full order deciding only between equal prefixes: comparing tuples read from the
/// entries themselves took 30–90 ms at 100 000 rows, most of it cache misses.
pub(super) fn sorted(ix: &FilterIndex, sort: SortKey) -> Vec<usize> {
    use chrono::Datelike;
    if sort == SortKey::Debtor {
        return by_name(ix);
    }
    let full = |a: usize, b: usize| in_order(ix, sort, a, b);
    // The dossier number ends the prefix where the balance before it is exact, so that ties are
    // settled without the full comparison (paid dossiers share a balance of zero, say).
    let prefix = |i: usize| -> u128 {
        let (bal, exact) = ix.balance_desc[i];
        let id = u128::from(u32::try_from(ix.ids[i]).unwrap_or(0)) * u128::from(exact);
        let bal = u128::from(bal);
        match sort {
            SortKey::Urgency => {
                let due = ix.next[i].map_or(u32::MAX, |d| d.num_days_from_ce() as u32);
                (u128::from(due) << 96) | (bal << 32) | id
            }
            SortKey::DaysPastDue => {
                let days = ix.days_past_due[i].clamp(i32::MIN.into(), i32::MAX.into()) as i32;
                let days = !((days as u32) ^ (1 << 31));
                (u128::from(days) << 96) | (bal << 32) | id
            }
            SortKey::Balance | SortKey::Debtor => (bal << 64) | id,
        }
    };
    // Entries in dossier order with whole-cent balances (the usual case): the entry's index
    // stands for the dossier number, and the prefix is the whole order (half the sort's time).
    if ix.ids.is_sorted_by(|a, b| a < b) && ix.balance_desc.iter().all(|b| b.1) {
        let mut keys: Vec<u128> = (0..ix.len())
            .map(|i| prefix(i) & !u128::from(u32::MAX) | i as u128)
            .collect();
        keys.sort_unstable();
        return keys.into_iter().map(|k| k as u32 as usize).collect();
    }
    let mut keyed: Vec<(u128, u32)> = (0..ix.len()).map(|i| (prefix(i), i as u32)).collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| full(a.1 as usize, b.1 as usize)));
    keyed.into_iter().map(|(_, i)| i as usize).collect()
}

/// The debtor order, on a key of 32 bytes: the name's first 27, whether there was more, and the
/// entry's index (which stands for the dossier number, entries being in dossier order). Names
/// often share their first 16 bytes ("SARL Boulangerie…"), a debtor has several dossiers, and a
/// comparison going to the names themselves costs a cache miss.
fn by_name(ix: &FilterIndex) -> Vec<usize> {
    const HEAD: usize = 27;
    let ascending = ix.ids.is_sorted_by(|a, b| a < b);
    let mut keyed: Vec<(u128, u128)> = (0..ix.len())
        .map(|i| {
            let name = ix.sort_name(i).as_bytes();
            let mut b = [0u8; 32];
            let n = name.len().min(HEAD);
            b[..n].copy_from_slice(&name[..n]);
            b[HEAD] = u8::from(name.len() > HEAD);
            b[HEAD + 1..].copy_from_slice(&(i as u32).to_be_bytes());
            let (high, low) = b.split_at(16);
            let key = |h: &[u8]| u128::from_be_bytes(h.try_into().unwrap_or_default());
            (key(high), key(low))
        })
        .collect();
    let index = |k: &(u128, u128)| k.1 as u32 as usize;
    keyed.sort_unstable_by(|a, b| {
        (a.0, a.1 >> 32).cmp(&(b.0, b.1 >> 32)).then_with(|| {
            let whole = (a.1 >> 32) as u8 == 0;
            let (a, b) = (index(a), index(b));
            if ascending && whole {
                a.cmp(&b)
            } else {
                in_order(ix, SortKey::Debtor, a, b)
            }
        })
    });
    keyed.iter().map(index).collect()
}
