//! `update` without a terminal: every command and form path, as a user would notice it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use recouvre::app::fixtures;
use recouvre::app::state::{Focus, Level, Popup, SortKey, View};
use recouvre::app::{key_to_action, update, Action, Command, Effect, State};
use recouvre::domain::event::{Channel, Event, EventKind, InjonctionStep, NoteKind};
use recouvre::domain::fold::Stage;
use recouvre::domain::letters::LetterStep;
use recouvre::model::Snapshot;
use rust_decimal::Decimal;
use std::str::FromStr;

fn st() -> State {
    fixtures::state(fixtures::today())
}

/// The fixtures' state after a load of `dossiers` instead (a later generation).
fn st_with(dossiers: Vec<recouvre::model::LoadedDossier>) -> State {
    let mut s = st();
    update(
        &mut s,
        Action::Loaded(Ok(Snapshot {
            dossiers,
            problems: vec![],
            generation: 2,
        })),
    );
    s
}

fn cmd(s: &mut State, c: Command) -> Vec<Effect> {
    update(s, Action::Command(c))
}

/// Types through the keymap, exactly as the terminal would.
fn press(s: &mut State, code: KeyCode) -> Vec<Effect> {
    let ev = KeyEvent::new(code, KeyModifiers::NONE);
    match key_to_action(s, ev) {
        Some(a) => update(s, a),
        None => vec![],
    }
}

fn typ(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

fn names(s: &State) -> Vec<String> {
    s.visible
        .iter()
        .map(|i| s.entries[*i].debtor().to_string())
        .collect()
}

fn select(s: &mut State, debtor: &str) {
    let pos = names(s)
        .iter()
        .position(|n| n == debtor)
        .unwrap_or_else(|| panic!("{debtor} not visible: {:?}", names(s)));
    cmd(s, Command::Top);
    for _ in 0..pos {
        cmd(s, Command::Down);
    }
    assert_eq!(s.current().unwrap().debtor(), debtor);
}

fn notice(s: &State) -> String {
    s.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn form_error(s: &State, id: &str) -> Option<String> {
    match &s.popup {
        Some(Popup::Form(f)) => f.field(id).and_then(|x| x.error.clone()),
        _ => panic!("no form open"),
    }
}

fn single_append(effects: Vec<Effect>) -> (u64, u32, chrono::NaiveDate, EventKind, String) {
    assert_eq!(effects.len(), 1, "{effects:?}");
    match effects.into_iter().next().unwrap() {
        Effect::Append {
            id,
            expected_len,
            date,
            mut kinds,
            done,
        } => {
            assert_eq!(kinds.len(), 1);
            (id, expected_len, date, kinds.remove(0), done)
        }
        other => panic!("expected an append, got {other:?}"),
    }
}

#[test]
fn default_order_is_most_urgent_first_and_closed_hidden() {
    let s = st();
    assert_eq!(
        names(&s),
        [
            "Boulangerie Martin",
            "Jean Dupont",
            "ACME SARL",
            "Garage du Port",
            "SCI Les Tilleuls",
            "Hôtel Belvédère",
            "Imprimerie Nouvelle SAS"
        ]
    );
    assert!(!names(&s).contains(&"Transports Lemoine".to_string()));
}

#[test]
fn navigation_moves_cursor_and_keeps_it_in_view() {
    let mut s = st();
    update(&mut s, Action::Resize(120, 9)); // 2 table rows
    assert_eq!(s.cursor, 0);
    cmd(&mut s, Command::Down);
    cmd(&mut s, Command::Down);
    assert_eq!(s.cursor, 2);
    assert_eq!(s.offset, 1, "the cursor row stays on screen");
    cmd(&mut s, Command::Bottom);
    assert_eq!(s.cursor, 6);
    cmd(&mut s, Command::Down);
    assert_eq!(s.cursor, 6, "no wrap past the end");
    cmd(&mut s, Command::PageUp);
    assert_eq!(s.cursor, 4);
    cmd(&mut s, Command::Top);
    assert_eq!((s.cursor, s.offset), (0, 0));
    cmd(&mut s, Command::Up);
    assert_eq!(s.cursor, 0);
    cmd(&mut s, Command::PageDown);
    assert_eq!(s.cursor, 2);
    // j/k from the keymap do the same.
    press(&mut s, KeyCode::Char('k'));
    assert_eq!(s.cursor, 1);
}

#[test]
fn open_back_and_tab_between_panes() {
    let mut s = st();
    update(&mut s, Action::Resize(160, 40));
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.focus, Focus::Detail);
    assert!(!s.detail_full, "wide terminal: detail beside the list");
    // Arrow keys now scroll the detail, not the list.
    press(&mut s, KeyCode::Down);
    assert_eq!((s.cursor, s.detail_scroll), (0, 1));
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.focus, Focus::List);
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Focus::Detail);
    press(&mut s, KeyCode::Tab);
    assert_eq!(s.focus, Focus::List);
    // Narrow: the detail becomes a full view.
    update(&mut s, Action::Resize(90, 30));
    press(&mut s, KeyCode::Enter);
    assert!(s.detail_full);
    press(&mut s, KeyCode::Esc);
    assert!(!s.detail_full);
}

#[test]
fn agenda_shows_only_due_and_overdue() {
    let mut s = st();
    cmd(&mut s, Command::Agenda);
    assert_eq!(s.view, View::Agenda);
    assert_eq!(
        names(&s),
        ["Boulangerie Martin", "Jean Dupont", "ACME SARL"]
    );
    assert_eq!((s.totals.due_today, s.totals.overdue), (1, 2));
    cmd(&mut s, Command::Back);
    assert_eq!(s.view, View::List);
}

#[test]
fn next_due_walks_the_morning_round_and_wraps() {
    let mut s = st();
    select(&mut s, "Garage du Port");
    cmd(&mut s, Command::NextDue);
    assert_eq!(s.current().unwrap().debtor(), "Boulangerie Martin");
    assert!(notice(&s).contains("Boulangerie Martin"), "{}", notice(&s));
    cmd(&mut s, Command::NextDue);
    assert_eq!(s.current().unwrap().debtor(), "Jean Dupont");
    cmd(&mut s, Command::NextDue);
    assert_eq!(s.current().unwrap().debtor(), "ACME SARL");
    cmd(&mut s, Command::NextDue);
    assert_eq!(s.current().unwrap().debtor(), "Boulangerie Martin");
}

#[test]
fn next_due_says_so_when_nothing_is_due() {
    let mut s = st();
    press(&mut s, KeyCode::Char('/'));
    typ(&mut s, "belv");
    press(&mut s, KeyCode::Enter);
    cmd(&mut s, Command::NextDue);
    assert!(notice(&s).contains("Plus rien"), "{}", notice(&s));
}

#[test]
fn incremental_filter_by_name_customer_invoice_and_id() {
    let mut s = st();
    press(&mut s, KeyCode::Char('/'));
    typ(&mut s, "acme");
    assert_eq!(names(&s), ["ACME SARL"]);
    // "q" is text in the filter, not quit.
    typ(&mut s, "q");
    assert!(!s.quit);
    assert!(names(&s).is_empty());
    press(&mut s, KeyCode::Backspace);
    press(&mut s, KeyCode::Enter);
    assert!(!s.filter_editing);
    assert_eq!(names(&s), ["ACME SARL"], "Enter keeps the filter");
    press(&mut s, KeyCode::Esc);
    assert_eq!(names(&s).len(), 7, "Esc in the list clears the filter");

    for (needle, who) in [
        ("P-0007", "Jean Dupont"),
        ("f-2026-012", "Imprimerie Nouvelle SAS"),
        ("#5", "Hôtel Belvédère"),
        ("belv", "Hôtel Belvédère"),
    ] {
        press(&mut s, KeyCode::Char('/'));
        typ(&mut s, needle);
        assert_eq!(names(&s), [who], "{needle}");
        press(&mut s, KeyCode::Esc);
        assert_eq!(names(&s).len(), 7, "Esc while typing clears");
    }
}

