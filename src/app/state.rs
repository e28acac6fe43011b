//! Everything the screen shows, as plain data. Rendering reads it; only `update` changes it.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::action::Effect;
// The screen code reads entries through `app::state::*` with the rest of the state.
pub use super::entry::Entry;
use super::form::Form;
use crate::domain::fold::Stage;
use crate::domain::model::{DebtorId, DossierId};
use crate::keymap::Keymap;
use crate::model::RecordProblem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    List,
    /// Only what is due today or overdue, most overdue first.
    Agenda,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Detail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Next-action date, then amount: the default morning order.
    Urgency,
    Balance,
    DaysPastDue,
    Debtor,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Urgency => SortKey::Balance,
            SortKey::Balance => SortKey::DaysPastDue,
            SortKey::DaysPastDue => SortKey::Debtor,
            SortKey::Debtor => SortKey::Urgency,
        }
    }
    pub fn label_key(self) -> &'static str {
        match self {
            SortKey::Urgency => "tui.sort.urgency",
            SortKey::Balance => "tui.sort.balance",
            SortKey::DaysPastDue => "tui.sort.days_past_due",
            SortKey::Debtor => "tui.sort.debtor",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Success,
    Error,
}

/// The result of the last action, shown in the status line until the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Confirm {
    pub title: String,
    pub lines: Vec<String>,
    /// The write (`Effect::Append` or `Effect::Create`) a yes sends, as data so that the popup
    /// only has to hand it back.
    pub write: Effect,
}

/// What a yes/no question answers; the "no" branch is in `update` too.
#[derive(Debug, Clone)]
pub enum Question {
    /// Leave the editor and lose the changes (no: keep editing).
    DiscardLetter,
    /// A draft exists for this dossier: resume it (no: start from the fresh letter).
    ResumeDraft(Box<crate::model::Draft>),
    /// The edited letter goes by another channel than it was worded for: redo it for that
    /// channel (no: keep the text and send it).
    ChannelChanged {
        channel: crate::domain::event::Channel,
        tracking: Option<String>,
    },
    /// Starting afresh throws a draft away: asked again, on its own (no: back to the choice).
    DeleteDraft(Box<crate::model::Draft>),
    /// An earlier e-mail of this dossier has no known outcome: the user checked the sent
    /// mailbox and it did not leave, so send again (no: keep the letter, send nothing).
    ResendEmail(Box<super::mailing::MailJob>),
}

#[derive(Debug, Clone)]
pub struct Ask {
    pub title: String,
    pub lines: Vec<String>,
    pub yes: String,
    pub no: String,
    pub question: Question,
    /// Which answer Enter gives: the two are buttons the user moves between; Esc is neither
    /// (it cancels, as everywhere else).
    pub focus_no: bool,
}

#[derive(Debug, Clone)]
pub enum Popup {
    Help {
        scroll: u16,
    },
    Confirm(Confirm),
    Form(Box<Form>),
    Ask(Ask),
    /// The morning round by e-mail: preview, progress, summary.
    Batch(Box<super::mailing::BatchView>),
}

/// What the header shows about the whole portfolio, computed when the list is rebuilt (after a
/// load, a write, a filter or a sort) rather than on every frame: at 100 000 dossiers a pass over
/// every entry per frame made each arrow key cost a tenth of a second.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Open dossiers and what they owe (negative balances count as nothing).
    pub open: usize,
    pub outstanding: Decimal,
    /// Next action due today / overdue, among open dossiers.
    pub due_today: usize,
    pub overdue: usize,
    /// Per stage, in ladder order, the stages that have open dossiers: (stage, count, amount).
    pub per_stage: Vec<(Stage, usize, Decimal)>,
    /// Per debtor, the dossiers (open or closed) that needed chasing: the history the channel
    /// advice reads. Only debtors with one are present.
    pub chased_by_debtor: std::collections::HashMap<DebtorId, u32>,
}

impl Totals {
    pub fn of(entries: &[Entry], today: NaiveDate) -> Totals {
        let mut t = Totals::default();
        for e in entries {
            t.count(e, today, true);
        }
        t
    }

