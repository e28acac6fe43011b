//! The event loop: read an event, map it through the keymap, `update`, run effects against the
//! store, draw. Generic over the terminal backend and the event source so tests can script it.

use crate::domain::report::{Period, Reports, Row};
use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::Event;
use ratatui::backend::Backend;
use ratatui::Terminal;

use crate::app::entry::{Entry, Loaded};
use crate::app::{key_to_action, update, Action, Effect, Failure, State};
use crate::domain::event::EventKind;
use crate::i18n::t;
use crate::model::Draft;
use crate::storage::{Store, StoreError};
use crate::ui;
use crate::ui::theme::Theme;

/// Where terminal events come from.
pub trait EventSource {
    /// The next event, or `None` when `timeout` passed without one.
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>>;
}

/// The real terminal.
pub struct TerminalEvents;

impl EventSource for TerminalEvents {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        if crossterm::event::poll(timeout)? {
            crossterm::event::read().map(Some)
        } else {
            Ok(None)
        }
    }
}

/// A fixed list of events (tests); `None` stands for an idle tick. Running out is an error: a
/// script must end by quitting.
pub struct ScriptedEvents(pub VecDeque<Option<Event>>);

impl ScriptedEvents {
    pub fn new(events: impl IntoIterator<Item = Event>) -> Self {
        ScriptedEvents(events.into_iter().map(Some).collect())
    }

    pub fn with_ticks(events: impl IntoIterator<Item = Option<Event>>) -> Self {
        ScriptedEvents(events.into_iter().collect())
    }
}

impl EventSource for ScriptedEvents {
    fn next(&mut self, _timeout: Duration) -> io::Result<Option<Event>> {
        self.0
            .pop_front()
            .ok_or_else(|| io::Error::other("scripted events exhausted before quit"))
    }
}

/// Runs one effect against the store; the outcome comes back as an action. Store errors become
/// actions too: the UI shows them, it never crashes on them.
pub fn run_effect(store: &Store, effect: Effect) -> Action {
    match effect {
        Effect::LoadAll => Action::Loaded(store.load_all().map_err(Failure::from)),
        Effect::LoadChanged { since } => match store.poll_changes(since) {
            Ok(None) => Action::Patched(Ok(crate::model::Snapshot {
                generation: since,
                ..Default::default()
            })),
            Ok(Some(crate::storage::live::Changes {
                dossiers: Some(ids),
                ..
            })) => Action::Patched(store.load_dossiers(&ids).map_err(Failure::from)),
            // Too far behind to know what changed: everything.
            Ok(Some(_)) => Action::Loaded(store.load_all().map_err(Failure::from)),
            Err(e) => Action::Patched(Err(e.into())),
        },
        Effect::LoadJournals(ids) => {
            Action::JournalsLoaded(store.load_dossiers(&ids).map_err(Failure::from))
        }
        Effect::ComputeReports { period, today, env } => Action::ReportsComputed(
            reports_of_store(store, today, &env, period)
                .map(Box::new)
                .map_err(Failure::from),
        ),
        Effect::Append {
            id,
            expected_len,
            date,
            kinds,
            done,
        } => {
            // Only an action whose meaning depends on what the screen showed (a relance level, a
            // notice, an injonction step, an undo…) is refused when someone wrote meanwhile; a
            // note, a call or a payment from a stale screen means the same and is appended.
            let expected = kinds
                .iter()
                .any(EventKind::depends_on_state)
                .then_some(expected_len);
            match store.append(id, expected, date, kinds) {
                Ok(_) => Action::Written {
                    id,
                    dossier: store.load(id).map_err(Failure::from),
                    done: super::mailroom::confirmation(store, id, done),
                    generation: store.generation_hint(),
                },
                Err(StoreError::Stale { newer, .. }) => Action::Stale {
                    id,
                    newer,
                    reloaded: store.load(id).map_err(Failure::from),
                },
                Err(e) => Action::WriteFailed(e.into()),
            }
        }
        Effect::Create { new, done } => match store.create((*new).clone()) {
            Ok(id) => Action::Written {
                id,
                dossier: store.load(id).map_err(Failure::from),
                done: super::mailroom::confirmation(store, id, done),
                generation: store.generation_hint(),
            },
            Err(e) => Action::WriteFailed(e.into()),
        },
        Effect::SaveDraft { id, step, text } => {
            let draft = Draft {
                dossier: id,
                user: store.user().to_string(),
                step,
                text: text.clone(),
                saved_at: chrono::Utc::now(),
            };
            Action::DraftSaved {
                id,
                text,
                result: store
                    .save_draft(&draft)
                    .map(|_| draft.saved_at)
                    .map_err(Failure::from),
            }
        }
        Effect::LoadDraft(id) => Action::DraftLoaded {
            id,
            draft: store.load_draft(id).map_err(Failure::from),
        },
        Effect::DeleteDraft(id) => Action::DraftDeleted {
            id,
            result: store.delete_draft(id).map_err(Failure::from),
        },
        Effect::LoadDraftList => Action::DraftList(store.draft_dossiers().map_err(Failure::from)),
        Effect::CompletePath { field, text } => {
            let (completed, candidates) = super::complete::complete_path(&text);
            Action::PathCompleted {
                field,
                typed: text,
                completed,
                candidates,
            }
        }
        Effect::PlanImport {
            path,
            map,
            settings,
            env,
        } => {
            use crate::storage::import::{Request, Source};
            let source = match map {
                Some(map) => Source::Csv { map },
                None => Source::Fec,
            };
            let req = Request::new(path, source, settings);
            let planned = store.plan_import(&req, &env.rules, &mut |_, _| {});
            Action::ImportPlanned(planned.map(Box::new).map_err(|e| e.to_string()))
        }
        Effect::ApplyImport(plan) => Action::Imported(
            store
                .apply_import(&plan)
                .map(|_| plan)
                .map_err(Failure::from),
        ),
        // Normally on the mail thread (see `dispatch`); here, synchronously, keeping the last word.
        job @ (Effect::SendEmail(_)
        | Effect::PlanBatch { .. }
        | Effect::SendBatch { .. }
        | Effect::StopBatch) => {
            let last = std::cell::RefCell::new(None);
            super::mailroom::work(
                store,
                job,
                &|a| *last.borrow_mut() = Some(a),
                &AtomicBool::new(false),
            );
            last.into_inner().unwrap_or(Action::BatchFinished)
        }
        Effect::WritePdf {
            letters,
            path,
            text,
            meta,
        } => Action::PdfWritten(
            letters
                // The paths are absolute already (resolved when the TUI started).
                .write_pdf(std::path::Path::new("."), &text, &meta, &path)
                .map(|_| path),
        ),
    }
}

