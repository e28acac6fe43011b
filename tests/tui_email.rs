//! E-mail from the TUI against a real SMTP server on 127.0.0.1 (`common/smtp.rs`): the letter
//! editor sends a reminder with a progress line and journals it, a refusal keeps the letter, and
//! the morning round (marked dossiers or every reminder due) previews, sends one by one and
//! sums up. The journal on disk and what the server received are checked, and the screens are
//! read from ratatui's `TestBackend`.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use recouvre::app::editor::LetterEnv;
use recouvre::app::{update, Action, Command, Effect, State};
use recouvre::config::Config;
use recouvre::domain::letters::Templates;
use recouvre::domain::model::DossierId;
use recouvre::keymap::Keymap;
use recouvre::storage::Store;
use recouvre::tui::runtime::{run_effect, run_loop, LoopOptions, ScriptedEvents};
use smtp::*;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn text(s: &str) -> Vec<Event> {
    s.chars().map(|c| key(KeyCode::Char(c))).collect()
}

/// The configuration of `common::configure` (a complete creditor), with `[email]` pointing at
/// the test server, or without `[email]` when `port` is `None`.
fn env(port: Option<u16>) -> LetterEnv {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    configure(&db);
    let mut text = std::fs::read_to_string(config_path(&db)).unwrap();
    if let Some(port) = port {
        text.push_str(&format!(
            "\n[email]\ntransport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\ntimeout_seconds = 2\n"
        ));
    }
    let config: Config = toml::from_str(&text).unwrap();
    LetterEnv {
        rules: config.rules(dir.path()).unwrap(),
        templates: Templates::builtin(),
        profiles: config,
    }
}

fn state(env: LetterEnv) -> State {
    let mut st = State::new(d(TODAY), Arc::new(Keymap::named("default").unwrap()));
    st.env = Arc::new(env);
    st
}

fn opts() -> LoopOptions {
    LoopOptions {
        refresh: None,
        tick: Duration::from_millis(1),
        ..Default::default()
    }
}

fn run(store: &Store, st: &mut State, script: Vec<Event>, size: (u16, u16)) -> String {
    let mut term = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    let ran = run_loop(
        &mut term,
        &mut ScriptedEvents::new(script),
        st,
        store,
        &AtomicBool::new(false),
        &opts(),
    );
    let screen = format!("{}", term.backend());
    // A script that ends before quitting: the screen says where it stood.
    assert!(ran.is_ok(), "{ran:?}\n{screen}");
    screen
}

fn slugs(store: &Store, id: DossierId) -> Vec<&'static str> {
    store
        .load(id)
        .unwrap()
        .events
        .iter()
        .map(|e| e.kind.slug())
        .filter(|s| s.starts_with("email") || *s == "relance")
        .collect()
}

/// Dossiers at their first reminder, due today; "Sans Adresse" has no e-mail, and the server
/// refuses the address of a name ending in "Refus".
fn round(names: &[&str]) -> (tempfile::TempDir, Store, Vec<DossierId>) {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(&dir.path().join("db"));
    let ids = names
        .iter()
        .map(|name| {
            let mut new = new_dossier(name);
            let slug = name.to_lowercase().replace(' ', "-");
            new.debtor.email = match *name {
                "Sans Adresse" => None,
                // Refused at RCPT by the test server.
                n if n.ends_with("Refus") => Some(format!("refuse@{slug}.example")),
                _ => Some(format!("compta@{slug}.example")),
            };
            store.create(new).unwrap()
        })
        .collect();
    (dir, store, ids)
}

