//! End to end: scripted key events through the real event loop against a temporary database,
//! then the journal on disk is checked.

use std::io;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use recouvre::app::{fixtures, State};
use recouvre::domain::event::{Channel, EventKind};
use recouvre::keymap::Keymap;
use recouvre::storage::{Store, StoreOptions};
use recouvre::tui::runtime::{run_loop, EventSource, LoopOptions, ScriptedEvents};
use rust_decimal::Decimal;
use std::str::FromStr;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn text(s: &str) -> Vec<Event> {
    s.chars().map(|c| key(KeyCode::Char(c))).collect()
}

fn setup() -> (tempfile::TempDir, Store, Vec<u64>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path().join("db"), StoreOptions::default());
    let ids = fixtures::seed_store(&store, fixtures::today()).unwrap();
    (dir, store, ids)
}

fn state(keymap: &str) -> State {
    let mut st = State::new(fixtures::today(), Arc::new(Keymap::named(keymap).unwrap()));
    st.env = Arc::new(fixtures::env());
    st
}

fn no_refresh() -> LoopOptions {
    LoopOptions {
        refresh: None,
        tick: Duration::from_millis(1),
        ..Default::default()
    }
}

#[test]
fn morning_round_writes_the_expected_journal() {
    let (_dir, store, ids) = setup();
    let acme = ids[0];
    let before = store.load(acme).unwrap().events.len();
    let mut script = vec![];
    // Find ACME with the filter, send relance 2 from the editor (ctrl-s, channel form, Enter),
    // then a payment with a typo first.
    script.push(key(KeyCode::Char('/')));
    script.extend(text("acme"));
    script.push(key(KeyCode::Enter));
    script.push(key(KeyCode::Char('r')));
    script.push(ctrl('s'));
    script.push(key(KeyCode::Enter));
    script.push(key(KeyCode::Char('p')));
    script.extend(text("1O0,50")); // letter O: refused, nothing written
    script.push(key(KeyCode::Enter));
    script.extend((0..6).map(|_| key(KeyCode::Backspace)));
    script.extend(text("100,50"));
    script.push(key(KeyCode::Enter));
    // A note, then cancel a form: nothing written for the cancelled one.
    script.push(key(KeyCode::Char('t')));
    script.extend(text("Client prévenu"));
    script.push(Event::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    script.push(key(KeyCode::Char('c')));
    script.extend(text("xyz"));
    script.push(key(KeyCode::Esc));
    // Undo the note (confirm), then quit.
    script.push(key(KeyCode::Char('u')));
    script.push(key(KeyCode::Enter));
    script.push(key(KeyCode::Char('q')));

    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    let stop = AtomicBool::new(false);
    run_loop(
        &mut term,
        &mut ScriptedEvents::new(script),
        &mut st,
        &store,
        &stop,
        &no_refresh(),
    )
    .unwrap();
    assert!(st.quit);

    let d = store.load(acme).unwrap();
    let new: Vec<&EventKind> = d.events[before..].iter().map(|e| &e.kind).collect();
    assert_eq!(new.len(), 4, "{new:#?}");
    match new[0] {
        EventKind::RelanceSent {
            level: 2,
            channel: Channel::Letter,
            letter: Some(letter),
            ..
        } => assert!(letter.contains("Deuxième relance"), "{letter}"),
        other => panic!("{other:#?}"),
    }
    assert_eq!(
        new[1],
        &EventKind::PaymentReceived {
            amount: Decimal::from_str("100.50").unwrap(),
            reference: None,
            invoice: None,
        }
    );
    assert!(matches!(new[2], EventKind::Note { text, .. } if text == "Client prévenu"));
    assert_eq!(
        new[3],
        &EventKind::Cancel {
            target: (before + 2) as u32
        }
    );
    assert!(d.events[before..]
        .iter()
        .all(|e| e.user == recouvre::identity::current_user()));
    // The status line reported the last write as done.
    let screen = format!("{}", term.backend());
    assert!(screen.contains("annulé pour ACME SARL"), "{screen}");
}

/// An event source that lets another "user" write between two keys.
struct WithInterference {
    inner: ScriptedEvents,
    at: usize,
    n: usize,
    hook: Option<Box<dyn FnOnce()>>,
}

impl EventSource for WithInterference {
    fn next(&mut self, t: Duration) -> io::Result<Option<Event>> {
        if self.n == self.at {
            if let Some(h) = self.hook.take() {
                h();
            }
        }
        self.n += 1;
        self.inner.next(t)
    }
}

/// Ends the run (as a stop signal would) once the scripted keys are used up.
struct StopWhenDone {
    inner: WithInterference,
    stop: Arc<AtomicBool>,
}

impl EventSource for StopWhenDone {
    fn next(&mut self, t: Duration) -> io::Result<Option<Event>> {
        if self.inner.inner.0.is_empty() {
            self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
            return Ok(None);
        }
        self.inner.next(t)
    }
}

#[test]
fn stale_write_is_refused_and_explained() {
    let (_dir, store, ids) = setup();
    let acme = ids[0];
    let before = store.load(acme).unwrap().events.len();
    let other = Store::new(
        store.path(),
        StoreOptions {
            user: "carole".into(),
            ..StoreOptions::default()
        },
    );
    let mut script = vec![key(KeyCode::Char('/'))];
    script.extend(text("acme"));
    script.push(key(KeyCode::Enter));
    script.push(key(KeyCode::Char('r')));
    script.push(ctrl('s'));
    script.push(key(KeyCode::Enter)); // send: carole wrote just before
                                      // The script ends on the refused send: the run stops there, the explanation on screen.
    let at = script.len() - 1;
    let stop = Arc::new(AtomicBool::new(false));
    let events = WithInterference {
        inner: ScriptedEvents::new(script),
        at,
        n: 0,
        hook: Some(Box::new(move || {
            {
                other.append(
                    acme,
                    None,
                    fixtures::today(),
                    vec![EventKind::RelanceSent {
                        level: 2,
                        channel: Channel::Email,
                        letter: None,
                        overrides: vec![],
                    }],
                )
            }
            .unwrap();
        })),
    };
    let mut events = StopWhenDone {
        inner: events,
        stop: Arc::clone(&stop),
    };
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(160, 36)).unwrap();
    run_loop(
        &mut term,
        &mut events,
        &mut st,
        &store,
        &stop,
        &no_refresh(),
    )
    .unwrap();
    let d = store.load(acme).unwrap();
    assert_eq!(d.events.len(), before + 1, "only carole's event is there");
    assert_eq!(d.events[before].user, "carole");
    let screen = format!("{}", term.backend());
    assert!(screen.contains("carole"), "{screen}");
    assert!(screen.contains("n'a pas été enregistrée"), "{screen}");
    // The letter was not lost: it waits as a draft.
    let draft = store.load_draft(acme).unwrap().expect("draft");
    assert!(draft.text.contains("Deuxième relance"), "{}", draft.text);
}

