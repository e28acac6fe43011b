//! Everything the screens, the CLI, the JSON and the letters say about one dossier at a date,
//! computed in one place: the read model every interface shares.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::fold::{DossierState, Owing, Stage};
use super::model::{Creditor, Debtor};
use super::money::{
    compute_claim, limitation, principal_claim, readiness, ChannelRules, ClaimAmounts,
    DeadlineRules, Limitation, MoneyError, MoneyRules, RateTable, Readiness,
};
use super::schedule::{next_action, NextAction, Profiles};

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

    /// The claim, or when the rates cannot be applied the principal as the same imputation leaves
    /// it, with the reason: figures are never silently replaced by zeros.
    pub fn claim_or_principal(
        &self,
        st: &DossierState,
        debtor: &Debtor,
        at: NaiveDate,
    ) -> (ClaimAmounts, Option<MoneyError>) {
        match self.claim(st, debtor, at) {
            Ok(c) => (c, None),
            Err(e) => (
                principal_claim(st, debtor, &self.creditor, &self.money, at),
                Some(e),
            ),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Assessment {
    pub stage: Stage,
    pub next: Option<NextAction>,
    /// Amounts owed at the date. When `money_error` is set, only the principal could be computed
    /// and the error must be shown beside it.
    pub claim: ClaimAmounts,
    pub money_error: Option<MoneyError>,
    pub owing: Owing,
    pub days_past_due: i64,
    pub limitation: Option<Limitation>,
    pub readiness: Readiness,
}

impl Assessment {
    /// Principal still open, due or not.
    pub fn balance(&self) -> Decimal {
        self.claim.open_principal()
    }

    /// Everything owed now (principal due and accessories).
    pub fn total_due(&self) -> Decimal {
        self.claim.total_due
    }

    /// The debtor's whole balance: what is owed now plus the invoices not yet due. What "Solde"
    /// and "Encours" mean on every screen.
    pub fn outstanding(&self) -> Decimal {
        self.claim.total_due + self.claim.not_yet_due
    }

    pub fn open_items(&self) -> usize {
        self.claim.open_items().count()
    }

    /// Whether the next action is due today or overdue.
    pub fn action_due(&self, today: NaiveDate) -> bool {
        self.next.as_ref().is_some_and(|n| n.is_due(today))
    }

    /// Where this dossier stands in the order of urgency (see [`urgency`]).
    pub fn urgency(&self) -> Urgency {
        urgency(self.next.as_ref().map(|n| n.date), self.outstanding())
    }
}

/// The order of urgency, ascending; ties are left to the dossier number.
pub type Urgency = (bool, Option<NaiveDate>, std::cmp::Reverse<Decimal>);

/// Most urgent first: the next action's date, a dossier without one last, then the larger sum
/// owed (`outstanding`). The list's default order and `status`'s.
pub fn urgency(next: Option<NaiveDate>, outstanding: Decimal) -> Urgency {
    (next.is_none(), next, std::cmp::Reverse(outstanding))
}

pub fn assess(
    st: &DossierState,
    debtor: &Debtor,
    profiles: &dyn Profiles,
    rules: &Rules,
    today: NaiveDate,
) -> Assessment {
    let (claim, money_error) = rules.claim_or_principal(st, debtor, today);
    let owing = claim.owing();
    Assessment {
        stage: st.stage(today, &owing),
        next: next_action(st, debtor.debtor_type, profiles, today, &owing),
        days_past_due: owing.days_past_due(today),
        limitation: limitation(
            st,
            debtor,
            &rules.creditor,
            &rules.money,
            today,
            owing.oldest_open_due,
        ),
        readiness: readiness(st, &claim, today),
        claim,
        money_error,
        owing,
    }
}