/// The letter editor: `r` on the dossier (a first reminder to a debtor with an address goes by
/// e-mail), ctrl-s and Enter: the reminder leaves, and the journal has the marker, the reminder
/// and the proof.
#[test]
fn the_editor_sends_a_reminder_by_email_and_journals_it() {
    let server = serve(Behaviour::Accept);
    let (_dir, store, ids) = round(&["Garage Morel"]);
    let mut st = state(env(Some(server.port)));
    let mut script = vec![key(KeyCode::Char('r'))];
    script.extend([ctrl('s'), key(KeyCode::Enter)]);
    script.push(key(KeyCode::Char('q')));
    let screen = run(&store, &mut st, script, (120, 36));

    assert_eq!(
        slugs(&store, ids[0]),
        ["email_sending", "relance", "email_sent"]
    );
    let got = server.received.lock().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt, ["compta@garage-morel.example"]);
    assert!(st.editor.is_none(), "the editor closes once sent");
    assert!(store.load_draft(ids[0]).unwrap().is_none());
    assert!(
        screen.contains("envoyée par courriel à Garage Morel et journalisée"),
        "{screen}"
    );
}

/// Refused by the server: nothing is logged as sent, the letter stays open with the server's
/// words on the status line, and it is kept in the drafts.
#[test]
fn a_refused_letter_stays_open_and_in_the_drafts() {
    let server = serve(Behaviour::Refuse);
    let (_dir, store, ids) = round(&["Garage Morel"]);
    let mut st = state(env(Some(server.port)));
    let mut script = vec![key(KeyCode::Char('r'))];
    script.extend(text("Bonjour, "));
    script.extend([ctrl('s'), key(KeyCode::Enter)]);
    // Still in the letter: leave it (ctrl-c keeps it as a draft), then quit.
    script.extend([ctrl('c'), key(KeyCode::Char('q'))]);
    run(&store, &mut st, script, (120, 36));
    assert_eq!(slugs(&store, ids[0]), ["email_sending", "email_failed"]);
    let draft = store
        .load_draft(ids[0])
        .unwrap()
        .expect("the letter is kept");
    assert!(draft.text.contains("Bonjour, "), "{}", draft.text);
    assert!(server.received.lock().unwrap().is_empty());
}

/// The refusal is said on the letter's own status line, with the server's words.
#[test]
fn a_refusal_is_shown_in_the_letter() {
    let server = serve(Behaviour::Refuse);
    let (_dir, store, _ids) = round(&["Garage Morel"]);
    let mut st = state(env(Some(server.port)));
    let mut script = vec![key(KeyCode::Char('r'))];
    script.extend([ctrl('s'), key(KeyCode::Enter)]);
    // The loop ends here, the letter on screen.
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    let stop = AtomicBool::new(false);
    let mut events = ScriptedEvents::new(script);
    let _ = run_loop(&mut term, &mut events, &mut st, &store, &stop, &opts());
    let screen = format!("{}", term.backend());
    assert!(st.editor.is_some());
    assert!(screen.contains("Courriel non envoyé"), "{screen}");
    assert!(screen.contains("5.7.1"), "{screen}");
}

