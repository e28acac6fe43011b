//! E-mail from the screen: the editor's letter handed to the mail thread, and the morning round
//! (marking dossiers, the preview, one confirmation, the progress and the summary). Which
//! dossiers may go and the sending itself are `crate::outbox`'s, as in the CLI.

use super::common::notice;
use crate::app::action::Effect;
use crate::app::mailing::{BatchView, Phase, StepOutcome};
use crate::app::state::*;
use crate::domain::model::DossierId;
use crate::i18n::{t, tf};
use crate::keymap::Command;
use crate::outbox::batch::reminder_due;
use crate::outbox::{Candidate, Progress};

/// Space: the dossier under the cursor joins (or leaves) the round.
pub fn mark(state: &mut State) {
    let Some(id) = state.current().map(|e| e.id()) else {
        return;
    };
    if !state.marked.remove(&id) {
        state.marked.insert(id);
    }
    let n = state.marked.len();
    let key = state
        .keymap
        .hint_key(crate::keymap::Context::List, Command::SendBatch)
        .map(|k| k.short())
        .unwrap_or_default();
    notice(
        state,
        Level::Info,
        tf("tui.batch.marked", &[("count", &n), ("key", &key)]),
    );
}

/// The round's preview is asked for: the marked dossiers, else every reminder due today.
pub fn open_batch(state: &mut State) -> Vec<Effect> {
    if !state.env.can_send_email() {
        notice(state, Level::Error, t("tui.batch.no_transport"));
        return vec![];
    }
    if state.loading.is_some() {
        // The first screen holds only the most urgent dossiers: "all that is due" would miss
        // some.
        notice(state, Level::Info, t("tui.batch.wait_load"));
        return vec![];
    }
    let today = state.today;
    let ids: Vec<DossierId> = if state.marked.is_empty() {
        // In the order of the screen when it is the urgency order, so the preview reads as the
        // agenda does.
        let mut due: Vec<&Entry> = state
            .entries
            .iter()
            .filter(|e| !e.is_closed() && reminder_due(e.next.as_ref(), today).is_some())
            .collect();
        due.sort_by_key(|e| (e.next.as_ref().map(|n| n.date), e.id()));
        due.iter().map(|e| e.id()).collect()
    } else {
        // In the order of the screen, then any marked dossier a filter now hides.
        let mut ids: Vec<DossierId> = state
            .visible
            .iter()
            .filter_map(|i| state.entries.get(*i).map(|e| e.id()))
            .filter(|id| state.marked.contains(id))
            .collect();
        let hidden: Vec<DossierId> = state
            .marked
            .iter()
            .filter(|id| !ids.contains(id))
            .copied()
            .collect();
        ids.extend(hidden);
        ids
    };
    if ids.is_empty() {
        notice(state, Level::Info, t("tui.batch.nothing_due"));
        return vec![];
    }
    notice(
        state,
        Level::Info,
        tf("tui.batch.preparing", &[("count", &ids.len())]),
    );
    vec![Effect::PlanBatch {
        ids,
        env: std::sync::Arc::clone(&state.env),
        today,
    }]
}

pub fn planned(state: &mut State, res: Result<Vec<Candidate>, String>) {
    match res {
        Ok(candidates) => {
            state.notice = None;
            state.popup = Some(Popup::Batch(Box::new(BatchView::new(candidates))));
        }
        Err(e) => notice(state, Level::Error, e),
    }
}

fn view(state: &mut State) -> Option<&mut BatchView> {
    match state.popup.as_mut() {
        Some(Popup::Batch(b)) => Some(b),
        _ => None,
    }
}

