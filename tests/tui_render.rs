//! Whole-screen snapshots through ratatui's TestBackend (plain-text "screenshots" in
//! tests/snapshots/), plus checks on colours where they matter.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::Terminal;
use recouvre::app::{fixtures, key_to_action, update, Action, Command, State};
use recouvre::tui::screenshot;
use recouvre::ui::render;
use recouvre::ui::theme::{Palette, Theme};

fn st() -> State {
    fixtures::state(fixtures::today())
}

fn draw(state: &mut State, w: u16, h: u16) -> Terminal<TestBackend> {
    draw_with(state, &Theme::new(Palette::Sixteen), w, h)
}

fn draw_with(state: &mut State, theme: &Theme, w: u16, h: u16) -> Terminal<TestBackend> {
    update(state, Action::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| render(f, state, theme)).unwrap();
    term
}

fn press(s: &mut State, code: KeyCode) {
    if let Some(a) = key_to_action(s, KeyEvent::new(code, KeyModifiers::NONE)) {
        update(s, a);
    }
}

fn typ(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

fn select(s: &mut State, debtor: &str) {
    update(s, Action::Command(Command::Top));
    for _ in 0..s.visible.len() {
        if s.current().map(|e| e.debtor()) == Some(debtor) {
            return;
        }
        update(s, Action::Command(Command::Down));
    }
    panic!("{debtor} not found");
}

fn text(term: &Terminal<TestBackend>) -> String {
    screenshot::buffer_to_text(term.backend().buffer())
}

#[test]
fn list_wide_with_detail_beside() {
    let mut s = st();
    let t = draw(&mut s, 140, 36);
    insta::assert_snapshot!("list_wide", t.backend());
    let txt = text(&t);
    // Header: totals, chips with labels, due counts.
    assert!(txt.contains("1 à traiter aujourd'hui"));
    assert!(txt.contains("2 en retard"));
    assert!(txt.contains("MED"), "badges carry a text label");
}

#[test]
fn list_at_minimum_size() {
    let mut s = st();
    insta::assert_snapshot!("list_80x24", draw(&mut s, 80, 24).backend());
}

#[test]
fn detail_full_view_on_narrow_terminal() {
    let mut s = st();
    update(&mut s, Action::Resize(100, 40));
    select(&mut s, "ACME SARL");
    update(&mut s, Action::Resize(100, 30));
    press(&mut s, KeyCode::Enter);
    let t = draw(&mut s, 100, 30);
    insta::assert_snapshot!("detail_narrow", t.backend());
    assert!(text(&t).contains("Total dû"));
    assert!(
        text(&t).contains("PROVISOIRE"),
        "the mark is text, not only colour"
    );
    // The rest (readiness, journal) is one End away.
    press(&mut s, KeyCode::End);
    let t = draw(&mut s, 100, 30);
    assert!(text(&t).contains("Journal"), "{}", text(&t));
}

#[test]
fn detail_stacked_below_on_tall_narrow_terminal() {
    let mut s = st();
    select(&mut s, "SCI Les Tilleuls");
    insta::assert_snapshot!("detail_stacked", draw(&mut s, 100, 44).backend());
}

#[test]
fn agenda() {
    let mut s = st();
    press(&mut s, KeyCode::Char('a'));
    insta::assert_snapshot!("agenda", draw(&mut s, 120, 30).backend());
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut s = st();
    press(&mut s, KeyCode::Char('?'));
    let t = draw(&mut s, 120, 40);
    insta::assert_snapshot!("help", t.backend());
    // Rebinding a key changes the help: nothing is hand-written.
    let mut km = recouvre::keymap::Keymap::named("default").unwrap();
    km.apply_overrides("test.toml", "[global]\nF = \"payment\"\n")
        .unwrap();
    s.keymap = std::sync::Arc::new(km);
    let t = draw(&mut s, 120, 40);
    assert!(text(&t).contains("F, p"), "{}", text(&t));
}

#[test]
fn payment_form_with_error() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('p'));
    typ(&mut s, "12,345");
    press(&mut s, KeyCode::Enter);
    let t = draw(&mut s, 120, 36);
    insta::assert_snapshot!("form_payment_error", t.backend());
    assert!(
        text(&t).contains("« 12,345 » a plus de deux décimales")
            || text(&t).contains("« 12,345 » n'est pas un montant valide")
    );
}

#[test]
fn contestation_form_with_error() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('c'));
    press(&mut s, KeyCode::Enter);
    insta::assert_snapshot!("form_contestation_error", draw(&mut s, 120, 36).backend());
}