/// Writes the open letter as a draft if it changed, without drawing: used on the way out
/// (quit, SIGHUP, SIGTERM), when the terminal may already be gone.
pub fn save_open_draft(state: &mut State, store: &Store) {
    let mut queue = VecDeque::from([Action::AutosaveDue]);
    while let Some(a) = queue.pop_front() {
        for effect in update(state, a) {
            // Only draft writes on the way out: a journal write needs the user's eyes.
            if matches!(effect, Effect::SaveDraft { .. }) {
                queue.push_back(run_effect(store, effect));
            }
        }
    }
}

/// The threads that work while the screen answers keys: the whole-list load and the mail.
#[derive(Default)]
pub struct Workers {
    pub loader: Loader,
    pub mail: super::mailroom::Mailroom,
}

/// Feeds an action and every follow-up produced by its effects.
pub fn dispatch<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    theme: &Theme,
    store: &Store,
    workers: &mut Workers,
    action: Action,
) -> io::Result<()> {
    let mut queue = VecDeque::from([action]);
    while let Some(a) = queue.pop_front() {
        for effect in update(state, a) {
            if let Effect::LoadJournals(ids) = effect {
                workers.loader.read_journals(store, ids);
                continue;
            }
            // Show "saving…" before a call that may wait up to the lock timeout.
            terminal.draw(|f| ui::render(f, state, theme))?;
            match effect {
                Effect::LoadAll => queue.extend(workers.loader.start(store, state)),
                job @ Effect::ComputeReports { .. } => workers.loader.compute_reports(store, job),
                Effect::StopBatch => workers.mail.stop(),
                job @ (Effect::SendEmail(_)
                | Effect::PlanBatch { .. }
                | Effect::SendBatch { .. }) => queue.extend(workers.mail.start(store, job)),
                effect => queue.push_back(run_effect(store, effect)),
            }
        }
    }
    Ok(())
}

/// On the way out with mail in flight: a round stops after the message being sent, and the
/// outcome is journaled before the program ends (a message cut off mid-way would leave its
/// "sending" with no outcome). Nothing is drawn: the terminal may be gone.
fn settle_mail(state: &mut State, store: &Store, mail: &mut super::mailroom::Mailroom) {
    if !mail.is_busy() {
        return;
    }
    mail.stop();
    for a in mail.take(true) {
        for effect in update(state, a) {
            if matches!(effect, Effect::SaveDraft { .. } | Effect::DeleteDraft(_)) {
                run_effect(store, effect);
            }
        }
    }
}

