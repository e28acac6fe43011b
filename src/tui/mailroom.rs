//! The mail thread: a letter from the editor, a round's preview or the round itself run here,
//! because a server may take up to its timeout to answer and the screen must keep drawing and
//! saying where the sending is. What the thread finds comes back as actions, in order.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

use crate::app::mailing::{MailJob, StepOutcome};
use crate::app::{Action, Effect, Failure};
use crate::i18n::t;
use crate::outbox::{deliver, Outcome, SendError};
use crate::storage::{Store, StoreError};

#[derive(Default)]
pub struct Mailroom {
    pending: Option<mpsc::Receiver<Action>>,
    /// Whether the thread's last word (the outcome) has come: a thread that died before it
    /// (a panic) must not leave the letter locked or the round "sending" for ever.
    answered: bool,
    stop: Arc<AtomicBool>,
}

/// The action that ends a job: after it, the thread has nothing more to say.
fn is_last(a: &Action) -> bool {
    matches!(
        a,
        Action::Written { .. }
            | Action::Stale { .. }
            | Action::WriteFailed(_)
            | Action::MailNotSent { .. }
            | Action::MailUnfinished { .. }
            | Action::BatchPlanned(_)
            | Action::BatchFinished
    )
}

impl Mailroom {
    /// Starts `job` (a mail effect) on its thread, unless one is running: then the answer says
    /// so at once.
    pub fn start(&mut self, store: &Store, job: Effect) -> Option<Action> {
        if self.pending.is_some() {
            let busy = t("tui.mail.busy").to_string();
            return Some(match job {
                Effect::SendEmail(j) => Action::MailNotSent {
                    id: j.id,
                    message: busy,
                },
                _ => Action::BatchPlanned(Err(busy)),
            });
        }
        let (tx, rx) = mpsc::channel();
        self.stop = Arc::new(AtomicBool::new(false));
        self.answered = false;
        let (store, stop) = (store.clone(), Arc::clone(&self.stop));
        std::thread::spawn(move || {
            // The loop may be gone (quit): nothing left to tell.
            work(&store, job, &|a| drop(tx.send(a)), &stop);
        });
        self.pending = Some(rx);
        None
    }

    /// Asks a round to stop after the message in flight (never in the middle of one).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    pub fn is_busy(&self) -> bool {
        self.pending.is_some()
    }

    /// What the thread said since the last call; `wait` blocks until it is done.
    pub fn take(&mut self, wait: bool) -> Vec<Action> {
        let Some(rx) = &self.pending else {
            return vec![];
        };
        let mut out = vec![];
        loop {
            match receive(rx, wait) {
                Ok(a) => {
                    self.answered |= is_last(&a);
                    out.push(a);
                }
                Err(mpsc::TryRecvError::Empty) => break,
                Err(mpsc::TryRecvError::Disconnected) => {
                    self.pending = None;
                    if !self.answered {
                        let message = t("tui.error.mail_thread").to_string();
                        out.push(Action::MailNotSent { id: 0, message });
                        out.push(Action::BatchFinished);
                    }
                    break;
                }
            }
        }
        out
    }
}

/// Runs a mail effect to its end, telling `say` as it goes. Also the synchronous path of
/// `run_effect` (then only the last word is kept).
pub fn work(store: &Store, job: Effect, say: &dyn Fn(Action), stop: &AtomicBool) {
    match job {
        Effect::SendEmail(job) => say(send_letter(store, *job, say)),
        Effect::PlanBatch { ids, env, today } => {
            let mailer = env.mailer();
            // A round that cannot leave at all is said before the preview, not 40 times after.
            if let Err(e) = mailer.transport() {
                return say(Action::BatchPlanned(Err(e.to_string())));
            }
            let mut candidates = Vec::with_capacity(ids.len());
            for id in ids {
                match store.load(id) {
                    Ok(d) => candidates.push(mailer.check(&d, today).0),
                    Err(e) => return say(Action::BatchPlanned(Err(e.to_string()))),
                }
            }
            say(Action::BatchPlanned(Ok(candidates)))
        }
        Effect::SendBatch { items, env, today } => {
            let mailer = env.mailer();
            let transport = mailer.transport();
            for (index, id, level) in items {
                let (outcome, dossier) = match &transport {
                    _ if stop.load(Ordering::SeqCst) => {
                        (StepOutcome::Skipped(t("tui.batch.stopped").into()), None)
                    }
                    Err(e) => (StepOutcome::Failed(e.to_string()), None),
                    Ok(transport) => {
                        let progress = &mut |p| say(Action::MailProgress(p));
                        match mailer.send_one(store, transport, id, level, today, false, progress) {
                            Outcome::Sent { .. } => (StepOutcome::Sent, store.load(id).ok()),
                            Outcome::Skipped { skip, .. } => {
                                (StepOutcome::Skipped(skip.describe()), None)
                            }
                            // A failure is journaled too ("email failed"): the row shows it.
                            Outcome::Failed(m) => (StepOutcome::Failed(m), store.load(id).ok()),
                        }
                    }
                };
                say(Action::BatchStep {
                    index,
                    outcome,
                    dossier: dossier.map(Box::new),
                });
            }
            say(Action::BatchFinished)
        }
        _ => {}
    }
}

/// The editor's letter: read the dossier as it is now, build the message, send, journal.
fn send_letter(store: &Store, job: MailJob, say: &dyn Fn(Action)) -> Action {
    let id = job.id;
    let d = match store.load(id) {
        Ok(d) => d,
        Err(e) => return Action::WriteFailed(e.into()),
    };
    let mailer = job.env.mailer();
    let kept = job.clone();
    let sent = mailer.transport().and_then(|transport| {
        let p = mailer.prepare(&d, job.level, job.text, job.overrides, job.date)?;
        let progress = &mut |p| say(Action::MailProgress(p));
        deliver(
            store,
            &d,
            job.expected_len,
            p,
            &transport,
            job.resend,
            progress,
        )
    });
    match sent {
        Ok(_) => Action::Written {
            id,
            dossier: store.load(id).map_err(Failure::from),
            done: confirmation(store, id, job.done),
            generation: store.generation_hint(),
        },
        Err(SendError::Store(StoreError::Stale { newer, .. })) => Action::Stale {
            id,
            newer,
            reloaded: store.load(id).map_err(Failure::from),
        },
        Err(SendError::Store(e)) => Action::WriteFailed(e.into()),
        Err(SendError::Unfinished(message)) => Action::MailUnfinished {
            job: Box::new(kept),
            message,
        },
        Err(e) => Action::MailNotSent {
            id,
            message: e.to_string(),
        },
    }
}

/// The status-line text of a write: the dossier number first (several dossiers may share a
/// debtor's name), then what went wrong after it was stored (the journal copy, the daily backup):
/// the write stands, but the user must know.
pub(super) fn confirmation(
    store: &Store,
    id: crate::domain::model::DossierId,
    done: String,
) -> String {
    let mut text = format!("#{id} — {done}");
    for w in store.take_warnings() {
        text.push(' ');
        text.push_str(&w);
    }
    text
}

/// The next message of a worker thread: waited for when `wait`, else only if already there.
pub(super) fn receive<T>(rx: &mpsc::Receiver<T>, wait: bool) -> Result<T, mpsc::TryRecvError> {
    if wait {
        rx.recv().map_err(|_| mpsc::TryRecvError::Disconnected)
    } else {
        rx.try_recv()
    }
}