#[test]
fn editor_with_a_prefilled_notice() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('m'));
    let t = draw(&mut s, 120, 36);
    insta::assert_snapshot!("editor_notice", t.backend());
    let txt = text(&t);
    assert!(txt.contains("MISE EN DEMEURE DE PAYER"), "{txt}");
    // The keys come from the keymap, in the status line.
    assert!(
        txt.contains("^s envoyer") && txt.contains("esc fermer"),
        "{txt}"
    );
}

#[test]
fn missing_mentions_popup() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('m'));
    // Remove the subject line and the signature block's "mise en demeure" wording.
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    for ev in [ctrl('f')] {
        if let Some(a) = key_to_action(&s, ev) {
            update(&mut s, a);
        }
    }
    typ(&mut s, "objet :");
    press(&mut s, KeyCode::Enter);
    if let Some(a) = key_to_action(&s, ctrl('k')) {
        update(&mut s, a);
    }
    if let Some(a) = key_to_action(&s, ctrl('s')) {
        update(&mut s, a);
    }
    press(&mut s, KeyCode::Enter);
    let t = draw(&mut s, 120, 36);
    insta::assert_snapshot!("editor_missing_mentions", t.backend());
    let txt = text(&t);
    assert!(txt.contains("Mentions obligatoires absentes"), "{txt}");
    assert!(txt.contains("Envoyer malgré tout"), "{txt}");
}

#[test]
fn note_form_with_error() {
    let mut s = st();
    press(&mut s, KeyCode::Char('T'));
    update(&mut s, Action::Command(Command::Submit));
    insta::assert_snapshot!("form_note_error", draw(&mut s, 120, 36).backend());
}

#[test]
fn add_dossier_form_with_errors() {
    let mut s = st();
    press(&mut s, KeyCode::Char('+'));
    typ(&mut s, "Nouveau Client SA");
    for _ in 0..6 {
        press(&mut s, KeyCode::Tab);
    }
    typ(&mut s, "-5");
    press(&mut s, KeyCode::Enter);
    insta::assert_snapshot!("form_add_errors", draw(&mut s, 120, 36).backend());

    // On 80×24 the blank rows between fields go: every field, its error and the hint stay on
    // screen.
    let txt = text(&draw(&mut s, 80, 24));
    for needle in [
        "Débiteur",
        "Code postal et ville",
        "✖ Montant TTC",
        "✖ Date d'échéance : obligatoire.",
        "Justificatif (BC, BL…)",
        "⏎ valider",
    ] {
        assert!(txt.contains(needle), "{needle}:\n{txt}");
    }
}

#[test]
fn editor_with_relance_2() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    let t = draw(&mut s, 80, 24);
    insta::assert_snapshot!("editor_relance_80x24", t.backend());
    assert!(text(&t).contains("Relance 2"));
}

#[test]
fn status_line_reports_done_and_errors() {
    let mut s = st();
    update(
        &mut s,
        Action::WriteFailed("La base /srv/recouvre est occupée par bob".into()),
    );
    let t = draw(&mut s, 120, 30);
    assert!(text(&t)
        .contains("Erreur : Rien n'a été enregistré : La base /srv/recouvre est occupée par bob"));
    update(
        &mut s,
        Action::Loaded(Err("Enregistrement illisible (journal/3#2)".into())),
    );
    update(&mut s, Action::Loaded(Ok(Default::default())));
    update(
        &mut s,
        Action::Loaded(Err("Enregistrement illisible (journal/3#2)".into())),
    );
    insta::assert_snapshot!("load_error", draw(&mut s, 100, 24).backend());
}

#[test]
fn too_small_screen() {
    let mut s = st();
    let t = draw(&mut s, 60, 20);
    insta::assert_snapshot!("too_small", t.backend());
    assert!(text(&t).contains("80×24"));
}

#[test]
fn no_panic_at_any_size_with_any_popup() {
    let mut states = vec![];
    let base = st();
    states.push(base.clone());
    for keys in ["?", "p", "c", "m", "+", "r", "u", "T", "/x"] {
        let mut s = base.clone();
        for ch in keys.chars() {
            press(&mut s, KeyCode::Char(ch));
        }
        states.push(s);
    }
    let mut detail = base.clone();
    press(&mut detail, KeyCode::Enter);
    states.push(detail);
    for s in &mut states {
        for w in (1..=130).step_by(7).chain([1, 2, 79, 80, 81, 119, 120]) {
            for h in (1..=45).step_by(4).chain([1, 23, 24, 25, 39, 40]) {
                draw(s, w, h);
            }
        }
    }
}

