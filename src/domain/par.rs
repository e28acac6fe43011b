//! The same rule over many dossiers, on every core, in order: assessing 100 000 dossiers takes
//! seconds on one.

/// `f` over every item, in the order given, on up to four threads. In batches, so that what is
/// moved between threads stays small next to the whole (splitting 100 000 dossiers in one go
/// copied the list twice: +350 MB).
pub fn map<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    const BATCH: usize = 4_096;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let mut out = Vec::with_capacity(items.len());
    let mut rest = items.into_iter();
    let f = &f;
    loop {
        let batch: Vec<T> = rest.by_ref().take(BATCH * workers).collect();
        if batch.is_empty() {
            break;
        }
        if workers == 1 || batch.len() < BATCH {
            out.extend(batch.into_iter().map(f));
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
                .map(|part| s.spawn(move || part.into_iter().map(f).collect::<Vec<_>>()))
                .collect();
            for h in handles {
                // A rule that panics on one dossier must not be swallowed by the worker.
                out.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_across_batches_and_threads() {
        let n = 4_096 * 9 + 17;
        let out = super::map((0..n).collect(), |i: usize| i * 2);
        assert_eq!(out, (0..n).map(|i| i * 2).collect::<Vec<_>>());
        assert!(super::map(Vec::<u8>::new(), |x| x).is_empty());
    }
}