/// How many of the most urgent dossiers the first screen shows before the whole list is in:
/// more than a tall terminal's page, far fewer than a large portfolio.
pub const FIRST_SCREEN: usize = 200;

/// The full load (`Effect::LoadAll`) on a thread of its own: the dossiers are read and assessed
/// there while the first screen, the most urgent dossiers from the urgency index, is already on
/// screen and answering keys. At 100 000 dossiers the whole list takes seconds; the first
/// screen, a few hundred milliseconds.
///
/// The journals of the dossiers on screen are read on a thread too: each store call of the TUI
/// opens sled (0.2 s at 100 000 dossiers), and it may wait for the lock a colleague or the full
/// load holds, so the key that moved the cursor is answered at once and the journal pane fills
/// in when they are read.
#[derive(Default)]
pub struct Loader {
    pending: Option<mpsc::Receiver<Action>>,
    journals: Option<mpsc::Receiver<Action>>,
    reports: Option<mpsc::Receiver<Action>>,
}

/// The whole list, each row built on the decoding threads as its dossier is folded (the rows of
/// 100 000 dossiers were built after all of them were decoded, and the decoded dossiers with
/// their events were held beside the rows). Every journal is kept when the database has no more
/// than `keep` dossiers (a small database then never waits for one), none otherwise.
fn load_whole_list(
    store: &Store,
    today: chrono::NaiveDate,
    env: &crate::app::env::LetterEnv,
    keep: usize,
) -> crate::storage::error::Result<Loaded> {
    // The counts tell the size before anything is decoded; without them (derived records not
    // built: an older database read through a private copy) the whole load tells it after.
    let Some(tally) = store.tally()? else {
        return Ok(Loaded::assess(store.load_all()?, today, env, keep));
    };
    let small = tally.total() <= keep as u64;
    let m = store.load_all_map(|d| {
        if small {
            Entry::new(d, today, env)
        } else {
            Entry::listed(d, today, env)
        }
    })?;
    Ok(Loaded {
        entries: m.items,
        problems: m.problems,
        generation: m.generation,
    })
}

/// The reports of `recouvre report` over every dossier of the store, each assessed as the list
/// does; the journals are dropped as each dossier is read.
fn reports_of_store(
    store: &Store,
    today: chrono::NaiveDate,
    env: &crate::app::env::LetterEnv,
    period: Period,
) -> crate::storage::error::Result<Reports> {
    let m = store.load_all_map(|d| {
        let a =
            crate::domain::assess::assess(&d.state, &d.debtor, &env.profiles, &env.rules, today);
        (d.state, d.debtor, a)
    })?;
    let rows: Vec<Row> = m
        .items
        .iter()
        .map(|(state, debtor, assessment)| Row {
            state,
            debtor,
            assessment,
        })
        .collect();
    Ok(Reports::compute(&rows, today, period))
}

impl Loader {
    /// Starts a full load (unless one is already running) and returns what to show meanwhile.
    fn start(&mut self, store: &Store, state: &State) -> Option<Action> {
        if self.pending.is_some() {
            return None;
        }
        let first = if !state.awaits_first_screen() {
            // A reload keeps the list on screen until the new one is complete.
            None
        } else {
            match store.load_most_urgent(FIRST_SCREEN) {
                Ok(Some(first)) => Some(Action::FirstScreen(Box::new(first))),
                // No first screen to bring the drafts (derived records not built).
                Ok(None) => Some(Action::DraftList(
                    store.draft_dossiers().map_err(Failure::from),
                )),
                // Busy, corrupt, unreadable: the full load would say the same.
                Err(e) => return Some(Action::Loaded(Err(e.into()))),
            }
        };
        let (tx, rx) = mpsc::channel();
        let (store, today, env) = (store.clone(), state.today, Arc::clone(&state.env));
        let keep = state.journal_capacity;
        std::thread::spawn(move || {
            let res = load_whole_list(&store, today, &env, keep)
                .map(Box::new)
                .map_err(Failure::from);
            // The loop may be gone (quit while loading): nothing left to tell.
            let _ = tx.send(Action::Ready(res));
            return_freed_memory();
        });
        self.pending = Some(rx);
        first
    }

    /// Reads journals (`Effect::LoadJournals`) on a thread of their own; `update` asks for one
    /// batch at a time.
    fn read_journals(&mut self, store: &Store, ids: Vec<crate::domain::model::DossierId>) {
        let (tx, rx) = mpsc::channel();
        let store = store.clone();
        std::thread::spawn(move || {
            let _ = tx.send(run_effect(&store, Effect::LoadJournals(ids)));
        });
        self.journals = Some(rx);
    }