fn colours(buf: &Buffer) -> Vec<Color> {
    let mut v: Vec<Color> = buf
        .content()
        .iter()
        .flat_map(|c| [c.fg, c.bg])
        .filter(|c| *c != Color::Reset)
        .collect();
    v.sort_by_key(|c| format!("{c:?}"));
    v.dedup();
    v
}

#[test]
fn no_color_uses_no_colour_at_all() {
    let mut s = st();
    let theme = Theme::resolve(
        recouvre::config::ui::ColorMode::Auto,
        Some("1"),
        Some("xterm-256color"),
    );
    assert_eq!(theme.palette, Palette::Mono);
    press(&mut s, KeyCode::Char('p'));
    typ(&mut s, "abc");
    press(&mut s, KeyCode::Enter);
    let t = draw_with(&mut s, &theme, 120, 36);
    assert_eq!(colours(t.backend().buffer()), vec![]);
    insta::assert_snapshot!("no_color", t.backend());
}

#[test]
fn linux_console_uses_only_the_eight_base_colours() {
    let mut s = st();
    let theme = Theme::resolve(recouvre::config::ui::ColorMode::Auto, None, Some("linux"));
    press(&mut s, KeyCode::Char('p'));
    typ(&mut s, "abc");
    press(&mut s, KeyCode::Enter);
    let t = draw_with(&mut s, &theme, 140, 36);
    for c in colours(t.backend().buffer()) {
        assert!(
            matches!(
                c,
                Color::Black
                    | Color::Red
                    | Color::Green
                    | Color::Yellow
                    | Color::Blue
                    | Color::Magenta
                    | Color::Cyan
                    | Color::Gray
            ),
            "{c:?}"
        );
    }
}

#[test]
fn svg_and_text_screenshots_of_the_main_screen() {
    let mut s = st();
    let t = draw(&mut s, 140, 36);
    let svg = screenshot::buffer_to_svg(t.backend().buffer());
    assert!(svg.contains("ACME") && svg.contains("<rect"));
    let txt = text(&t);
    assert_eq!(txt.lines().count(), 36);
    assert!(txt.contains("Boulangerie Martin"));
}

#[test]
fn detail_items_keep_their_amount_on_the_same_line_at_120x36() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    let t = draw(&mut s, 120, 36);
    let txt = text(&t);
    for (reference, amount) in [("F-2026-101", "1 234,56"), ("F-2026-118", "980,00")] {
        let line = txt
            .lines()
            .find(|l| l.contains(reference) && l.contains('│'))
            .unwrap_or_else(|| panic!("{reference} not in the detail pane:\n{txt}"));
        assert!(
            line.replace('\u{a0}', " ").contains(amount),
            "{reference}: amount not on its line: {line:?}"
        );
    }
    // The money figures replace the old placeholder, with a text PROVISOIRE mark.
    assert!(
        txt.contains("Total dû") && txt.contains("PROVISOIRE"),
        "{txt}"
    );
    assert!(!txt.contains("calcul à venir"));
    // The list keeps readable debtor names (18 columns at least beside the detail; the action
    // column is never cut, and the full name is in the detail).
    assert!(
        txt.contains("│ IP     Imprimerie Nouvell") || txt.contains("┃ IP     Imprimerie Nouvell"),
        "{txt}"
    );
}

#[test]
fn a_waiting_draft_is_marked_in_the_list_row() {
    let mut s = st();
    let acme = s
        .entries
        .iter()
        .find(|e| e.debtor() == "ACME SARL")
        .unwrap()
        .id();
    s.drafts.insert(acme);
    let screen = text(&draw(&mut s, 120, 36));
    let row = screen
        .lines()
        .find(|l| l.contains("ACME SARL") && l.contains('┃'))
        .expect("ACME row");
    assert!(row.contains("✎ ACME SARL"), "{row}");
    let other = screen
        .lines()
        .find(|l| l.contains("Boulangerie"))
        .expect("other row");
    assert!(!other.contains('✎'), "{other}");
}

#[test]
fn at_80_columns_the_header_keeps_the_counts_and_the_date() {
    let mut s = st();
    let screen = text(&draw(&mut s, 80, 24));
    let first = screen.lines().next().unwrap();
    assert!(first.contains("25/11/2026"), "{first}");
    assert!(first.contains("en retard"), "{first}");
    assert!(first.contains("auj."), "{first}");
    // Wide enough: the full wording.
    let screen = text(&draw(&mut s, 160, 42));
    let first = screen.lines().next().unwrap();
    assert!(first.contains("à traiter aujourd'hui"), "{first}");
}

