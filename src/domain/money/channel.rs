//! Which channel should carry the formal notice, and what it costs: LRAR for most cases, a
//! commissaire de justice from about 1 000 € or for repeat offenders, a lawyer from about 5 000 € or
//! when the dispute is complex. Thresholds and prices are configurable.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

use crate::domain::event::{Channel, ContestationOutcome};
use crate::domain::fold::DossierState;
use crate::domain::model::DebtorType;
use crate::i18n::{self, tf};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("constant decimal")
}

/// Thresholds and prices (domain.md, January 2026 prices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChannelRules {
    /// From this total due, a commissaire de justice is advised.
    pub commissaire_from: Decimal,
    /// From this total due, a lawyer is advised.
    pub lawyer_from: Decimal,
    /// This many earlier late dossiers make the debtor a repeat offender.
    pub repeat_offender_after: u32,
    /// 20 g registered letter.
    pub lrar_price: Decimal,
    /// Acknowledgment-of-receipt option, low and high estimates.
    pub ar_option_min: Decimal,
    pub ar_option_max: Decimal,
    /// Amicable "sommation de payer" by a commissaire (freely priced).
    pub commissaire_min: Decimal,
    pub commissaire_max: Decimal,
    pub lawyer_min: Decimal,
    pub lawyer_max: Decimal,
    /// A channel whose highest expected cost is above this percentage of the sum due is not
    /// advised, whatever the history: the next cheaper one is.
    pub max_cost_percent: Decimal,
}

impl Default for ChannelRules {
    fn default() -> Self {
        ChannelRules {
            commissaire_from: dec("1000"),
            lawyer_from: dec("5000"),
            repeat_offender_after: 1,
            lrar_price: dec("6.11"),
            ar_option_min: dec("1.25"),
            ar_option_max: dec("1.50"),
            commissaire_min: dec("15"),
            commissaire_max: dec("40"),
            lawyer_min: dec("150"),
            lawyer_max: dec("400"),
            max_cost_percent: dec("20"),
        }
    }
}

impl ChannelRules {
    /// Whether `channel`'s highest expected cost stays within `max_cost_percent` of the sum due.
    pub fn in_proportion(&self, channel: Channel, total_due: Decimal) -> bool {
        self.cost(channel).1 * Decimal::from(100) <= total_due * self.max_cost_percent
    }

    /// Expected cost range of a notice by `channel`.
    pub fn cost(&self, channel: Channel) -> (Decimal, Decimal) {
        match channel {
            Channel::Commissaire => (self.commissaire_min, self.commissaire_max),
            Channel::Avocat => (self.lawyer_min, self.lawyer_max),
            _ => (
                self.lrar_price + self.ar_option_min,
                self.lrar_price + self.ar_option_max,
            ),
        }
    }
}

/// The dossier needed chasing: a reminder, a notice, a court step or a hand-over. Such
/// dossiers of the same debtor, other than the one advised on, make a repeat offender.
pub fn needed_chasing(st: &DossierState) -> bool {
    !st.reminders.is_empty()
        || st.notice.is_some()
        || st.injonction.is_some()
        || st.handed_over.is_some()
}

/// What the advice looks at besides the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ChannelHistory {
    /// The debtor's other dossiers that needed chasing ([`needed_chasing`]), open or closed.
    pub previous_late_dossiers: u32,
    /// An open dispute, or one already rejected as unfounded.
    pub disputed: bool,
}

