//! The reports view: opened from the list with the figures computed once, by the same
//! `domain::report` computation as `recouvre report`: from the entries when every one is whole
//! (a small portfolio), else from the store on a thread of the runtime (a large list keeps only
//! its rows).

use super::common::notice;
use crate::app::action::Effect;
use crate::app::failure::Failure;
use crate::app::state::{Level, ReportTab, ReportsView, State};
use crate::domain::report::{Period, Reports, Row};
use crate::i18n::t;
use crate::keymap::Command;

pub fn open(state: &mut State) -> Vec<Effect> {
    if state.loading.is_some() {
        // Figures over the first screen alone would be wrong, not just incomplete.
        notice(state, Level::Info, t("tui.reports.wait"));
        return vec![];
    }
    if let Some(reports) = compute(state) {
        show(state, reports);
        return vec![];
    }
    if state.reports_pending {
        return vec![];
    }
    state.reports_pending = true;
    notice(state, Level::Info, t("tui.reports.computing"));
    vec![Effect::ComputeReports {
        period: period(state),
        today: state.today,
        env: std::sync::Arc::clone(&state.env),
    }]
}

/// The answer of `Effect::ComputeReports`.
pub fn computed(state: &mut State, res: Result<Box<Reports>, Failure>) {
    if !std::mem::take(&mut state.reports_pending) {
        return;
    }
    match res {
        Ok(r) => {
            state.notice = None;
            show(state, *r);
        }
        Err(e) => notice(state, Level::Error, e.to_string()),
    }
}

fn show(state: &mut State, reports: Reports) {
    state.reports = Some(Box::new(ReportsView {
        reports,
        tab: ReportTab::Ageing,
        scroll: 0,
    }));
}

/// What the view reports on: everything up to today.
fn period(state: &State) -> Period {
    Period {
        from: None,
        to: state.today,
    }
}

/// Every dossier loaded (closed ones too: the funnel and the step effects count them), whatever
/// the list's filter shows; `None` when some entry is not whole.
pub fn compute(state: &State) -> Option<Reports> {
    let rows: Vec<Row> = state
        .entries
        .iter()
        .map(|e| {
            let w = e.whole()?;
            Some(Row {
                state: &w.state,
                debtor: &w.debtor,
                assessment: &w.assessment,
            })
        })
        .collect::<Option<_>>()?;
    Some(Reports::compute(&rows, state.today, period(state)))
}

pub fn command(state: &mut State, cmd: Command) {
    let Some(view) = state.reports.as_deref_mut() else {
        return;
    };
    match cmd {
        Command::NextReport | Command::SwitchPane | Command::NextField => {
            view.tab = view.tab.cycle(false);
            view.scroll = 0;
        }
        Command::PrevReport | Command::PrevField => {
            view.tab = view.tab.cycle(true);
            view.scroll = 0;
        }
        Command::Down => view.scroll = view.scroll.saturating_add(1),
        Command::Up => view.scroll = view.scroll.saturating_sub(1),
        Command::PageDown => view.scroll = view.scroll.saturating_add(10),
        Command::PageUp => view.scroll = view.scroll.saturating_sub(10),
        Command::Top => view.scroll = 0,
        Command::Back | Command::Cancel | Command::Reports => state.reports = None,
        Command::Help => {
            state.popup = Some(crate::app::state::Popup::Help { scroll: 0 });
        }
        _ => {}
    }
}