#[test]
fn stage_filter_cycles_through_present_stages() {
    let mut s = st();
    cmd(&mut s, Command::StageFilter);
    assert_eq!(s.stage_filter, Some(Stage::NotDue));
    assert_eq!(names(&s), ["Hôtel Belvédère"]);
    cmd(&mut s, Command::StageFilter);
    assert_eq!(s.stage_filter, Some(Stage::Due));
    let mut seen = vec![];
    while let Some(st) = s.stage_filter {
        seen.push(st);
        cmd(&mut s, Command::StageFilter);
        assert!(seen.len() < 20);
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert_eq!(names(&s).len(), 7);
}

#[test]
fn sort_cycle_and_closed_toggle() {
    let mut s = st();
    cmd(&mut s, Command::Sort);
    assert_eq!(s.sort, SortKey::Balance);
    assert_eq!(names(&s)[0], "Imprimerie Nouvelle SAS");
    cmd(&mut s, Command::Sort);
    cmd(&mut s, Command::Sort);
    assert_eq!(s.sort, SortKey::Debtor);
    assert_eq!(names(&s)[0], "ACME SARL");
    cmd(&mut s, Command::Sort);
    assert_eq!(s.sort, SortKey::Urgency);
    cmd(&mut s, Command::ToggleClosed);
    assert!(names(&s).contains(&"Transports Lemoine".to_string()));
    cmd(&mut s, Command::ToggleClosed);
    assert!(!names(&s).contains(&"Transports Lemoine".to_string()));
}

#[test]
fn relance_cancelled_writes_nothing() {
    let mut s = st();
    press(&mut s, KeyCode::Char('r'));
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert!(s.popup.is_none());
    assert!(notice(&s).contains("rien n'a été enregistré"));
}

#[test]
fn relance_refused_after_notice_and_on_settled_dossier() {
    let mut s = st();
    select(&mut s, "Jean Dupont");
    press(&mut s, KeyCode::Char('r'));
    assert!(s.popup.is_none());
    assert!(
        notice(&s).contains("mise en demeure est déjà partie"),
        "{}",
        notice(&s)
    );
    cmd(&mut s, Command::ToggleClosed);
    select(&mut s, "Transports Lemoine");
    press(&mut s, KeyCode::Char('r'));
    assert!(s.popup.is_none());
    assert_eq!(s.notice.as_ref().unwrap().level, Level::Error);
}

#[test]
fn payment_form_shows_exact_parse_error_and_writes_only_when_valid() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('p'));
    typ(&mut s, "12,345");
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    let err = form_error(&s, "amount").expect("error beside the amount");
    assert!(
        err.contains("« 12,345 »") && err.contains("Montant"),
        "{err}"
    );
    // Editing the field clears its error; a future date is refused.
    for _ in 0..6 {
        press(&mut s, KeyCode::Backspace);
    }
    assert!(form_error(&s, "amount").is_none());
    typ(&mut s, "1 000,50");
    press(&mut s, KeyCode::Tab);
    for _ in 0..10 {
        press(&mut s, KeyCode::Backspace);
    }
    typ(&mut s, "2099-01-01");
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert!(form_error(&s, "date")
        .unwrap()
        .contains("après aujourd'hui"));
    for _ in 0..10 {
        press(&mut s, KeyCode::Backspace);
    }
    typ(&mut s, "20/11/2026");
    press(&mut s, KeyCode::Tab);
    typ(&mut s, "VIR 123");
    let (_, _, date, kind, done) = single_append(press(&mut s, KeyCode::Enter));
    assert_eq!(date.to_string(), "2026-11-20");
    assert_eq!(
        kind,
        EventKind::PaymentReceived {
            amount: Decimal::from_str("1000.50").unwrap(),
            reference: Some("VIR 123".into()),
            invoice: None,
        }
    );
    // What is left is everything owed, not the principal alone: 2 214,56 € of invoices, 9,42 € of
    // penalties and 2 × 40 € of indemnities = 2 303,98 €, less 1 000,50 €.
    assert_eq!(
        done,
        "Paiement de 1\u{a0}000,50\u{a0}€ enregistré pour ACME SARL. Reste dû : 1\u{a0}303,48\u{a0}€."
    );
}

#[test]
fn payment_form_names_the_invoice_the_debtor_paid() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('p'));
    typ(&mut s, "980");
    // Amount, date, reference, then the invoice: the statutory imputation unless one is chosen.
    for _ in 0..3 {
        press(&mut s, KeyCode::Tab);
    }
    press(&mut s, KeyCode::Right); // F-2026-101 (oldest due)
    press(&mut s, KeyCode::Right); // F-2026-118
    let (_, _, _, kind, _) = single_append(press(&mut s, KeyCode::Enter));
    assert_eq!(
        kind,
        EventKind::PaymentReceived {
            amount: Decimal::from_str("980").unwrap(),
            reference: None,
            invoice: Some("F-2026-118".into()),
        }
    );
}

#[test]
fn contestation_requires_text_and_records_reason() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('c'));
    press(&mut s, KeyCode::Right); // reason: Livraison
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert!(form_error(&s, "text").unwrap().contains("obligatoire"));
    // Focus jumped to the text field: Alt-Enter starts a new line, Enter submits (as in every
    // form; ctrl-s too).
    typ(&mut s, "Colis jamais");
    let alt_enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT);
    let a = key_to_action(&s, alt_enter).unwrap();
    assert!(update(&mut s, a).is_empty());
    typ(&mut s, "reçu");
    let submit = recouvre::keymap::KeyChord::parse("ctrl-s").unwrap();
    assert_eq!(s.keymap.lookup(s.context(), &submit), Some(Command::Submit));
    let (_, _, _, kind, done) = single_append(press(&mut s, KeyCode::Enter));
    assert_eq!(
        kind,
        EventKind::ContestationReceived {
            reason: "Livraison".into(),
            text: "Colis jamais\nreçu".into(),
            review: None
        }
    );
    assert_eq!(done, "Contestation enregistrée pour ACME SARL.");
}

#[test]
fn injonction_goes_to_the_next_step() {
    let mut s = st();
    select(&mut s, "Imprimerie Nouvelle SAS");
    press(&mut s, KeyCode::Char('i'));
    let (_, _, _, kind, done) = single_append(press(&mut s, KeyCode::Enter));
    assert_eq!(
        kind,
        EventKind::Injonction {
            step: InjonctionStep::Served,
            note: None
        }
    );
    assert!(done.contains("ordonnance signifiée"), "{done}");
    press(&mut s, KeyCode::Esc);
    select(&mut s, "Jean Dupont");
    press(&mut s, KeyCode::Char('i'));
    let (_, _, _, kind, _) = single_append(press(&mut s, KeyCode::Enter));
    assert!(matches!(
        kind,
        EventKind::Injonction {
            step: InjonctionStep::RequestFiled,
            ..
        }
    ));
}

#[test]
fn note_and_call() {
    let mut s = st();
    press(&mut s, KeyCode::Char('T'));
    typ(&mut s, "Rappeler lundi");
    let (_, _, _, kind, done) = single_append(cmd(&mut s, Command::Submit));
    assert_eq!(
        kind,
        EventKind::Note {
            kind: NoteKind::PhoneCall,
            text: "Rappeler lundi".into()
        }
    );
    assert!(done.starts_with("Appel enregistré"));
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Char('t'));
    assert!(
        cmd(&mut s, Command::Submit).is_empty(),
        "empty note refused"
    );
    typ(&mut s, "x");
    let (_, _, _, kind, _) = single_append(cmd(&mut s, Command::Submit));
    assert!(matches!(
        kind,
        EventKind::Note {
            kind: NoteKind::Note,
            ..
        }
    ));
}

#[test]
fn add_dossier_form_validates_every_field_at_once() {
    let mut s = st();
    press(&mut s, KeyCode::Char('+'));
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    for id in ["debtor", "reference", "amount", "due"] {
        assert!(form_error(&s, id).is_some(), "{id}");
    }
    typ(&mut s, "Nouveau Client SA");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    typ(&mut s, "CL-9");
    press(&mut s, KeyCode::Tab);
    typ(&mut s, "Bâtiment B, 12 rue Colbert");
    press(&mut s, KeyCode::Tab);
    typ(&mut s, "37000 Tours");
    press(&mut s, KeyCode::Tab);
    typ(&mut s, "F-900");
    press(&mut s, KeyCode::Tab);
    typ(&mut s, "1 500");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    typ(&mut s, "01/11/2026");
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert!(form_error(&s, "due").unwrap().contains("précéder"));
    for _ in 0..10 {
        press(&mut s, KeyCode::Backspace);
    }
    typ(&mut s, "2026-12-10");
    // The proof, without which a formal notice is refused later.
    press(&mut s, KeyCode::Tab);
    typ(&mut s, "BC-77 signé");
    let eff = press(&mut s, KeyCode::Enter);
    assert_eq!(eff.len(), 1);
    let Effect::Create { new, done } = &eff[0] else {
        panic!("{eff:?}")
    };
    assert_eq!(new.debtor.name, "Nouveau Client SA");
    assert_eq!(new.debtor.customer_number.as_deref(), Some("CL-9"));
    // Where a formal notice will go: one line per part, the town last.
    assert_eq!(
        new.debtor.address,
        ["Bâtiment B", "12 rue Colbert", "37000 Tours"]
    );
    assert_eq!(new.items[0].amount, Decimal::from(1500));
    assert_eq!(new.items[0].due.to_string(), "2026-12-10");
    assert_eq!(new.items[0].proof.as_deref(), Some("BC-77 signé"));
    assert_eq!(done, "Dossier créé pour Nouveau Client SA.");
}