#[test]
fn vim_keymap_drives_the_same_loop() {
    let (_dir, store, ids) = setup();
    let mut script = vec![
        key(KeyCode::Char('G')),
        key(KeyCode::Char('g')),
        key(KeyCode::Char('j')),
    ];
    // Second row in urgency order is Jean Dupont: next injonction step = request filed.
    script.push(key(KeyCode::Char('i')));
    script.push(key(KeyCode::Enter));
    script.push(key(KeyCode::Char('q')));
    let mut st = state("vim");
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    run_loop(
        &mut term,
        &mut ScriptedEvents::new(script),
        &mut st,
        &store,
        &AtomicBool::new(false),
        &no_refresh(),
    )
    .unwrap();
    let d = store.load(ids[2]).unwrap();
    assert!(matches!(
        d.events.last().unwrap().kind,
        EventKind::Injonction { .. }
    ));
}

#[test]
fn busy_or_missing_database_is_shown_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path().join("nothing-here"), StoreOptions::default());
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    run_loop(
        &mut term,
        &mut ScriptedEvents::new([key(KeyCode::Char('r')), key(KeyCode::Char('q'))]),
        &mut st,
        &store,
        &AtomicBool::new(false),
        &no_refresh(),
    )
    .unwrap();
    assert!(st.load_error.is_some());
    let screen = format!("{}", term.backend());
    assert!(screen.contains("Aucune base de données"), "{screen}");
}

#[test]
fn stop_flag_ends_the_loop_like_a_signal() {
    let (_dir, store, _) = setup();
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    // No quit key in the script: the flag (set by SIGTERM/SIGHUP in real runs) ends the loop.
    run_loop(
        &mut term,
        &mut ScriptedEvents::new([]),
        &mut st,
        &store,
        &AtomicBool::new(true),
        &no_refresh(),
    )
    .unwrap();
}

