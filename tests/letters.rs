//! Golden tests of every letter template on fixed dossiers folded from hand-written journals,
//! the nine-mentions checker, step suggestion and template overrides.

use chrono::{NaiveDate, TimeZone, Utc};
use recouvre::domain::event::{
    Channel, ContestationOutcome, Event, EventKind, Instalment, NoteKind,
};
use recouvre::domain::fold::{fold, DossierState};
use recouvre::domain::letters::*;
use recouvre::domain::model::*;
use recouvre::domain::money::{last_notice_min_deadline, principal_claim, MoneyRules};
use recouvre::domain::schedule::BuiltinProfiles;
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

const NBSP: char = '\u{a0}';

/// The letter money when only the principal matters (what payments left open).
fn principal_only(st: &DossierState) -> LetterMoney {
    letter_money(&principal_at(st))
}

fn principal_at(st: &DossierState) -> recouvre::domain::money::ClaimAmounts {
    let debtor = Debtor::new(1, "Débiteur", DebtorType::B2c);
    principal_claim(
        st,
        &debtor,
        &Creditor::default(),
        &MoneyRules::default(),
        today(),
    )
}

/// The suggested letter with the built-in profiles, the ladder read on the principal.
fn suggest_step(st: &DossierState, ty: DebtorType, at: NaiveDate) -> LetterStep {
    suggest_step_with(st, ty, &BuiltinProfiles, at, &principal_at(st).owing())
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// `1 234,56 €` with the no-break spaces letters use.
fn eur(s: &str) -> String {
    format!("{}{NBSP}€", s.replace(' ', &NBSP.to_string()))
}

fn today() -> NaiveDate {
    d("2026-03-20")
}

struct Journal {
    events: Vec<Event>,
}

impl Journal {
    fn new(
        date: &str,
        kind: DossierKind,
        jurisdiction: Jurisdiction,
        refund: Option<&str>,
    ) -> Self {
        let mut j = Journal { events: vec![] };
        j.push(
            date,
            EventKind::Created {
                debtor: 1,
                kind,
                profile: None,
                jurisdiction,
                contractual_rate: (kind == DossierKind::Invoices).then(|| dec("12.15")),
                refund_reason: refund.map(str::to_string),
                terms: (kind == DossierKind::Invoices).then(|| "30 jours date de facture".into()),
            },
        );
        j
    }
    fn push(&mut self, date: &str, kind: EventKind) -> &mut Self {
        let seq = self.events.len() as u32;
        self.events.push(Event {
            seq,
            at: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
            date: d(date),
            user: "test".into(),
            kind,
        });
        self
    }
    fn item(&mut self, reference: &str, issued: &str, due: &str, amount: &str) -> &mut Self {
        self.item_with(reference, issued, due, amount, None, None)
    }
    fn item_with(
        &mut self,
        reference: &str,
        issued: &str,
        due: &str,
        amount: &str,
        description: Option<&str>,
        proof: Option<&str>,
    ) -> &mut Self {
        self.push(
            issued,
            EventKind::ItemAdded(Item {
                reference: reference.into(),
                issued: d(issued),
                due: d(due),
                amount: dec(amount),
                description: description.map(str::to_string),
                proof: proof.map(str::to_string),
            }),
        )
    }
    fn relance(&mut self, date: &str, level: u8, channel: Channel) -> &mut Self {
        self.push(
            date,
            EventKind::RelanceSent {
                level,
                channel,
                letter: None,
                overrides: vec![],
            },
        )
    }
    /// A formal notice sent on `date` with the usual 10 days, no tracking number.
    fn notice(&mut self, date: &str, channel: Channel) -> &mut Self {
        self.push(
            date,
            EventKind::NoticeSent {
                channel,
                deadline: d(date) + chrono::Duration::days(10),
                tracking: None,
                letter: None,
                overrides: vec![],
            },
        )
    }
    fn state(&self) -> DossierState {
        fold(7, &self.events).unwrap()
    }
}

fn creditor() -> Creditor {
    Creditor {
        name: "Atelier Durand SAS".into(),
        address: vec!["12 rue des Tanneurs".into(), "69003 Lyon".into()],
        phone: "04 72 00 11 22".into(),
        email: "compta@atelier-durand.fr".into(),
        siren: "812 345 678".into(),
        iban: "FR76 3000 4000 0312 3456 7890 143".into(),
        bic: "BNPAFRPPXXX".into(),
        account_holder: "Atelier Durand SAS".into(),
        signatory_name: "Claire Martin".into(),
        signatory_function: "Responsable du recouvrement".into(),
        city: "Lyon".into(),
        natural_person: false,
    }
}

fn landlord() -> Creditor {
    Creditor {
        name: "SCI Les Tilleuls".into(),
        address: vec!["5 place Bellecour".into(), "69002 Lyon".into()],
        phone: "04 78 00 22 33".into(),
        email: "gestion@sci-tilleuls.fr".into(),
        siren: "440 111 222".into(),
        iban: "FR76 1027 8073 0000 0201 2340 156".into(),
        bic: "CMCIFR2A".into(),
        account_holder: "SCI Les Tilleuls".into(),
        signatory_name: "Paul Girard".into(),
        signatory_function: "Gérant".into(),
        city: "Lyon".into(),
        natural_person: false,
    }
}

fn b2b_debtor() -> Debtor {
    let mut debtor = Debtor::new(1, "Bâtiments Rolland SARL", DebtorType::B2b);
    debtor.address = vec!["4 avenue Foch".into(), "75008 Paris".into()];
    debtor.contact = Some("M. Éric Rolland, gérant".into());
    debtor.customer_number = Some("C-0042".into());
    debtor.siren = Some("501 234 567".into());
    debtor
}

fn b2c_debtor() -> Debtor {
    let mut debtor = Debtor::new(1, "M. Julien Petit", DebtorType::B2c);
    debtor.address = vec!["8 rue Victor Hugo".into(), "33000 Bordeaux".into()];
    debtor
}

fn tenant() -> Debtor {
    let mut debtor = Debtor::new(1, "Mme Sophie Lambert", DebtorType::B2c);
    debtor.address = vec![
        "Appartement 3B".into(),
        "27 rue Sainte-Catherine".into(),
        "69001 Lyon".into(),
    ];
    debtor.customer_number = Some("LOC-12".into());
    debtor
}

/// Two B2B invoices, three reminders (the B2B ladder).
fn b2b_journal(reminders: u8) -> Journal {
    let mut j = Journal::new("2026-01-05", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item_with(
        "F-2026-014",
        "2026-01-05",
        "2026-02-04",
        "1234.56",
        Some("Menuiseries du chantier Foch"),
        Some("bon de commande n° BC-5531 du 2 janvier 2026"),
    )
    .item_with(
        "F-2026-027",
        "2026-01-20",
        "2026-02-19",
        "850.00",
        None,
        Some("bon de livraison n° BL-7710 du 15 janvier 2026, signé sans réserve"),
    );
    let ladder = [
        ("2026-02-09", Channel::Email),
        ("2026-02-19", Channel::Letter),
        ("2026-03-02", Channel::Letter),
    ];
    for (level, (date, channel)) in ladder.iter().enumerate().take(reminders as usize) {
        j.relance(date, level as u8 + 1, *channel);
    }
    j
}

/// Money as the money module will compute it for the B2B dossier on 20 March 2026: contractual
/// rate 12,15 %, penalties per invoice from the day after the due date, 2 × 40 €.
fn b2b_money() -> LetterMoney {
    let line = |kind, label: &str, from: Option<&str>, days, rate: Option<&str>, amount: &str| {
        LetterMoneyLine {
            kind,
            label: label.into(),
            from: from.map(d),
            to: from.map(|_| today()),
            days,
            rate: rate.map(dec),
            amount: dec(amount),
        }
    };
    LetterMoney {
        not_yet_due: Decimal::ZERO,
        items: vec![],
        principal: dec("2084.56"),
        penalties: dec("26.29"),
        indemnities: dec("80"),
        interest: Decimal::ZERO,
        costs: Decimal::ZERO,
        total_due: dec("2190.85"),
        daily_growth: dec("0.69"),
        provisional: false,
        lines: vec![
            line(
                LetterMoneyKind::Penalty,
                "Pénalités de retard, facture F-2026-014",
                Some("2026-02-05"),
                Some(44),
                Some("12.15"),
                "18.08",
            ),
            line(
                LetterMoneyKind::Penalty,
                "Pénalités de retard, facture F-2026-027",
                Some("2026-02-20"),
                Some(29),
                Some("12.15"),
                "8.21",
            ),
            line(
                LetterMoneyKind::Indemnity,
                "Indemnités forfaitaires de recouvrement (2 × 40 €)",
                None,
                None,
                None,
                "80.00",
            ),
        ],
    }
}

fn b2c_journal() -> Journal {
    let mut j = Journal::new("2026-02-02", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item("F-2026-101", "2026-02-02", "2026-02-02", "480.00")
        .relance("2026-02-05", 1, Channel::Email)
        .relance("2026-02-12", 2, Channel::Letter);
    j
}

fn rent_journal() -> Journal {
    let mut j = Journal::new("2026-01-25", DossierKind::Rent, Jurisdiction::Fr, None);
    j.item("Loyer février 2026", "2026-01-25", "2026-02-05", "950.00")
        .item("Loyer mars 2026", "2026-02-25", "2026-03-05", "950.00")
        .relance("2026-02-10", 1, Channel::Letter)
        .relance("2026-03-10", 2, Channel::Letter);
    j
}

const REFUND_REASON: &str =
    "l'acompte versé le 12 janvier 2026 sur la commande n° C-2026-118, annulée le 2 février 2026";

fn refund_journal() -> Journal {
    let mut j = Journal::new(
        "2026-02-02",
        DossierKind::Refund,
        Jurisdiction::Fr,
        Some(REFUND_REASON),
    );
    j.item("Acompte C-2026-118", "2026-01-12", "2026-02-16", "1500.00")
        .relance("2026-02-20", 1, Channel::Email)
        .relance("2026-03-02", 2, Channel::Letter);
    j
}

fn refund_debtor() -> Debtor {
    let mut debtor = Debtor::new(1, "Menuiserie Roux SAS", DebtorType::B2b);
    debtor.address = vec!["3 chemin des Vignes".into(), "38000 Grenoble".into()];
    debtor
}

fn be_debtor() -> Debtor {
    let mut debtor = Debtor::new(1, "M. Thomas Peeters", DebtorType::B2c);
    debtor.address = vec!["Rue de la Loi 16".into(), "1000 Bruxelles".into()];
    debtor.customer_number = Some("C-7781".into());
    debtor
}

fn be_journal() -> Journal {
    let mut j = Journal::new("2026-02-01", DossierKind::Invoices, Jurisdiction::Be, None);
    j.item_with(
        "INV-2026-0311",
        "2026-02-01",
        "2026-02-15",
        "320.00",
        Some("Abonnement annuel au service de maintenance"),
        None,
    )
    .relance("2026-02-20", 1, Channel::Email);
    j
}

fn nl_debtor() -> Debtor {
    let mut debtor = Debtor::new(1, "Mevr. Anna de Vries", DebtorType::B2c);
    debtor.address = vec!["Prinsengracht 263".into(), "1016 GV Amsterdam".into()];
    debtor
}

fn nl_journal() -> Journal {
    let mut j = Journal::new("2026-01-10", DossierKind::Invoices, Jurisdiction::Nl, None);
    j.item("INV-2026-0042", "2026-01-10", "2026-01-24", "640.00")
        .relance("2026-01-27", 1, Channel::Email);
    j
}

#[test]
fn a_dutch_consumer_gets_the_european_order_not_a_french_cerfa() {
    let case = Case::new(
        &nl_journal(),
        nl_debtor(),
        creditor(),
        LetterStep::InjonctionLetter,
    );
    let (text, ctx) = case.render();
    let inj = ctx.injonction.as_ref().unwrap();
    assert_eq!(inj.court_kind, InjonctionCourt::EuropeanOrder);
    assert_eq!(inj.cerfa, None);
    assert!(inj.european && !inj.small_claim_possible);
    assert_contains(
        &text,
        &[
            "1896/2006",
            "formulaire A",
            "Juridiction compétente des Pays-Bas",
            "Demande d'injonction de payer européenne",
            "article 18, paragraphe 2, du règlement (UE) n° 1215/2012",
        ],
    );
    let lower = text.to_lowercase();
    for wrong in [
        "cerfa",
        "tribunal judiciaire",
        "tribunal de commerce",
        "1405",
    ] {
        assert!(!lower.contains(wrong), "unexpected {wrong:?} in:\n{text}");
    }
    for doc in &inj.documents {
        assert!(!doc.to_lowercase().contains("cerfa"), "{doc}");
    }
    insta::assert_snapshot!("injonction_letter_nl_consumer", text);
}

#[test]
fn a_letter_on_a_time_barred_claim_carries_a_warning() {
    // A consumer invoice due 15 January 2023, no interruption: time-barred after 15 January 2025
    // (L218-2 Code de la consommation).
    let mut j = Journal::new("2023-01-01", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item("F-2023-001", "2022-12-16", "2023-01-15", "200.00");
    let ctx = Case::new(&j, b2c_debtor(), creditor(), LetterStep::MiseEnDemeure).context();
    assert!(
        ctx.warnings
            .iter()
            .any(|w| w.contains("prescrite depuis le 15/01/2025")),
        "{:?}",
        ctx.warnings
    );
    // A live claim has no such warning.
    let ctx = Case::new(
        &b2c_journal(),
        b2c_debtor(),
        creditor(),
        LetterStep::MiseEnDemeure,
    )
    .context();
    assert!(
        !ctx.warnings.iter().any(|w| w.contains("prescrite")),
        "{:?}",
        ctx.warnings
    );
}

struct Case {
    state: DossierState,
    events: Vec<Event>,
    debtor: Debtor,
    creditor: Creditor,
    step: LetterStep,
    options: LetterOptions,
    money: Option<LetterMoney>,
}

impl Case {
    fn new(j: &Journal, debtor: Debtor, creditor: Creditor, step: LetterStep) -> Case {
        Case {
            state: j.state(),
            events: j.events.clone(),
            debtor,
            creditor,
            step,
            options: LetterOptions::default(),
            money: None,
        }
    }
    fn money(mut self, m: LetterMoney) -> Case {
        self.money = Some(m);
        self
    }
    fn options(mut self, o: LetterOptions) -> Case {
        self.options = o;
        self
    }
    fn context(&self) -> LetterContext {
        build_context(&LetterInput {
            state: &self.state,
            events: &self.events,
            debtor: &self.debtor,
            creditor: &self.creditor,
            today: today(),
            step: self.step,
            options: self.options.clone(),
            money: self
                .money
                .clone()
                .unwrap_or_else(|| principal_only(&self.state)),
        })
    }
    fn render(&self) -> (String, LetterContext) {
        let ctx = self.context();
        let text = Templates::builtin().render(&ctx).expect("renders");
        (text, ctx)
    }
}

fn b2b_case(step: LetterStep, reminders: u8) -> Case {
    Case::new(&b2b_journal(reminders), b2b_debtor(), creditor(), step).money(b2b_money())
}

/// Joins wrapped lines: ordinary spaces and line breaks collapse to one space (no-break spaces
/// are kept, they are part of amounts).
fn flat(s: &str) -> String {
    s.split([' ', '\n'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn assert_contains(text: &str, needles: &[&str]) {
    let f = flat(text);
    for n in needles {
        assert!(f.contains(&flat(n)), "missing {n:?} in:\n{text}");
    }
}

fn assert_lacks(text: &str, needles: &[&str]) {
    let f = flat(text);
    for n in needles {
        assert!(!f.contains(&flat(n)), "unexpected {n:?} in:\n{text}");
    }
}

fn common_b2b(text: &str) {
    assert_contains(
        text,
        &[
            "Atelier Durand SAS",
            "12 rue des Tanneurs",
            "Bâtiments Rolland SARL",
            "Siège social",
            "4 avenue Foch",
            "75008 Paris",
            "Lyon, le 20 mars 2026",
            "F-2026-014",
            "F-2026-027",
            "05/01/2026",
            "04/02/2026",
            "19/02/2026",
            &eur("1 234,56"),
            &eur("850,00"),
            "FR76 3000 4000 0312 3456 7890 143",
            "Référence à rappeler : F-2026-014, F-2026-027",
            "Votre numéro de client : C-0042",
            "Claire Martin",
            "Responsable du recouvrement",
        ],
    );
    assert!(text.lines().all(|l| l.chars().count() <= 78), "{text}");
}

// ---------------------------------------------------------------- golden texts

#[test]
fn golden_relance_1() {
    let (text, _) = b2b_case(LetterStep::Relance1, 0).render();
    common_b2b(&text);
    assert_contains(
        &text,
        &[
            "Objet : Rappel de paiement — Factures n° F-2026-014 et F-2026-027",
            "Envoyé par courriel",
            "simple oubli",
            // The sum asked is everything due, and the letter says briefly what it is made of.
            &format!(
                "la somme de {}, soit {} en principal, {} de pénalités de retard et {} d'indemnité forfaitaire pour frais de recouvrement",
                eur("2 190,85"),
                eur("2 084,56"),
                eur("26,29"),
                eur("80,00")
            ),
            "au plus tard le 28 mars 2026",
            // Sent by e-mail: it is not a "courrier".
            "ce courriel a pour seul objet",
        ],
    );
    // A first reminder stays courteous: no breakdown table of penalties.
    assert_lacks(&text, &["Pénalités", "ce courrier", "Lettre simple"]);
    insta::assert_snapshot!("relance_1", text);
}

#[test]
fn golden_relance_2() {
    let (text, _) = b2b_case(LetterStep::Relance2, 1).render();
    common_b2b(&text);
    assert_contains(
        &text,
        &[
            "Objet : Deuxième relance — Factures n° F-2026-014 et F-2026-027",
            "Malgré notre relance du 9 février 2026",
            "L441-10",
            "12,15\u{a0}% l'an",
            "40 € par facture",
            "taux 12,15\u{a0}% l'an, du 05/02/2026 au 20/03/2026, 44 jours",
            &eur("18,08"),
            &eur("80,00"),
            &eur("2 190,85"),
            &format!("augmente de {} par jour", eur("0,69")),
            "suspendre nos livraisons",
        ],
    );
    insta::assert_snapshot!("relance_2", text);
}

#[test]
fn golden_relance_3() {
    let (text, _) = b2b_case(LetterStep::Relance3, 2).render();
    common_b2b(&text);
    assert_contains(
        &text,
        &[
            "Objet : Dernière relance avant mise en demeure",
            "du 9 février 2026 et du 19 février 2026",
            "dernière relance amiable",
            "mise en demeure formelle",
            "injonction de payer",
            &eur("2 190,85"),
        ],
    );
    insta::assert_snapshot!("relance_3", text);
}

#[test]
fn golden_mise_en_demeure_b2b() {
    // Sent by LRAR (the B2B profile's default for a notice is a commissaire de justice).
    let case = b2b_case(LetterStep::MiseEnDemeure, 3).options(LetterOptions {
        tracking: Some("1A 234 567 8901 2".into()),
        channel: Some(Channel::Lrar),
        ..LetterOptions::default()
    });
    let (text, ctx) = case.render();
    common_b2b(&text);
    assert_contains(
        &text,
        &[
            "Lettre recommandée avec demande d'avis de réception n° 1A 234 567 8901 2",
            "Objet : MISE EN DEMEURE DE PAYER — Factures n° F-2026-014 et F-2026-027",
            "Nos relances du 9 février 2026, du 19 février 2026 et du 2 mars 2026 sont restées",
            "mettons en demeure",
            &eur("2 190,85"),
            &eur("26,29").replace("26,29", "18,08"),
            "délai de 8 jours",
            "au plus tard le 28 mars 2026",
            "injonction de payer",
            "article 1344 du Code civil",
        ],
    );
    assert!(ctx.warnings.is_empty(), "{:?}", ctx.warnings);
    assert_eq!(check_notice_mentions(&text, &ctx), vec![]);
    insta::assert_snapshot!("mise_en_demeure_b2b", text);
}

#[test]
fn golden_mise_en_demeure_b2c_has_no_penalties_nor_indemnity() {
    // The caller (wrongly) passes B2B money: the letter engine must not claim it from a consumer.
    let mut money = b2b_money();
    money.principal = dec("480");
    money.total_due = dec("480") + money.penalties + money.indemnities;
    let case = Case::new(
        &b2c_journal(),
        b2c_debtor(),
        creditor(),
        LetterStep::MiseEnDemeure,
    )
    .money(money);
    let (text, ctx) = case.render();
    assert_contains(
        &text,
        &[
            "M. Julien Petit",
            "8 rue Victor Hugo",
            "33000 Bordeaux",
            "Objet : MISE EN DEMEURE DE PAYER — Facture n° F-2026-101",
            &format!("la somme de {}.", eur("480,00")),
            "Nos relances du 5 février 2026 et du 12 février 2026",
            "intérêts au taux légal à compter de la présente mise en demeure",
            "1231-6 et 1344-1",
        ],
    );
    assert_lacks(
        &text,
        &[
            "40 €",
            "40,00",
            "Pénalité",
            "pénalité",
            "indemnité forfaitaire",
            "Siège social",
            "L441",
            // The daily growth of the dropped penalties must not leak into the letter.
            "par jour",
        ],
    );
    assert_eq!(ctx.warnings.len(), 2, "{:?}", ctx.warnings);
    assert_eq!(check_notice_mentions(&text, &ctx), vec![]);
    insta::assert_snapshot!("mise_en_demeure_b2c", text);
}

#[test]
fn golden_mise_en_demeure_rent() {
    let case = Case::new(
        &rent_journal(),
        tenant(),
        landlord(),
        LetterStep::MiseEnDemeure,
    )
    .options(LetterOptions {
        channel: Some(Channel::Commissaire),
        deadline_days: Some(15),
        ..LetterOptions::default()
    });
    let (text, ctx) = case.render();
    assert_contains(
        &text,
        &[
            "SCI Les Tilleuls",
            "Mme Sophie Lambert",
            "27 rue Sainte-Catherine",
            // Served by a commissaire de justice: a "sommation de payer", not a letter.
            "Sommation de payer — acte de commissaire de justice",
            "à compter de la date du présent acte",
            "Le présent acte vaut sommation de payer et mise en demeure",
            "Objet : MISE EN DEMEURE DE PAYER — Loyers et charges impayés (Loyer février 2026 et Loyer mars 2026)",
            "Référence locataire : LOC-12",
            "En notre qualité de bailleur",
            "au titre du bail",
            "des loyers et charges suivants",
            "Exigible le",
            &eur("1 900,00"),
            "délai de 15 jours",
            "au plus tard le 4 avril 2026",
            "clause résolutoire du bail",
            "Paul Girard",
            "Gérant",
        ],
    );
    assert_lacks(
        &text,
        &[
            "facture",
            "Facture",
            "40 €",
            "recommandée avec",
            "présente lettre",
        ],
    );
    assert_eq!(check_notice_mentions(&text, &ctx), vec![]);
    insta::assert_snapshot!("mise_en_demeure_rent", text);
}

#[test]
fn golden_mise_en_demeure_remboursement() {
    let case = Case::new(
        &refund_journal(),
        refund_debtor(),
        creditor(),
        LetterStep::MiseEnDemeureRemboursement,
    );
    let (text, ctx) = case.render();
    assert_contains(
        &text,
        &[
            "Menuiserie Roux SAS",
            "38000 Grenoble",
            &format!(
                "Objet : MISE EN DEMEURE DE REMBOURSER — Remboursement de la somme de {}",
                eur("1 500,00")
            ),
            "Acompte C-2026-118",
            "exigible le 16 février 2026",
            "Malgré nos relances du 20 février 2026 et du 2 mars 2026",
            "taux légal à compter de la présente mise en demeure",
            "au plus tard le 28 mars 2026",
            "injonction de payer",
        ],
    );
    assert_contains(&text, &[REFUND_REASON]);
    assert_eq!(check_notice_mentions(&text, &ctx), vec![]);
    insta::assert_snapshot!("mise_en_demeure_remboursement", text);
}

fn be_money() -> LetterMoney {
    // Belgian cap for 320 €: 30 € + 10 % of the part above 150 € = 47 €.
    LetterMoney {
        principal: dec("320"),
        costs: dec("47"),
        total_due: dec("320"),
        ..LetterMoney::default()
    }
}

#[test]
fn golden_last_notice_nl_be() {
    let case = Case::new(
        &be_journal(),
        be_debtor(),
        creditor(),
        LetterStep::LastNoticeNlBe,
    )
    .money(be_money());
    let (text, ctx) = case.render();
    assert_contains(
        &text,
        &[
            "M. Thomas Peeters",
            "1000 Bruxelles",
            "Votre numéro de client : C-7781",
            "Facture n° : INV-2026-0311",
            "Date de la facture : 01/02/2026",
            "Date d'échéance : 15/02/2026",
            "Description : Abonnement annuel au service de maintenance",
            &format!("Montant total restant dû : {}", eur("320,00")),
            "au moins 14 jours, à compter du lendemain",
            // Paper sending in Belgium: from the third working day (Wed 25 March) + 14 days.
            "au plus tard le 8 avril 2026 (08/04/2026)",
            "FR76 3000 4000 0312 3456 7890 143",
            "Titulaire du compte : Atelier Durand SAS",
            "Référence à rappeler : INV-2026-0311",
            &format!("frais de recouvrement d'un montant de {}", eur("47,00")),
            &eur("367,00"),
            "livre XIX",
        ],
    );
    assert_lacks(&text, &["pénalité", "40 €"]);
    assert_eq!(check_mentions(&text, &ctx), vec![]);
    insta::assert_snapshot!("last_notice_nl_be", text);
}

#[test]
fn golden_contestation_reply() {
    let mut j = b2b_journal(2);
    j.push(
        "2026-03-10",
        EventKind::ContestationReceived {
            reason: "menuiseries non conformes".into(),
            text: "Les menuiseries livrées ne correspondent pas au devis.".into(),
            review: None,
        },
    );
    let case =
        Case::new(&j, b2b_debtor(), creditor(), LetterStep::ContestationReply).money(b2b_money());
    let (text, _) = case.render();
    common_b2b(&text);
    assert_contains(
        &text,
        &[
            "Objet : Réponse à votre contestation du 10 mars 2026",
            "courrier du 10 mars 2026",
            "« menuiseries non conformes »",
            "point par point",
            "1. La commande.",
            "bon de commande n° BC-5531",
            "2. La livraison.",
            "3. La facturation.",
            "30 jours date de facture",
            "maintenons donc intégralement notre créance",
            &eur("2 190,85"),
            "injonction de payer",
        ],
    );
    insta::assert_snapshot!("contestation_reply", text);
}

#[test]
fn golden_payment_plan_proposal() {
    let case = Case::new(
        &b2c_journal(),
        b2c_debtor(),
        creditor(),
        LetterStep::PaymentPlanProposal,
    );
    let (text, ctx) = case.render();
    assert_contains(
        &text,
        &[
            "Objet : Proposition d'échéancier de paiement — Facture n° F-2026-101",
            "Échéancier en 3 versements",
            "20/04/2026",
            "20/05/2026",
            "20/06/2026",
            &eur("160,00"),
            &eur("480,00"),
            "immédiatement exigible",
            "reconnaissance de la dette",
            "avant le 20 avril 2026",
        ],
    );
    assert!(ctx.warnings.is_empty(), "{:?}", ctx.warnings);
    insta::assert_snapshot!("payment_plan_proposal", text);

    // An agreed plan from the journal is confirmed, not proposed.
    let mut j = b2c_journal();
    j.push(
        "2026-03-15",
        EventKind::PaymentPlanAgreed {
            instalments: vec![
                Instalment {
                    due: d("2026-04-05"),
                    amount: dec("240"),
                },
                Instalment {
                    due: d("2026-05-05"),
                    amount: dec("240"),
                },
            ],
        },
    );
    let (text, _) = Case::new(
        &j,
        b2c_debtor(),
        creditor(),
        LetterStep::PaymentPlanProposal,
    )
    .render();
    assert_contains(&text, &["Comme convenu", "05/04/2026", &eur("240,00")]);
    assert_lacks(&text, &["Bon pour accord"]);
}

#[test]
fn golden_settlement_confirmation() {
    let mut j = b2b_journal(2);
    j.push(
        "2026-03-01",
        EventKind::PaymentReceived {
            amount: dec("500"),
            reference: Some("VIR-0301".into()),
            invoice: None,
        },
    )
    .push(
        "2026-03-18",
        EventKind::PaymentReceived {
            amount: dec("1584.56"),
            reference: None,
            invoice: None,
        },
    );
    let case = Case::new(
        &j,
        b2b_debtor(),
        creditor(),
        LetterStep::SettlementConfirmation,
    );
    assert_eq!(
        suggest_step(&case.state, DebtorType::B2b, today()),
        LetterStep::SettlementConfirmation
    );
    let (text, _) = case.render();
    assert_contains(
        &text,
        &[
            "Objet : Confirmation de règlement — Factures n° F-2026-014 et F-2026-027",
            "en dernier lieu le 18 mars 2026",
            "le 1er mars 2026",
            "(référence VIR-0301)",
            &eur("1 584,56"),
            &format!("Total des règlements : {}", eur("2 084,56")),
            "Votre compte est soldé",
        ],
    );
    insta::assert_snapshot!("settlement_confirmation", text);

    let mut j = rent_journal();
    j.push(
        "2026-03-18",
        EventKind::PaymentReceived {
            amount: dec("1900"),
            reference: None,
            invoice: None,
        },
    );
    let (text, _) =
        Case::new(&j, tenant(), landlord(), LetterStep::SettlementConfirmation).render();
    assert_contains(&text, &["vaut quittance"]);
}

fn notice_journal() -> Journal {
    let mut j = b2b_journal(3);
    j.push(
        "2026-03-03",
        EventKind::NoticeSent {
            channel: Channel::Lrar,
            deadline: d("2026-03-13"),
            tracking: Some("1A 234 567 8901 2".into()),
            letter: None,
            overrides: vec![],
        },
    )
    .push(
        "2026-03-05",
        EventKind::AcknowledgementReceived {
            tracking: Some("1A 234 567 8901 2".into()),
        },
    );
    j
}

#[test]
fn golden_injonction_letter() {
    let j = notice_journal();
    let case =
        Case::new(&j, b2b_debtor(), creditor(), LetterStep::InjonctionLetter).money(b2b_money());
    assert_eq!(
        suggest_step(&case.state, DebtorType::B2b, today()),
        LetterStep::InjonctionLetter
    );
    let (text, ctx) = case.render();
    assert_contains(
        &text,
        &[
            "Tribunal de commerce de Paris",
            "Objet : Requête en injonction de payer — Atelier Durand SAS contre Bâtiments Rolland SARL",
            "Cerfa n° 12946*02",
            "articles 1405 et suivants du Code de procédure civile",
            "SIREN : 501 234 567",
            "certaine",
            "liquide",
            "exigible",
            "le 9 février 2026 : relance n° 1 (courriel)",
            "le 3 mars 2026 : mise en demeure (lettre recommandée avec AR, n° 1A 234 567 8901 2)",
            "a expiré le 13 mars 2026",
            &eur("2 190,85"),
            "Pièces jointes :",
            "la facture n° F-2026-014 du 05/01/2026",
            "avis de réception signé le 5 mars 2026",
            "extrait Kbis de notre société",
        ],
    );
    assert_eq!(
        ctx.injonction.as_ref().unwrap().cerfa.as_deref(),
        Some("12946*02")
    );
    insta::assert_snapshot!("injonction_letter", text);

    // Consumer: tribunal judiciaire; consumer tenant: juge des contentieux de la protection.
    let (text, _) = Case::new(
        &b2c_journal(),
        b2c_debtor(),
        creditor(),
        LetterStep::InjonctionLetter,
    )
    .render();
    assert_contains(&text, &["12948*06", "Tribunal judiciaire de Bordeaux"]);
    insta::assert_snapshot!("injonction_letter_b2c", text);
    let (text, _) = Case::new(
        &rent_journal(),
        tenant(),
        landlord(),
        LetterStep::InjonctionLetter,
    )
    .render();
    assert_contains(
        &text,
        &[
            "16040*01",
            "Juge des contentieux de la protection du tribunal judiciaire de Lyon",
            "Madame, Monsieur le Juge,",
            "le bail signé",
        ],
    );
    insta::assert_snapshot!("injonction_letter_rent", text);
}

#[test]
fn the_injonction_attaches_what_proves_the_notice_by_the_way_it_went() {
    // Served by a commissaire de justice: the act proves its own service; there is no
    // "avis de réception" to attach.
    let request = |channel: Channel, tracking: Option<&str>, receipt: Option<&str>| {
        let mut j = b2b_journal(3);
        j.push(
            "2026-03-03",
            EventKind::NoticeSent {
                channel,
                deadline: d("2026-03-13"),
                tracking: tracking.map(str::to_string),
                letter: None,
                overrides: vec![],
            },
        );
        if let Some(r) = receipt {
            j.push(r, EventKind::AcknowledgementReceived { tracking: None });
        }
        Case::new(&j, b2b_debtor(), creditor(), LetterStep::InjonctionLetter)
            .money(b2b_money())
            .render()
            .0
    };
    let text = request(Channel::Commissaire, None, None);
    assert_contains(
        &text,
        &["l'acte de commissaire de justice du 3 mars 2026 portant sommation de payer"],
    );
    assert_lacks(&text, &["avis de réception"]);

    // Registered, its acknowledgment not yet back: the letter still names it, to be attached.
    let text = request(Channel::Lrar, Some("1A 234 567 8901 2"), None);
    assert_contains(
        &text,
        &["la copie de la mise en demeure du 3 mars 2026, la preuve de dépôt (n° 1A 234 567 8901 2) et l'avis de réception ;"],
    );

    // By e-mail, its receipt recorded: no signed acknowledgment claimed, in the chronology or
    // the attachments.
    let text = request(Channel::Email, None, Some("2026-03-04"));
    assert_contains(
        &text,
        &[
            "le 4 mars 2026 : réception de la mise en demeure.",
            "la copie de la mise en demeure envoyée par courriel le 3 mars 2026 et la preuve de sa réception le 4 mars 2026",
        ],
    );
    assert_lacks(&text, &["avis de réception"]);
}

/// Two invoices read from the accounting (their proof is the import's file and line), a
/// registered notice sent and ignored.
fn imported_journal() -> Journal {
    let mut j = Journal::new("2026-01-05", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item_with(
        "F-1",
        "2026-01-05",
        "2026-02-04",
        "1000.00",
        None,
        Some("import: fec.txt:12"),
    )
    .item_with(
        "F-2",
        "2026-01-10",
        "2026-02-09",
        "500.00",
        None,
        Some("import: fec.txt:13"),
    )
    .notice("2026-03-03", Channel::Lrar);
    j
}

#[test]
fn letters_name_the_proofs_noted_never_an_import_file() {
    let proof = |j: &mut Journal, invoice: &str, text: &str| {
        j.push(
            "2026-03-16",
            EventKind::ProofRecorded {
                invoice: invoice.into(),
                proof: text.into(),
            },
        );
    };
    // Nothing noted yet: the accounting line is no proof to attach or to quote to the debtor.
    let j = imported_journal();
    let (text, _) = Case::new(&j, b2b_debtor(), creditor(), LetterStep::InjonctionLetter).render();
    assert_contains(
        &text,
        &["le bon de commande, le devis accepté ou le contrat, et nos conditions générales de vente"],
    );
    assert_lacks(&text, &["fec.txt", "justificatif"]);
    let (text, _) = Case::new(&j, b2b_debtor(), creditor(), LetterStep::ContestationReply).render();
    assert_contains(
        &text,
        &["les documents contractuels qui l'établissent sont à votre disposition"],
    );
    assert_lacks(&text, &["fec.txt"]);

    // One noted: named with its invoice; the usual pieces stay for the other.
    let mut j = imported_journal();
    proof(&mut j, "F-2", "bon de livraison BL-9 signé");
    let st = j.state();
    assert!(
        st.imported("F-1") && st.imported("F-2"),
        "still from the import"
    );
    let (text, _) = Case::new(&j, b2b_debtor(), creditor(), LetterStep::InjonctionLetter).render();
    assert_contains(
        &text,
        &[
            "le justificatif de la facture n° F-2 : bon de livraison BL-9 signé ;",
            "les bons de livraison signés ou les procès-verbaux de réception",
        ],
    );
    assert_lacks(&text, &["fec.txt"]);

    // Both noted, the same document: one line for both, and no generic list repeating it.
    proof(&mut j, "F-1", "bon de livraison BL-9 signé");
    let (text, _) = Case::new(&j, b2b_debtor(), creditor(), LetterStep::InjonctionLetter).render();
    assert_contains(
        &text,
        &[
            "le justificatif des factures n° F-1 et F-2 : bon de livraison BL-9 signé ;",
            "nos conditions générales de vente ;",
        ],
    );
    assert_lacks(
        &text,
        &["les bons de livraison signés ou", "le devis accepté"],
    );
    let (text, _) = Case::new(&j, b2b_debtor(), creditor(), LetterStep::ContestationReply).render();
    assert_contains(
        &text,
        &["ainsi qu'en attestent les pièces suivantes : bon de livraison BL-9 signé."],
    );
}

#[test]
fn the_judge_reads_the_debtor_s_payment_in_the_third_person() {
    // A partial payment first settles the penalties: the breakdown the debtor and the court
    // both read says "Règlement", never "Votre règlement" to the judge.
    let mut j = notice_journal();
    j.push(
        "2026-03-10",
        EventKind::PaymentReceived {
            amount: dec("500.00"),
            reference: None,
            invoice: None,
        },
    );
    let c = composed(&j, &b2b_debtor(), step(LetterStep::InjonctionLetter));
    assert_contains(
        &c.text,
        &["Règlement du 10/03/2026 imputé sur les pénalités"],
    );
    assert_lacks(&c.text, &["Votre règlement"]);
}

#[test]
fn rent_relances_use_rent_wording() {
    for step in [
        LetterStep::Relance1,
        LetterStep::Relance2,
        LetterStep::Relance3,
    ] {
        let (text, _) = Case::new(&rent_journal(), tenant(), landlord(), step).render();
        assert_contains(&text, &["loyer", "bail", "Exigible le"]);
        assert_lacks(&text, &["facture", "Facture", "livraisons"]);
        insta::assert_snapshot!(format!("rent_{}", step.slug()), text);
    }
}

#[test]
fn refund_relance_states_reason() {
    let (text, _) = Case::new(
        &refund_journal(),
        refund_debtor(),
        creditor(),
        LetterStep::Relance1,
    )
    .render();
    assert_contains(&text, &[REFUND_REASON]);
    assert_contains(&text, &[&eur("1 500,00")]);
}

// ---------------------------------------------------------------- the nine mentions

/// Deletes every paragraph (block between blank lines) whose flattened text contains `needle`.
fn drop_paragraphs(text: &str, needle: &str) -> String {
    let needle = flat(needle);
    let out: Vec<String> = text
        .split("\n\n")
        .filter(|p| !flat(p).contains(&needle))
        .map(str::to_string)
        .collect();
    assert_ne!(out.join("\n\n"), text, "nothing removed for {needle:?}");
    out.join("\n\n")
}

fn drop_lines(text: &str, pred: impl Fn(&str) -> bool) -> String {
    text.lines()
        .filter(|l| !pred(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Edits the rendered notice the way a user might, removing one mention.
fn remove(text: &str, ctx: &LetterContext, m: Mention) -> String {
    match m {
        Mention::Creditor => drop_paragraphs(text, &ctx.creditor.address[0]),
        Mention::Debtor => drop_paragraphs(text, &ctx.debtor.address[0]),
        Mention::NoticeTitle => text.replace("MISE EN DEMEURE DE", "Rappel :"),
        Mention::WritingDate => drop_lines(text, |l| l.contains(", le ")),
        Mention::Claim if ctx.refund => drop_paragraphs(text, "au titre de :"),
        Mention::Claim => drop_paragraphs(text, &ctx.items[0].due),
        Mention::PreviousReminders => drop_paragraphs(text, &ctx.reminders[0].date_long),
        Mention::Deadline => drop_paragraphs(text, &ctx.deadline.as_ref().unwrap().date_long),
        Mention::Consequences => drop_paragraphs(text, "injonction de payer"),
        Mention::Signature => drop_paragraphs(text, &ctx.signatory.name),
        other => panic!("not a notice mention: {other:?}"),
    }
}

fn notice_cases() -> Vec<(&'static str, Case)> {
    vec![
        ("b2b", b2b_case(LetterStep::MiseEnDemeure, 3)),
        (
            "b2c",
            Case::new(
                &b2c_journal(),
                b2c_debtor(),
                creditor(),
                LetterStep::MiseEnDemeure,
            ),
        ),
        (
            "rent",
            Case::new(
                &rent_journal(),
                tenant(),
                landlord(),
                LetterStep::MiseEnDemeure,
            ),
        ),
        (
            "refund",
            Case::new(
                &refund_journal(),
                refund_debtor(),
                creditor(),
                LetterStep::MiseEnDemeureRemboursement,
            ),
        ),
    ]
}

#[test]
fn every_notice_carries_the_nine_mentions() {
    for (name, case) in notice_cases() {
        let (text, ctx) = case.render();
        assert_eq!(
            check_notice_mentions(&text, &ctx),
            vec![],
            "{name}:\n{text}"
        );
        assert_eq!(check_mentions(&text, &ctx), vec![], "{name}");
    }
}

#[test]
fn removing_any_mention_is_detected() {
    for (name, case) in notice_cases() {
        let (text, ctx) = case.render();
        for m in Mention::NOTICE {
            let edited = remove(&text, &ctx, m);
            let missing = check_notice_mentions(&edited, &ctx);
            if missing != vec![m] {
                eprintln!("{name}: removing {m:?} gives {missing:?}");
            }
            assert_eq!(missing, vec![m], "{name}: removing {m:?}\n{edited}");
            assert!(!m.label().is_empty());
        }
    }
}

#[test]
fn mentions_survive_rewrapping() {
    let (text, ctx) = b2b_case(LetterStep::MiseEnDemeure, 3).render();
    // Joining every paragraph into one long line (as a word processor would) changes nothing.
    let joined: String = text
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n");
    assert_eq!(check_notice_mentions(&joined, &ctx), vec![]);
    // Lower-case subject still counts; an empty text misses all nine.
    assert_eq!(
        check_notice_mentions(&text.replace("MISE EN DEMEURE", "Mise en demeure"), &ctx),
        vec![]
    );
    assert_eq!(check_notice_mentions("", &ctx), Mention::NOTICE.to_vec());
}

#[test]
fn last_notice_mentions_removal_is_detected() {
    let case = Case::new(
        &be_journal(),
        be_debtor(),
        creditor(),
        LetterStep::LastNoticeNlBe,
    )
    .money(be_money());
    let (text, ctx) = case.render();
    for (m, needle) in [
        (Mention::InvoiceNumber, "INV-2026-0311"),
        (Mention::InvoiceDate, "01/02/2026"),
        (Mention::DueDate, "15/02/2026"),
        (Mention::CustomerNumber, "C-7781"),
        (Mention::Description, "Abonnement annuel"),
        (Mention::BankDetails, "FR76 3000"),
        (Mention::CollectionCosts, "47,00"),
    ] {
        let edited = drop_lines(&text, |l| l.contains(needle));
        assert!(
            check_last_notice_mentions(&edited, &ctx).contains(&m),
            "{m:?}\n{edited}"
        );
    }
}

// ---------------------------------------------------------------- step choice

#[test]
fn suggested_steps_follow_the_ladder() {
    let t = today();
    let step = |j: &Journal, ty| suggest_step(&j.state(), ty, t);
    assert_eq!(step(&b2b_journal(0), DebtorType::B2b), LetterStep::Relance1);
    assert_eq!(step(&b2b_journal(1), DebtorType::B2b), LetterStep::Relance2);
    assert_eq!(step(&b2b_journal(2), DebtorType::B2b), LetterStep::Relance3);
    assert_eq!(
        step(&b2b_journal(3), DebtorType::B2b),
        LetterStep::MiseEnDemeure
    );
    // The consumer profile has no third reminder.
    assert_eq!(
        step(&b2c_journal(), DebtorType::B2c),
        LetterStep::MiseEnDemeure
    );
    assert_eq!(
        step(&rent_journal(), DebtorType::B2c),
        LetterStep::MiseEnDemeure
    );
    assert_eq!(
        step(&refund_journal(), DebtorType::B2b),
        LetterStep::Relance3
    );
    let mut r = refund_journal();
    r.relance("2026-03-10", 3, Channel::Letter);
    assert_eq!(
        step(&r, DebtorType::B2b),
        LetterStep::MiseEnDemeureRemboursement
    );
    let mut be = be_journal();
    be.relance("2026-03-01", 2, Channel::Letter);
    assert_eq!(step(&be, DebtorType::B2c), LetterStep::LastNoticeNlBe);
    // A Belgian professional gets the ordinary notice (after the B2B third reminder).
    be.relance("2026-03-05", 3, Channel::Letter);
    assert_eq!(step(&be, DebtorType::B2b), LetterStep::MiseEnDemeure);

    // Before the notice deadline the notice stays current; after it, the injonction letter.
    let n = notice_journal();
    assert_eq!(
        suggest_step(&n.state(), DebtorType::B2b, d("2026-03-13")),
        LetterStep::MiseEnDemeure
    );
    assert_eq!(
        suggest_step(&n.state(), DebtorType::B2b, d("2026-03-14")),
        LetterStep::InjonctionLetter
    );

    let mut c = b2b_journal(2);
    c.push(
        "2026-03-10",
        EventKind::ContestationReceived {
            reason: "qualité".into(),
            text: String::new(),
            review: None,
        },
    );
    assert_eq!(step(&c, DebtorType::B2b), LetterStep::ContestationReply);
    c.push(
        "2026-03-12",
        EventKind::ContestationResolved {
            outcome: recouvre::domain::event::ContestationOutcome::Rejected,
            note: String::new(),
        },
    );
    assert_eq!(step(&c, DebtorType::B2b), LetterStep::Relance3);

    let mut p = b2c_journal();
    p.push(
        "2026-03-15",
        EventKind::PaymentPlanAgreed {
            instalments: vec![Instalment {
                due: d("2026-04-05"),
                amount: dec("480"),
            }],
        },
    );
    assert_eq!(step(&p, DebtorType::B2c), LetterStep::PaymentPlanProposal);
}

// ---------------------------------------------------------------- overrides and errors

#[test]
fn override_replaces_a_template_and_is_listed() {
    let path = PathBuf::from("/home/cm/.config/recouvre/templates/relance_1.txt.j2");
    let templates = Templates::builtin()
        .with_override(
            "relance_1.txt.j2",
            "Bonjour {{ debtor.name }},\nmerci de régler {{ money.principal }}.\n",
            &path,
        )
        .unwrap();
    let ctx = b2b_case(LetterStep::Relance1, 0).context();
    let text = templates.render(&ctx).unwrap();
    assert_eq!(
        text,
        format!(
            "Bonjour Bâtiments Rolland SARL,\nmerci de régler {}.\n",
            eur("2 084,56")
        )
    );
    let list = templates.list();
    let r1 = list.iter().find(|i| i.name == "relance_1").unwrap();
    assert_eq!(r1.origin, TemplateOrigin::Override(path.clone()));
    assert_eq!(r1.file_name, "relance_1.txt.j2");
    assert_eq!(r1.step, Some(LetterStep::Relance1));
    assert!(r1.origin.label().contains("relance_1.txt.j2"));
    assert!(list
        .iter()
        .filter(|i| i.name != "relance_1")
        .all(|i| i.origin == TemplateOrigin::Builtin));
    assert_eq!(list.iter().filter(|i| i.step.is_some()).count(), 11);
    // Overriding a shared part changes every letter that includes it.
    let templates = Templates::builtin()
        .with_override(
            "_signature",
            "— {{ signatory.name }}\n",
            "/x/_signature.txt.j2",
        )
        .unwrap();
    let text = templates.render(&ctx).unwrap();
    assert!(text.ends_with("— Claire Martin\n"), "{text}");
}

#[test]
fn syntax_error_names_template_and_line() {
    let err = Templates::builtin()
        .with_override(
            "mise_en_demeure",
            "Ligne 1\nLigne 2\n{% if debtor.name %}\nnon fermé\n{{ oops( }}\n",
            "/x/mise_en_demeure.txt.j2",
        )
        .unwrap_err();
    match &err {
        LetterError::Template { template, line, .. } => {
            assert_eq!(template, "mise_en_demeure.txt.j2");
            assert_eq!(*line, Some(5));
        }
        other => panic!("{other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("mise_en_demeure.txt.j2"), "{msg}");
    assert!(msg.contains('5'), "{msg}");
}

#[test]
fn render_error_names_template_and_line() {
    // A misspelt variable fails loudly instead of printing nothing.
    let templates = Templates::builtin()
        .with_override(
            "relance_2",
            "Madame, Monsieur,\n\nVous devez {{ money.totl_due }}.\n",
            "/x/relance_2.txt.j2",
        )
        .unwrap();
    let ctx = b2b_case(LetterStep::Relance2, 1).context();
    match templates.render(&ctx).unwrap_err() {
        LetterError::Template { template, line, .. } => {
            assert_eq!(template, "relance_2.txt.j2");
            assert_eq!(line, Some(3));
        }
        other => panic!("{other:?}"),
    }
    // An error inside an overridden shared part points at that part.
    let templates = Templates::builtin()
        .with_override("_header", "{{ creditor.nom }}\n", "/x/_header.txt.j2")
        .unwrap();
    match templates.render(&ctx).unwrap_err() {
        LetterError::Template { template, line, .. } => {
            assert_eq!(template, "_header.txt.j2");
            assert_eq!(line, Some(1));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_override_names_are_refused() {
    let err = Templates::builtin()
        .with_override("relance_4.txt.j2", "x", "/x/relance_4.txt.j2")
        .unwrap_err();
    assert!(matches!(err, LetterError::UnknownTemplate { .. }));
    assert!(err.to_string().contains("relance_4.txt.j2"));
}

#[test]
fn context_warns_about_short_notice_deadline_and_last_notice_minimum() {
    let ctx = b2b_case(LetterStep::MiseEnDemeure, 3)
        .options(LetterOptions {
            deadline_days: Some(5),
            ..LetterOptions::default()
        })
        .context();
    assert_eq!(ctx.deadline.as_ref().unwrap().days, 5);
    assert_eq!(ctx.warnings.len(), 1, "{:?}", ctx.warnings);

    let ctx = Case::new(
        &be_journal(),
        be_debtor(),
        creditor(),
        LetterStep::LastNoticeNlBe,
    )
    .money(be_money())
    .options(LetterOptions {
        deadline_days: Some(7),
        channel: Some(Channel::Email),
        ..LetterOptions::default()
    })
    .context();
    // Electronic sending: 14 days from the next day, never fewer.
    assert_eq!(ctx.deadline.as_ref().unwrap().date, "04/04/2026");
    assert_eq!(ctx.warnings.len(), 1, "{:?}", ctx.warnings);
}

#[test]
fn provisional_and_consumer_interest_are_stated() {
    let mut money = principal_only(&b2c_journal().state());
    money.interest = dec("1.25");
    money.total_due = dec("481.25");
    money.daily_growth = dec("0.09");
    money.provisional = true;
    let case = Case::new(
        &b2c_journal(),
        b2c_debtor(),
        creditor(),
        LetterStep::MiseEnDemeure,
    )
    .money(money);
    let (text, ctx) = case.render();
    assert_contains(
        &text,
        &[
            "Intérêts au taux légal",
            &eur("1,25"),
            &eur("481,25"),
            &format!("soit {} par jour", eur("0,09")),
            "à titre provisionnel",
        ],
    );
    assert!(ctx.warnings.iter().any(|w| !w.is_empty()));
    assert_eq!(check_notice_mentions(&text, &ctx), vec![]);
    for step in LetterStep::ALL {
        assert_eq!(LetterStep::parse(&step.file_name()), Some(step));
        assert!(!step.label().starts_with("letters."), "{step:?}");
    }
}

#[test]
fn collective_proceedings_drop_the_indemnity() {
    let mut debtor = b2b_debtor();
    debtor.collective_proceedings = true;
    let case =
        Case::new(&b2b_journal(1), debtor, creditor(), LetterStep::Relance2).money(b2b_money());
    let (text, ctx) = case.render();
    assert_lacks(
        &text,
        &[
            "40 € par facture",
            "Indemnités forfaitaires",
            &eur("2 190,85"),
        ],
    );
    assert_contains(&text, &[&eur("2 110,85"), "L441-10"]);
    assert_eq!(ctx.warnings.len(), 1, "{:?}", ctx.warnings);
}

/// A single partly paid invoice: the items table gains a "Reste dû" column and its total row
/// (this used to index past the end of the footer row and crash the TUI on `r`).
#[test]
fn partly_paid_single_invoice_gets_a_rest_column_and_total() {
    let mut j = Journal::new("2026-01-05", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item("F-2026-090", "2026-01-05", "2026-02-04", "900.00");
    j.push(
        "2026-02-20",
        EventKind::PaymentReceived {
            amount: dec("300.00"),
            reference: None,
            invoice: None,
        },
    );
    j.relance("2026-02-09", 1, Channel::Email);
    let case = Case::new(&j, b2b_debtor(), creditor(), LetterStep::Relance2);
    let (text, _) = case.render();
    assert_contains(&text, &["Reste dû", "Total"]);
    let total = text
        .lines()
        .find(|l| l.starts_with("Total"))
        .expect("total row");
    assert!(total.trim_end().ends_with("600,00\u{a0}€"), "{total:?}");
}

// ------------------------------------------------ issue 9: letters and actions

/// The letter `compose` makes on 20 March 2026 with the built-in rules and profiles.
fn composed(j: &Journal, debtor: &Debtor, choices: ComposeChoices) -> Composed {
    let rules = recouvre::domain::assess::Rules {
        creditor: creditor(),
        ..Default::default()
    };
    compose(
        &j.state(),
        &j.events,
        debtor,
        &rules,
        &BuiltinProfiles,
        &Templates::builtin(),
        today(),
        &choices,
    )
    .expect("composes")
}

fn step(s: LetterStep) -> ComposeChoices {
    ComposeChoices {
        step: Some(s),
        ..Default::default()
    }
}

#[test]
fn reminders_ask_the_total_due_and_list_invoices_not_yet_due_apart() {
    use recouvre::i18n::format_eur_fr;
    let mut j = Journal::new("2026-01-05", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item("F-LATE", "2026-01-05", "2026-02-04", "1000.00")
        .item("F-LATER", "2026-03-01", "2026-04-30", "500.00");
    let rules = recouvre::domain::assess::Rules {
        creditor: creditor(),
        ..Default::default()
    };
    let claim = rules.claim(&j.state(), &b2b_debtor(), today()).unwrap();
    assert!(claim.total_due > claim.principal, "penalties are due");
    for s in [
        LetterStep::Relance1,
        LetterStep::Relance2,
        LetterStep::Relance3,
    ] {
        let c = composed(&j, &b2b_debtor(), step(s));
        let refs: Vec<&str> = c
            .context
            .items
            .iter()
            .map(|i| i.reference.as_str())
            .collect();
        assert_eq!(refs, ["F-LATE"], "{s:?}");
        assert!(!c.context.items_table.contains("F-LATER"), "{s:?}");
        // The sum asked is the total due, never the not-yet-due invoice.
        assert_contains(
            &c.text,
            &[&format!("la somme de {}", format_eur_fr(claim.total_due))],
        );
        assert_lacks(&c.text, &[&eur("1 500,00")]);
        assert_contains(
            &c.text,
            &[
                "Pour information, la facture suivante, non encore échue, n'est pas comprise",
                "F-LATER",
                "à échoir le 30 avril 2026",
            ],
        );
        let late_sentence = flat(&c.text)
            .split(". ")
            .filter(|p| p.contains("échéance est dépassée"))
            .all(|p| !p.contains("F-LATER"));
        assert!(late_sentence, "{}", c.text);
    }
}

#[test]
fn reminders_do_not_say_unanswered_after_a_payment_or_a_dispute() {
    // No reply since the reminders: "sans réponse".
    let plain = composed(&b2b_journal(2), &b2b_debtor(), step(LetterStep::Relance3));
    assert_contains(&plain.text, &["sans réponse de votre part"]);
    assert!(!plain.context.response_since_last_reminder);

    // A partial payment arrived the day of the reminder: acknowledged, the rest asked.
    let mut j = b2b_journal(2);
    j.push(
        "2026-03-20",
        EventKind::PaymentReceived {
            amount: dec("300.00"),
            reference: None,
            invoice: None,
        },
    );
    for s in [LetterStep::Relance3, LetterStep::MiseEnDemeure] {
        let c = composed(&j, &b2b_debtor(), step(s));
        assert!(c.context.response_since_last_reminder);
        assert_eq!(c.context.payments_since_last_reminder.len(), 1);
        assert_contains(
            &c.text,
            &[&format!(
                "Nous vous remercions de votre règlement de {} reçu le 20 mars 2026",
                eur("300,00")
            )],
        );
        assert_lacks(&c.text, &["sans réponse", "sans effet"]);
        if s == LetterStep::MiseEnDemeure {
            assert_eq!(check_notice_mentions(&c.text, &c.context), vec![]);
        }
    }

    // A call or a promise is a reply too.
    let mut j = b2b_journal(2);
    j.push(
        "2026-03-01",
        EventKind::Note {
            kind: NoteKind::PhoneCall,
            text: "Le client promet de regarder".into(),
        },
    );
    let c = composed(&j, &b2b_debtor(), step(LetterStep::Relance3));
    assert_lacks(&c.text, &["sans réponse"]);
    assert_contains(&c.text, &["et nos échanges depuis"]);

    // A dispute we rejected: the letter refers to our answer.
    let mut j = b2b_journal(2);
    j.push(
        "2026-02-25",
        EventKind::ContestationReceived {
            reason: "retard de livraison".into(),
            text: String::new(),
            review: None,
        },
    )
    .push(
        "2026-03-05",
        EventKind::ContestationResolved {
            outcome: ContestationOutcome::Rejected,
            note: String::new(),
        },
    );
    for s in [LetterStep::Relance3, LetterStep::MiseEnDemeure] {
        let c = composed(&j, &b2b_debtor(), step(s));
        assert_eq!(
            c.context.dispute_rejected_on.as_deref(),
            Some("5 mars 2026")
        );
        assert_lacks(&c.text, &["sans réponse", "sans effet"]);
        assert_contains(
            &c.text,
            &["notre réponse du 5 mars 2026 à votre contestation"],
        );
    }
}

#[test]
fn a_missed_instalment_gets_the_instalment_reminder() {
    let mut j = Journal::new("2026-01-05", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item("F-PLAN", "2026-01-05", "2026-02-04", "1500.00")
        .push(
            "2026-02-10",
            EventKind::PaymentPlanAgreed {
                instalments: vec![
                    Instalment {
                        due: d("2026-02-20"),
                        amount: dec("500.00"),
                    },
                    Instalment {
                        due: d("2026-03-10"),
                        amount: dec("500.00"),
                    },
                    Instalment {
                        due: d("2026-04-10"),
                        amount: dec("500.00"),
                    },
                ],
            },
        )
        .push(
            "2026-02-20",
            EventKind::PaymentReceived {
                amount: dec("500.00"),
                reference: None,
                invoice: None,
            },
        );
    let st = j.state();
    assert_eq!(
        suggest_step(&st, DebtorType::B2b, today()),
        LetterStep::InstalmentReminder
    );
    // Before the second instalment is due, the plan letter (check the instalment).
    assert_eq!(
        suggest_step(&st, DebtorType::B2b, d("2026-03-05")),
        LetterStep::PaymentPlanProposal
    );
    let c = composed(&j, &b2b_debtor(), ComposeChoices::default());
    assert_eq!(c.step, LetterStep::InstalmentReminder);
    assert_eq!(LetterStep::parse("relance_echeance"), Some(c.step));
    assert_contains(
        &c.text,
        &[
            "Objet : Échéance impayée de votre échéancier",
            "Le 10 février 2026, nous avons convenu avec vous d'un échéancier",
            &format!(
                "échéance n° 2 du 10 mars 2026 : {} restant dû",
                eur("500,00")
            ),
            &format!("nous régler la somme de {} au plus tard le", eur("500,00")),
            "la totalité du solde restant dû devient exigible",
            "Claire Martin",
        ],
    );
    assert_lacks(&c.text, &["échéance n° 1 du", "échéance n° 3 du"]);
    assert!(c.deadline.is_some(), "the letter states a date to pay by");
}

#[test]
fn provisional_only_when_the_letter_states_a_rate_based_amount() {
    let mut money = principal_only(&b2c_journal().state());
    money.provisional = true;
    let (text, ctx) = Case::new(
        &b2c_journal(),
        b2c_debtor(),
        creditor(),
        LetterStep::Relance1,
    )
    .money(money)
    .render();
    assert!(!ctx.money.provisional);
    assert_lacks(&text, &["provisionnel", "PROVISOIRE"]);
    assert!(
        !ctx.warnings
            .iter()
            .any(|w| w.contains("provisoires") || w.contains("provisional")),
        "{:?}",
        ctx.warnings
    );
}

#[test]
fn channel_wording_follows_the_channel_used() {
    let by = |s, c| {
        composed(
            &b2b_journal(2),
            &b2b_debtor(),
            ComposeChoices {
                step: Some(s),
                channel: Some(c),
                ..Default::default()
            },
        )
    };
    let mail = by(LetterStep::Relance2, Channel::Email);
    assert_eq!(mail.channel, Channel::Email);
    assert_contains(&mail.text, &["Envoyé par courriel", "croisé ce courriel"]);
    assert_lacks(&mail.text, &["Lettre simple", "ce courrier"]);
    let post = by(LetterStep::Relance2, Channel::Letter);
    assert_contains(&post.text, &["Lettre simple", "croisé ce courrier"]);
    let act = by(LetterStep::MiseEnDemeure, Channel::Commissaire);
    assert_contains(
        &act.text,
        &[
            "Sommation de payer — acte de commissaire de justice",
            "présent acte",
        ],
    );
    assert_lacks(&act.text, &["recommandée avec", "présente lettre"]);
    assert_eq!(check_notice_mentions(&act.text, &act.context), vec![]);
}

#[test]
fn last_notice_states_the_deadline_the_journal_records() {
    let mut debtor = be_debtor();
    debtor.debtor_type = DebtorType::B2c;
    let mut j = be_journal();
    if let EventKind::Created { jurisdiction, .. } = &mut j.events[0].kind {
        *jurisdiction = Jurisdiction::Nl;
    }
    let c = composed(
        &j,
        &debtor,
        ComposeChoices {
            step: Some(LetterStep::LastNoticeNlBe),
            channel: Some(Channel::Lrar),
            deadline_days: Some(20),
            ..Default::default()
        },
    );
    let advice = c.deadline.expect("a last notice states its deadline");
    // Sent Friday 20 March: received Monday 23 March, + 20 days.
    assert_eq!(advice.deadline, d("2026-04-13"));
    let stated = c.context.deadline.as_ref().unwrap();
    assert_eq!(
        stated.date,
        recouvre::domain::parse::format_date_fr(advice.deadline)
    );
    assert_contains(&c.text, &["13 avril 2026"]);
    // Fewer than 14 days is never stated: letter and journal both move to the minimum.
    let short = composed(
        &j,
        &debtor,
        ComposeChoices {
            step: Some(LetterStep::LastNoticeNlBe),
            channel: Some(Channel::Lrar),
            deadline_days: Some(5),
            ..Default::default()
        },
    );
    let min = last_notice_min_deadline(today(), Jurisdiction::Nl, Channel::Lrar);
    assert_eq!(short.deadline.unwrap().deadline, min);
    assert_eq!(
        short.context.deadline.unwrap().date,
        recouvre::domain::parse::format_date_fr(min)
    );
}

// ------------------------------------------ principal paid late, accessories still claimed

/// F-PAID (1 000,00 €, due 4 February 2026) paid on 2 March 2026, 26 days late, after a first
/// reminder; optionally F-OPEN (1 500,00 €, due 20 February 2026) still unpaid.
fn paid_late_journal(with_open: bool) -> Journal {
    let mut j = Journal::new("2026-01-05", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item("F-PAID", "2026-01-05", "2026-02-04", "1000.00");
    if with_open {
        j.item("F-OPEN", "2026-01-21", "2026-02-20", "1500.00");
    }
    j.relance("2026-02-09", 1, Channel::Email);
    j.push(
        "2026-03-02",
        EventKind::PaymentReceived {
            amount: dec("1000.00"),
            reference: None,
            invoice: Some("F-PAID".into()),
        },
    );
    j
}

/// Nothing printed names an invoice without its number, and no table is printed empty.
fn assert_no_empty_reference(text: &str) {
    for (n, line) in text.lines().enumerate() {
        let l = line.trim_end();
        assert!(
            !l.ends_with(" n°") && !l.contains(" n° ,") && !l.contains(" n° reste"),
            "reference missing on line {}: {l:?}\n{text}",
            n + 1
        );
        if l.starts_with("Facture n°") {
            let next = text.lines().nth(n + 2).unwrap_or("").trim();
            assert!(!next.is_empty(), "empty invoice table:\n{text}");
        }
    }
}

#[test]
fn a_principal_paid_late_leaves_a_letter_that_names_the_invoice_and_its_payment_date() {
    use recouvre::i18n::format_eur_fr;
    let j = paid_late_journal(false);
    let rules = recouvre::domain::assess::Rules {
        creditor: creditor(),
        ..Default::default()
    };
    let claim = rules.claim(&j.state(), &b2b_debtor(), today()).unwrap();
    assert_eq!(claim.principal, Decimal::ZERO);
    // By hand: 1 000,00 × 12,15 % × 26 / 365 = 8,65 €, plus the 40 € indemnity.
    assert_eq!(claim.penalties, dec("8.65"));
    assert_eq!(claim.total_due, dec("48.65"));
    for s in [
        LetterStep::Relance1,
        LetterStep::Relance2,
        LetterStep::Relance3,
        LetterStep::MiseEnDemeure,
        LetterStep::InjonctionLetter,
    ] {
        let c = composed(&j, &b2b_debtor(), step(s));
        let text = &c.text;
        assert_no_empty_reference(text);
        // The request to the court is titled by the parties; every letter to the debtor by the
        // invoice whose accessories it claims.
        if s != LetterStep::InjonctionLetter {
            let subject = flat(text.split("Objet :").nth(1).expect("subject"));
            assert!(subject.contains("n° F-PAID"), "{s:?}: {subject}");
        }
        let acc = c.context.accessories.as_ref().expect("accessories");
        assert!(acc.only, "{s:?}");
        assert_eq!(acc.items.len(), 1);
        assert_eq!(acc.items[0].paid, "02/03/2026");
        assert_eq!(acc.items[0].days_late, 26);
        // The invoice paid late is listed with its payment date, the total is the money table's.
        assert_contains(
            text,
            &[
                "F-PAID",
                "05/01/2026",
                "04/02/2026",
                "02/03/2026",
                "26 jours",
            ],
        );
        assert_eq!(c.context.money.total_due, format_eur_fr(claim.total_due));
        assert_contains(text, &[&format_eur_fr(claim.total_due)]);
        assert_eq!(c.context.payment.reference, "F-PAID");
        if s != LetterStep::InjonctionLetter {
            // Thanks for the payment, the legal basis, and the penalties no longer run.
            assert_contains(
                text,
                &[
                    "Nous vous remercions de votre règlement",
                    "L441-10",
                    "D441-5",
                    "après l'échéance",
                ],
            );
            assert_lacks(
                text,
                &[
                    "reste toutefois incomplet",
                    "restent impayées",
                    "reste impayée",
                    "continuent de courir",
                    "continuant de courir",
                    "0,00 € en principal",
                ],
            );
        } else {
            // The chronology does not call the payment of the whole invoice "partial".
            assert_contains(text, &["paiement tardif", "le 2 mars 2026 : paiement de"]);
            assert_lacks(
                text,
                &[
                    "pénalités de retard courant jusqu'à complet paiement",
                    "paiement partiel",
                ],
            );
        }
    }
    // The formal notice keeps its nine mentions.
    let c = composed(&j, &b2b_debtor(), step(LetterStep::MiseEnDemeure));
    assert_eq!(check_notice_mentions(&c.text, &c.context), vec![]);
}

#[test]
fn after_a_waiver_the_settlement_confirmation_says_what_was_paid_and_what_was_given_up() {
    let mut j = paid_late_journal(false);
    j.push(
        "2026-03-10",
        EventKind::Waived {
            reason: "geste commercial".into(),
        },
    );
    let c = composed(&j, &b2b_debtor(), step(LetterStep::SettlementConfirmation));
    assert_contains(
        &c.text,
        &[
            "avoir reçu le règlement de notre facture n° F-PAID",
            "en dernier lieu le 2 mars 2026",
            "nous avons renoncé le 10 mars 2026 aux pénalités de retard et à l'indemnité forfaitaire",
            "Votre compte est soldé",
        ],
    );
    // The penalties were not paid: the letter does not say everything was.
    assert_lacks(&c.text, &["l'intégralité des sommes dues"]);
    // Without a waiver, everything was paid, and the letter says so.
    let mut j = paid_late_journal(false);
    j.push(
        "2026-03-10",
        EventKind::PaymentReceived {
            amount: dec("48.65"),
            reference: None,
            invoice: None,
        },
    );
    let c = composed(&j, &b2b_debtor(), step(LetterStep::SettlementConfirmation));
    assert_contains(&c.text, &["l'intégralité des sommes dues"]);
    assert_lacks(&c.text, &["renoncé"]);
}

#[test]
fn open_invoices_and_invoices_paid_late_are_listed_apart_without_contradiction() {
    use recouvre::i18n::format_eur_fr;
    let j = paid_late_journal(true);
    let rules = recouvre::domain::assess::Rules {
        creditor: creditor(),
        ..Default::default()
    };
    let claim = rules.claim(&j.state(), &b2b_debtor(), today()).unwrap();
    assert_eq!(claim.principal, dec("1500.00"));
    for s in [
        LetterStep::Relance1,
        LetterStep::Relance2,
        LetterStep::Relance3,
        LetterStep::MiseEnDemeure,
    ] {
        let c = composed(&j, &b2b_debtor(), step(s));
        let text = &c.text;
        if std::env::var_os("SHOW_LETTERS").is_some() {
            eprintln!("{text}");
        }
        assert_no_empty_reference(text);
        let subject = flat(text.split("Objet :").nth(1).expect("subject"));
        assert!(subject.contains("F-OPEN et F-PAID"), "{s:?}: {subject}");
        // The open invoice in the table of what is unpaid, the one paid late apart.
        assert!(c.context.items_table.contains("F-OPEN"), "{s:?}");
        assert!(!c.context.items_table.contains("F-PAID"), "{s:?}");
        let acc = c.context.accessories.as_ref().expect("accessories");
        assert!(!acc.only);
        assert!(acc.table.contains("F-PAID") && acc.table.contains("02/03/2026"));
        assert_contains(
            text,
            &[
                "Par ailleurs, notre facture n° F-PAID a été réglée le 2 mars 2026",
                "L441-10",
                "D441-5",
            ],
        );
        // The payment went to F-PAID: F-OPEN is unpaid, not "incompletely" paid.
        if text.contains("Nous vous remercions de votre règlement") {
            assert_contains(
                text,
                &[
                    "Le règlement de notre facture n° F-OPEN du 21 janvier 2026 ne nous est toutefois pas encore parvenu",
                    // What prompted the payment, then what we did with it.
                    "reçu le 2 mars 2026 à la suite de notre relance du 9 février 2026, que nous avons imputé sur votre dette.",
                ],
            );
        }
        assert_lacks(text, &["incomplet"]);
        assert_eq!(c.context.money.total_due, format_eur_fr(claim.total_due));
        assert_contains(text, &[&format_eur_fr(claim.total_due)]);
    }
    // With F-OPEN unpaid, the payment of F-PAID was partial: the request to the court says so.
    let c = composed(&j, &b2b_debtor(), step(LetterStep::InjonctionLetter));
    assert_contains(
        &c.text,
        &[&format!(
            "le 2 mars 2026 : paiement partiel de {}",
            eur("1 000,00")
        )],
    );
}

#[test]
fn a_consumer_who_paid_late_is_asked_no_penalty_and_sees_no_empty_table() {
    // Paid late before any notice: nothing accrued, nothing to claim, nothing listed as paid late.
    let mut j = Journal::new("2026-01-05", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item("F-C1", "2026-01-05", "2026-02-04", "300.00").item(
        "F-C2",
        "2026-01-05",
        "2026-02-04",
        "200.00",
    );
    j.relance("2026-02-09", 1, Channel::Email);
    j.push(
        "2026-03-02",
        EventKind::PaymentReceived {
            amount: dec("300.00"),
            reference: None,
            invoice: Some("F-C1".into()),
        },
    );
    let c = composed(&j, &b2c_debtor(), step(LetterStep::Relance2));
    assert!(c.context.accessories.is_none());
    assert_no_empty_reference(&c.text);
    assert_lacks(
        &c.text,
        &["L441-10", "D441-5", "pénalités de retard", "Réglée le"],
    );
    // After a notice, legal interest ran until the payment: it is named on its own basis.
    let mut j = Journal::new("2026-01-05", DossierKind::Invoices, Jurisdiction::Fr, None);
    j.item("F-C1", "2026-01-05", "2026-01-20", "3000.00");
    j.push(
        "2026-02-02",
        EventKind::NoticeSent {
            channel: Channel::Lrar,
            deadline: d("2026-02-20"),
            tracking: None,
            letter: None,
            overrides: vec![],
        },
    );
    j.push(
        "2026-03-10",
        EventKind::PaymentReceived {
            amount: dec("3000.00"),
            reference: None,
            invoice: Some("F-C1".into()),
        },
    );
    let c = composed(&j, &b2c_debtor(), step(LetterStep::Relance2));
    assert_no_empty_reference(&c.text);
    assert_lacks(
        &c.text,
        &["L441-10", "D441-5", "pénalités", "indemnité forfaitaire"],
    );
    if std::env::var_os("SHOW_LETTERS").is_some() {
        eprintln!("{}", c.text);
    }
    let acc = c
        .context
        .accessories
        .as_ref()
        .expect("interest accrued after the notice");
    assert!(acc.only);
    assert_contains(&c.text, &["1231-6", "F-C1", "10/03/2026", "intérêts"]);
}

#[test]
fn a_sum_refunded_is_named_by_its_amount_and_a_late_refund_is_claimed_its_interest_only() {
    let refunded = |date: &str| {
        let mut j = refund_journal();
        j.push(
            date,
            EventKind::PaymentReceived {
                amount: dec("1500.00"),
                reference: None,
                invoice: None,
            },
        );
        j
    };
    // Refunded in full before any notice: the confirmation names the sum, not the 0,00 € left.
    let c = composed(
        &refunded("2026-03-10"),
        &refund_debtor(),
        step(LetterStep::SettlementConfirmation),
    );
    assert_contains(
        &c.text,
        &[
            &format!("Remboursement de la somme de {}", eur("1 500,00")),
            &format!("de la somme de {} à nous rembourser", eur("1 500,00")),
        ],
    );
    assert_lacks(&c.text, &[&format!("somme de {}", eur("0,00"))]);

    // Refunded after the notice: legal interest ran from its receipt to the refund, and the
    // notice that claims it says the sum was refunded, late.
    let mut j = refund_journal();
    j.push(
        "2026-03-03",
        EventKind::NoticeSent {
            channel: Channel::Lrar,
            deadline: d("2026-03-13"),
            tracking: None,
            letter: None,
            overrides: vec![],
        },
    )
    .push(
        "2026-03-15",
        EventKind::PaymentReceived {
            amount: dec("1500.00"),
            reference: None,
            invoice: None,
        },
    );
    let c = composed(
        &j,
        &refund_debtor(),
        step(LetterStep::MiseEnDemeureRemboursement),
    );
    let acc = c.context.accessories.as_ref().expect("interest owed");
    assert!(acc.only);
    let subject = flat(c.text.split("Objet :").nth(1).expect("subject"));
    assert!(
        subject.contains(&format!("de la somme de {} (intérêts", eur("1 500,00"))),
        "{subject}"
    );
    assert_contains(
        &c.text,
        &[
            "Remboursée le",
            "15/03/2026",
            "1231-6",
            "nous vous mettons en demeure de nous régler la somme de",
            "procéder à ce règlement",
        ],
    );
    // Not "you still owe 0,00 €", not "the refund did not happen", and no interest on interest.
    assert_lacks(
        &c.text,
        &[
            "Vous restez redevable",
            "il n'est pas intervenu",
            "produira intérêts",
        ],
    );
    // Every line of the table is whole, its rule too.
    assert!(
        c.text.lines().all(|l| l.chars().count() <= 80),
        "{}",
        c.text
    );
    // Still a formal notice with its nine mentions.
    assert_eq!(check_notice_mentions(&c.text, &c.context), vec![]);
}

#[test]
fn letters_greet_the_person_they_reach_by_the_civility_of_the_name() {
    let greeting = |ty: DebtorType, name: &str, contact: Option<&str>| {
        let mut debtor = Debtor::new(1, name, ty);
        debtor.contact = contact.map(str::to_string);
        let (text, ctx) = Case::new(&b2b_journal(0), debtor, creditor(), LetterStep::Relance1)
            .money(b2b_money())
            .render();
        let closing = format!("Nous vous prions d'agréer, {}, nos", ctx.salutation);
        assert_contains(&text, &[&format!("\n{},\n", ctx.salutation), &closing]);
        ctx.salutation
    };
    use DebtorType::{B2b, B2c};
    for (ty, name, contact, expected) in [
        (B2c, "M. Paul Lemaire", None, "Monsieur"),
        (B2c, "Monsieur Paul Lemaire", None, "Monsieur"),
        (B2c, "Mme Emma Girard", None, "Madame"),
        (B2c, "Mlle Emma Girard", None, "Madame"),
        (B2c, "M. et Mme Durand", None, "Madame, Monsieur"),
        (B2c, "Marie Durand", None, "Madame, Monsieur"),
        (B2c, "Mmeline Durand", None, "Madame, Monsieur"),
        (B2b, "Bâtiments Rolland SARL", None, "Madame, Monsieur"),
        (
            B2b,
            "Bâtiments Rolland SARL",
            Some("Mme Claire Roux, comptable"),
            "Madame",
        ),
        // A business named after a man is not greeted as him.
        (B2b, "M. Bricolage SAS", None, "Madame, Monsieur"),
    ] {
        assert_eq!(
            greeting(ty, name, contact),
            expected,
            "{name} / {contact:?}"
        );
    }
}

#[test]
fn an_injonction_court_inferred_from_the_town_is_flagged_for_checking() {
    let j = notice_journal();
    let case =
        Case::new(&j, b2b_debtor(), creditor(), LetterStep::InjonctionLetter).money(b2b_money());
    let (_, ctx) = case.render();
    assert!(
        ctx.warnings
            .iter()
            .any(|w| w.contains("« Tribunal de commerce de Paris »") && w.contains("justice.fr")),
        "{:?}",
        ctx.warnings
    );
    // Named by the user: nothing to check.
    let (text, ctx) = case
        .options(LetterOptions {
            court: Some("Tribunal de commerce de Nanterre".into()),
            ..Default::default()
        })
        .render();
    assert_contains(&text, &["Tribunal de commerce de Nanterre"]);
    assert!(
        !ctx.warnings.iter().any(|w| w.contains("justice.fr")),
        "{:?}",
        ctx.warnings
    );
}
