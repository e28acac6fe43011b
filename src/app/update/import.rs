//! The import from the accounting system, in the full-screen interface: `I` opens a form (the
//! file, the mapping for a CSV, whether to settle what the books settled), Tab completes a path,
//! Enter has the runtime read and plan the file (nothing written) and shows what a dry run
//! prints; a yes writes it, all or nothing, and the list is reloaded.

use super::common::notice;
use crate::app::action::Effect;
use crate::app::form::{Choice, Field, FieldKind, Form, FormKind, LineInput};
use crate::app::state::*;
use crate::domain::import::plan::Plan;
use crate::domain::import::{report, Settings};
use crate::i18n::{t, tf};

const FILE: &str = "file";
const MAP: &str = "map";
const SETTLE: &str = "settle";

pub fn import_form() -> Form {
    let settle = vec![
        Choice {
            label: t("import.tui.settle_no").into(),
            value: "no".into(),
        },
        Choice {
            label: t("import.tui.settle_yes").into(),
            value: "yes".into(),
        },
    ];
    Form {
        kind: FormKind::Import,
        title: t("import.tui.title").into(),
        notes: vec![t("import.tui.note_tab").into()],
        target: None,
        fields: vec![
            Field::line(FILE, t("import.tui.file").into(), ""),
            Field::line(MAP, t("import.tui.map").into(), ""),
            Field::choice(SETTLE, t("import.tui.settle").into(), settle, 0),
        ],
        focus: 0,
    }
}

fn form_mut(state: &mut State) -> Option<&mut Form> {
    match &mut state.popup {
        Some(Popup::Form(f)) if f.kind == FormKind::Import => Some(f),
        _ => None,
    }
}

/// Tab on a path field asks the runtime to complete it; elsewhere it moves on.
pub fn complete(state: &mut State) -> Vec<Effect> {
    let Some(form) = form_mut(state) else {
        return vec![];
    };
    match form.focused() {
        Some(f) if f.id == FILE || f.id == MAP => vec![Effect::CompletePath {
            field: f.id,
            text: f.value(),
        }],
        _ => {
            form.next_field();
            vec![]
        }
    }
}

/// The runtime's completion: applied if the user did not type meanwhile. Nothing to add (the
/// name is complete, or nothing fits) moves to the next field, as Tab does in other forms.
pub fn path_completed(
    state: &mut State,
    field: &'static str,
    typed: &str,
    completed: String,
    candidates: Vec<String>,
) {
    let Some(form) = form_mut(state) else {
        return;
    };
    let Some(f) = form.fields.iter_mut().find(|f| f.id == field) else {
        return;
    };
    if f.value() != typed {
        return;
    }
    if completed != typed {
        f.kind = FieldKind::Line(LineInput::new(completed));
        f.error = None;
    } else if candidates.is_empty() {
        form.next_field();
    }
    if !candidates.is_empty() {
        let mut shown: Vec<String> = candidates.into_iter().take(12).collect();
        if shown.len() == 12 {
            shown.push("…".into());
        }
        notice(
            state,
            Level::Info,
            tf("import.tui.candidates", &[("list", &shown.join("  "))]),
        );
    }
}

/// Enter: the file (and, for a CSV, its mapping) are required; the runtime reads and plans.
pub fn submit(state: &mut State) -> Vec<Effect> {
    let today = state.today;
    let env = state.env.clone();
    let Some(form) = form_mut(state) else {
        return vec![];
    };
    for f in &mut form.fields {
        f.error = None;
    }
    if !form.refuse_control_chars() {
        return vec![];
    }
    let value = |id: &str| {
        form.field(id)
            .map(|f| f.value().trim().to_string())
            .unwrap_or_default()
    };
    let (file, map, settle) = (value(FILE), value(MAP), value(SETTLE) == "yes");
    let required = |form: &mut Form, id: &str| {
        let label = form.field(id).map(|f| f.label.clone()).unwrap_or_default();
        form.set_error(id, tf("tui.error.required", &[("field", &label)]));
    };
    if file.is_empty() {
        required(form, FILE);
    }
    if file.to_lowercase().ends_with(".csv") && map.is_empty() {
        required(form, MAP);
    }
    if form.has_errors() {
        form.focus_first_error();
        notice(state, Level::Error, t("tui.error.form"));
        return vec![];
    }
    let config = &env.profiles;
    let settings = Settings {
        today,
        payment_terms_days: config.import.payment_terms_days,
        debtor_type: config.import.debtor_type,
        profile: config.default_profile(),
        settle_missing: settle,
        file_name: String::new(),
    };
    notice(state, Level::Info, t("import.tui.planning"));
    vec![Effect::PlanImport {
        path: file.into(),
        map: Some(map).filter(|m| !m.is_empty()).map(Into::into),
        settings,
        env,
    }]
}

/// The dry run: its report in a confirmation whose yes writes the plan. A file with nothing
/// new closes the form with the summary; a refused file keeps the form open with the reason.
pub fn planned(state: &mut State, res: Result<Box<Plan>, String>) {
    match res {
        Ok(plan) if plan.is_empty() => {
            state.popup = None;
            let text = format!(
                "{} {}",
                report::summary(&plan, true),
                t("import.report.nothing")
            );
            notice(state, Level::Info, text);
        }
        Ok(plan) => {
            // What fits above the buttons; the command line's --dry-run prints everything.
            let room = (state.size.1 as usize).saturating_sub(16).max(3);
            let lines = report::brief(&plan, true, room);
            state.popup = Some(Popup::Confirm(Confirm {
                title: t("import.tui.confirm_title").into(),
                lines,
                write: Effect::ApplyImport(plan),
            }));
            state.notice = None;
        }
        Err(message) => notice(state, Level::Error, message),
    }
}

/// The plan is on disk: say what it did and reload the list.
pub fn imported(state: &mut State, res: Result<Box<Plan>, crate::app::Failure>) -> Vec<Effect> {
    state.popup = None;
    match res {
        Ok(plan) => {
            let text = tf(
                "import.tui.done",
                &[("summary", &report::summary(&plan, false))],
            );
            notice(state, Level::Success, text);
            vec![Effect::LoadAll]
        }
        Err(e) => {
            notice(
                state,
                Level::Error,
                tf("tui.error.write_failed", &[("reason", &e)]),
            );
            vec![]
        }
    }
}
