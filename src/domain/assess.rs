//! Everything the screens and letters say about one dossier at a date, computed in one place.

use chrono::NaiveDate;

use super::fold::DossierState;
use super::model::{Creditor, Debtor};
use super::money::{
    compute_claim, limitation, readiness, ChannelRules, ClaimAmounts, DeadlineRules, Limitation,
    MoneyError, MoneyRules, RateTable, Readiness,
};
use super::schedule::Profiles;
use super::summary::Summary;

/// The rules in force: rates table (built-in plus user rows), money, deadline and channel
/// settings, and the creditor (whose status changes the legal rate).
#[derive(Debug, Clone)]
pub struct Rules {
    pub rates: RateTable,
    pub money: MoneyRules,
    pub deadlines: DeadlineRules,
    pub channels: ChannelRules,
    pub creditor: Creditor,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            rates: RateTable::builtin(),
            money: MoneyRules::default(),
            deadlines: DeadlineRules::default(),
            channels: ChannelRules::default(),
            creditor: Creditor::default(),
        }
    }
}

impl Rules {
    /// Everything owed on the dossier at `at`, under these rules.
    pub fn claim(
        &self,
        st: &DossierState,
        debtor: &Debtor,
        at: NaiveDate,
    ) -> Result<ClaimAmounts, MoneyError> {
        compute_claim(st, debtor, &self.creditor, &self.rates, &self.money, at)
    }
}

#[derive(Debug, Clone)]
pub struct Assessment {
    pub summary: Summary,
    /// Amounts owed at the date; an error (e.g. a contractual rate under the legal floor) is
    /// shown instead of figures, never replaced by zeros.
    pub claim: Result<ClaimAmounts, MoneyError>,
    pub limitation: Option<Limitation>,
    pub readiness: Readiness,
}

pub fn assess(
    st: &DossierState,
    debtor: &Debtor,
    profiles: &dyn Profiles,
    rules: &Rules,
    today: NaiveDate,
) -> Assessment {
    Assessment {
        summary: Summary::of(st, debtor, profiles, today),
        claim: rules.claim(st, debtor, today),
        limitation: limitation(st, debtor, &rules.creditor, &rules.money, today),
        readiness: readiness(st, today),
    }
}