#[test]
fn undo_cancels_the_last_effective_event() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('u'));
    let Some(Popup::Confirm(c)) = &s.popup else {
        panic!("confirmation expected")
    };
    assert!(c.lines.iter().any(|l| l.contains("bob")), "{:?}", c.lines);
    let (_, _, _, kind, done) = single_append(press(&mut s, KeyCode::Enter));
    assert_eq!(kind, EventKind::Cancel { target: 4 });
    assert!(done.contains("annulé pour ACME SARL"), "{done}");
}

#[test]
fn failed_write_keeps_the_form_for_a_retry() {
    let mut s = st();
    press(&mut s, KeyCode::Char('p'));
    typ(&mut s, "10");
    assert_eq!(press(&mut s, KeyCode::Enter).len(), 1);
    update(
        &mut s,
        Action::WriteFailed("La base /x est occupée par bob".into()),
    );
    assert!(matches!(s.popup, Some(Popup::Form(_))));
    assert!(notice(&s).contains("Rien n'a été enregistré : La base /x est occupée par bob"));
    assert_eq!(press(&mut s, KeyCode::Enter).len(), 1, "Enter retries");
}

#[test]
fn load_errors_are_state_not_crashes() {
    let mut s = st();
    update(&mut s, Action::Loaded(Err("La base est occupée".into())));
    assert_eq!(s.load_error.as_deref(), Some("La base est occupée"));
    assert_eq!(s.entries.len(), 8, "what was shown stays");
    update(&mut s, Action::Loaded(Ok(Snapshot::default())));
    assert!(s.load_error.is_none());
    assert!(s.entries.is_empty());
    // Actions on nothing say so.
    press(&mut s, KeyCode::Char('p'));
    assert!(notice(&s).contains("Aucun dossier"));
    assert!(matches!(
        cmd(&mut s, Command::Reload)[..],
        [Effect::LoadDraftList, Effect::LoadAll]
    ));
    // Another user's write reloads only what changed since the generation on screen...
    assert!(matches!(
        update(&mut s, Action::ExternalChange)[..],
        [Effect::LoadChanged { since: 0 }]
    ));
    // ...but everything after a failed load.
    update(&mut s, Action::Loaded(Err("La base est occupée".into())));
    assert!(matches!(
        update(&mut s, Action::ExternalChange)[..],
        [Effect::LoadAll]
    ));
}

#[test]
fn quit_and_help() {
    let mut s = st();
    press(&mut s, KeyCode::Char('?'));
    assert!(matches!(s.popup, Some(Popup::Help { .. })));
    press(&mut s, KeyCode::Char('j'));
    assert!(matches!(s.popup, Some(Popup::Help { scroll: 1 })));
    press(&mut s, KeyCode::Esc);
    assert!(s.popup.is_none());
    // In a form, "q" is a letter, ctrl-c still quits.
    press(&mut s, KeyCode::Char('t'));
    press(&mut s, KeyCode::Char('q'));
    assert!(!s.quit);
    let ev = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let a = key_to_action(&s, ev).unwrap();
    update(&mut s, a);
    assert!(s.quit);
}

#[test]
fn contestation_key_on_a_disputed_dossier_records_the_outcome() {
    let mut s = st();
    select(&mut s, "Garage du Port");
    press(&mut s, KeyCode::Char('c'));
    press(&mut s, KeyCode::Tab);
    typ(&mut s, "Pièces conformes selon expertise");
    let (_, _, _, kind, done) = single_append(cmd(&mut s, Command::Submit));
    assert_eq!(
        kind,
        EventKind::ContestationResolved {
            outcome: recouvre::domain::event::ContestationOutcome::Rejected,
            note: "Pièces conformes selon expertise".into()
        }
    );
    assert_eq!(done, "Contestation rejetée pour Garage du Port.");
}

fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    let ev = KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    match key_to_action(s, ev) {
        Some(a) => update(s, a),
        None => vec![],
    }
}

fn editor_text(s: &State) -> String {
    s.editor.as_ref().expect("editor open").text()
}

/// Opens the send form (ctrl-s) and submits it with the proposed channel.
fn send(s: &mut State) -> Vec<Effect> {
    assert!(
        ctrl(s, 's').is_empty(),
        "nothing written before the channel is chosen"
    );
    assert!(matches!(&s.popup, Some(Popup::Form(_))));
    press(s, KeyCode::Enter)
}

#[test]
fn relance_opens_the_editor_then_logs_the_typed_letter() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    let len = s.current().unwrap().journal_len;
    let eff = press(&mut s, KeyCode::Char('r'));
    assert!(matches!(eff[..], [Effect::LoadDraft(1)]), "{eff:?}");
    let ed = s.editor.as_ref().expect("editor open");
    assert_eq!(
        ed.step,
        LetterStep::Relance2,
        "after relance 1 comes relance 2"
    );
    assert!(ed.text().contains("Deuxième relance"));
    // Plain letters (even q, r, m) are text in the editor, not commands.
    typ(&mut s, "PS qrm ");
    assert!(editor_text(&s).starts_with("PS qrm "));
    assert!(!s.quit);
    let (id, expected, date, kind, done) = single_append(send(&mut s));
    assert_eq!((id, expected, date), (1, len, fixtures::today()));
    let EventKind::RelanceSent {
        level: 2,
        channel: Channel::Letter,
        letter: Some(letter),
        ..
    } = kind
    else {
        panic!("{kind:?}")
    };
    assert!(letter.starts_with("PS qrm ") && letter.contains("Deuxième relance"));
    assert!(
        done.contains("ACME SARL") && done.contains("courrier"),
        "{done}"
    );
}

#[test]
fn written_letter_closes_the_editor_and_deletes_the_draft() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    let (id, _, date, kind, done) = single_append(send(&mut s));
    let mut d = s.entry(id).unwrap().to_loaded().unwrap();
    d.events.push(Event {
        seq: d.events.len() as u32,
        at: chrono::Utc::now(),
        date,
        user: "alice".into(),
        kind,
    });
    d.state = recouvre::domain::fold(id, &d.events).unwrap();
    let eff = update(
        &mut s,
        Action::Written {
            id,
            dossier: Ok(d),
            done: done.clone(),
            generation: Some(9),
        },
    );
    assert!(matches!(eff[..], [Effect::DeleteDraft(1)]), "{eff:?}");
    assert!(s.editor.is_none() && s.popup.is_none());
    assert_eq!(notice(&s), done);
    assert_eq!(s.notice.as_ref().unwrap().level, Level::Success);
    assert_eq!(s.entry(id).unwrap().stage, Stage::Relance2);
    assert_eq!(s.current().unwrap().id(), id, "cursor follows the dossier");
    assert_eq!(s.generation, 9);
}

#[test]
fn stale_write_keeps_the_letter_open_and_saves_it() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    typ(&mut s, "Mon ajout ");
    single_append(send(&mut s));
    let mut d = s.entry(1).unwrap().to_loaded().unwrap();
    let theirs = Event {
        seq: d.events.len() as u32,
        at: chrono::Utc::now(),
        date: fixtures::today(),
        user: "carole".into(),
        kind: EventKind::RelanceSent {
            level: 2,
            channel: Channel::Email,
            letter: None,
            overrides: vec![],
        },
    };
    d.events.push(theirs.clone());
    d.state = recouvre::domain::fold(1, &d.events).unwrap();
    let new_len = d.state.journal_len;
    let eff = update(
        &mut s,
        Action::Stale {
            id: 1,
            newer: vec![theirs],
            reloaded: Ok(d),
        },
    );
    let n = notice(&s);
    assert!(
        n.contains("carole") && n.contains("Relance 2 envoyée (courriel)"),
        "{n}"
    );
    assert!(n.contains("n'a pas été enregistrée"), "{n}");
    assert_eq!(s.entry(1).unwrap().stage, Stage::Relance2);
    assert!(s.popup.is_none());
    let ed = s.editor.as_ref().expect("the letter is still open");
    assert!(ed.text().starts_with("Mon ajout "));
    assert_eq!(
        ed.target.expected_len, new_len,
        "a retry is against the new journal"
    );
    assert!(
        matches!(&eff[..], [Effect::SaveDraft { id: 1, text, .. }] if text.starts_with("Mon ajout ")),
        "{eff:?}"
    );
}

