//! Messages into `update` and the side effects it asks the runtime to perform.

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::KeyEvent;

use super::entry::Loaded;
use std::path::PathBuf;
use std::sync::Arc;

use super::env::LetterEnv;
use super::failure::Failure;
use crate::domain::event::{Event, EventKind};
use crate::domain::import::plan::Plan;
use crate::domain::import::Settings;
use crate::domain::model::DossierId;
use crate::keymap::Command;
use crate::model::{Draft, LoadedDossier, NewDossier, Snapshot};

#[derive(Debug, Clone)]
pub enum Action {
    /// A bound key, or a command issued directly by a test.
    Command(Command),
    /// A key no binding claimed: text for the focused field or the filter.
    Key(KeyEvent),
    Resize(u16, u16),
    /// Result of `Effect::LoadAll`.
    Loaded(Result<Snapshot, Failure>),
    /// The most urgent dossiers, shown while the whole list loads in the background; `total`
    /// is how many dossiers the database holds, `drafts` the dossiers with a draft of the user.
    FirstScreen(Box<crate::model::FirstScreen>),
    /// The background load of `Effect::LoadAll`: every dossier, assessed off the UI thread.
    Ready(Result<Box<Loaded>, Failure>),
    /// A write is on disk (flushed and synced); `dossier` is the reloaded dossier.
    Written {
        id: DossierId,
        dossier: Result<LoadedDossier, Failure>,
        done: String,
        generation: Option<u64>,
    },
    /// Someone else wrote to the dossier first: nothing of ours was written.
    Stale {
        id: DossierId,
        newer: Vec<Event>,
        reloaded: Result<LoadedDossier, Failure>,
    },
    WriteFailed(Failure),
    /// The database's generation moved (another user wrote): reload what changed.
    ExternalChange,
    /// The calendar day the loop's clock reads is not the state's `today` any more: the TUI was
    /// left open past midnight.
    DayChanged(NaiveDate),
    /// Result of `Effect::LoadChanged`: the dossiers others changed, reloaded one by one, so
    /// the selection and the scroll position stay where the user left them.
    Patched(Result<Snapshot, Failure>),
    /// Result of `Effect::ComputeReports`.
    ReportsComputed(Result<Box<crate::domain::report::Reports>, Failure>),
    /// Result of `Effect::LoadJournals`: those dossiers read again, with their journals.
    JournalsLoaded(Result<Snapshot, Failure>),
    /// Result of `Effect::LoadDraft`.
    DraftLoaded {
        id: DossierId,
        draft: Result<Option<Draft>, Failure>,
    },
    /// Result of `Effect::SaveDraft`: `text` is what was written.
    DraftSaved {
        id: DossierId,
        text: String,
        result: Result<DateTime<Utc>, Failure>,
    },
    /// Result of `Effect::DeleteDraft` (only a failure is worth showing).
    DraftDeleted {
        id: DossierId,
        result: Result<(), Failure>,
    },
    /// Result of `Effect::LoadDraftList`: dossiers with a draft of the current user.
    DraftList(Result<Vec<DossierId>, Failure>),
    /// The runtime's autosave timer (or a stop signal): write the open letter if it changed.
    AutosaveDue,
    /// Result of `Effect::CompletePath`: the completed text of `field` and, when several
    /// names fit, the candidates.
    PathCompleted {
        field: &'static str,
        typed: String,
        completed: String,
        candidates: Vec<String>,
    },
    /// Result of `Effect::PlanImport`: what the import would do, or why it cannot.
    ImportPlanned(Result<Box<Plan>, String>),
    /// Result of `Effect::ApplyImport`: the plan now written, or why nothing was.
    Imported(Result<Box<Plan>, Failure>),
    /// Result of `Effect::WritePdf`: the file written, or why not.
    PdfWritten(Result<std::path::PathBuf, String>),
    /// The journal's "sending" marker is on disk and the message is with the server.
    MailProgress(crate::outbox::Progress),
    /// The letter of `Effect::SendEmail` did not leave (or left without its record): what the
    /// server or the check said. (Sent and journaled, it comes back as `Written`.)
    MailNotSent {
        id: DossierId,
        message: String,
    },
    /// The letter of `Effect::SendEmail` was not sent because an earlier sending has no known
    /// outcome: the job, to be sent again once the user has checked.
    MailUnfinished {
        job: Box<super::mailing::MailJob>,
        message: String,
    },
    /// Result of `Effect::PlanBatch`: the round's preview, or why it cannot be sent at all.
    BatchPlanned(Result<Vec<crate::outbox::Candidate>, String>),
    /// One line of the round is done; `dossier` is the dossier read again after a write.
    BatchStep {
        index: usize,
        outcome: super::mailing::StepOutcome,
        dossier: Option<Box<LoadedDossier>>,
    },
    /// The round is over (every line tried, or stopped).
    BatchFinished,
}

/// What `update` asks the runtime to do. A journal write waiting for the user's confirmation is
/// held as the very effect it will become (`Confirm::write`), so the popup only hands it back.
#[derive(Debug, Clone)]
pub enum Effect {
    LoadAll,
    /// Reload only the dossiers changed since this generation (all of them if too far behind).
    LoadChanged {
        since: u64,
    },
    /// Read these dossiers' journals (the first is the one on screen).
    LoadJournals(Vec<DossierId>),
    /// The reports over every dossier of the store, for a list that keeps only rows.
    ComputeReports {
        period: crate::domain::report::Period,
        today: NaiveDate,
        env: Arc<LetterEnv>,
    },
    Append {
        id: DossierId,
        expected_len: u32,
        date: NaiveDate,
        kinds: Vec<EventKind>,
        /// Status-line text once the write is on disk.
        done: String,
    },
    Create {
        new: Box<NewDossier>,
        done: String,
    },
    /// The runtime adds the user and the time.
    SaveDraft {
        id: DossierId,
        step: String,
        text: String,
    },
    LoadDraft(DossierId),
    DeleteDraft(DossierId),
    LoadDraftList,
    /// Complete the path typed in a field of the import form from the file system.
    CompletePath {
        field: &'static str,
        text: String,
    },
    /// Read the file and plan the import against the store (writes nothing).
    PlanImport {
        path: PathBuf,
        map: Option<PathBuf>,
        settings: Settings,
        env: Arc<LetterEnv>,
    },
    /// Write a plan the user confirmed, all or nothing.
    ApplyImport(Box<Plan>),
    /// Sends the letter by e-mail and journals it (on the runtime's mail thread).
    SendEmail(Box<super::mailing::MailJob>),
    /// Checks the dossiers of a morning round: address, step, unfinished sendings, the letter's
    /// preflight (on the mail thread: it reads and composes every one).
    PlanBatch {
        ids: Vec<DossierId>,
        env: Arc<LetterEnv>,
        today: NaiveDate,
    },
    /// Sends the round's lines one by one, each read and checked again first.
    SendBatch {
        items: Vec<(usize, DossierId, u8)>,
        env: Arc<LetterEnv>,
        today: NaiveDate,
    },
    /// Stop the round after the message in flight.
    StopBatch,
    /// Writes the letter's PDF (the runtime renders it; `letters` has absolute paths).
    WritePdf {
        letters: crate::config::letters::LettersConfig,
        path: std::path::PathBuf,
        text: String,
        meta: Box<crate::pdf::PdfMeta>,
    },
}
