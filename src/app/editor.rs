//! The full-screen letter editor: a letter composed by the letter engine, edited with
//! tui-textarea, then logged as sent (the exact text is the kept copy) or kept as a draft.
//!
//! Everything here is plain data built once when the editor opens; `update` changes it and the
//! renderer only reads it.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use tui_textarea::{CursorMove, TextArea};

use super::entry::Entry;
// Where the CLI and the TUI start-up name it: the editor is what needs it most.
pub use super::env::LetterEnv;
use super::form::{LineInput, Target};
use crate::domain::assess::Assessment;
use crate::domain::event::{Channel, EventKind, NoteKind};
use crate::domain::fold::DossierState;
use crate::domain::letters::{
    check_mentions, compose, preflight, Blocker, ComposeChoices, LetterContext, LetterStep,
    Mention, Preflight,
};
use crate::i18n::tf;

#[derive(Debug, Clone)]
pub struct Editor {
    /// The dossier and the journal length the letter was composed from (stale-write token).
    pub target: Target,
    pub step: LetterStep,
    pub textarea: TextArea<'static>,
    /// The text as composed: "modified" means different from this.
    pub original: String,
    /// The text last written to the drafts tree (or the original): autosave writes when the
    /// text differs from it.
    pub persisted: String,
    pub saved_at: Option<DateTime<Utc>>,
    /// Kept to check the mandatory mentions against the edited text.
    pub context: LetterContext,
    /// For notices: the date the letter states, recorded in the journal.
    pub deadline: Option<NaiveDate>,
    /// NL/BE last notice: the collection costs the letter announces.
    pub collection_costs: Decimal,
    pub provisional: bool,
    /// Engine warnings, money errors, deadline warnings: shown above the text.
    pub warnings: Vec<String>,
    /// Names of the failed readiness checks, recorded as overrides when sent anyway.
    pub readiness_failed: Vec<String>,
    /// The channel the text was composed for (its wording depends on it).
    pub default_channel: Channel,
    /// The dossier and its assessment at the letter's date, for the preflight at send time.
    pub dossier: DossierState,
    pub assessment: Assessment,
    /// The letter's date.
    pub today: NaiveDate,
    /// The search prompt, while the user types a pattern.
    pub search: Option<LineInput>,
    /// Last pattern searched, for "search next".
    pub pattern: String,
    /// A write of this letter is in flight: its `Written` closes the editor.
    pub sending: bool,
    /// "Save as draft" asked to close the editor once the draft is on disk.
    pub close_after_save: bool,
    /// Why the last sending by e-mail did not leave (the server's words): shown above the
    /// letter, in full, until the next try.
    pub mail_error: Option<String>,
}

fn new_textarea(text: &str) -> TextArea<'static> {
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut ta = TextArea::new(if lines.is_empty() {
        vec![String::new()]
    } else {
        lines
    });
    ta.set_max_histories(500);
    // Neutral styles (the terminal's own colours): no underlined cursor line across a letter.
    ta.set_cursor_line_style(ratatui::style::Style::default());
    ta
}

impl Editor {
    /// Composes the letter of `step` for the dossier, exactly as `recouvre letter ID --next`.
    pub fn open(
        e: &Entry,
        step: LetterStep,
        env: &LetterEnv,
        today: NaiveDate,
    ) -> Result<Editor, String> {
        Editor::open_for(e, step, env, today, None)
    }

    /// Like [`Editor::open`], the text worded for `channel` (else the planned one).
    pub fn open_for(
        e: &Entry,
        step: LetterStep,
        env: &LetterEnv,
        today: NaiveDate,
        channel: Option<Channel>,
    ) -> Result<Editor, String> {
        // The letter's history is read from the journal, loaded with the dossier on screen.
        let d = e
            .whole()
            .ok_or_else(|| tf("tui.error.dossier_loading", &[("debtor", &e.debtor())]))?;
        let composed = compose(
            &d.state,
            &d.events,
            &d.debtor,
            &env.rules,
            &env.profiles,
            &env.templates,
            today,
            &ComposeChoices {
                step: Some(step),
                channel,
                ..Default::default()
            },
        )
        .map_err(|err| err.to_string())?;
        let mut warnings = composed.context.warnings.clone();
        if let Some(err) = &composed.money_error {
            warnings.push(tf("editor.money_error", &[("reason", err)]));
        }
        if let Some(dl) = &composed.deadline {
            warnings.extend(dl.warnings.iter().map(|w| w.message()));
        }
        // The costs the journal records for a last notice are the ones the letter states
        // (money.costs of the letter), so the event and the kept copy agree.
        let collection_costs = if composed.context.money.has_costs {
            composed.stated_costs
        } else {
            Decimal::ZERO
        };
        // The preflight's warnings say what each failed check is; the names are what gets
        // journaled when the user sends anyway.
        let readiness_failed = if step.is_formal_notice() || step == LetterStep::LastNoticeNlBe {
            d.assessment.readiness.failed_checks()
        } else {
            vec![]
        };
        let default_channel = composed.channel;
        Ok(Editor {
            target: Target {
                id: e.id(),
                expected_len: d.state.journal_len,
                debtor: e.debtor().to_string(),
                balance: e.balance,
            },
            step,
            textarea: new_textarea(&composed.text),
            original: composed.text.clone(),
            persisted: composed.text,
            saved_at: None,
            // Notices carry the engine's advice; other letters (the NL/BE last notice) state
            // a date in their context, which is what the journal must record.
            deadline: composed.deadline.map(|d| d.deadline).or_else(|| {
                composed
                    .context
                    .deadline
                    .as_ref()
                    .and_then(|d| crate::domain::parse::parse_date("deadline", &d.date).ok())
            }),
            context: composed.context,
            collection_costs,
            provisional: composed.provisional,
            warnings,
            readiness_failed,
            default_channel,
            dossier: d.state.clone(),
            assessment: d.assessment.clone(),
            today,
            search: None,
            pattern: String::new(),
            sending: false,
            close_after_save: false,
            mail_error: None,
        })
    }