#[test]
fn notice_missing_mention_needs_confirmation_which_is_recorded() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('m'));
    let ed = s.editor.as_ref().expect("editor open");
    assert_eq!(ed.step, LetterStep::MiseEnDemeure);
    let deadline = ed.deadline.expect("a notice states its deadline");
    assert!(
        ed.missing_mentions().is_empty(),
        "the composed notice is complete"
    );
    // Find the subject line with the search, then delete it (ctrl-k: to the end of the line).
    ctrl(&mut s, 'f');
    typ(&mut s, "objet :");
    press(&mut s, KeyCode::Enter);
    assert!(s.editor.as_ref().unwrap().search.is_none());
    ctrl(&mut s, 'k');
    assert!(!editor_text(&s).contains("Objet"));
    assert!(ctrl(&mut s, 's').is_empty());
    assert!(press(&mut s, KeyCode::Enter).is_empty(), "not sent yet");
    let Some(Popup::Confirm(c)) = &s.popup else {
        panic!("{:?}", s.popup)
    };
    let shown = c.lines.join("\n");
    assert!(shown.contains("Mentions obligatoires absentes"), "{shown}");
    assert!(shown.contains("MISE EN DEMEURE"), "{shown}");
    // Esc goes back to the letter, nothing written; Enter on a second try sends anyway.
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert!(s.popup.is_none() && s.editor.is_some());
    ctrl(&mut s, 's');
    press(&mut s, KeyCode::Enter);
    let (_, _, _, kind, _) = single_append(press(&mut s, KeyCode::Enter));
    let EventKind::NoticeSent {
        deadline: logged,
        letter: Some(letter),
        overrides,
        ..
    } = kind
    else {
        panic!("{kind:?}")
    };
    assert_eq!(
        logged, deadline,
        "the journal records the date the letter states"
    );
    assert!(!letter.contains("Objet"));
    // The journal keeps the stable slug of each overridden check (the CLI's too).
    assert!(
        overrides.contains(&"mention:notice_title".to_string()),
        "{overrides:?}"
    );
}

#[test]
fn notice_before_the_due_date_lists_readiness_and_needs_confirmation() {
    let mut s = st();
    select(&mut s, "Hôtel Belvédère");
    press(&mut s, KeyCode::Char('m'));
    let ed = s.editor.as_ref().expect("editor open");
    assert!(ed.readiness_failed.contains(&"exigible".to_string()));
    ctrl(&mut s, 's');
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    let Some(Popup::Confirm(c)) = &s.popup else {
        panic!("{:?}", s.popup)
    };
    assert!(c.lines.join(" ").contains("Préalables non remplis"));
    let (_, _, _, kind, _) = single_append(press(&mut s, KeyCode::Enter));
    assert!(
        matches!(&kind, EventKind::NoticeSent { overrides, .. } if overrides.contains(&"exigible".to_string())),
        "{kind:?}"
    );
}

#[test]
fn dutch_consumer_gets_the_last_notice_with_its_costs() {
    use recouvre::domain::model::Jurisdiction;
    let mut dossiers = fixtures::dossiers(fixtures::today());
    // Jean Dupont, consumer, moved to the Netherlands and without the French notice.
    let d = &mut dossiers[2];
    d.events.truncate(d.events.len() - 1);
    if let EventKind::Created { jurisdiction, .. } = &mut d.events[0].kind {
        *jurisdiction = Jurisdiction::Nl;
    }
    d.state = recouvre::domain::fold(d.state.id, &d.events).unwrap();
    let mut s = st_with(dossiers);
    select(&mut s, "Jean Dupont");
    press(&mut s, KeyCode::Char('m'));
    let ed = s.editor.as_ref().expect("editor open");
    assert_eq!(ed.step, LetterStep::LastNoticeNlBe);
    let deadline = ed.deadline.unwrap();
    assert!(deadline >= fixtures::today() + chrono::Duration::days(14));
    ctrl(&mut s, 's');
    let mut eff = press(&mut s, KeyCode::Enter);
    if matches!(s.popup, Some(Popup::Confirm(_))) {
        eff = press(&mut s, KeyCode::Enter);
    }
    let Effect::Append { kinds, .. } = &eff[0] else {
        panic!("{eff:?}")
    };
    let EventKind::LastNoticeSent {
        deadline: logged,
        costs,
        letter: Some(letter),
        ..
    } = &kinds[0]
    else {
        panic!("{kinds:?}")
    };
    assert_eq!(*logged, deadline);
    // The event records the costs the kept letter states (none announced: "sans frais").
    if costs.is_zero() {
        assert!(letter.contains("sans frais"), "{letter}");
    } else {
        let stated = recouvre::i18n::format_eur_fr(*costs);
        assert!(
            letter.contains(&stated),
            "{costs} / {stated} not in {letter}"
        );
    }
    assert!(
        letter.contains("10 décembre 2026")
            || letter.contains(&recouvre::domain::parse::format_date_fr(deadline))
    );
}

#[test]
fn letter_key_opens_the_reply_on_a_disputed_dossier_and_logs_a_note() {
    let mut s = st();
    select(&mut s, "Garage du Port");
    press(&mut s, KeyCode::Char('l'));
    let ed = s.editor.as_ref().expect("editor open");
    assert_eq!(ed.step, LetterStep::ContestationReply);
    let (_, _, _, kind, _) = single_append(send(&mut s));
    let EventKind::Note {
        kind: NoteKind::Note,
        text,
    } = kind
    else {
        panic!("{kind:?}")
    };
    assert!(
        text.starts_with(LetterStep::ContestationReply.label()),
        "{text}"
    );
    assert!(text.contains("Madame, Monsieur"), "the full letter is kept");
}

#[test]
fn editor_undo_redo_and_cancel_confirmation() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    let original = editor_text(&s);
    typ(&mut s, "X");
    assert!(s.editor.as_ref().unwrap().modified());
    ctrl(&mut s, 'z');
    assert_eq!(editor_text(&s), original, "undo");
    ctrl(&mut s, 'y');
    assert!(editor_text(&s).starts_with('X'), "redo");
    // Esc on a modified letter asks; "no" keeps writing, "yes" closes and drops the draft.
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert!(matches!(s.popup, Some(Popup::Ask(_))));
    press(&mut s, KeyCode::Esc);
    assert!(s.popup.is_none() && s.editor.is_some());
    press(&mut s, KeyCode::Esc);
    let eff = press(&mut s, KeyCode::Enter);
    assert!(matches!(eff[..], [Effect::DeleteDraft(1)]), "{eff:?}");
    assert!(s.editor.is_none());
    // Unmodified: Esc closes at once.
    press(&mut s, KeyCode::Char('r'));
    press(&mut s, KeyCode::Esc);
    assert!(s.editor.is_none() && s.popup.is_none());
}

#[test]
fn autosave_writes_only_what_changed_and_save_draft_closes() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    assert!(
        update(&mut s, Action::AutosaveDue).is_empty(),
        "nothing typed"
    );
    typ(&mut s, "Y");
    let eff = update(&mut s, Action::AutosaveDue);
    let [Effect::SaveDraft { id: 1, step, text }] = &eff[..] else {
        panic!("{eff:?}")
    };
    assert_eq!(step, "relance_2");
    update(
        &mut s,
        Action::DraftSaved {
            id: 1,
            text: text.clone(),
            result: Ok(chrono::Utc::now()),
        },
    );
    assert!(
        update(&mut s, Action::AutosaveDue).is_empty(),
        "already saved"
    );
    assert!(s.editor.is_some(), "autosave keeps the editor open");
    // ctrl-d: save as draft, and close once it is on disk (a failure keeps the text open).
    let eff = ctrl(&mut s, 'd');
    let [Effect::SaveDraft { text, .. }] = &eff[..] else {
        panic!("{eff:?}")
    };
    update(
        &mut s,
        Action::DraftSaved {
            id: 1,
            text: text.clone(),
            result: Err("disque plein".into()),
        },
    );
    assert!(s.editor.is_some());
    assert!(notice(&s).contains("disque plein"));
    ctrl(&mut s, 'd');
    update(
        &mut s,
        Action::DraftSaved {
            id: 1,
            text: text.clone(),
            result: Ok(chrono::Utc::now()),
        },
    );
    assert!(s.editor.is_none());
    assert!(notice(&s).contains("Brouillon enregistré"));
}

#[test]
fn a_waiting_draft_is_offered_and_resumed_or_set_aside() {
    let draft = recouvre::model::Draft {
        dossier: 1,
        user: "alice".into(),
        step: "relance_2".into(),
        text: "Texte du brouillon\n".into(),
        saved_at: chrono::Utc::now(),
    };
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    update(
        &mut s,
        Action::DraftLoaded {
            id: 1,
            draft: Ok(Some(draft.clone())),
        },
    );
    assert!(matches!(s.popup, Some(Popup::Ask(_))));
    press(&mut s, KeyCode::Enter);
    assert_eq!(editor_text(&s).trim_end(), "Texte du brouillon");
    assert!(
        update(&mut s, Action::AutosaveDue).is_empty(),
        "the draft is the saved text"
    );
    // Second time: start fresh, which drops the old draft.
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Char('r'));
    update(
        &mut s,
        Action::DraftLoaded {
            id: 1,
            draft: Ok(Some(draft)),
        },
    );
    // Starting fresh is chosen, then confirmed (Esc would keep the draft).
    press(&mut s, KeyCode::Tab);
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    press(&mut s, KeyCode::Tab);
    let eff = press(&mut s, KeyCode::Enter);
    assert!(matches!(eff[..], [Effect::DeleteDraft(1)]), "{eff:?}");
    assert!(editor_text(&s).contains("Deuxième relance"));
}