/// Keys while the round is on screen.
pub fn command(state: &mut State, cmd: Command) -> Vec<Effect> {
    let today = state.today;
    let env = std::sync::Arc::clone(&state.env);
    let Some(b) = view(state) else {
        return vec![];
    };
    let last = b.candidates.len().saturating_sub(1);
    match cmd {
        Command::Up | Command::PrevField => b.cursor = b.cursor.saturating_sub(1),
        Command::Down | Command::NextField => b.cursor = (b.cursor + 1).min(last),
        Command::PageUp => b.cursor = b.cursor.saturating_sub(10),
        Command::PageDown => b.cursor = (b.cursor + 10).min(last),
        Command::Top => b.cursor = 0,
        Command::Bottom => b.cursor = last,
        Command::Submit if b.phase == Phase::Preview => {
            let items = b.to_send();
            if items.is_empty() {
                notice(state, Level::Error, t("tui.batch.none_to_send"));
                return vec![];
            }
            b.phase = Phase::Sending;
            return vec![Effect::SendBatch { items, env, today }];
        }
        Command::Cancel | Command::Back if b.phase == Phase::Sending && !b.stopping => {
            b.stopping = true;
            notice(state, Level::Info, t("tui.batch.stopping"));
            return vec![Effect::StopBatch];
        }
        Command::Cancel | Command::Back if b.phase == Phase::Sending => {}
        Command::Submit | Command::Cancel | Command::Back => {
            let done = b.phase == Phase::Done;
            state.popup = None;
            if !done {
                notice(state, Level::Info, t("tui.cancelled"));
            }
        }
        _ => {}
    }
    vec![]
}

pub fn progress(state: &mut State, p: Progress) {
    let text = tf(
        "cli.email.sending",
        &[("to", &p.to.join(", ")), ("server", &p.server)],
    );
    if let Some(b) = view(state) {
        b.current = Some(p.id);
    }
    notice(state, Level::Info, text);
}

/// One line of the round is done; a dossier read again after a write is the caller's to put
/// back into the list.
pub fn step(state: &mut State, index: usize, outcome: StepOutcome, sent: Option<DossierId>) {
    if let Some(b) = view(state) {
        if let Some(slot) = b.outcomes.get_mut(index) {
            *slot = Some(outcome);
        }
        b.current = None;
        b.cursor = index;
    }
    if let Some(id) = sent {
        state.marked.remove(&id);
    }
}

pub fn finished(state: &mut State) {
    let Some(b) = view(state) else {
        return;
    };
    b.phase = Phase::Done;
    b.current = None;
    let (sent, skipped, failed) = b.counts();
    let level = if failed > 0 {
        Level::Error
    } else {
        Level::Success
    };
    notice(
        state,
        level,
        tf(
            "cli.batch.summary",
            &[("sent", &sent), ("skipped", &skipped), ("failed", &failed)],
        ),
    );
}

/// The editor's letter did not leave: the letter stays open (and in the drafts) to be sent
/// again or changed, the reason above it in full (a server's reply does not fit the status line).
pub fn not_sent(state: &mut State, id: DossierId, message: String) {
    state.mailing = false;
    // (`id` 0: the mail thread died without saying which; there is one editor anyway.)
    match state
        .editor
        .as_deref_mut()
        .filter(|e| e.target.id == id || id == 0)
    {
        Some(ed) => {
            ed.sending = false;
            ed.mail_error = Some(message);
            notice(state, Level::Error, t("tui.mail.not_sent"));
        }
        None => notice(state, Level::Error, message),
    }
}

/// An earlier sending has no known outcome: the user is asked whether they checked that it did
/// not leave. Only a yes sends again; the old marker is then closed as failed.
pub fn unfinished(state: &mut State, job: Box<crate::app::mailing::MailJob>, message: String) {
    state.mailing = false;
    if let Some(ed) = state.editor.as_deref_mut() {
        ed.sending = false;
    }
    state.notice = None;
    state.popup = Some(Popup::Ask(Ask {
        title: t("tui.mail.unfinished_title").to_string(),
        lines: vec![
            message,
            String::new(),
            tf("tui.mail.unfinished_question", &[("id", &job.id)]),
        ],
        yes: t("tui.mail.resend").to_string(),
        no: t("tui.mail.keep").to_string(),
        question: Question::ResendEmail(job),
        // Sending twice is the worse mistake: Enter alone does not do it.
        focus_no: true,
    }));
}
