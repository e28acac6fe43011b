//! The reports view: opened from the list with the figures computed once, from the entries
//! already assessed (the same `domain::report` computation as `recouvre report`).

use super::common::notice;
use crate::app::state::{Level, ReportTab, ReportsView, State};
use crate::domain::report::{Period, Reports, Row};
use crate::i18n::t;
use crate::keymap::Command;

pub fn open(state: &mut State) {
    if state.loading.is_some() {
        // Figures over the first screen alone would be wrong, not just incomplete.
        notice(state, Level::Info, t("tui.reports.wait"));
        return;
    }
    state.reports = Some(Box::new(ReportsView {
        reports: compute(state),
        tab: ReportTab::Ageing,
        scroll: 0,
    }));
}

/// Every dossier loaded (closed ones too: the funnel and the step effects count them), whatever
/// the list's filter shows.
pub fn compute(state: &State) -> Reports {
    let rows: Vec<Row> = state
        .entries
        .iter()
        .map(|e| Row {
            state: &e.dossier.state,
            debtor: &e.dossier.debtor,
            assessment: &e.assessment,
        })
        .collect();
    Reports::compute(
        &rows,
        state.today,
        Period {
            from: None,
            to: state.today,
        },
    )
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