    /// Computes the reports over every dossier of the store (`Effect::ComputeReports`) on a
    /// thread of its own: a large list keeps only its rows, and reading and assessing every
    /// dossier again takes seconds at 100 000.
    fn compute_reports(&mut self, store: &Store, job: Effect) {
        let (tx, rx) = mpsc::channel();
        let store = store.clone();
        std::thread::spawn(move || {
            let _ = tx.send(run_effect(&store, job));
            return_freed_memory();
        });
        self.reports = Some(rx);
    }

    pub fn is_loading(&self) -> bool {
        self.pending.is_some() || self.journals.is_some() || self.reports.is_some()
    }

    /// The finished load or journals, if any; `wait_load` and `wait_journals` block until they
    /// are there.
    fn finished(&mut self, wait_load: bool, wait_journals: bool) -> Option<Action> {
        // Journals first unless the full load is to be waited for (they come next time round).
        if let Some(a) = self.journals_read(wait_journals && self.pending.is_none()) {
            return Some(a);
        }
        let failed =
            || Action::ReportsComputed(Err(Failure::Other(t("tui.error.load_thread").into())));
        if let Some(a) = answer(
            &mut self.reports,
            wait_load && self.pending.is_none(),
            failed,
        ) {
            return Some(a);
        }
        let died = || Action::Ready(Err(Failure::Other(t("tui.error.load_thread").into())));
        answer(&mut self.pending, wait_load, died)
    }

    fn journals_read(&mut self, wait: bool) -> Option<Action> {
        let died =
            || Action::JournalsLoaded(Err(Failure::Other(t("tui.error.load_thread").into())));
        answer(&mut self.journals, wait, died)
    }
}

/// Hands back to the system what a whole load or the reports freed. glibc keeps freed memory
/// in its arenas for reuse: a TUI left open all day after loading 100 000 dossiers stayed at
/// 212 MB of resident memory for 44 MB of rows, on a server where each colleague runs one.
/// Called on the worker's thread once its answer is sent: the trim takes 20 ms at 100 000
/// dossiers and 0.2 s at a million, which the keys must not wait for.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free pages of glibc's own heaps; no pointer is involved.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The one answer a worker thread owes on `slot`, if it is there (`wait`: block for it); the
/// slot is then free. A thread that died without answering (a panic in a rule) gets `died`, so
/// the loop never waits for ever.
fn answer(
    slot: &mut Option<mpsc::Receiver<Action>>,
    wait: bool,
    died: impl FnOnce() -> Action,
) -> Option<Action> {
    let rx = slot.as_ref()?;
    match super::mailroom::receive(rx, wait) {
        Ok(a) => {
            *slot = None;
            Some(a)
        }
        Err(mpsc::TryRecvError::Empty) => None,
        Err(mpsc::TryRecvError::Disconnected) => {
            *slot = None;
            Some(died())
        }
    }
}

pub struct LoopOptions {
    /// The colours every frame is drawn with (resolved once from the config and the terminal).
    pub theme: Theme,
    /// How often to look for other users' writes (None: never).
    pub refresh: Option<Duration>,
    pub tick: Duration,
    /// How often an edited letter is written to the drafts tree.
    pub autosave: Duration,
    /// Mirror of the open letter's unsaved text, for the watchdog that must save it if the
    /// terminal vanishes while this loop is stuck inside crossterm (see `terminal::watchdog`).
    pub pending_draft: Option<Arc<Mutex<Option<Draft>>>>,
    /// Wait for a background load before reading the next event (scripted tests and the bench,
    /// whose keys must meet the whole list); the terminal answers keys while it loads.
    pub wait_for_load: bool,
    /// With `wait_for_load`, wait likewise for the journals of the rows on screen (scripted
    /// tests, which look at the journal pane). The bench does not: the terminal answers the key
    /// that moved the cursor before they are read, and a key's time must not include a read it
    /// does not wait for.
    pub wait_for_journals: bool,
    /// Today's date by the wall clock, asked at idle ticks: a TUI left open past midnight moves
    /// to the new day. None when the day was given (`--today`), and in tests that fix it.
    pub clock: Option<fn() -> chrono::NaiveDate>,
}

impl Default for LoopOptions {
    fn default() -> Self {
        LoopOptions {
            theme: Theme::default(),
            refresh: Some(Duration::from_secs(1)),
            tick: Duration::from_millis(250),
            autosave: Duration::from_secs(3),
            pending_draft: None,
            wait_for_load: true,
            wait_for_journals: true,
            clock: None,
        }
    }
}

