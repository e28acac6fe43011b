//! What a dossier's debtor owes at a given date: principal, late-payment penalties or legal
//! interest, 40 € indemnities, recovery costs, NL/BE collection costs, with a line-by-line
//! breakdown. The conventions are in the module doc of `money`.

mod accrual;
mod amounts;
mod bounds;
mod breakdown;
mod compute;
mod impute;

pub use accrual::{check_contractual_rate, check_contractual_rate_over};
pub use amounts::{ClaimAmounts, ClaimNote, ItemClaim, Regime, Settlement};
pub use bounds::out_of_bounds;
pub use breakdown::{BreakdownLine, LineKind, RateBasis, Settled};
pub use compute::{compute_claim, in_collective_proceedings, principal_claim};