#[test]
fn another_users_write_appears_without_a_key_press() {
    let (_dir, store, ids) = setup();
    let other = Store::new(
        store.path(),
        StoreOptions {
            user: "carole".into(),
            ..StoreOptions::default()
        },
    );
    let mut events = WithInterference {
        // Two idle ticks: the first after carole's write notices it.
        inner: ScriptedEvents::with_ticks([None, None, Some(key(KeyCode::Char('q')))]),
        at: 0,
        n: 0,
        hook: Some(Box::new(move || {
            {
                other.append(
                    ids[1],
                    None,
                    fixtures::today(),
                    vec![EventKind::RelanceSent {
                        level: 1,
                        channel: Channel::Email,
                        letter: None,
                        overrides: vec![],
                    }],
                )
            }
            .unwrap();
        })),
    };
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let opts = LoopOptions {
        refresh: Some(Duration::ZERO),
        tick: Duration::from_millis(1),
        ..Default::default()
    };
    run_loop(
        &mut term,
        &mut events,
        &mut st,
        &store,
        &AtomicBool::new(false),
        &opts,
    )
    .unwrap();
    let martin = st
        .entries
        .iter()
        .find(|e| e.debtor() == "Boulangerie Martin")
        .unwrap();
    assert_eq!(martin.stage, recouvre::domain::fold::Stage::Relance1);
}

#[test]
fn database_held_by_another_process_is_shown_then_retried() {
    let (_dir, seeded, _) = setup();
    let store = Store::new(
        seeded.path(),
        StoreOptions {
            lock_wait: Duration::from_millis(50),
            ..StoreOptions::default()
        },
    );
    let guard = recouvre::storage::lock::acquire(seeded.path(), Duration::from_secs(1), "bob")
        .ok()
        .expect("lock taken");
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let mut events = ScriptedEvents::new([key(KeyCode::Char('j')), key(KeyCode::Char('q'))]);
    run_loop(
        &mut term,
        &mut events,
        &mut st,
        &store,
        &AtomicBool::new(false),
        &no_refresh(),
    )
    .unwrap();
    let screen = format!("{}", term.backend());
    assert!(screen.contains("occupée par bob"), "{screen}");
    assert!(st.entries.is_empty());
    drop(guard);
    st.quit = false;
    let mut events = ScriptedEvents::new([key(KeyCode::Char('R')), key(KeyCode::Char('q'))]);
    run_loop(
        &mut term,
        &mut events,
        &mut st,
        &store,
        &AtomicBool::new(false),
        &no_refresh(),
    )
    .unwrap();
    assert_eq!(st.entries.len(), 8);
    assert!(st.load_error.is_none());
}

fn acme_editor(step_key: char) -> Vec<Event> {
    let mut script = vec![key(KeyCode::Char('/'))];
    script.extend(text("acme"));
    script.push(key(KeyCode::Enter));
    script.push(key(KeyCode::Char(step_key)));
    script
}

#[test]
fn editor_open_type_send_keeps_the_typed_text_in_the_journal() {
    let (_dir, store, ids) = setup();
    let acme = ids[0];
    let before = store.load(acme).unwrap().events.len();
    let mut script = acme_editor('r');
    script.extend(text("Bonjour Madame Durand, "));
    script.push(ctrl('s'));
    script.push(key(KeyCode::Right)); // channel: courrier → LRAR
    script.push(key(KeyCode::Tab));
    script.extend(text("1A 234 567 8901 2"));
    script.push(key(KeyCode::Enter));
    // The letter was edited and the channel changed: keep the typed text and send.
    script.push(key(KeyCode::Tab));
    script.push(key(KeyCode::Enter));
    script.push(key(KeyCode::Char('q')));
    // Just before ctrl-s: the autosave has already put the typed text in the drafts.
    let at = script.iter().position(|e| *e == ctrl('s')).unwrap();
    let probe = store.clone();
    let mut events = WithInterference {
        inner: ScriptedEvents::new(script),
        at,
        n: 0,
        hook: Some(Box::new(move || {
            let d = probe.load_draft(acme).unwrap();
            assert!(d.is_some_and(|d| d.text.starts_with("Bonjour Madame Durand, ")));
        })),
    };
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    run_loop(
        &mut term,
        &mut events,
        &mut st,
        &store,
        &AtomicBool::new(false),
        &LoopOptions {
            // Autosave on every key: drafts exist while typing, and must be gone after sending.
            autosave: Duration::ZERO,
            ..no_refresh()
        },
    )
    .unwrap();
    let d = store.load(acme).unwrap();
    assert_eq!(
        d.events.len(),
        before + 2,
        "the relance and its tracking number"
    );
    assert!(
        matches!(&d.events[before + 1].kind, EventKind::Note { text, .. } if text.contains("1A 234 567 8901 2"))
    );
    match &d.events[before].kind {
        EventKind::RelanceSent {
            level: 2,
            channel: Channel::Lrar,
            letter: Some(letter),
            ..
        } => {
            assert!(letter.starts_with("Bonjour Madame Durand, "), "{letter}");
            assert!(letter.contains("Deuxième relance"));
        }
        other => panic!("{other:#?}"),
    }
    // The letter is logged: no draft is left behind to be offered again.
    assert!(store.load_draft(acme).unwrap().is_none());
}

