//! The configurable parts of the money rules.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Order in which a partial payment settles what is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Imputation {
    /// Penalties/interest, then principal, then indemnities and costs (art. 1343-1 Code civil).
    #[default]
    ChargesFirst,
    /// Principal first, then penalties/interest, then indemnities and costs.
    PrincipalFirst,
}

/// The configurable parts of the money rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MoneyRules {
    pub imputation: Imputation,
    /// Fixed recovery indemnity per late invoice (D441-5 Code de commerce).
    pub recovery_indemnity: Decimal,
    /// Below this many months before the limitation date, the dossier is in the warning state.
    pub limitation_warning_months: u32,
}

impl Default for MoneyRules {
    fn default() -> Self {
        MoneyRules {
            imputation: Imputation::ChargesFirst,
            recovery_indemnity: Decimal::from(40),
            limitation_warning_months: 6,
        }
    }
}