    /// Counts `e` in (`add`) or out of the figures: a write changes one dossier, and the header
    /// follows without a pass over 100 000 entries (7 KB apart in memory).
    pub fn count(&mut self, e: &Entry, today: NaiveDate, add: bool) {
        let step = |n: &mut usize| *n = if add { *n + 1 } else { n.saturating_sub(1) };
        if e.chased {
            let debtor = e.debtor_id;
            let n = self.chased_by_debtor.entry(debtor).or_default();
            *n = if add { *n + 1 } else { n.saturating_sub(1) };
            if *n == 0 {
                self.chased_by_debtor.remove(&debtor);
            }
        }
        if let Some(n) = &e.next {
            if n.date == today {
                step(&mut self.due_today);
            } else if n.date < today {
                step(&mut self.overdue);
            }
        }
        if e.is_closed() {
            return;
        }
        let owed = e.balance.max(Decimal::ZERO);
        let owed = if add { owed } else { -owed };
        step(&mut self.open);
        self.outstanding += owed;
        // Ladder order, only the stages with open dossiers.
        let ladder = |s: Stage| Stage::ALL.iter().position(|x| *x == s);
        let at = self
            .per_stage
            .partition_point(|(s, _, _)| ladder(*s) < ladder(e.stage));
        match self.per_stage.get_mut(at) {
            Some(slot) if slot.0 == e.stage => {
                step(&mut slot.1);
                slot.2 += owed;
                if slot.1 == 0 {
                    self.per_stage.remove(at);
                }
            }
            _ if add => self.per_stage.insert(at, (e.stage, 1, owed)),
            _ => {}
        }
    }
}

/// The channel advice of one dossier, with what it was computed from: the dossier's version
/// and its debtor's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownAdvice {
    pub id: DossierId,
    pub journal_len: u32,
    /// The debtor's other dossiers that needed chasing.
    pub history: u32,
    pub advice: Option<crate::domain::money::ChannelAdvice>,
}

impl State {
    /// The advice for `e`, when it is the one computed (the dossier on screen, as it is now).
    pub fn advice_for(&self, e: &Entry) -> Option<&crate::domain::money::ChannelAdvice> {
        self.advice
            .as_ref()
            .filter(|a| a.id == e.id() && a.journal_len == e.journal_len)
            .and_then(|a| a.advice.as_ref())
    }
}

#[derive(Debug, Clone)]
pub struct State {
    pub today: NaiveDate,
    pub keymap: Arc<Keymap>,
    pub entries: Vec<Entry>,
    /// The header's figures, kept with the entries (see [`Totals`]).
    pub totals: Totals,
    /// The notice channel advised for the dossier on screen (`update::advice`): computed for
    /// that one dossier, not kept in every row.
    pub advice: Option<ShownAdvice>,
    /// Indices into `entries`, filtered and sorted; rebuilt whenever those inputs change.
    pub visible: Vec<usize>,
    /// Every index into `entries` in the order of `order_sort`, so that a filter keystroke does
    /// not sort again.
    pub order: Vec<usize>,
    /// The sort `order` and `totals` were computed for; `None` once the entries changed.
    pub order_sort: Option<SortKey>,
    /// The orders of other sorts, for the same entries and kept in step with them: choosing a
    /// sort again, or the debtor order (sorted with the index, being the slowest to sort), does
    /// not sort again.
    pub kept_orders: Vec<(SortKey, Vec<usize>)>,
    /// What the filters read of every entry, kept with `totals`.
    pub filter_index: crate::app::entry::FilterIndex,
    /// Position in `visible`.
    pub cursor: usize,
    /// First row shown in the table viewport.
    pub offset: usize,
    /// Kept across reloads so the cursor stays on the same dossier when the order changes.
    pub selected: Option<DossierId>,
    pub view: View,
    pub focus: Focus,
    /// Narrow terminals show the detail as a full view instead of beside the list.
    pub detail_full: bool,
    pub sort: SortKey,
    pub show_closed: bool,
    /// Only the dossiers assigned to the OS user running the TUI.
    pub only_mine: bool,
    /// The OS user (from the real uid), for the "mine" filter.
    pub user: String,
    pub stage_filter: Option<Stage>,
    pub filter: super::form::LineInput,
    pub filter_editing: bool,
    pub detail_scroll: u16,
    pub popup: Option<Popup>,
    pub notice: Option<Notice>,
    /// Why the dossiers could not be loaded (busy, corrupt…); shown instead of the list.
    pub load_error: Option<String>,
    pub problems: Vec<RecordProblem>,
    pub generation: u64,
    pub loaded: bool,
    /// While the whole list loads in the background behind the first screen: how many dossiers
    /// there are (the entries are only the most urgent of them meanwhile).
    pub loading: Option<u64>,
    /// Dossiers replaced since the last full load was asked for: a background load that read
    /// them earlier must not bring back their older version.
    pub since_load: std::collections::BTreeSet<DossierId>,
    /// Terminal size from the last resize, for page sizes and layout.
    pub size: (u16, u16),
    pub quit: bool,
    /// Rules, templates and profiles the letters and money figures are computed with.
    pub env: Arc<super::env::LetterEnv>,
    /// The full-screen letter editor, when open (popups then sit over it).
    pub editor: Option<Box<super::editor::Editor>>,
    /// The reports view, when open: computed once when opened, from the entries on screen.
    pub reports: Option<Box<ReportsView>>,
    /// The reports are being computed from the store (`Effect::ComputeReports`).
    pub reports_pending: bool,
    /// Dossiers with a draft letter of this user waiting, marked in the list and detail.
    pub drafts: std::collections::BTreeSet<DossierId>,
    /// Dossiers marked (space) for the round by e-mail.
    pub marked: std::collections::BTreeSet<DossierId>,
    /// A letter of the editor is with the mail thread (the status line says where it goes).
    pub mailing: bool,
    /// How many entries may hold their journal at once (see `Entry::journal`).
    pub journal_capacity: usize,
    /// The journals asked for and not yet answered: one request at a time.
    pub journal_pending: Option<Vec<DossierId>>,
    /// A dossier whose journal could not be read: not asked again until the cursor moves on.
    pub journal_failed: Option<DossierId>,
}

