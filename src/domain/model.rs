//! Plain data: creditor, debtor, dossier items.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub type DossierId = u64;
pub type DebtorId = u64;

/// Whether the law treats the debtor as a professional or a consumer: penalties, the 40 € indemnity,
/// limitation periods and letter wording all depend on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DebtorType {
    B2b,
    B2c,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    #[default]
    Fr,
    Be,
    Nl,
}

impl Jurisdiction {
    pub fn slug(self) -> &'static str {
        match self {
            Jurisdiction::Fr => "fr",
            Jurisdiction::Be => "be",
            Jurisdiction::Nl => "nl",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Some(Jurisdiction::Fr),
            "be" => Some(Jurisdiction::Be),
            "nl" => Some(Jurisdiction::Nl),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Debtor {
    pub id: DebtorId,
    /// Legal name (raison sociale) or, for a consumer, the person's full name.
    pub name: String,
    /// Registered office (siège social): a formal notice must be sent there. One line per entry.
    pub address: Vec<String>,
    pub debtor_type: DebtorType,
    pub contact: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub customer_number: Option<String>,
    pub siren: Option<String>,
    /// Debtor under collective proceedings (sauvegarde, redressement, liquidation): the 40 €
    /// indemnity cannot be claimed.
    pub collective_proceedings: bool,
}

impl Debtor {
    pub fn new(id: DebtorId, name: impl Into<String>, debtor_type: DebtorType) -> Self {
        Debtor {
            id,
            name: name.into(),
            address: Vec::new(),
            debtor_type,
            contact: None,
            email: None,
            phone: None,
            customer_number: None,
            siren: None,
            collective_proceedings: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierKind {
    /// Unpaid invoices (the common case).
    Invoices,
    /// A sum to be refunded: cancelled order, overpayment, loan, deposit.
    Refund,
    /// Unpaid rent.
    Rent,
}

impl DossierKind {
    pub fn slug(self) -> &'static str {
        match self {
            DossierKind::Invoices => "invoices",
            DossierKind::Refund => "refund",
            DossierKind::Rent => "rent",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "invoices" | "factures" | "invoice" => Some(DossierKind::Invoices),
            "refund" | "remboursement" => Some(DossierKind::Refund),
            "rent" | "loyer" | "loyers" => Some(DossierKind::Rent),
            _ => None,
        }
    }
}

/// One claimed sum: an invoice, a rent term, or the sum to be refunded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub reference: String,
    #[serde(with = "super::stamp::date")]
    pub issued: NaiveDate,
    #[serde(with = "super::stamp::date")]
    pub due: NaiveDate,
    /// Amount TTC.
    pub amount: Decimal,
    pub description: Option<String>,
    /// Where the proof of the claim is (order, delivery note, contract): "certaine". An item
    /// read from the accounting carries `import: FILE:LINE` here until a proof is noted.
    pub proof: Option<String>,
}

/// How an item's `proof` says it came from an import: `import: FILE:LINE`.
pub const PROOF_MARK: &str = "import: ";

impl Item {
    /// Whether the item was read from an accounting import (its `proof` is the import's mark).
    pub fn imported(&self) -> bool {
        self.proof
            .as_deref()
            .is_some_and(|p| p.starts_with(PROOF_MARK))
    }

    /// The proof a letter may name: the user's words, never an import's file and line.
    pub fn evidence(&self) -> Option<&str> {
        self.proof
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty() && !p.starts_with(PROOF_MARK))
    }
}

/// Schedule profile names; the profiles themselves live in `schedule`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileId {
    /// B2B recurring client, sizeable amount.
    B2b,
    /// Consumer or freelance small invoice.
    B2c,
    /// Landlord, unpaid rent.
    Rent,
}

impl ProfileId {
    pub fn slug(self) -> &'static str {
        match self {
            ProfileId::B2b => "b2b",
            ProfileId::B2c => "b2c",
            ProfileId::Rent => "rent",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "b2b" => Some(ProfileId::B2b),
            "b2c" => Some(ProfileId::B2c),
            "rent" | "loyer" => Some(ProfileId::Rent),
            _ => None,
        }
    }
    /// Default profile when the dossier does not choose one.
    pub fn default_for(kind: DossierKind, debtor_type: DebtorType) -> Self {
        match (kind, debtor_type) {
            (DossierKind::Rent, _) => ProfileId::Rent,
            (_, DebtorType::B2b) => ProfileId::B2b,
            (_, DebtorType::B2c) => ProfileId::B2c,
        }
    }
}

/// The creditor: the user's own company, from the configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Creditor {
    pub name: String,
    pub address: Vec<String>,
    pub phone: String,
    pub email: String,
    pub siren: String,
    pub iban: String,
    pub bic: String,
    pub account_holder: String,
    pub signatory_name: String,
    pub signatory_function: String,
    pub city: String,
    /// A natural person not acting professionally (changes which legal interest rate applies).
    pub natural_person: bool,
}