/// The round from the list: every reminder due today, previewed (step, amount, recipient; the
/// one without an address flagged with its reason), confirmed once, sent one by one, summed up;
/// a rerun finds nothing left to send.
#[test]
fn the_morning_round_previews_sends_and_sums_up() {
    let server = serve(Behaviour::Accept);
    let (_dir, store, ids) = round(&["Garage Morel", "Sans Adresse", "Boulangerie Petit"]);
    let mut st = state(env(Some(server.port)));
    // The preview, as drawn at 80×24.
    update(
        &mut st,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    let effects = update(&mut st, Action::Command(Command::SendBatch));
    let [effect @ Effect::PlanBatch { .. }] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    let planned = run_effect(&store, effect.clone());
    update(&mut st, planned);
    // The line without an address is read with the arrows.
    update(&mut st, Action::Command(Command::NextField));
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let theme = recouvre::ui::theme::Theme::new(recouvre::ui::theme::Palette::Mono);
    term.draw(|f| recouvre::ui::render(f, &st, &theme)).unwrap();
    let preview = format!("{}", term.backend());
    for want in [
        "3 dossier(s), 2 à envoyer",
        "Garage Morel",
        "Relance 1",
        "compta@garage-",
        "Sans Adresse",
        "N° 2 (Sans Adresse) →  : aucune adresse de courriel",
        "À envoyer : 2 · écartés : 1",
        "envoyer (2)",
    ] {
        assert!(preview.contains(want), "{want:?} in\n{preview}");
    }
    assert!(server.received.lock().unwrap().is_empty());

    // Confirmed through the real loop: sent, journaled, summed up.
    let screen = run(
        &store,
        &mut st,
        // Enter sends; the summary stays until closed (Enter again), then q.
        vec![
            key(KeyCode::Enter),
            key(KeyCode::Enter),
            key(KeyCode::Char('q')),
        ],
        (80, 24),
    );
    assert!(
        screen.contains("Envoyées : 2, écartées : 1, en échec : 0"),
        "{screen}"
    );
    for id in [ids[0], ids[2]] {
        assert_eq!(
            slugs(&store, id),
            ["email_sending", "relance", "email_sent"]
        );
    }
    assert!(slugs(&store, ids[1]).is_empty());
    assert_eq!(server.received.lock().unwrap().len(), 2);

    // Closed, then again: the two sent are at their next step, the other is still flagged.
    let mut st = state(env(Some(server.port)));
    update(
        &mut st,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    let effects = update(&mut st, Action::Command(Command::SendBatch));
    if let [effect] = effects.as_slice() {
        let planned = run_effect(&store, effect.clone());
        update(&mut st, planned);
    }
    let Some(recouvre::app::state::Popup::Batch(b)) = &st.popup else {
        panic!("{:?}", st.notice);
    };
    assert_eq!(b.to_send(), []);
    assert_eq!(b.candidates.len(), 1);
}

/// Marked dossiers (space) make the round, whatever is due; a failure in the middle is reported
/// and the rest go on.
#[test]
fn marked_dossiers_make_the_round_and_a_refusal_does_not_stop_it() {
    let server = serve(Behaviour::Accept);
    let (_dir, store, ids) = round(&["Alpha", "Bravo Refus", "Charlie", "Zulu"]);
    let mut st = state(env(Some(server.port)));
    // By name (urgency → balance → days late → debtor), then the first three marked.
    let mut script = vec![key(KeyCode::Char('o')); 3];
    script.extend(vec![key(KeyCode::Char(' ')); 3]);
    script.push(key(KeyCode::Char('E')));
    script.push(key(KeyCode::Enter));
    script.push(key(KeyCode::Enter)); // close the summary
    script.push(key(KeyCode::Char('q')));
    let screen = run(&store, &mut st, script, (120, 36));
    assert!(
        screen.contains("Envoyées : 2, écartées : 0, en échec : 1"),
        "{screen}"
    );
    assert_eq!(
        slugs(&store, ids[0]),
        ["email_sending", "relance", "email_sent"]
    );
    assert_eq!(slugs(&store, ids[1]), ["email_sending", "email_failed"]);
    assert_eq!(
        slugs(&store, ids[2]),
        ["email_sending", "relance", "email_sent"]
    );
    assert!(slugs(&store, ids[3]).is_empty(), "Zulu was not marked");
    // The sent ones are unmarked; the failed one stays marked for another try.
    assert_eq!(st.marked.iter().copied().collect::<Vec<_>>(), [ids[1]]);
}

/// Without `[email]`, the round says what to configure and nothing is tried.
#[test]
fn without_email_configuration_the_round_says_what_to_configure() {
    let (_dir, store, _ids) = round(&["Alpha"]);
    let mut st = state(env(None));
    update(
        &mut st,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    let effects = update(&mut st, Action::Command(Command::SendBatch));
    assert!(effects.is_empty());
    let n = st.notice.expect("a message");
    assert!(n.text.contains("[email]"), "{}", n.text);
}

/// While the server works, the letter's status line says where the message is going, and the
/// letter cannot be changed under it (what is typed meanwhile is not sent and not lost text).
#[test]
fn the_progress_line_shows_while_the_letter_is_locked() {
    let (_dir, store, ids) = round(&["Garage Morel"]);
    let mut st = state(env(Some(2525)));
    update(
        &mut st,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    update(&mut st, Action::Command(Command::Relance));
    let before = st.editor.as_ref().expect("the letter is open").text();
    update(&mut st, Action::Command(Command::Submit)); // ctrl-s: the send form
    let effects = update(&mut st, Action::Command(Command::Submit)); // Enter: courriel
    assert!(
        matches!(effects.as_slice(), [Effect::SendEmail(_)]),
        "{effects:?}"
    );
    update(
        &mut st,
        Action::MailProgress(recouvre::outbox::Progress {
            id: ids[0],
            to: vec!["compta@garage-morel.example".into()],
            server: "smtp://127.0.0.1:2525 (none)".into(),
        }),
    );
    update(
        &mut st,
        Action::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)),
    );
    let effects = update(&mut st, Action::Command(Command::Submit));
    assert!(effects.is_empty(), "no second sending: {effects:?}");
    assert_eq!(st.editor.as_ref().unwrap().text(), before);
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    let theme = recouvre::ui::theme::Theme::new(recouvre::ui::theme::Palette::Mono);
    term.draw(|f| recouvre::ui::render(f, &st, &theme)).unwrap();
    let screen = format!("{}", term.backend());
    assert!(
        screen.contains("Envoi à compta@garage-morel.example par smtp://127.0.0.1:2525 (none)…"),
        "{screen}"
    );
}

/// A sending left without outcome (the program was killed after handing the message over): the
/// next send asks whether the user checked the sent mailbox; Enter alone sends nothing, and
/// "it did not leave" sends again, closing the old marker as failed.
#[test]
fn an_unfinished_sending_is_sent_again_only_when_the_user_says_it_did_not_leave() {
    let server = serve(Behaviour::Accept);
    let (_dir, store, ids) = round(&["Garage Morel"]);
    let marker = recouvre::domain::event::EventKind::EmailSending {
        message_id: "<old@atelier-durand.fr>".into(),
        to: vec!["compta@garage-morel.example".into()],
    };
    store.append(ids[0], None, d(TODAY), vec![marker]).unwrap();
    let mut st = state(env(Some(server.port)));
    let mut script = vec![key(KeyCode::Char('r'))];
    script.extend([ctrl('s'), key(KeyCode::Enter)]);
    // The question: Enter on the focused "send nothing".
    script.push(key(KeyCode::Enter));
    let screen_script = script.clone();
    script.extend([ctrl('s'), key(KeyCode::Enter)]);
    // Asked again: move to "it did not leave", Enter.
    script.extend([key(KeyCode::Tab), key(KeyCode::Enter)]);
    script.push(key(KeyCode::Char('q')));

    // The question as the user sees it.
    let mut seen = state(env(Some(server.port)));
    let mut term = Terminal::new(TestBackend::new(120, 36)).unwrap();
    let mut events = ScriptedEvents::new(screen_script[..3].to_vec());
    let _ = run_loop(
        &mut term,
        &mut events,
        &mut seen,
        &store,
        &AtomicBool::new(false),
        &opts(),
    );
    let question = format!("{}", term.backend());
    assert!(question.contains("sans issue"), "{question}");
    assert!(
        question.contains(&format!("recouvre log {} relance --channel email", ids[0])),
        "{question}"
    );
    assert!(server.received.lock().unwrap().is_empty());

    run(&store, &mut st, script, (120, 36));
    assert_eq!(
        slugs(&store, ids[0]),
        [
            "email_sending",
            "email_failed",
            "email_sending",
            "relance",
            "email_sent"
        ]
    );
    assert_eq!(server.received.lock().unwrap().len(), 1);
}