impl ChannelHistory {
    pub fn from_state(st: &DossierState, previous_late_dossiers: u32) -> ChannelHistory {
        ChannelHistory {
            previous_late_dossiers,
            disputed: st.contestation.is_some()
                || st
                    .contestations_resolved
                    .iter()
                    .any(|(o, _)| *o == ContestationOutcome::Rejected),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AdviceReason {
    /// Below the thresholds, no bad history: a registered letter is enough.
    Ordinary,
    AmountFrom {
        threshold: Decimal,
    },
    RepeatOffender {
        dossiers: u32,
    },
    Disputed,
    /// `channel` was called for, but its cost (up to `cost_max`) would be out of proportion
    /// with the sum due.
    OutOfProportion {
        channel: Channel,
        cost_max: Decimal,
        percent: Decimal,
    },
}

impl AdviceReason {
    pub fn message(&self) -> String {
        match self {
            AdviceReason::Ordinary => i18n::t("money.channel.ordinary").to_string(),
            AdviceReason::AmountFrom { threshold } => tf(
                "money.channel.amount_from",
                &[("threshold", &i18n::money(*threshold))],
            ),
            AdviceReason::RepeatOffender { dossiers } => {
                tf("money.channel.repeat_offender", &[("dossiers", dossiers)])
            }
            AdviceReason::Disputed => i18n::t("money.channel.disputed").to_string(),
            AdviceReason::OutOfProportion {
                channel,
                cost_max,
                percent,
            } => tf(
                "money.channel.out_of_proportion",
                &[
                    ("channel", &i18n::t(&format!("channel.{}", channel.slug()))),
                    ("cost", &i18n::money(*cost_max)),
                    ("percent", percent),
                ],
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelOption {
    pub channel: Channel,
    pub cost_min: Decimal,
    pub cost_max: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelAdvice {
    pub channel: Channel,
    pub cost_min: Decimal,
    pub cost_max: Decimal,
    pub reasons: Vec<AdviceReason>,
    /// A commissaire's amicable fee cannot be charged to a consumer: the creditor bears it.
    pub fee_stays_with_creditor: bool,
    /// The three channels with their costs, for a side-by-side choice.
    pub options: Vec<ChannelOption>,
}

/// The advice shown beside a dossier (the CLI's `show`, the TUI's detail): only while the
/// formal notice is still to be sent and something is owed. `previous_late_dossiers` is the
/// count of the debtor's other dossiers that needed chasing.
pub fn notice_advice(
    st: &DossierState,
    debtor_type: DebtorType,
    total_due: Decimal,
    previous_late_dossiers: u32,
    rules: &ChannelRules,
) -> Option<ChannelAdvice> {
    (st.notice.is_none() && total_due > Decimal::ZERO).then(|| {
        advise_channel(
            total_due,
            debtor_type,
            &ChannelHistory::from_state(st, previous_late_dossiers),
            rules,
        )
    })
}

/// Whether the debtor's history could change the [`notice_advice`] on this dossier: a notice
/// still to send, and a repeat offender sent a commissaire only when one is not already advised
/// for the amount and would not be out of proportion. Lets a caller skip looking the debtor's
/// other dossiers up.
pub fn history_matters(st: &DossierState, total_due: Decimal, rules: &ChannelRules) -> bool {
    st.notice.is_none()
        && rules.repeat_offender_after > 0
        && total_due < rules.commissaire_from
        && rules.in_proportion(Channel::Commissaire, total_due)
}

/// Advice for a notice on a claim of `total_due`.
pub fn advise_channel(
    total_due: Decimal,
    debtor_type: DebtorType,
    history: &ChannelHistory,
    rules: &ChannelRules,
) -> ChannelAdvice {
    let mut reasons = Vec::new();
    let lawyer_amount = total_due >= rules.lawyer_from;
    let channel = if lawyer_amount || history.disputed {
        if lawyer_amount {
            reasons.push(AdviceReason::AmountFrom {
                threshold: rules.lawyer_from,
            });
        }
        if history.disputed {
            reasons.push(AdviceReason::Disputed);
        }
        Channel::Avocat
    } else {
        let big = total_due >= rules.commissaire_from;
        let repeat = history.previous_late_dossiers >= rules.repeat_offender_after
            && rules.repeat_offender_after > 0;
        if big {
            reasons.push(AdviceReason::AmountFrom {
                threshold: rules.commissaire_from,
            });
        }
        if repeat {
            reasons.push(AdviceReason::RepeatOffender {
                dossiers: history.previous_late_dossiers,
            });
        }
        if big || repeat {
            Channel::Commissaire
        } else {
            reasons.push(AdviceReason::Ordinary);
            Channel::Lrar
        }
    };
    // A notice costing a large part of what it claims is not worth its weight, whatever the
    // history: step down to the next cheaper channel, and say why.
    let mut channel = channel;
    while channel != Channel::Lrar && !rules.in_proportion(channel, total_due) {
        reasons.push(AdviceReason::OutOfProportion {
            channel,
            cost_max: rules.cost(channel).1,
            percent: rules.max_cost_percent,
        });
        channel = match channel {
            Channel::Avocat => Channel::Commissaire,
            _ => Channel::Lrar,
        };
    }
    let (cost_min, cost_max) = rules.cost(channel);
    let options = [Channel::Lrar, Channel::Commissaire, Channel::Avocat]
        .into_iter()
        .map(|c| {
            let (cost_min, cost_max) = rules.cost(c);
            ChannelOption {
                channel: c,
                cost_min,
                cost_max,
            }
        })
        .collect();
    ChannelAdvice {
        channel,
        cost_min,
        cost_max,
        reasons,
        fee_stays_with_creditor: channel == Channel::Commissaire && debtor_type == DebtorType::B2c,
        options,
    }
}