pub fn run_loop<B: Backend, E: EventSource>(
    terminal: &mut Terminal<B>,
    events: &mut E,
    state: &mut State,
    store: &Store,
    stop: &AtomicBool,
    opts: &LoopOptions,
) -> io::Result<()> {
    let size = terminal.size()?;
    update(state, Action::Resize(size.width, size.height));
    let mut workers = Workers::default();
    dispatch(
        terminal,
        state,
        &opts.theme,
        store,
        &mut workers,
        Action::Command(crate::app::Command::Reload),
    )?;
    // Keep a load error or warning on screen; drop only the transient "reloading…".
    if state
        .notice
        .as_ref()
        .is_some_and(|n| n.level == crate::app::state::Level::Info)
    {
        state.notice = None;
    }
    let mut last_check = Instant::now();
    let mut last_autosave = Instant::now();
    // Drawn only after something happened: an idle screen costs nothing between polls (a full
    // frame every tick kept a core 16 % busy on a large list).
    let mut dirty = true;
    loop {
        if state.quit || stop.load(Ordering::Relaxed) {
            // Before anything else (the terminal may be gone after SIGHUP): keep the letter.
            settle_mail(state, store, &mut workers.mail);
            save_open_draft(state, store);
            let _ = terminal.draw(|f| ui::render(f, state, &opts.theme));
            return Ok(());
        }
        if dirty {
            terminal.draw(|f| ui::render(f, state, &opts.theme))?;
            dirty = false;
        }
        if state.editor.as_ref().is_some_and(|e| e.dirty())
            && last_autosave.elapsed() >= opts.autosave
        {
            last_autosave = Instant::now();
            dirty = true;
            dispatch(
                terminal,
                state,
                &opts.theme,
                store,
                &mut workers,
                Action::AutosaveDue,
            )?;
        }
        if let Some(p) = &opts.pending_draft {
            let draft = state
                .editor
                .as_deref()
                .filter(|e| e.dirty())
                .map(|ed| Draft {
                    dossier: ed.target.id,
                    user: store.user().to_string(),
                    step: ed.step.slug().to_string(),
                    text: ed.text(),
                    saved_at: chrono::Utc::now(),
                });
            if let Ok(mut slot) = p.lock() {
                *slot = draft;
            }
        }
        let mail = workers.mail.take(opts.wait_for_load);
        if !mail.is_empty() {
            for a in mail {
                dispatch(terminal, state, &opts.theme, store, &mut workers, a)?;
            }
            dirty = true;
            continue;
        }
        if let Some(done) = workers.loader.finished(
            opts.wait_for_load,
            opts.wait_for_load && opts.wait_for_journals,
        ) {
            dispatch(terminal, state, &opts.theme, store, &mut workers, done)?;
            dirty = true;
            continue;
        }
        // While the list loads, look for it often; otherwise wake only for the tick.
        let tick = if workers.loader.is_loading() || workers.mail.is_busy() {
            opts.tick.min(Duration::from_millis(20))
        } else {
            opts.tick
        };
        let event = events.next(tick)?;
        dirty |= event.is_some();
        match event {
            Some(Event::Key(k)) => {
                if let Some(a) = key_to_action(state, k) {
                    dispatch(terminal, state, &opts.theme, store, &mut workers, a)?;
                }
            }
            Some(Event::Resize(w, h)) => {
                update(state, Action::Resize(w, h));
                // Some terminals leave garbage on resize; a full repaint is cheap.
                terminal.clear()?;
            }
            Some(_) => {}
            None => {
                // Not under an open form or letter: what they show was prepared for their day.
                // Nor while a load runs: it assesses at the day it started with.
                let idle =
                    state.popup.is_none() && state.editor.is_none() && !workers.loader.is_loading();
                if let Some(day) = opts.clock.filter(|_| idle).map(|clock| clock()) {
                    if day != state.today {
                        dispatch(
                            terminal,
                            state,
                            &opts.theme,
                            store,
                            &mut workers,
                            Action::DayChanged(day),
                        )?;
                        dirty = true;
                    }
                }
                if let Some(every) = opts.refresh {
                    // Only a cheap side-file read; never while the user is mid-form.
                    if last_check.elapsed() >= every && state.popup.is_none() {
                        last_check = Instant::now();
                        if store
                            .generation_hint()
                            .is_some_and(|g| g > state.generation)
                        {
                            dispatch(
                                terminal,
                                state,
                                &opts.theme,
                                store,
                                &mut workers,
                                Action::ExternalChange,
                            )?;
                            dirty = true;
                        }
                    }
                }
            }
        }
    }
}