/// Sets the stop flag (as the SIGHUP handler does) once the script has run out.
struct HangUpAfter {
    inner: ScriptedEvents,
    stop: Arc<AtomicBool>,
}

impl EventSource for HangUpAfter {
    fn next(&mut self, t: Duration) -> io::Result<Option<Event>> {
        if self.inner.0.is_empty() {
            self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
            return Ok(None);
        }
        self.inner.next(t)
    }
}

#[test]
fn sighup_while_editing_keeps_a_draft_that_is_offered_on_reopen() {
    let (_dir, store, ids) = setup();
    let acme = ids[0];
    let before = store.load(acme).unwrap().events.len();
    let mut script = acme_editor('r');
    script.extend(text("Texte tapé avant la coupure "));
    let stop = Arc::new(AtomicBool::new(false));
    let mut events = HangUpAfter {
        inner: ScriptedEvents::new(script),
        stop: Arc::clone(&stop),
    };
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    run_loop(
        &mut term,
        &mut events,
        &mut st,
        &store,
        &stop,
        &no_refresh(),
    )
    .unwrap();
    assert!(!st.quit, "left through the stop flag, not the quit key");
    let draft = store
        .load_draft(acme)
        .unwrap()
        .expect("draft saved on the way out");
    assert!(draft.text.starts_with("Texte tapé avant la coupure "));
    assert_eq!(draft.step, "relance_2");
    assert_eq!(
        store.load(acme).unwrap().events.len(),
        before,
        "a draft is not a journal event"
    );

    // Next session: the dossier says a draft waits…
    let mut look = vec![key(KeyCode::Char('/'))];
    look.extend(text("acme"));
    look.push(key(KeyCode::Enter));
    let look_stop = Arc::new(AtomicBool::new(false));
    let mut look_term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    run_loop(
        &mut look_term,
        &mut HangUpAfter {
            inner: ScriptedEvents::new(look),
            stop: Arc::clone(&look_stop),
        },
        &mut state("default"),
        &store,
        &look_stop,
        &no_refresh(),
    )
    .unwrap();
    let screen = format!("{}", look_term.backend());
    assert!(
        screen.contains("Brouillon de lettre en attente"),
        "{screen}"
    );

    // …and the same key offers it; Enter resumes it.
    let mut script = acme_editor('r');
    script.push(key(KeyCode::Enter));
    let stop2 = Arc::new(AtomicBool::new(false));
    let mut events = HangUpAfter {
        inner: ScriptedEvents::new(script),
        stop: Arc::clone(&stop2),
    };
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    // Stop one step early to look at the offer on screen.
    let mut peek = acme_editor('r');
    let mut offer_term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    let offer_stop = Arc::new(AtomicBool::new(false));
    run_loop(
        &mut offer_term,
        &mut HangUpAfter {
            inner: ScriptedEvents::new(std::mem::take(&mut peek)),
            stop: Arc::clone(&offer_stop),
        },
        &mut state("default"),
        &store,
        &offer_stop,
        &no_refresh(),
    )
    .unwrap();
    let screen = format!("{}", offer_term.backend());
    assert!(screen.contains("Brouillon en cours"), "{screen}");
    assert!(screen.contains("reprendre le brouillon"), "{screen}");

    run_loop(
        &mut term,
        &mut events,
        &mut st,
        &store,
        &stop2,
        &no_refresh(),
    )
    .unwrap();
    let ed = st.editor.as_ref().expect("editor open");
    assert!(ed.text().starts_with("Texte tapé avant la coupure "));
}