#[test]
fn search_moves_to_each_match_then_wraps_and_says_when_absent() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    let lines: Vec<String> = s.editor.as_ref().unwrap().textarea.lines().to_vec();
    let hits: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.to_lowercase().contains("f-2026-101"))
        .map(|(i, _)| i)
        .collect();
    assert!(hits.len() >= 2, "{hits:?}");
    ctrl(&mut s, 'f');
    typ(&mut s, "F-2026-101");
    press(&mut s, KeyCode::Enter);
    let row = |s: &State| s.editor.as_ref().unwrap().textarea.cursor().0;
    assert_eq!(row(&s), hits[0]);
    press(&mut s, KeyCode::F(3));
    assert_eq!(row(&s), hits[1]);
    for _ in 2..hits.len() {
        press(&mut s, KeyCode::F(3));
    }
    // The search key with an empty prompt repeats the last pattern, and wraps.
    ctrl(&mut s, 'f');
    press(&mut s, KeyCode::Enter);
    assert_eq!(row(&s), hits[0], "wraps to the first match");
    // Typing while searching goes to the prompt, not into the letter.
    let before = editor_text(&s);
    ctrl(&mut s, 'f');
    typ(&mut s, "zzz introuvable");
    press(&mut s, KeyCode::Enter);
    assert_eq!(editor_text(&s), before);
    assert!(notice(&s).contains("introuvable"), "{}", notice(&s));
}

#[test]
fn mine_filter_keeps_only_dossiers_assigned_to_the_os_user() {
    use recouvre::app::{update, Action, Command};
    let mut st = recouvre::app::fixtures::state(recouvre::app::fixtures::today());
    let me = st.user.clone();
    let all = st.visible.len();
    assert!(all > 2);
    // Assign one dossier to us and one to a colleague.
    st.entries[0].assigned = Some(me.clone());
    st.entries[1].assigned = Some("bob".into());
    // As a reloaded dossier does (`replace_entry`): what the filters read is kept with the entries.
    st.order_sort = None;
    update(&mut st, Action::Command(Command::ToggleMine));
    assert_eq!(st.visible.len(), 1);
    assert_eq!(st.selected, Some(st.entries[0].id()));
    let screen = recouvre::tui::screenshot::buffer_to_text(
        &recouvre::tui::screenshot::render_buffer(&st, 120, 30),
    );
    assert!(screen.contains(&format!("Mes dossiers ({me})")), "{screen}");
    update(&mut st, Action::Command(Command::ToggleMine));
    assert_eq!(st.visible.len(), all);
}

#[test]
fn changing_the_channel_redoes_an_unedited_letter_for_it() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    assert!(editor_text(&s).contains("Lettre simple"));
    ctrl(&mut s, 's');
    press(&mut s, KeyCode::Left); // courriel
    assert!(
        press(&mut s, KeyCode::Enter).is_empty(),
        "not sent: the letter is redone for the channel first"
    );
    assert!(s.popup.is_none());
    let text = editor_text(&s);
    assert!(
        text.contains("Envoyé par courriel") && text.contains("croisé ce courriel"),
        "{text}"
    );
    assert!(
        !text.contains("Lettre simple") && !text.contains("ce courrier"),
        "{text}"
    );
    let (_, _, _, kind, _) = single_append(send(&mut s));
    assert!(
        matches!(kind, EventKind::RelanceSent { channel: Channel::Email, ref letter, .. } if letter.as_deref().is_some_and(|l| l.contains("ce courriel"))),
        "{kind:?}"
    );
}

#[test]
fn changing_the_channel_of_an_edited_letter_asks_whether_to_redo_it() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    typ(&mut s, "PS ");
    ctrl(&mut s, 's');
    press(&mut s, KeyCode::Left); // courriel
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    let Some(Popup::Ask(ask)) = &s.popup else {
        panic!("{:?}", s.popup)
    };
    assert!(
        ask.lines.join(" ").contains("Lettre simple"),
        "{:?}",
        ask.lines
    );
    // Esc cancels: back to the editor, nothing sent.
    assert!(press(&mut s, KeyCode::Esc).is_empty());
    assert!(s.popup.is_none() && s.editor.is_some());
    ctrl(&mut s, 's');
    press(&mut s, KeyCode::Left);
    press(&mut s, KeyCode::Enter);
    // The other answer: keep my text and send it as it is, by e-mail.
    press(&mut s, KeyCode::Tab);
    let (_, _, _, kind, _) = single_append(press(&mut s, KeyCode::Enter));
    let EventKind::RelanceSent {
        channel: Channel::Email,
        letter: Some(letter),
        ..
    } = kind
    else {
        panic!("{kind:?}")
    };
    assert!(letter.starts_with("PS "));

    // Yes: the letter is redone for the channel, the edits are gone, nothing sent yet.
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    typ(&mut s, "PS ");
    ctrl(&mut s, 's');
    press(&mut s, KeyCode::Left);
    press(&mut s, KeyCode::Enter);
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert!(s.popup.is_none());
    let text = editor_text(&s);
    assert!(
        !text.starts_with("PS ") && text.contains("ce courriel"),
        "{text}"
    );
}

#[test]
fn relance_on_a_disputed_dossier_warns_and_needs_confirmation() {
    let mut s = st();
    select(&mut s, "Garage du Port");
    press(&mut s, KeyCode::Char('r'));
    let ed = s.editor.as_ref().expect("editor open");
    assert!(ed.step.relance_level().is_some());
    assert!(
        ed.warnings.iter().any(|w| w.contains("contestation")),
        "{:?}",
        ed.warnings
    );
    assert!(notice(&s).contains("contestation"), "{}", notice(&s));
    ctrl(&mut s, 's');
    assert!(press(&mut s, KeyCode::Enter).is_empty(), "not sent yet");
    let Some(Popup::Confirm(c)) = &s.popup else {
        panic!("{:?}", s.popup)
    };
    assert!(c.lines.join(" ").contains("contestation"), "{:?}", c.lines);
    let (_, _, _, kind, _) = single_append(press(&mut s, KeyCode::Enter));
    assert!(
        matches!(&kind, EventKind::RelanceSent { overrides, .. } if overrides == &vec!["dispute_open".to_string()]),
        "{kind:?}"
    );
}

#[test]
fn relance_key_chases_a_missed_instalment_with_the_instalment_letter() {
    // Twenty days on, the plan's next instalment has passed unpaid.
    let later = fixtures::today() + chrono::Duration::days(20);
    let mut s = fixtures::state(later);
    update(
        &mut s,
        Action::Loaded(Ok(Snapshot {
            dossiers: fixtures::dossiers(fixtures::today()),
            problems: vec![],
            generation: 2,
        })),
    );
    select(&mut s, "SCI Les Tilleuls");
    assert_eq!(
        s.current().unwrap().next.as_ref().unwrap().kind.slug(),
        "missed_instalment"
    );
    press(&mut s, KeyCode::Char('r'));
    let ed = s.editor.as_ref().expect("editor open");
    assert_eq!(ed.step, LetterStep::InstalmentReminder);
    assert!(ed.text().contains("restant dû"), "{}", ed.text());
}

fn draft_for(s: &State, text: &str) -> recouvre::model::Draft {
    recouvre::model::Draft {
        dossier: s.current().unwrap().id(),
        user: "alice".into(),
        step: "relance_2".into(),
        text: text.into(),
        saved_at: chrono::Utc::now(),
    }
}

#[test]
fn esc_on_the_draft_question_keeps_the_draft_and_starting_afresh_is_confirmed() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    let id = s.current().unwrap().id();
    let d = draft_for(&s, "Brouillon d'hier");
    update(
        &mut s,
        Action::DraftLoaded {
            id,
            draft: Ok(Some(d.clone())),
        },
    );
    assert!(matches!(s.popup, Some(Popup::Ask(_))));
    // Esc: nothing deleted, the letter closed so no autosave can overwrite the draft.
    let eff = press(&mut s, KeyCode::Esc);
    assert!(
        !eff.iter().any(|e| matches!(e, Effect::DeleteDraft(_))),
        "{eff:?}"
    );
    assert!(s.popup.is_none() && s.editor.is_none());
    assert!(notice(&s).contains("conservé"), "{}", notice(&s));

    // "Start afresh" is a second, explicit question; its default answer is "back".
    press(&mut s, KeyCode::Char('r'));
    update(
        &mut s,
        Action::DraftLoaded {
            id,
            draft: Ok(Some(d)),
        },
    );
    press(&mut s, KeyCode::Tab);
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    let Some(Popup::Ask(ask)) = &s.popup else {
        panic!("{:?}", s.popup)
    };
    assert!(ask.title.contains("Supprimer"), "{}", ask.title);
    // Enter on the highlighted "back to the choice" deletes nothing and asks again.
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    let Some(Popup::Ask(ask)) = &s.popup else {
        panic!("{:?}", s.popup)
    };
    assert!(ask.title.contains("Brouillon"), "{}", ask.title);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Tab);
    let eff = press(&mut s, KeyCode::Enter);
    assert!(
        eff.iter()
            .any(|e| matches!(e, Effect::DeleteDraft(x) if *x == id)),
        "{eff:?}"
    );
    assert!(s.editor.is_some(), "the fresh letter stays open");
}

