//! The English catalogue through the real rendering, in its own process: the language is global.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use recouvre::app::{fixtures, key_to_action, update, Action, State};
use recouvre::tui::screenshot;
use recouvre::ui::render;

fn st() -> State {
    fixtures::state(fixtures::today())
}

fn press(s: &mut State, code: KeyCode) {
    if let Some(a) = key_to_action(s, KeyEvent::new(code, KeyModifiers::NONE)) {
        update(s, a);
    }
}

fn draw(state: &mut State, w: u16, h: u16) -> Terminal<TestBackend> {
    update(state, Action::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| render(f, state, &Default::default()))
        .unwrap();
    term
}

fn text(term: &Terminal<TestBackend>) -> String {
    screenshot::buffer_to_text(term.backend().buffer())
}

#[test]
fn english_interface_and_vim_help_render() {
    recouvre::i18n::set_lang(recouvre::i18n::Lang::En);
    let mut s = st();
    s.keymap = std::sync::Arc::new(recouvre::keymap::Keymap::named("vim").unwrap());
    press(&mut s, KeyCode::Char('?'));
    let t = text(&draw(&mut s, 140, 60));
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('p'));
    let t2 = text(&draw(&mut s, 140, 36));
    assert!(t.contains("Keymap: vim"), "{t}");
    assert!(
        t.contains("ctrl-d, pgdn") || t.contains("pgdn, ctrl-d"),
        "{t}"
    );
    assert!(t2.contains("Payment received"), "{t2}");
    assert!(
        !t.contains("tui.") && !t2.contains("tui."),
        "untranslated key:\n{t}\n{t2}"
    );
    // One date order per language: no day/month/year on an English screen, list and detail
    // (with its journal) included, even where room is short.
    for (w, h) in [(160, 42), (120, 36), (80, 24)] {
        let mut s = st();
        press(&mut s, KeyCode::Enter);
        let screen = text(&draw(&mut s, w, h));
        let slash_date = screen
            .split(|c: char| !(c.is_ascii_digit() || c == '/'))
            .any(|w| {
                let parts: Vec<&str> = w.split('/').collect();
                parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.len() <= 4)
            });
        assert!(!slash_date, "{w}×{h}:\n{screen}");
    }
}