#[test]
fn missing_mention_blocks_until_confirmed_and_the_override_is_journaled() {
    let (_dir, store, ids) = setup();
    let acme = ids[0];
    let before = store.load(acme).unwrap().events.len();
    let mut script = acme_editor('m');
    script.push(ctrl('f'));
    script.extend(text("objet :"));
    script.push(key(KeyCode::Enter));
    script.push(ctrl('k')); // the subject line goes
    script.push(ctrl('s'));
    script.push(key(KeyCode::Enter)); // channel form → the mentions popup, nothing written
    script.push(key(KeyCode::Enter)); // send anyway
    script.push(key(KeyCode::Char('q')));
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    run_loop(
        &mut term,
        &mut ScriptedEvents::new(script),
        &mut st,
        &store,
        &AtomicBool::new(false),
        &no_refresh(),
    )
    .unwrap();
    let d = store.load(acme).unwrap();
    assert_eq!(d.events.len(), before + 1);
    match &d.events[before].kind {
        EventKind::NoticeSent {
            letter: Some(letter),
            overrides,
            ..
        } => {
            assert!(!letter.contains("Objet"), "{letter}");
            assert!(
                overrides.iter().any(|o| o == "mention:notice_title"),
                "{overrides:?}"
            );
        }
        other => panic!("{other:#?}"),
    }
}

/// A colleague logs a note with the real `recouvre` binary while the TUI sits on a dossier: the
/// TUI shows it without a restart, reloads only that dossier, and keeps the selection.
#[test]
fn a_cli_write_by_a_colleague_shows_up_and_the_selection_stays() {
    let (_dir, store, ids) = setup();
    let db = store.path().to_path_buf();
    let target = ids[2];
    let mut events = WithInterference {
        inner: ScriptedEvents::with_ticks([
            Some(key(KeyCode::Char('j'))),
            Some(key(KeyCode::Char('j'))),
            Some(key(KeyCode::Char('j'))),
            None,
            None,
            Some(key(KeyCode::Char('q'))),
        ]),
        at: 3,
        n: 0,
        hook: Some(Box::new(move || {
            let o = std::process::Command::new(env!("CARGO_BIN_EXE_recouvre"))
                .arg("--db")
                .arg(&db)
                .args([
                    "log",
                    &format!("#{target}"),
                    "note",
                    "Rappel",
                    "promis",
                    "vendredi",
                ])
                .env("RECOUVRE_TODAY", fixtures::today().to_string())
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        })),
    };
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let opts = LoopOptions {
        refresh: Some(Duration::ZERO),
        tick: Duration::from_millis(1),
        ..Default::default()
    };
    // Remember which dossier the cursor is on after the three moves.
    let mut probe = state("default");
    let mut probe_term = Terminal::new(TestBackend::new(120, 30)).unwrap();
    run_loop(
        &mut probe_term,
        &mut ScriptedEvents::with_ticks([
            Some(key(KeyCode::Char('j'))),
            Some(key(KeyCode::Char('j'))),
            Some(key(KeyCode::Char('j'))),
            Some(key(KeyCode::Char('q'))),
        ]),
        &mut probe,
        &store,
        &AtomicBool::new(false),
        &no_refresh(),
    )
    .unwrap();
    let selected_before = probe.selected;
    let generation_before = store.generation_hint().unwrap();
    run_loop(
        &mut term,
        &mut events,
        &mut st,
        &store,
        &AtomicBool::new(false),
        &opts,
    )
    .unwrap();
    assert_eq!(
        st.selected, selected_before,
        "selection kept across the refresh"
    );
    assert!(
        st.generation > generation_before,
        "the TUI saw the new generation"
    );
    let e = st.entries.iter().find(|e| e.id() == target).unwrap();
    assert!(
        e.events()
            .expect("the journal of a patched dossier is at hand")
            .iter()
            .any(|ev| matches!(&ev.kind, EventKind::Note { text, .. } if text == "Rappel promis vendredi")),
        "the colleague's note is in the TUI's copy of the journal"
    );
}

/// A TestBackend that keeps the text of every frame, not only the last one.
struct Frames {
    inner: TestBackend,
    seen: Vec<String>,
}