#[test]
fn ctrl_c_in_a_letter_keeps_it_as_a_draft_and_returns_to_the_list() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    typ(&mut s, "PS ");
    let eff = ctrl(&mut s, 'c');
    assert!(
        !s.quit,
        "Ctrl-C in the editor does not quit the application"
    );
    let Some(Effect::SaveDraft { text, .. }) = eff.first() else {
        panic!("{eff:?}")
    };
    assert!(text.starts_with("PS "));
    let id = s.current().unwrap().id();
    update(
        &mut s,
        Action::DraftSaved {
            id,
            text: text.clone(),
            result: Ok(chrono::Utc::now()),
        },
    );
    assert!(s.editor.is_none(), "back to the list");
    // On the list, Ctrl-C still quits.
    ctrl(&mut s, 'c');
    assert!(s.quit);
}

#[test]
fn esc_clears_the_mine_filter_that_left_the_list_empty() {
    let mut s = st();
    s.user = "personne".into();
    cmd(&mut s, Command::ToggleMine);
    assert!(s.visible.is_empty());
    press(&mut s, KeyCode::Esc);
    assert!(!s.only_mine);
    assert_eq!(s.visible.len(), 7, "{:?}", names(&s));
}

#[test]
fn the_injonction_step_is_dated_by_the_user_and_dates_can_be_typed_short() {
    let mut s = st();
    select(&mut s, "Imprimerie Nouvelle SAS");
    press(&mut s, KeyCode::Char('i'));
    let Some(Popup::Form(f)) = &s.popup else {
        panic!("{:?}", s.popup)
    };
    assert!(
        f.notes.iter().any(|n| n.contains("Imprimerie")),
        "{:?}",
        f.notes
    );
    // The order was served yesterday, not today.
    for _ in 0..10 {
        press(&mut s, KeyCode::Backspace);
    }
    typ(&mut s, "hier");
    let (_, _, date, kind, _) = single_append(press(&mut s, KeyCode::Enter));
    assert_eq!(date, fixtures::today() - chrono::Duration::days(1));
    assert!(matches!(
        kind,
        EventKind::Injonction {
            step: InjonctionStep::Served,
            ..
        }
    ));

    // A payment dated "20/11" is this year's 20 November (the nearest past day).
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('p'));
    typ(&mut s, "10");
    press(&mut s, KeyCode::Tab);
    for _ in 0..10 {
        press(&mut s, KeyCode::Backspace);
    }
    typ(&mut s, "20/11");
    let (_, _, date, _, _) = single_append(press(&mut s, KeyCode::Enter));
    assert_eq!(date.to_string(), "2026-11-20");
}

#[test]
fn a_control_character_pasted_into_a_letter_or_its_tracking_number_is_refused() {
    let mut s = st();
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('r'));
    update(
        &mut s,
        Action::Key(KeyEvent::new(KeyCode::Char('\u{1b}'), KeyModifiers::NONE)),
    );
    ctrl(&mut s, 's');
    assert!(press(&mut s, KeyCode::Enter).is_empty(), "nothing sent");
    assert!(notice(&s).contains("U+001B"), "{}", notice(&s));
}

/// The first screen (the most urgent dossiers, from the urgency index) answers keys while the
/// rest loads; the whole list then takes its place, and a write made on the first screen is not
/// undone by the load that read the journal before it.
#[test]
fn first_screen_then_the_whole_list_keeps_a_write_made_meanwhile() {
    let today = fixtures::today();
    let all = fixtures::dossiers(today);
    let keymap = recouvre::keymap::Keymap::named("default").unwrap();
    let mut s = State::new(today, std::sync::Arc::new(keymap));
    s.env = std::sync::Arc::new(fixtures::env());
    // At start the first screen brings the drafts: no read of its own (an open of the
    // database, most of the first frame's cost at 100 000 dossiers).
    let eff = cmd(&mut s, Command::Reload);
    assert!(matches!(eff[..], [Effect::LoadAll]), "{eff:?}");
    let first: Vec<_> = all.iter().take(2).cloned().collect();
    update(
        &mut s,
        Action::FirstScreen(Box::new(recouvre::model::FirstScreen {
            snapshot: Snapshot {
                dossiers: first,
                problems: vec![],
                generation: 4,
            },
            total: all.len() as u64,
            drafts: vec![all[1].state.id],
        })),
    );
    assert_eq!(s.visible.len(), 2, "the first screen is usable at once");
    assert!(s.drafts.contains(&all[1].state.id), "{:?}", s.drafts);
    assert_eq!(s.loading, Some(all.len() as u64));
    // A note on the first dossier while the rest loads.
    let id = all[0].state.id;
    let mut d = all[0].clone();
    d.events.push(Event {
        seq: d.events.len() as u32,
        at: chrono::Utc::now(),
        date: today,
        user: "alice".into(),
        kind: EventKind::Note {
            kind: NoteKind::PhoneCall,
            text: "rappel".into(),
        },
    });
    d.state = recouvre::domain::fold(id, &d.events).unwrap();
    let len = d.state.journal_len;
    update(
        &mut s,
        Action::Written {
            id,
            dossier: Ok(d),
            done: "ok".into(),
            generation: Some(5),
        },
    );
    // The load read every journal before that note.
    let load = recouvre::app::entry::Loaded::assess(
        Snapshot {
            dossiers: all.clone(),
            problems: vec![],
            generation: 4,
        },
        today,
        &s.env,
        s.journal_capacity,
    );
    update(&mut s, Action::Ready(Ok(Box::new(load))));
    assert_eq!(s.loading, None);
    assert_eq!(s.entries.len(), all.len(), "the whole list");
    assert_eq!(
        s.entry(id).unwrap().journal_len,
        len,
        "the note written meanwhile is still there"
    );
    assert_eq!(s.current().unwrap().id(), id, "the cursor stayed on it");
    // A reload with the whole list on screen keeps it until the new one is in.
    let eff = cmd(&mut s, Command::Reload);
    assert!(
        matches!(eff[..], [Effect::LoadDraftList, Effect::LoadAll]),
        "{eff:?}"
    );
    update(
        &mut s,
        Action::FirstScreen(Box::new(recouvre::model::FirstScreen {
            total: 99,
            ..Default::default()
        })),
    );
    assert_eq!(s.entries.len(), all.len());
    assert_eq!(s.loading, None);
}

