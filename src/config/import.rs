//! The `[import]` section of config.toml: what an import from the accounting system assumes
//! where the file is silent.

use serde::Deserialize;

use crate::domain::model::DebtorType;

/// Accepted payment terms, in days after the piece date.
pub const TERMS_DAYS: std::ops::RangeInclusive<i64> = 0..=365;

/// The `[import]` section of config.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImportConfig {
    /// A FEC has no due dates (nor a CSV without a due-date column): due = piece date + this.
    pub payment_terms_days: i64,
    /// Type of the debtors an import creates when the file does not say (`b2b` or `b2c`).
    pub debtor_type: DebtorType,
}

impl Default for ImportConfig {
    fn default() -> Self {
        ImportConfig {
            // The statutory default between professionals (L441-10 I Code de commerce).
            payment_terms_days: 30,
            debtor_type: DebtorType::B2b,
        }
    }
}
