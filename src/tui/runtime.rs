//! The event loop: read an event, map it through the keymap, `update`, run effects against the
//! store, draw. Generic over the terminal backend and the event source so tests can script it.

use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::Event;
use ratatui::backend::Backend;
use ratatui::Terminal;

use crate::app::{key_to_action, update, Action, Effect, Failure, State};
use crate::domain::event::EventKind;
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
                    done: confirmation(store, id, done),
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
                done: confirmation(store, id, done),
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
    }
}

/// The status-line text of a write: the dossier number first (several dossiers may share a
/// debtor's name), then what went wrong after it was stored (the journal copy, the daily backup):
/// the write stands, but the user must know.
fn confirmation(store: &Store, id: crate::domain::model::DossierId, done: String) -> String {
    let mut text = format!("#{id} — {done}");
    for w in store.take_warnings() {
        text.push(' ');
        text.push_str(&w);
    }
    text
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

/// Feeds an action and every follow-up produced by its effects.
pub fn dispatch<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut State,
    theme: &Theme,
    store: &Store,
    action: Action,
) -> io::Result<()> {
    let mut queue = VecDeque::from([action]);
    while let Some(a) = queue.pop_front() {
        for effect in update(state, a) {
            // Show "saving…" before a call that may wait up to the lock timeout.
            terminal.draw(|f| ui::render(f, state, theme))?;
            queue.push_back(run_effect(store, effect));
        }
    }
    Ok(())
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
}

impl Default for LoopOptions {
    fn default() -> Self {
        LoopOptions {
            theme: Theme::default(),
            refresh: Some(Duration::from_secs(1)),
            tick: Duration::from_millis(250),
            autosave: Duration::from_secs(3),
            pending_draft: None,
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
    dispatch(
        terminal,
        state,
        &opts.theme,
        store,
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
            dispatch(terminal, state, &opts.theme, store, Action::AutosaveDue)?;
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
        let event = events.next(opts.tick)?;
        dirty |= event.is_some();
        match event {
            Some(Event::Key(k)) => {
                if let Some(a) = key_to_action(state, k) {
                    dispatch(terminal, state, &opts.theme, store, a)?;
                }
            }
            Some(Event::Resize(w, h)) => {
                update(state, Action::Resize(w, h));
                // Some terminals leave garbage on resize; a full repaint is cheap.
                terminal.clear()?;
            }
            Some(_) => {}
            None => {
                if let Some(every) = opts.refresh {
                    // Only a cheap side-file read; never while the user is mid-form.
                    if last_check.elapsed() >= every && state.popup.is_none() {
                        last_check = Instant::now();
                        if store
                            .generation_hint()
                            .is_some_and(|g| g > state.generation)
                        {
                            dispatch(terminal, state, &opts.theme, store, Action::ExternalChange)?;
                            dirty = true;
                        }
                    }
                }
            }
        }
    }
}
