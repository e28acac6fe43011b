//! The import in the full-screen interface: `I`, a path completed with Tab, the dry-run summary
//! in the confirmation, the import on yes, drawn into ratatui's TestBackend.

mod common;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use recouvre::app::form::FormKind;
use recouvre::app::state::Popup;
use recouvre::app::{key_to_action, update, Action, Effect, State};
use recouvre::tui::runtime::run_effect;
use recouvre::ui::render;
use recouvre::ui::theme::{Palette, Theme};

/// Runs effects against the store and feeds their results back, as the runtime does.
fn pump(store: &recouvre::storage::Store, state: &mut State, effects: Vec<Effect>) {
    let mut queue: VecDeque<Effect> = effects.into();
    while let Some(e) = queue.pop_front() {
        let action = run_effect(store, e);
        queue.extend(update(state, action));
    }
}

fn press(store: &recouvre::storage::Store, s: &mut State, code: KeyCode) {
    if let Some(a) = key_to_action(s, KeyEvent::new(code, KeyModifiers::NONE)) {
        let effects = update(s, a);
        pump(store, s, effects);
    }
}

fn screen(state: &mut State) -> String {
    update(state, Action::Resize(120, 40));
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    term.draw(|f| render(f, state, &Theme::new(Palette::Sixteen)))
        .unwrap();
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn capital_i_imports_a_fec_after_showing_what_it_would_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = common::new_store(&db);
    let keymap = Arc::new(recouvre::keymap::Keymap::named("default").unwrap());
    let mut state = State::new(common::d(common::TODAY), keymap);
    pump(&store, &mut state, vec![Effect::LoadAll]);
    assert!(state.entries.is_empty());

    press(&store, &mut state, KeyCode::Char('I'));
    assert!(
        matches!(&state.popup, Some(Popup::Form(f)) if f.kind == FormKind::Import),
        "{:?}",
        state.popup.is_some()
    );
    let shown = screen(&mut state);
    assert!(shown.contains("Importer depuis la comptabilité"), "{shown}");

    // Tab completes the path to the only file it fits.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    for c in format!("{}/fec_tool_a", fixtures.display()).chars() {
        press(&store, &mut state, KeyCode::Char(c));
    }
    press(&store, &mut state, KeyCode::Tab);
    let Some(Popup::Form(form)) = &state.popup else {
        panic!("the form stays open");
    };
    assert_eq!(
        form.fields[0].value(),
        format!("{}/fec_tool_a_2026-10.txt", fixtures.display())
    );

    // Enter reads and plans: the confirmation shows the dry run; nothing is written yet.
    press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(&state.popup, Some(Popup::Confirm(_))));
    let shown = screen(&mut state);
    assert!(shown.contains("Importer ?"), "{shown}");
    assert!(
        shown.contains("+ nouveau dossier ACME SARL (B2B)"),
        "{shown}"
    );
    assert!(
        shown.contains("+ nouveau dossier BOULANGERIE DURAND"),
        "{shown}"
    );
    assert!(shown.contains("date de la pièce + 30 jours"), "{shown}");
    assert!(store.load_all().unwrap().dossiers.is_empty());

    // Yes: written, the list reloaded, the status line says what was done.
    press(&store, &mut state, KeyCode::Enter);
    assert!(state.popup.is_none());
    assert_eq!(store.load_all().unwrap().dossiers.len(), 2);
    assert_eq!(state.entries.len(), 2);
    let notice = state.notice.clone().unwrap().text;
    assert!(
        notice.contains("Import terminé : Créés : 2 dossier(s)"),
        "{notice}"
    );
    let shown = screen(&mut state);
    assert!(shown.contains("ACME SARL"), "{shown}");
    assert!(shown.contains("BOULANGERIE DURAND"), "{shown}");

    // The same file again: nothing to confirm, the status line says so.
    press(&store, &mut state, KeyCode::Char('I'));
    for c in format!("{}/fec_tool_a_2026-10.txt", fixtures.display()).chars() {
        press(&store, &mut state, KeyCode::Char(c));
    }
    press(&store, &mut state, KeyCode::Enter);
    assert!(state.popup.is_none());
    let notice = state.notice.clone().unwrap().text;
    assert!(notice.contains("Rien de nouveau"), "{notice}");
}

#[test]
fn a_refused_file_keeps_the_form_open_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = common::new_store(&db);
    let keymap = Arc::new(recouvre::keymap::Keymap::named("default").unwrap());
    let mut state = State::new(common::d(common::TODAY), keymap);
    pump(&store, &mut state, vec![Effect::LoadAll]);
    press(&store, &mut state, KeyCode::Char('I'));
    // A CSV needs its mapping.
    for c in "x.csv".chars() {
        press(&store, &mut state, KeyCode::Char(c));
    }
    press(&store, &mut state, KeyCode::Enter);
    let Some(Popup::Form(form)) = &state.popup else {
        panic!("the form stays open");
    };
    assert!(form.fields[1].error.is_some());
    // A broken FEC: the reason names the line and the column.
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/fec_bad.txt");
    update(&mut state, Action::Command(recouvre::app::Command::Cancel));
    press(&store, &mut state, KeyCode::Char('I'));
    for c in bad.display().to_string().chars() {
        press(&store, &mut state, KeyCode::Char(c));
    }
    press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(&state.popup, Some(Popup::Form(_))));
    let notice = state.notice.clone().unwrap().text;
    assert!(notice.contains("ligne 3, colonne Debit"), "{notice}");
    assert!(store.load_all().unwrap().dossiers.is_empty());
}