/// The name sort is the one a French reader expects: case and accents aside ("Électricité"
/// among the E, not after Z).
#[test]
fn debtor_sort_ignores_case_and_accents() {
    let mut dossiers = fixtures::dossiers(fixtures::today());
    dossiers[1].debtor.name = "Électricité Faure".into();
    let mut s = st_with(dossiers);
    while s.sort != SortKey::Debtor {
        cmd(&mut s, Command::Sort);
    }
    let n = names(&s);
    let pos = |name: &str| n.iter().position(|x| x == name).unwrap();
    assert!(pos("Électricité Faure") < pos("Garage du Port"), "{n:?}");
    let keys: Vec<String> = n
        .iter()
        .map(|n| recouvre::domain::summary::normalize(n))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

/// A state loaded from the fixtures with room for only `capacity` journals, as a large list is.
fn small_capacity(capacity: usize) -> (State, Vec<recouvre::model::LoadedDossier>) {
    let today = fixtures::today();
    let mut s = State::new(
        today,
        std::sync::Arc::new(recouvre::keymap::Keymap::named("default").unwrap()),
    );
    s.env = std::sync::Arc::new(fixtures::env());
    s.journal_capacity = capacity;
    let all = fixtures::dossiers(today);
    let eff = update(
        &mut s,
        Action::Loaded(Ok(Snapshot {
            dossiers: all.clone(),
            problems: vec![],
            generation: 1,
        })),
    );
    // The dossier under the cursor is asked for first.
    let current = s.current().unwrap().id();
    match &eff[..] {
        [Effect::LoadJournals(ids)] => {
            assert_eq!(ids[0], current);
            assert!(ids.len() <= capacity, "{ids:?}");
        }
        other => panic!("{other:?}"),
    }
    (s, all)
}

fn answer(s: &mut State, all: &[recouvre::model::LoadedDossier], ids: &[u64]) -> Vec<Effect> {
    let dossiers = all
        .iter()
        .filter(|d| ids.contains(&d.state.id))
        .cloned()
        .collect();
    update(
        s,
        Action::JournalsLoaded(Ok(Snapshot {
            dossiers,
            problems: vec![],
            generation: 1,
        })),
    )
}

#[test]
fn a_list_larger_than_the_journal_room_keeps_no_journal_until_one_is_shown() {
    let (mut s, all) = small_capacity(2);
    assert!(all.len() > 2);
    assert!(
        s.entries.iter().all(|e| !e.is_whole()),
        "the rows hold what the list shows, not the whole dossiers"
    );
    assert!(s.current().unwrap().events().is_none());
    // Asked once: the next key does not ask again while the answer is pending.
    assert!(cmd(&mut s, Command::Help).is_empty());
    cmd(&mut s, Command::Back);
    let id = s.current().unwrap().id();
    assert!(answer(&mut s, &all, &[id]).is_empty());
    let shown = s.current().unwrap().events().unwrap();
    assert_eq!(
        shown,
        &all.iter().find(|d| d.state.id == id).unwrap().events[..]
    );
    // Moving on asks for the next dossier's journal, and the count stays bounded.
    let mut asked = cmd(&mut s, Command::Down);
    for _ in 0..all.len() {
        let next = s.current().unwrap().id();
        match &asked[..] {
            [Effect::LoadJournals(ids)] => {
                assert_eq!(ids[0], next);
                answer(&mut s, &all, ids);
            }
            [] => assert!(s.current().unwrap().events().is_some()),
            other => panic!("{other:?}"),
        }
        assert!(s.entries.iter().filter(|e| e.is_whole()).count() <= 2);
        asked = cmd(&mut s, Command::Down);
    }
}

#[test]
fn a_journal_read_after_a_colleagues_write_brings_the_row_up_to_date_with_it() {
    let (mut s, mut all) = small_capacity(1);
    let id = s.current().unwrap().id();
    let d = all.iter_mut().find(|d| d.state.id == id).unwrap();
    d.events.push(Event {
        seq: d.events.len() as u32,
        at: chrono::Utc::now(),
        date: fixtures::today(),
        user: "carole".into(),
        kind: EventKind::Note {
            kind: NoteKind::Note,
            text: "vu au téléphone".into(),
        },
    });
    d.state = recouvre::domain::fold(id, &d.events).unwrap();
    let len = d.state.journal_len;
    answer(&mut s, &all, &[id]);
    let e = s.entry(id).unwrap();
    assert_eq!(e.journal_len, len, "the row is the newer one");
    assert_eq!(e.events().unwrap().len(), len as usize);
    assert_eq!(s.current().unwrap().id(), id, "the cursor stays");
}

#[test]
fn undo_and_letters_on_a_dossier_whose_journal_is_not_read_yet_say_so() {
    let (mut s, _) = small_capacity(1);
    let debtor = s.current().unwrap().debtor().to_string();
    assert!(cmd(&mut s, Command::Undo).is_empty());
    assert!(s.popup.is_none());
    assert!(notice(&s).contains(&debtor), "{}", notice(&s));
}

/// Dossiers a colleague changed come back whole; a large change (an import) must not leave
/// every one of them whole in the list.
#[test]
fn dossiers_changed_by_a_colleague_do_not_stay_whole_beyond_the_room() {
    let (mut s, all) = small_capacity(2);
    assert!(all.len() > 4);
    update(
        &mut s,
        Action::Patched(Ok(Snapshot {
            dossiers: all.clone(),
            problems: vec![],
            generation: 2,
        })),
    );
    let whole = s.entries.iter().filter(|e| e.is_whole()).count();
    assert!((1..=2).contains(&whole), "{whole} whole rows");
    assert!(s.current().unwrap().is_whole(), "the one on screen stays");
}

/// In a narrow detail pane, a penalty line's wording runs up to its amount: a space still
/// separates them ("12,15 % 13,12 €", never "12,15 %13,12 €").
#[test]
fn a_breakdown_amount_never_touches_its_wording_in_a_narrow_pane() {
    // Invoice numbers as long as an accounting system's ("F-2026-0069984-1").
    let mut all = fixtures::dossiers(fixtures::today());
    for d in &mut all {
        let id = d.state.id;
        let mut n = 0;
        for ev in &mut d.events {
            if let EventKind::ItemAdded(it) = &mut ev.kind {
                n += 1;
                it.reference = format!("F-2026-{:07}-{n}", 69980 + id);
            }
        }
        d.state = recouvre::domain::fold(d.state.id, &d.events).unwrap();
    }
    let mut s = st_with(all);
    let glued = |screen: &str| {
        screen.lines().any(|l| {
            l.split('%')
                .skip(1)
                .any(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
    };
    let mut pieces = 0;
    cmd(&mut s, Command::Top);
    for _ in 0..s.visible.len() {
        let screen = screen_at(&mut s, 140, 60);
        pieces += screen.matches(" j à ").count();
        assert!(!glued(&screen), "{screen}");
        cmd(&mut s, Command::Down);
    }
    assert!(pieces > 0, "some penalty lines were shown");
}

fn detail_screen(s: &mut State) -> String {
    screen_at(s, 160, 50)
}

fn screen_at(s: &mut State, w: u16, h: u16) -> String {
    update(s, Action::Resize(w, h));
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    let theme = recouvre::ui::theme::Theme::new(recouvre::ui::theme::Palette::Sixteen);
    term.draw(|f| recouvre::ui::render(f, s, &theme)).unwrap();
    recouvre::tui::screenshot::buffer_to_text(term.backend().buffer())
}

/// A large list keeps per row only what the list shows: until the dossier under the cursor is
/// read, its detail shows what the row knows (stage, name, balance, next action) and says it is
/// loading; a payment form waits for it too. Once read, the items and the journal are there.
#[test]
fn a_row_not_read_yet_shows_what_the_list_knows_then_the_whole_dossier() {
    let (mut s, all) = small_capacity(1);
    let e = s.current().unwrap();
    let (id, debtor, balance) = (e.id(), e.debtor().to_string(), e.balance);
    let d = all.iter().find(|d| d.state.id == id).unwrap().clone();
    let screen = detail_screen(&mut s);
    assert!(screen.contains("chargement du dossier…"), "{screen}");
    assert!(screen.contains(&recouvre::i18n::money(balance)), "{screen}");
    assert!(!screen.contains(&d.state.items[0].reference), "{screen}");
    assert!(cmd(&mut s, Command::Payment).is_empty());
    assert!(s.popup.is_none(), "no form on a dossier not read yet");
    assert!(notice(&s).contains(&format!("{debtor} : le dossier est en cours de lecture")));
    answer(&mut s, &all, &[id]);
    let screen = detail_screen(&mut s);
    assert!(!screen.contains("chargement du dossier"), "{screen}");
    assert!(screen.contains(&d.state.items[0].reference), "{screen}");
    cmd(&mut s, Command::Payment);
    assert!(matches!(s.popup, Some(Popup::Form(_))), "{:?}", s.notice);
}

/// The filter index (every row's search text and flags laid out together) finds exactly what
/// each row's own text finds.
#[test]
fn the_filter_index_matches_what_each_row_matches() {
    let st = recouvre::app::fixtures::state(recouvre::app::fixtures::today());
    let ix = &st.filter_index;
    assert_eq!(ix.len(), st.entries.len());
    let mut found = 0;
    for q in ["acme", "dubois", "f-", "41", "#41", "lemaire 41", "zzz"] {
        let query = recouvre::domain::summary::Query::new(q);
        let all = ix.matching(&query);
        for (i, e) in st.entries.iter().enumerate() {
            assert_eq!(
                ix.matches(i, &query),
                e.matches_query(&query),
                "{q} {}",
                e.id()
            );
            assert_eq!(all[i], e.matches_query(&query), "{q} {} (all)", e.id());
            found += usize::from(ix.matches(i, &query));
        }
    }
    assert!(found > 3, "{found}");
}

/// Each sort gives the order its definition says, including where the fast path of the packed
/// keys cannot decide alone: names longer than the key with the same beginning, a debtor with
/// several dossiers, balances in fractions of a cent, and rows not in dossier order.
#[test]
fn every_sort_follows_its_full_definition() {
    use recouvre::app::entry::Entry;
    use rust_decimal::Decimal;
    use std::cmp::Reverse;
    let today = fixtures::today();
    let base = fixtures::dossiers(today);
    let long = "Société Anonyme des Boulangeries Réunies du Nord";
    let mut dossiers = Vec::new();
    for (k, d) in base.iter().cycle().take(3 * base.len()).enumerate() {
        let mut d = d.clone();
        d.state.id = 1000 + k as u64;
        d.debtor.name = match k % 4 {
            0 => format!("{long} {}", k % 3),
            1 => long.to_string(),
            2 => "Brunet".into(),
            _ => d.debtor.name.clone(),
        };
        // Every copy of two dossiers: equal balances in fractions of a cent.
        if k % base.len() < 2 {
            if let Some(item) = d.state.items.first_mut() {
                item.amount += Decimal::new(5, 3);
            }
        }
        dossiers.push(d);
    }
    dossiers.reverse();
    let mut s = st_with(dossiers);
    s.show_closed = true;
    assert!(
        s.entries
            .iter()
            .any(|e| !(e.balance * Decimal::ONE_HUNDRED).fract().is_zero()),
        "no sub-cent balance in the test data"
    );
    let mut seen = std::collections::HashSet::new();
    for _ in 0..4 {
        cmd(&mut s, Command::Sort);
        let e: &[Entry] = &s.entries;
        let mut want: Vec<usize> = (0..e.len()).collect();
        match s.sort {
            SortKey::Urgency => want.sort_by_key(|&i| {
                let n = e[i].next.as_ref().map(|n| n.date);
                (n.is_none(), n, Reverse(e[i].balance), e[i].id())
            }),
            SortKey::Balance => want.sort_by_key(|&i| (Reverse(e[i].balance), e[i].id())),
            SortKey::DaysPastDue => want.sort_by_key(|&i| {
                (
                    Reverse(e[i].days_past_due),
                    Reverse(e[i].balance),
                    e[i].id(),
                )
            }),
            SortKey::Debtor => want.sort_by_key(|&i| (e[i].sort_name(), e[i].id())),
        }
        assert_eq!(s.visible, want, "{:?}", s.sort);
        seen.insert(format!("{:?}", s.sort));
    }
    assert_eq!(seen.len(), 4);
}

/// A write (or a colleague's) changes a dossier or adds one: the header's totals, the filter
/// index, the sorted order and the rows shown are what loading every dossier afresh gives, under
/// every sort, with the dossier's text grown and its balance changed.
#[test]
fn a_changed_dossier_is_put_back_as_a_fresh_load_would_place_it() {
    let today = fixtures::today();
    let base = fixtures::dossiers(today);
    let dossiers: Vec<_> = base
        .iter()
        .cycle()
        .take(3 * base.len())
        .enumerate()
        .map(|(k, d)| {
            let mut d = d.clone();
            d.state.id = 1000 + k as u64;
            d
        })
        .collect();
    let mut renamed = dossiers[1].clone();
    renamed.debtor.name = "Zénith Assurances Mutuelles du Grand Ouest".into();
    let mut dearer = dossiers[5].clone();
    if let Some(item) = dearer.state.items.first_mut() {
        item.amount += Decimal::new(1_234_567, 2);
    }
    let mut added = dossiers[0].clone();
    added.state.id = 5000;
    added.debtor.name = "Abeille Bleue SARL".into();
    let changed = vec![renamed, dearer, added];
    let mut after = dossiers.clone();
    for d in &changed {
        match after.iter_mut().find(|x| x.state.id == d.state.id) {
            Some(slot) => *slot = d.clone(),
            None => after.push(d.clone()),
        }
    }
    for sorts in 0..4 {
        let mut s = st_with(dossiers.clone());
        let mut fresh = st_with(after.clone());
        for st in [&mut s, &mut fresh] {
            for _ in 0..sorts {
                cmd(st, Command::Sort);
            }
        }
        update(
            &mut s,
            Action::Patched(Ok(Snapshot {
                dossiers: changed.clone(),
                problems: vec![],
                generation: 3,
            })),
        );
        assert_eq!(s.sort, fresh.sort);
        assert_eq!(s.totals, fresh.totals, "header, sort {:?}", s.sort);
        assert_eq!(
            s.filter_index, fresh.filter_index,
            "index, sort {:?}",
            s.sort
        );
        assert_eq!(s.order, fresh.order, "order, sort {:?}", s.sort);
        assert_eq!(s.visible, fresh.visible, "rows, sort {:?}", s.sort);
        // The orders kept for the other sorts followed too.
        for _ in 0..4 {
            cmd(&mut s, Command::Sort);
            cmd(&mut fresh, Command::Sort);
            assert_eq!(s.order, fresh.order, "order, then sort {:?}", s.sort);
        }
        // The new name is found by the filter's search, at its own entry only.
        let found = s
            .filter_index
            .matching(&recouvre::domain::summary::Query::new("zénith"));
        let ids: Vec<u64> = (0..found.len())
            .filter(|&i| found[i])
            .map(|i| s.filter_index.ids[i])
            .collect();
        assert_eq!(ids, vec![1001]);
    }
}

#[test]
fn the_channel_advised_on_screen_counts_the_debtors_other_chased_dossiers() {
    use recouvre::domain::model::DebtorType;
    use recouvre::domain::money::AdviceReason;
    let today = fixtures::today();
    let all = fixtures::dossiers(today);
    let s = st_with(all.clone());
    // A business debtor owing 200 to 1 000 € with no notice yet: a registered letter on the
    // amount alone.
    let target = s
        .entries
        .iter()
        .find(|e| {
            let w = e.whole().unwrap();
            e.debtor_type == DebtorType::B2b
                && !e.chased
                && w.assessment.claim.total_due >= Decimal::from(200)
                && w.state.notice.is_none()
                && recouvre::domain::money::advise_channel(
                    w.assessment.claim.total_due,
                    DebtorType::B2b,
                    &Default::default(),
                    &Default::default(),
                )
                .channel
                    == Channel::Lrar
                && s.entries
                    .iter()
                    .filter(|o| o.debtor_id == e.debtor_id)
                    .count()
                    == 1
        })
        .expect("a fixture dossier on the amount alone")
        .id();
    let original = all.iter().find(|d| d.state.id == target).unwrap().clone();
    // The same debtor's other dossier, which needed a reminder.
    let sibling_id = all.iter().map(|d| d.state.id).max().unwrap() + 1;
    let mut events = original.events.clone();
    let last = events.last().unwrap();
    events.push(Event {
        seq: events.len() as u32,
        at: last.at,
        date: last.date,
        user: "test".into(),
        kind: EventKind::RelanceSent {
            level: 1,
            channel: Channel::Email,
            letter: None,
            overrides: vec![],
        },
    });
    let sibling = recouvre::model::LoadedDossier {
        state: recouvre::domain::fold::fold(sibling_id, &events).unwrap(),
        events,
        debtor: original.debtor.clone(),
    };
    let mut s = st_with(all.iter().cloned().chain([sibling]).collect());
    cmd(&mut s, Command::Top);
    while s.current().unwrap().id() != target {
        cmd(&mut s, Command::Down);
    }
    let advice = s.advice_for(s.current().unwrap()).cloned().unwrap();
    assert_eq!(advice.channel, Channel::Commissaire, "{advice:?}");
    assert_eq!(
        advice.reasons,
        vec![AdviceReason::RepeatOffender { dossiers: 1 }]
    );
    // The detail says so, and why.
    update(&mut s, Action::Resize(200, 90));
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 90)).unwrap();
    let theme = recouvre::ui::theme::Theme::new(recouvre::ui::theme::Palette::Sixteen);
    term.draw(|f| recouvre::ui::render(f, &s, &theme)).unwrap();
    let shown = recouvre::tui::screenshot::buffer_to_text(term.backend().buffer());
    assert!(shown.contains("commissaire de justice"), "{shown}");
    assert!(
        shown.contains("Débiteur déjà en retard sur 1 autre(s) dossier(s)"),
        "{shown}"
    );
}

#[test]
fn j_notes_the_proof_of_the_invoice_that_lacks_one() {
    // ACME's second invoice has no proof: the form says so and preselects it.
    let mut dossiers = fixtures::dossiers(fixtures::today());
    let acme = dossiers
        .iter_mut()
        .find(|d| d.debtor.name == "ACME SARL")
        .unwrap();
    for e in &mut acme.events {
        if let EventKind::ItemAdded(item) = &mut e.kind {
            if item.reference == "F-2026-118" {
                item.proof = None;
            }
        }
    }
    acme.state = recouvre::domain::fold(acme.state.id, &acme.events).unwrap();
    let mut s = st_with(dossiers);
    select(&mut s, "ACME SARL");
    press(&mut s, KeyCode::Char('J'));
    let Some(Popup::Form(f)) = &s.popup else {
        panic!("no form: {:?}", s.popup)
    };
    assert_eq!(
        f.notes,
        [
            "F-2026-101 : bon de livraison signé",
            "F-2026-118 : aucun justificatif noté"
        ]
    );
    assert_eq!(f.field("invoice").unwrap().value(), "F-2026-118");

    // Empty, it is refused in place; typed, it becomes one journal event.
    assert!(press(&mut s, KeyCode::Enter).is_empty());
    assert!(form_error(&s, "proof").is_some());
    typ(&mut s, "BL-2210 signé le 12/10");
    let eff = press(&mut s, KeyCode::Enter);
    let [Effect::Append { kinds, done, .. }] = eff.as_slice() else {
        panic!("{eff:?}")
    };
    assert_eq!(
        kinds,
        &[EventKind::ProofRecorded {
            invoice: "F-2026-118".into(),
            proof: "BL-2210 signé le 12/10".into(),
        }]
    );
    assert!(done.contains("F-2026-118"), "{done}");
}