impl State {
    pub fn new(today: NaiveDate, keymap: Arc<Keymap>) -> State {
        State {
            today,
            keymap,
            entries: Vec::new(),
            totals: Totals::default(),
            advice: None,
            visible: Vec::new(),
            order: Vec::new(),
            order_sort: None,
            kept_orders: Vec::new(),
            filter_index: Default::default(),
            cursor: 0,
            offset: 0,
            selected: None,
            view: View::List,
            focus: Focus::List,
            detail_full: false,
            sort: SortKey::Urgency,
            show_closed: false,
            only_mine: false,
            user: crate::identity::current_user(),
            stage_filter: None,
            filter: Default::default(),
            filter_editing: false,
            detail_scroll: 0,
            popup: None,
            notice: None,
            load_error: None,
            problems: Vec::new(),
            generation: 0,
            loaded: false,
            loading: None,
            since_load: Default::default(),
            size: (120, 36),
            quit: false,
            env: Arc::new(Default::default()),
            editor: None,
            drafts: Default::default(),
            marked: Default::default(),
            mailing: false,
            reports: None,
            reports_pending: false,
            journal_capacity: JOURNALS_KEPT,
            journal_pending: None,
            journal_failed: None,
        }
    }

    /// Whether a (re)load shows the most urgent dossiers first: at start, or after a failed
    /// load; a reload with a list on screen keeps it until the new one is complete.
    pub fn awaits_first_screen(&self) -> bool {
        !self.loaded || self.load_error.is_some()
    }

    pub fn current(&self) -> Option<&Entry> {
        self.visible
            .get(self.cursor)
            .and_then(|i| self.entries.get(*i))
    }

    pub fn entry(&self, id: DossierId) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id() == id)
    }

    /// Whether the detail is beside the list (wide), below it (tall) or a full view (narrow).
    pub fn layout_mode(&self) -> LayoutMode {
        layout_mode(self.size)
    }
}

/// Which report the reports view shows; Tab cycles them in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportTab {
    Ageing,
    Stages,
    Collected,
    Steps,
}

impl ReportTab {
    pub const ALL: [ReportTab; 4] = [
        ReportTab::Ageing,
        ReportTab::Stages,
        ReportTab::Collected,
        ReportTab::Steps,
    ];

    pub fn title_key(self) -> &'static str {
        match self {
            ReportTab::Ageing => "tui.reports.ageing",
            ReportTab::Stages => "tui.reports.stages",
            ReportTab::Collected => "tui.reports.collected",
            ReportTab::Steps => "tui.reports.steps",
        }
    }

    /// The next (or, `back`, previous) report, wrapping around.
    pub fn cycle(self, back: bool) -> ReportTab {
        let i = ReportTab::ALL.iter().position(|t| *t == self).unwrap_or(0);
        let n = ReportTab::ALL.len();
        ReportTab::ALL[if back { (i + n - 1) % n } else { (i + 1) % n }]
    }
}

#[derive(Debug, Clone)]
pub struct ReportsView {
    pub reports: crate::domain::report::Reports,
    pub tab: ReportTab,
    /// First line of the ageing's debtor table shown.
    pub scroll: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayoutMode {
    Side,
    Stacked,
    Single,
}

/// Journals kept at once: a few pages of rows around the cursor, and every journal of a
/// database this small (a journal is about 2 KB without its letters).
pub const JOURNALS_KEPT: usize = 512;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
/// From this width the detail pane sits beside the list.
pub const SIDE_WIDTH: u16 = 120;
/// From this height (on narrower terminals) the detail pane sits below the list.
pub const STACK_HEIGHT: u16 = 40;

pub fn layout_mode((w, h): (u16, u16)) -> LayoutMode {
    if w >= SIDE_WIDTH {
        LayoutMode::Side
    } else if h >= STACK_HEIGHT {
        LayoutMode::Stacked
    } else {
        LayoutMode::Single
    }
}

/// Rows of the dossier table body for a terminal size: the same arithmetic as the renderer, so
/// paging and scrolling agree with what is on screen.
pub fn table_rows((w, h): (u16, u16)) -> usize {
    // Header (2) + status (2) + table border (2) + column titles (1).
    let body = h.saturating_sub(7);
    let body = match layout_mode((w, h)) {
        LayoutMode::Stacked => body / 2,
        _ => body,
    };
    body.max(1) as usize
}
