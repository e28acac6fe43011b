//! What a row of the TUI's list costs in memory: every dossier of a database loaded as the
//! whole list loads it, with a counting allocator.
//!
//! `cargo run --release --example rowsize -- DB` (a database made by `examples/gen`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

#[path = "common/gen.rs"]
mod gen;

use recouvre::app::entry::Entry;

/// The system allocator, counting live bytes and allocations.
struct Counting;

static BYTES: AtomicIsize = AtomicIsize::new(0);
static BLOCKS: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed on to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        BYTES.fetch_add(l.size() as isize, Ordering::Relaxed);
        BLOCKS.fetch_add(1, Ordering::Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        BYTES.fetch_sub(l.size() as isize, Ordering::Relaxed);
        BLOCKS.fetch_sub(1, Ordering::Relaxed);
        System.dealloc(p, l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        BYTES.fetch_add(n as isize - l.size() as isize, Ordering::Relaxed);
        System.realloc(p, l, n)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> (isize, isize) {
    (
        BYTES.load(Ordering::Relaxed),
        BLOCKS.load(Ordering::Relaxed),
    )
}

fn main() -> anyhow::Result<()> {
    let db = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: rowsize DB"))?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("a valid date");
    let env = recouvre::app::fixtures::env();
    let store = recouvre::storage::Store::new(std::path::Path::new(&db), gen::store_options());
    let rows = store.load_all_map(|d| Entry::listed(d, today, &env))?;
    let n = rows.items.len().max(1) as isize;
    let with = live();
    drop(rows);
    let without = live();
    println!(
        "{n} rows: {} bytes and {} allocations a row ({} bytes of it inline)",
        (with.0 - without.0) / n,
        (with.1 - without.1) / n,
        std::mem::size_of::<Entry>()
    );
    Ok(())
}
