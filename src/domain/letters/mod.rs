//! The letter engine: one template per step of the collection ladder, rendered from a context
//! built from the journal, and the check of the mandatory mentions of a formal notice.
//!
//! Pure: the caller reads override files and configuration; this module takes strings and data.

mod compose;
mod context;
pub mod format;
mod mentions;
pub mod parts;
pub mod preflight;
mod rules;
mod step;
mod templates;

pub use compose::{compose, letter_money, ComposeChoices, Composed};
pub use context::input::{
    LetterInput, LetterItemMoney, LetterMoney, LetterMoneyKind, LetterMoneyLine, LetterOptions,
};
pub use context::views::{
    ContestationView, DeadlineView, InjonctionView, InstalmentView, ItemView, MoneyLineView,
    MoneyView, NoticeView, PartyView, PaymentView, PlanView, ReminderView, SignatoryView,
};
pub use context::wording::channel_label;
pub use context::{build_context, LetterContext};
pub use mentions::{check_last_notice_mentions, check_mentions, check_notice_mentions, Mention};
pub use parts::{parts, Block, HeadLine, LetterParts, Row, Table, TextLine};
pub use preflight::{preflight, Blocker, Preflight};
pub use rules::{
    default_channel, injonction_court, notice_step, suggest_step_with, InjonctionCourt,
    DEFAULT_DEADLINE_DAYS,
};
pub use step::LetterStep;
pub use templates::{LetterError, TemplateInfo, TemplateOrigin, Templates};
