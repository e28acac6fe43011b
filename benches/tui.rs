//! What the daily review costs per keystroke at realistic portfolio sizes: loading, filtering
//! and drawing one frame (only the visible rows are built).
//!
//! Run: `cargo bench --bench tui`. Prints median and 95th percentile per operation and size.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use recouvre::app::{fixtures, update, Action, Command};
use recouvre::model::Snapshot;

fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[(v.len() * 95 / 100).min(v.len() - 1)])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let today = fixtures::today();
    let base = fixtures::dossiers(today);
    println!("| dossiers | load (fold + next action) | filter keystroke | move + draw 120×36 |");
    println!("|---|---|---|---|");
    for n in [1_000usize, 10_000] {
        let dossiers: Vec<_> = (0..n)
            .map(|i| {
                let mut d = base[i % base.len()].clone();
                d.state.id = i as u64 + 1;
                d.debtor.name = format!("{} {i}", d.debtor.name);
                d
            })
            .collect();
        let snap = Snapshot {
            dossiers,
            problems: vec![],
            generation: 1,
        };
        let mut loads = Vec::new();
        let mut st = fixtures::state(today);
        for _ in 0..5 {
            st = fixtures::state(today);
            let s = snap.clone();
            let t = Instant::now();
            update(&mut st, Action::Loaded(Ok(s)));
            loads.push(t.elapsed());
        }
        let mut filters = Vec::new();
        update(&mut st, Action::Command(Command::Filter));
        for c in "martin 12".chars() {
            let t = Instant::now();
            update(
                &mut st,
                Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            );
            filters.push(t.elapsed());
        }
        update(&mut st, Action::Command(Command::Back));
        update(&mut st, Action::Command(Command::Back));
        let mut term = Terminal::new(TestBackend::new(120, 36)).expect("test backend");
        update(&mut st, Action::Resize(120, 36));
        let mut frames = Vec::new();
        for _ in 0..200 {
            let t = Instant::now();
            update(&mut st, Action::Command(Command::Down));
            term.draw(|f| recouvre::ui::render(f, &st, &Default::default()))
                .expect("draw");
            frames.push(t.elapsed());
        }
        let (lm, lp) = stats(loads);
        let (fm, fp) = stats(filters);
        let (dm, dp) = stats(frames);
        println!(
            "| {n} | {} / {} | {} / {} | {} / {} |",
            ms(lm),
            ms(lp),
            ms(fm),
            ms(fp),
            ms(dm),
            ms(dp)
        );
    }
}