    /// The text as edited, lines joined with newlines and a final newline like the template.
    pub fn text(&self) -> String {
        let mut s = self.textarea.lines().join("\n");
        if self.original.ends_with('\n') {
            s.push('\n');
        }
        s
    }

    pub fn modified(&self) -> bool {
        self.text() != self.original
    }

    /// Text changed since the last draft write.
    pub fn dirty(&self) -> bool {
        self.text() != self.persisted
    }

    /// Replaces the text (resuming a draft); the draft on disk already holds it.
    pub fn set_text(&mut self, text: &str) {
        self.textarea = new_textarea(text);
        self.persisted = self.text();
    }

    /// What must be explicitly overridden to send the text as it stands by `channel`: the same
    /// preflight as `recouvre log … relance|notice`.
    pub fn blockers(&self, channel: Channel) -> Vec<Blocker> {
        let text = self.text();
        preflight(&Preflight {
            state: &self.dossier,
            assessment: &self.assessment,
            step: self.step,
            channel,
            text: &text,
            context: &self.context,
        })
    }

    /// Mandatory mentions missing from the edited text (notices only).
    pub fn missing_mentions(&self) -> Vec<Mention> {
        check_mentions(&self.text(), &self.context)
    }

    /// The journal entry that logs this letter as sent, carrying the exact text.
    ///
    /// Reminders and notices have their own events. The other letters (contestation reply,
    /// payment-plan proposal, settlement confirmation, injonction letter) have no event of their
    /// own: they are kept as a `Note` whose text starts with the letter's label and the channel,
    /// followed by the full letter, so the journal still holds the copy that was sent.
    pub fn event(
        &self,
        channel: Channel,
        tracking: Option<String>,
        overrides: Vec<String>,
    ) -> EventKind {
        let letter = Some(self.text());
        match self.step {
            s if s.relance_level().is_some() => EventKind::RelanceSent {
                level: s.relance_level().unwrap_or(1),
                channel,
                letter,
                overrides,
            },
            s if s.is_formal_notice() => EventKind::NoticeSent {
                channel,
                deadline: self.deadline.unwrap_or(self.context_today()),
                tracking,
                letter,
                overrides,
            },
            LetterStep::LastNoticeNlBe => EventKind::LastNoticeSent {
                channel,
                deadline: self.deadline.unwrap_or(self.context_today()),
                costs: self.collection_costs,
                letter,
                overrides,
            },
            s => {
                let mut head = format!(
                    "{} — {}",
                    s.label(),
                    crate::app::describe::channel_label(channel)
                );
                if let Some(t) = &tracking {
                    head.push_str(&format!(" ({t})"));
                }
                EventKind::Note {
                    kind: NoteKind::Note,
                    text: format!("{head}\n\n{}", self.text()),
                }
            }
        }
    }

    fn context_today(&self) -> NaiveDate {
        // Only reached if a notice had no computed deadline, which compose always gives;
        // falling back to the letter's date keeps the event valid rather than panicking.
        self.today
    }

    /// Title line of the editor screen.
    pub fn title(&self) -> String {
        tf(
            "editor.title",
            &[
                ("step", &self.step.label()),
                ("debtor", &self.target.debtor),
                ("id", &self.target.id),
            ],
        )
    }

    /// Whether logging this letter must first check mentions and readiness.
    pub fn is_notice(&self) -> bool {
        self.step.is_formal_notice() || self.step == LetterStep::LastNoticeNlBe
    }

    /// Moves the cursor to the next occurrence of `pattern` (case-insensitive, plain text),
    /// wrapping around; `from_cursor` also accepts a match at the cursor itself. Plain text
    /// rather than tui-textarea's regex search: "n° 12" or "(art." must just work, and the
    /// regex engine would be a new dependency for this one use.
    pub fn find(&mut self, from_cursor: bool) -> bool {
        let needle: Vec<char> = self.pattern.to_lowercase().chars().collect();
        if needle.is_empty() {
            return false;
        }
        let lines: Vec<Vec<char>> = self
            .textarea
            .lines()
            .iter()
            .map(|l| l.to_lowercase().chars().collect())
            .collect();
        let (row, col) = self.textarea.cursor();
        let start_col = if from_cursor { col } else { col + 1 };
        let n = lines.len();
        for k in 0..=n {
            let r = (row + k) % n.max(1);
            let line = &lines[r];
            let from = if k == 0 { start_col } else { 0 };
            let upto = if k == n {
                col.min(line.len())
            } else {
                line.len()
            };
            let found = (from..upto.max(from)).find(|&c| {
                line.len() >= c + needle.len() && line[c..c + needle.len()] == needle[..]
            });
            if let Some(c) = found {
                self.textarea
                    .move_cursor(CursorMove::Jump(r as u16, c as u16));
                return true;
            }
        }
        false
    }
}