#[test]
fn the_next_action_column_shows_whole_words_at_120_and_160_columns() {
    for (w, h) in [(120, 36), (160, 42)] {
        let mut s = st();
        let screen = text(&draw(&mut s, w, h));
        for e in &s.entries {
            let Some(n) = &e.next else { continue };
            let label = recouvre::app::describe::next_short(&n.kind);
            // The row of this debtor (names may be cut, the action may not).
            let name: String = e.debtor().chars().take(12).collect();
            let Some(row) = screen
                .lines()
                .find(|l| l.contains(&name) && l.contains('┃'))
            else {
                continue;
            };
            assert!(row.contains(&label), "{w}×{h}: {label:?} cut in {row}");
        }
    }
}

#[test]
fn at_80x24_the_notice_editor_shows_the_failed_checks_first_and_whole() {
    let mut s = st();
    select(&mut s, "Hôtel Belvédère");
    press(&mut s, KeyCode::Char('m'));
    let screen = text(&draw(&mut s, 80, 24));
    let ed = s.editor.as_ref().expect("editor");
    // The failed check is on screen, word-wrapped rather than cut at the edge.
    let check = ed
        .warnings
        .iter()
        .find(|w| w.contains("exigible"))
        .expect("the failed check is among the warnings");
    let head: String = check.chars().take(30).collect();
    assert!(screen.contains(&head), "{head:?} not in:\n{screen}");
    let last_word = check.split_whitespace().last().unwrap();
    assert!(
        screen.contains(last_word),
        "{last_word:?} cut in:\n{screen}"
    );
    // What does not fit is counted, never dropped silently.
    let shown = ed
        .warnings
        .iter()
        .filter(|w| screen.contains(&w.chars().take(25).collect::<String>()))
        .count();
    assert!(
        shown == ed.warnings.len() || screen.contains("autre(s) avertissement(s)"),
        "{screen}"
    );
    insta::assert_snapshot!("editor_notice_80x24", screen);
}

#[test]
fn at_80_columns_a_long_confirmation_is_shown_whole() {
    let mut s = st();
    let text_long =
        "Relance 2 envoyée (courrier simple) à Jardins Mercier EURL, délai au 10/12/2026 ; \
                     brouillon supprimé.";
    s.notice = Some(recouvre::app::state::Notice {
        level: recouvre::app::state::Level::Success,
        text: text_long.into(),
    });
    let screen = text(&draw(&mut s, 80, 24));
    let bottom: Vec<&str> = screen.lines().rev().take(2).collect();
    let joined = format!("{} {}", bottom[1].trim(), bottom[0].trim());
    assert!(joined.contains("Jardins Mercier EURL"), "{screen}");
    assert!(joined.contains("supprimé."), "{screen}");
}

#[test]
fn the_stage_filter_is_named_once_in_the_status_line() {
    let mut s = st();
    update(&mut s, Action::Command(Command::StageFilter));
    let screen = text(&draw(&mut s, 120, 36));
    let status = screen.lines().rev().nth(1).unwrap();
    assert_eq!(status.matches("Étape :").count(), 1, "{status}");
}

/// While the whole list loads behind the first screen, the header says how many dossiers are
/// coming instead of totals over the first few, and the rows are already there, at 80 columns too.
#[test]
fn first_screen_header_says_the_list_is_loading() {
    let today = fixtures::today();
    let keymap = recouvre::keymap::Keymap::named("default").unwrap();
    for (w, want) in [
        (
            140,
            "Chargement des 100\u{a0}000 dossiers… les plus urgents d'abord",
        ),
        (80, "Chargement de 100\u{a0}000 dossiers…"),
    ] {
        let mut s = State::new(today, std::sync::Arc::new(keymap.clone()));
        s.env = std::sync::Arc::new(fixtures::env());
        update(
            &mut s,
            Action::FirstScreen(Box::new(recouvre::model::FirstScreen {
                snapshot: recouvre::model::Snapshot {
                    dossiers: fixtures::dossiers(today),
                    problems: vec![],
                    generation: 1,
                },
                total: 100_000,
                drafts: vec![],
            })),
        );
        let screen = text(&draw(&mut s, w, 30));
        let header = screen.lines().next().unwrap();
        assert!(header.contains(want), "{header}");
        assert!(!header.contains("Encours"), "{header}");
        assert!(
            screen.contains("ACME SARL"),
            "rows on the first screen:\n{screen}"
        );
    }
}