impl ratatui::backend::Backend for Frames {
    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a ratatui::buffer::Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> io::Result<ratatui::layout::Position> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<ratatui::layout::Position>>(
        &mut self,
        position: P,
    ) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }
    fn size(&self) -> io::Result<ratatui::layout::Size> {
        self.inner.size()
    }
    fn window_size(&mut self) -> io::Result<ratatui::backend::WindowSize> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> io::Result<()> {
        self.seen.push(recouvre::tui::screenshot::buffer_to_text(
            self.inner.buffer(),
        ));
        self.inner.flush()
    }
}

/// Idle ticks (the user reads the first screen) until the list is whole, then `q`.
struct WaitThenQuit {
    ticks: usize,
}

impl EventSource for WaitThenQuit {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        self.ticks += 1;
        if self.ticks > 400 {
            return Ok(Some(key(KeyCode::Char('q'))));
        }
        std::thread::sleep(timeout.min(Duration::from_millis(5)));
        Ok(None)
    }
}

/// The real terminal's way: the first screen comes from the urgency index and is drawn, with the
/// header saying the list is loading, before the whole list (read and assessed on a thread of its
/// own) replaces it; the loop answers in between.
#[test]
fn the_first_screen_is_drawn_before_the_whole_list_loads_behind_it() {
    let (_dir, store, ids) = setup();
    let mut st = state("default");
    let mut term = Terminal::new(Frames {
        inner: TestBackend::new(140, 36),
        seen: vec![],
    })
    .unwrap();
    let stop = AtomicBool::new(false);
    let opts = LoopOptions {
        wait_for_load: false,
        ..no_refresh()
    };
    run_loop(
        &mut term,
        &mut WaitThenQuit { ticks: 0 },
        &mut st,
        &store,
        &stop,
        &opts,
    )
    .unwrap();
    let frames = &term.backend().seen;
    let loading = frames
        .iter()
        .position(|f| f.lines().next().unwrap().contains("Chargement des"))
        .unwrap_or_else(|| panic!("no first-screen frame:\n{}", frames.join("\n---\n")));
    assert!(frames[loading].contains("ACME SARL"), "{}", frames[loading]);
    let whole = frames
        .iter()
        .rposition(|f| f.lines().next().unwrap().contains("Encours"))
        .expect("the whole list replaced the first screen");
    assert!(whole > loading);
    assert_eq!(st.loading, None);
    assert_eq!(st.entries.len(), ids.len());
}

/// The list keeps a journal for only the rows around the cursor (here, one): the detail's journal
/// pane still shows each dossier the user lands on, read on demand, and a colleague's note on that
/// dossier appears in the pane without a restart.
#[test]
fn the_journal_pane_is_read_on_demand_and_follows_a_colleagues_write() {
    let (_dir, store, ids) = setup();
    let acme = ids[0];
    let colleague = Store::new(
        store.path(),
        StoreOptions {
            user: "carole".into(),
            ..StoreOptions::default()
        },
    );
    let mut script = vec![Some(key(KeyCode::Char('/')))];
    script.extend(text("acme").into_iter().map(Some));
    script.extend([Some(key(KeyCode::Enter)), None, None, None]);
    script.push(Some(key(KeyCode::Char('q'))));
    let at = script.len() - 3;
    let mut events = WithInterference {
        inner: ScriptedEvents::with_ticks(script),
        at,
        n: 0,
        hook: Some(Box::new(move || {
            colleague
                .append(
                    acme,
                    None,
                    fixtures::today(),
                    vec![EventKind::Note {
                        kind: recouvre::domain::event::NoteKind::PhoneCall,
                        text: "Rappel promis vendredi".into(),
                    }],
                )
                .unwrap();
        })),
    };
    let mut st = state("default");
    st.journal_capacity = 1;
    let mut term = Terminal::new(Frames {
        inner: TestBackend::new(160, 90),
        seen: vec![],
    })
    .unwrap();
    let opts = LoopOptions {
        refresh: Some(Duration::ZERO),
        tick: Duration::from_millis(1),
        ..Default::default()
    };
    run_loop(
        &mut term,
        &mut events,
        &mut st,
        &store,
        &AtomicBool::new(false),
        &opts,
    )
    .unwrap();
    let frames = &term.backend().seen;
    let acme_journal = store.load(acme).unwrap().events;
    // The frame drawn once ACME is selected, before the colleague's write: its journal is shown
    // (newest first: the event before the note heads it).
    let selected = frames
        .iter()
        .rposition(|f| f.contains("ACME SARL") && !f.contains("Rappel promis vendredi"))
        .expect("a frame on ACME before the write");
    // Its beginning: the pane wraps long lines.
    let first: String =
        recouvre::app::describe::event_text(&acme_journal[acme_journal.len() - 2].kind)
            .chars()
            .take(24)
            .collect();
    assert!(
        frames[selected].contains(&first),
        "ACME's journal ({first}) on screen:\n{}",
        frames[selected]
    );
    let last = frames.last().unwrap();
    assert!(
        last.contains("Rappel promis vendredi") && last.contains(&first),
        "the colleague's note in the journal pane:\n{last}"
    );
    assert!(
        st.entries.iter().filter(|e| e.is_whole()).count() <= 1,
        "journals kept only around the cursor"
    );
}

