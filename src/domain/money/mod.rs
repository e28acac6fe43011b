//! Money and legal rules: late-payment penalties, the 40 € indemnity, legal interest, NL/BE
//! collection costs, limitation, readiness for a formal notice, the notice deadline and the advice
//! on the sending channel. Pure functions: every rule takes the date it is evaluated at.
//!
//! # Conventions (they decide cents, so they are fixed here and tested)
//!
//! - **Day count: actual days, each day weighted by the length of its own year.** A day of 2024
//!   accrues `rate / 366`, a day of 2025 `rate / 365`. Accrual periods are cut at every half-year
//!   boundary (the rates change there), so a piece never crosses a year end and each piece is
//!   `base × rate × days / (100 × 365 or 366)`.
//! - **Periods are `(start, end]`.** Penalties start the day *after* the due date and include the
//!   end date: at the due date itself nothing is owed; one day later one day is owed. Legal interest
//!   for a consumer starts the day after the notice was received. A payment dated `p` closes the
//!   segment at `p` (day `p` still accrues on the old base) and the lower base runs from `p + 1`.
//! - **Rounding:** each breakdown line is rounded to the cent, half away from zero; every total is
//!   the sum of its rounded lines, so a letter's lines always add up to its totals.
//! - **Daily growth** is what one more day adds on the outstanding base at the rate in force on
//!   `at`, rounded to the cent (zero while nothing is late).
//! - **Imputation of partial payments** (art. 1342-10 and 1343-1 Code civil, default): to the
//!   invoice the debtor named (or whose open balance the payment matches exactly), then accrued
//!   penalties or interest, then the interest-bearing principal, oldest due date first, and only
//!   then the 40 € indemnities and the part of recorded costs above them, which bear no interest.
//!   Credit notes reduce the principal of the invoice they name, else the oldest, from their own
//!   date. A waiver event clears the accessories owed at its date.
//!   [`Imputation::PrincipalFirst`] (principal, then penalties, then indemnities and costs) is the
//!   configurable alternative.
//! - **What is claimed:** only invoices past their due date (the contractual term applied) are in
//!   `total_due`; the others are `not_yet_due`. The breakdown holds every line, negative ones
//!   included, so that each total is the sum of its lines.
//! - **Rates past the table** use the last known half-year and flag every dependent figure
//!   `provisional`; a half-year before the table is an error, never a zero.
//! - **Working days** are Monday–Friday except the French national public holidays.

pub mod calendar;
pub mod channel;
pub mod claim;
pub mod deadline;
pub mod error;
pub mod limitation;
pub mod rates;
pub mod readiness;
pub mod rules;
pub mod scale;
pub mod terms;

pub use calendar::HalfYear;
pub use channel::{
    advise_channel, history_matters, needed_chasing, notice_advice, AdviceReason, ChannelAdvice,
    ChannelHistory, ChannelRules,
};
pub use claim::{
    check_contractual_rate, check_contractual_rate_over, compute_claim, in_collective_proceedings,
    principal_claim, BreakdownLine, ClaimAmounts, ClaimNote, ItemClaim, LineKind, RateBasis,
    Regime, Settled, Settlement,
};
pub use deadline::{
    last_notice_min_deadline, notice_deadline, DeadlineAdvice, DeadlineRules, DeadlineWarning,
    NoticeKind, LAST_NOTICE_MIN_DAYS,
};
pub use error::MoneyError;
pub use limitation::{
    basis_for, limitation, Interruption, Limitation, LimitationBasis, LimitationState,
};
pub use rates::{RateLookup, RateOrigin, RateRow, RateTable};
pub use readiness::{readiness, Check, Readiness, ReadinessProblem};
pub use rules::{Imputation, MoneyRules};
pub use scale::{be_collection_costs, collection_costs, nl_collection_costs};
pub use terms::PaymentTerms;