/// The scripted keys, then idle ticks of a few milliseconds (the user reads), then `q`.
struct KeysThenIdle {
    keys: std::collections::VecDeque<Event>,
    idle: usize,
}

impl EventSource for KeysThenIdle {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        if let Some(k) = self.keys.pop_front() {
            return Ok(Some(k));
        }
        self.idle += 1;
        if self.idle > 200 {
            return Ok(Some(key(KeyCode::Char('q'))));
        }
        std::thread::sleep(timeout.min(Duration::from_millis(5)));
        Ok(None)
    }
}

/// As in the real terminal, the loop does not wait for a journal before the next key: the
/// journal read on its thread still reaches the pane.
#[test]
fn a_journal_read_behind_the_keys_reaches_the_pane() {
    let (_dir, store, ids) = setup();
    let newest = store.load(ids[0]).unwrap().events.pop().unwrap();
    let mut keys: std::collections::VecDeque<Event> = text("/acme").into();
    keys.push_back(key(KeyCode::Enter));
    let mut st = state("default");
    st.journal_capacity = 1;
    let mut term = Terminal::new(TestBackend::new(160, 90)).unwrap();
    let opts = LoopOptions {
        wait_for_load: false,
        ..no_refresh()
    };
    run_loop(
        &mut term,
        &mut KeysThenIdle { keys, idle: 0 },
        &mut st,
        &store,
        &AtomicBool::new(false),
        &opts,
    )
    .unwrap();
    let screen = recouvre::tui::screenshot::buffer_to_text(term.backend().buffer());
    let newest: String = recouvre::app::describe::event_text(&newest.kind)
        .chars()
        .take(24)
        .collect();
    assert!(screen.contains(&newest), "{newest} in the pane:\n{screen}");
    assert!(!screen.contains("chargement du dossier"), "{screen}");
}

fn the_day_after() -> chrono::NaiveDate {
    fixtures::today() + chrono::Duration::days(1)
}

#[test]
fn a_tui_left_open_past_midnight_moves_to_the_new_day() {
    let (_dir, store, _ids) = setup();
    let mut st = state("default");
    let mut term = Terminal::new(TestBackend::new(120, 30)).unwrap();
    let days_late = |st: &State| -> Vec<(u64, i64)> {
        let mut v: Vec<_> = st
            .entries
            .iter()
            .map(|e| (e.id(), e.days_past_due))
            .collect();
        v.sort();
        v
    };
    run_loop(
        &mut term,
        &mut ScriptedEvents::new([key(KeyCode::Char('q'))]),
        &mut st,
        &store,
        &AtomicBool::new(false),
        &no_refresh(),
    )
    .unwrap();
    let before = days_late(&st);
    assert!(before.iter().any(|&(_, d)| d > 0), "{before:?}");

    // The same TUI, its clock now reading the next day: one idle tick is enough.
    st.quit = false;
    let opts = LoopOptions {
        clock: Some(the_day_after),
        ..no_refresh()
    };
    run_loop(
        &mut term,
        &mut ScriptedEvents::with_ticks([None, Some(key(KeyCode::Char('q')))]),
        &mut st,
        &store,
        &AtomicBool::new(false),
        &opts,
    )
    .unwrap();
    assert_eq!(st.today, the_day_after());
    // Every dossier late yesterday is a day later, and the header names the new day.
    let after = days_late(&st);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.0, a.0);
        if b.1 > 0 {
            assert_eq!(a.1, b.1 + 1, "dossier {}", a.0);
        }
    }
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    let new_day = the_day_after().format("%d/%m/%Y").to_string();
    assert!(screen.contains(&new_day), "{screen}");
}
