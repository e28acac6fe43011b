//! The demo database: fictitious French companies and consumers at every stage of collection.
//!
//! Dates are relative to "today" so the demo always looks like a live portfolio, and a fixed
//! `--today` gives the same database every time (screenshots, tests).

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::domain::event::*;
use crate::domain::model::*;
use crate::model::NewDossier;
use crate::storage::{Store, StoreError, StoreOptions};
use std::fs;
use std::path::{Path, PathBuf};

use crate::storage::files;

struct Spec {
    name: &'static str,
    b2c: bool,
    address: &'static [&'static str],
    customer: &'static str,
    siren: Option<&'static str>,
    kind: DossierKind,
    jurisdiction: Jurisdiction,
    /// (reference, days from today to the due date, amount, description)
    items: &'static [(&'static str, i64, &'static str, &'static str)],
    history: Vec<(i64, EventKind)>,
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

fn relance(level: u8, channel: Channel) -> EventKind {
    EventKind::RelanceSent {
        level,
        channel,
        letter: None,
        overrides: vec![],
    }
}

fn pay(amount: &str) -> EventKind {
    EventKind::PaymentReceived {
        amount: dec(amount),
        reference: Some("Virement".into()),
        invoice: None,
    }
}

fn note(text: &str) -> EventKind {
    EventKind::Note {
        kind: NoteKind::PhoneCall,
        text: text.into(),
    }
}

fn notice(channel: Channel, deadline_from_today: i64, today: NaiveDate) -> EventKind {
    EventKind::NoticeSent {
        channel,
        deadline: today + Duration::days(deadline_from_today),
        tracking: (channel == Channel::Lrar).then(|| "1A 234 567 8901 2".to_string()),
        letter: None,
        overrides: vec![],
    }
}

fn inj(step: InjonctionStep) -> EventKind {
    EventKind::Injonction { step, note: None }
}

const B2B: bool = false;
const B2C: bool = true;

fn specs(today: NaiveDate) -> Vec<Spec> {
    use Channel::*;
    use DossierKind::*;
    use Jurisdiction::*;
    let s = |name, b2c, address, customer, siren, kind, items, history| Spec {
        name,
        b2c,
        address,
        customer,
        siren,
        kind,
        jurisdiction: Fr,
        items,
        history,
    };
    let mut v = vec![
        // Not yet due.
        s(
            "Boulangerie Martin SARL",
            B2B,
            &["12 rue de la République", "69002 Lyon"],
            "C-1001",
            Some("512 345 678"),
            Invoices,
            &[("F-2026-0412", 12, "1840.00", "Farines et levains, novembre")],
            vec![],
        ),
        s(
            "Informatique Chevalier SAS",
            B2B,
            &["4 avenue Jean Jaurès", "31000 Toulouse"],
            "C-1002",
            Some("438 221 907"),
            Invoices,
            &[
                (
                    "F-2026-0415",
                    25,
                    "12600.00",
                    "Maintenance annuelle du parc",
                ),
                ("F-2026-0416", 25, "2340.00", "Licences"),
            ],
            vec![],
        ),
        s(
            "Mme Claire Lemoine",
            B2C,
            &["8 allée des Tilleuls", "44300 Nantes"],
            "P-2001",
            None,
            Invoices,
            &[("F-2026-0420", 5, "189.90", "Dépannage chauffe-eau")],
            vec![],
        ),
        s(
            "Studio Gauthier",
            B2B,
            &["27 rue Oberkampf", "75011 Paris"],
            "C-1003",
            Some("812 004 556"),
            Invoices,
            &[("F-2026-0421", 30, "3450.00", "Shooting catalogue printemps")],
            vec![],
        ),
        s(
            "Cave Rolland SARL",
            B2B,
            &["2 place du Marché", "21200 Beaune"],
            "C-1004",
            Some("390 118 245"),
            Invoices,
            &[("F-2026-0423", 2, "960.00", "Caisses bois sur mesure")],
            vec![],
        ),
        // Due, nothing sent yet.
        s(
            "Garage du Centre SAS",
            B2B,
            &["45 boulevard Gambetta", "59000 Lille"],
            "C-1005",
            Some("499 876 120"),
            Invoices,
            &[("F-2026-0388", -2, "2480.40", "Pièces détachées")],
            vec![],
        ),
        s(
            "M. Julien Petit",
            B2C,
            &["3 impasse des Lilas", "33000 Bordeaux"],
            "P-2002",
            None,
            Invoices,
            &[("F-2026-0390", -1, "320.00", "Installation box domotique")],
            vec![],
        ),
        s(
            "Pharmacie Bernard",
            B2B,
            &["1 place de la Mairie", "13100 Aix-en-Provence"],
            "C-1006",
            Some("421 553 009"),
            Invoices,
            &[("F-2026-0391", -4, "715.20", "Étiquetage et mobilier")],
            vec![],
        ),
        s(
            "Traiteur Blanc SARL",
            B2B,
            &["18 quai des Chartrons", "33000 Bordeaux"],
            "C-1007",
            Some("530 442 871"),
            Invoices,
            &[(
                "F-2026-0393",
                -6,
                "5230.00",
                "Location de vaisselle, séminaire",
            )],
            vec![],
        ),
        // Relance 1.
        s(
            "ACME SARL",
            B2B,
            &["10 rue des Entrepreneurs", "75015 Paris"],
            "C-1000",
            Some("552 100 554"),
            Invoices,
            &[
                (
                    "F-2026-0301",
                    -12,
                    "4200.00",
                    "Développement module facturation",
                ),
                ("F-2026-0318", -8, "1234.56", "Hébergement, octobre"),
            ],
            vec![(-7, relance(1, Email))],
        ),
        s(
            "Menuiserie Girard SARL",
            B2B,
            &["7 chemin des Scieries", "88000 Épinal"],
            "C-1008",
            Some("347 990 112"),
            Invoices,
            &[("F-2026-0322", -9, "3120.00", "Panneaux chêne massif")],
            vec![(-4, relance(1, Email))],
        ),
        s(
            "Mme Sophie Durand",
            B2C,
            &["22 rue Victor Hugo", "37000 Tours"],
            "P-2003",
            None,
            Invoices,
            &[("F-2026-0330", -6, "249.00", "Cours particuliers, octobre")],
            vec![(-3, relance(1, Email))],
        ),
        s(
            "Brasserie du Port SARL",
            B2B,
            &["5 quai de la Fosse", "44000 Nantes"],
            "C-1009",
            Some("789 001 334"),
            Invoices,
            &[("F-2026-0331", -10, "1875.00", "Fûts et tireuses")],
            vec![(-5, relance(1, Email)), (-3, pay("500.00"))],
        ),
        s(
            "Jardins Mercier EURL",
            B2B,
            &["Lieu-dit La Grange", "49000 Angers"],
            "C-1010",
            Some("881 223 400"),
            Invoices,
            &[("F-2026-0333", -14, "860.00", "Taille et entretien")],
            vec![(-9, relance(1, Email))],
        ),
        s(
            "M. Karim Benali",
            B2C,
            &["14 rue Paradis", "13001 Marseille"],
            "P-2004",
            None,
            Invoices,
            &[("F-2026-0335", -5, "540.00", "Réparation toiture")],
            vec![(-2, relance(1, Email))],
        ),
        // Relance 2.
        s(
            "Transports Lefèvre SAS",
            B2B,
            &["ZI des Gravanches", "63100 Clermont-Ferrand"],
            "C-1011",
            Some("402 771 885"),
            Invoices,
            &[
                ("F-2026-0280", -20, "8450.00", "Affrètement septembre"),
                ("F-2026-0291", -16, "3200.00", "Affrètement octobre"),
            ],
            vec![(-15, relance(1, Email)), (-5, relance(2, Letter))],
        ),
        s(
            "Hôtel des Voyageurs SARL",
            B2B,
            &["9 avenue de la Gare", "74000 Annecy"],
            "C-1012",
            Some("318 650 221"),
            Invoices,
            &[("F-2026-0285", -18, "2960.00", "Linge hôtelier")],
            vec![(-13, relance(1, Email)), (-3, relance(2, Letter))],
        ),
        s(
            "Mme Nathalie Vincent",
            B2C,
            &["31 rue Nationale", "37000 Tours"],
            "P-2005",
            None,
            Invoices,
            &[("F-2026-0287", -11, "415.00", "Diagnostic immobilier")],
            vec![(-8, relance(1, Email)), (-1, relance(2, Letter))],
        ),
        s(
            "Imprimerie Moreau",
            B2B,
            &["56 rue de la Gare", "67000 Strasbourg"],
            "C-1013",
            Some("377 402 918"),
            Invoices,
            &[("F-2026-0262", -24, "1480.00", "Papier couché 135 g")],
            vec![
                (-19, relance(1, Email)),
                (-9, relance(2, Letter)),
                (-6, note("Promet de régler « la semaine prochaine »")),
            ],
        ),
        s(
            "Électricité Faure SAS",
            B2B,
            &["3 rue Ampère", "38000 Grenoble"],
            "C-1014",
            Some("450 113 672"),
            Invoices,
            &[("F-2026-0270", -19, "6720.00", "Tableaux électriques")],
            vec![
                (-14, relance(1, Email)),
                (-4, relance(2, Letter)),
                (-2, pay("2000.00")),
            ],
        ),
        // Relance 3.
        s(
            "Bâtiment Perrin & Fils SARL",
            B2B,
            &["Route de Lyon", "42000 Saint-Étienne"],
            "C-1015",
            Some("329 004 187"),
            Invoices,
            &[(
                "F-2026-0240",
                -28,
                "18950.00",
                "Location de nacelles, septembre",
            )],
            vec![
                (-23, relance(1, Email)),
                (-13, relance(2, Letter)),
                (-3, relance(3, Letter)),
            ],
        ),
        s(
            "Textiles Garnier SAS",
            B2B,
            &["12 rue des Tisserands", "59100 Roubaix"],
            "C-1016",
            Some("611 225 093"),
            Invoices,
            &[("F-2026-0243", -27, "7300.00", "Teinture, lot 44")],
            vec![
                (-22, relance(1, Email)),
                (-12, relance(2, Letter)),
                (-2, relance(3, Letter)),
            ],
        ),
        s(
            "Agence Clément Communication SAS",
            B2B,
            &["88 rue Saint-Lazare", "75009 Paris"],
            "C-1017",
            Some("790 334 552"),
            Invoices,
            &[
                ("F-2026-0249", -26, "4100.00", "Impression salon"),
                ("F-2026-0251", -26, "990.00", "Kakémonos"),
            ],
            vec![
                (-21, relance(1, Email)),
                (-11, relance(2, Letter)),
                (-1, relance(3, Letter)),
            ],
        ),
        // Mise en demeure.
        s(
            "Distillerie Henry SA",
            B2B,
            &["1 route des Alambics", "16100 Cognac"],
            "C-1018",
            Some("305 991 446"),
            Invoices,
            &[(
                "F-2026-0201",
                -45,
                "23400.00",
                "Fûts de chêne, commande 2026-17",
            )],
            vec![
                (-40, relance(1, Email)),
                (-30, relance(2, Letter)),
                (-20, relance(3, Letter)),
                (-12, notice(Commissaire, -1, today)),
            ],
        ),
        s(
            "Fromagerie Lambert SAS",
            B2B,
            &["La Laiterie", "39600 Arbois"],
            "C-1019",
            Some("509 667 310"),
            Invoices,
            &[("F-2026-0215", -33, "3860.00", "Emballages sous vide")],
            vec![
                (-28, relance(1, Email)),
                (-18, relance(2, Letter)),
                (-8, relance(3, Letter)),
                (-3, notice(Lrar, 6, today)),
            ],
        ),
        s(
            "M. Thomas Roux",
            B2C,
            &["6 rue Pasteur", "21000 Dijon"],
            "P-2006",
            None,
            Invoices,
            &[(
                "F-2026-0220",
                -25,
                "680.00",
                "Rénovation salle de bain, solde",
            )],
            vec![
                (-22, relance(1, Email)),
                (-15, relance(2, Letter)),
                (-8, notice(Lrar, 8, today)),
                (-6, EventKind::AcknowledgementReceived { tracking: None }),
            ],
        ),
        s(
            "Plomberie Roux",
            B2B,
            &["25 rue du Moulin", "35000 Rennes"],
            "C-1020",
            Some("823 445 009"),
            Invoices,
            &[("F-2026-0226", -36, "1150.00", "Fournitures sanitaires")],
            vec![
                (-31, relance(1, Email)),
                (-21, relance(2, Letter)),
                (-6, notice(Lrar, 3, today)),
            ],
        ),
        // Injonction de payer.
        s(
            "Société Nouvelle des Eaux SA",
            B2B,
            &[
                "100 avenue du Général Leclerc",
                "92100 Boulogne-Billancourt",
            ],
            "C-1021",
            Some("302 118 774"),
            Invoices,
            &[
                ("F-2026-0102", -95, "31200.00", "Pompes doseuses"),
                ("F-2026-0130", -80, "4750.00", "Mise en service"),
            ],
            vec![
                (-90, relance(1, Email)),
                (-80, relance(2, Letter)),
                (-70, relance(3, Letter)),
                (-65, notice(Commissaire, -50, today)),
                (-40, inj(InjonctionStep::RequestFiled)),
            ],
        ),
        s(
            "Restaurant Le Zinc SARL",
            B2B,
            &["14 rue Mercière", "69002 Lyon"],
            "C-1022",
            Some("751 448 020"),
            Invoices,
            &[("F-2026-0088", -120, "2890.00", "Vins, commande de juin")],
            vec![
                (-115, relance(1, Email)),
                (-105, relance(2, Letter)),
                (-90, notice(Lrar, -75, today)),
                (-60, inj(InjonctionStep::RequestFiled)),
                (-25, inj(InjonctionStep::OrderIssued)),
            ],
        ),
        s(
            "Auto-École Moulin",
            B2B,
            &["9 rue de Metz", "54000 Nancy"],
            "C-1023",
            Some("483 909 554"),
            Invoices,
            &[("F-2026-0061", -150, "1640.00", "Entretien flotte")],
            vec![
                (-145, relance(1, Email)),
                (-130, relance(2, Letter)),
                (-115, notice(Lrar, -100, today)),
                (-90, inj(InjonctionStep::RequestFiled)),
                (-60, inj(InjonctionStep::OrderIssued)),
                (-20, inj(InjonctionStep::Served)),
            ],
        ),
        // Enforcement, agency.
        s(
            "Carrières Rivière SAS",
            B2B,
            &["Route de Nyons", "26110 Vinsobres"],
            "C-1024",
            Some("396 002 775"),
            Invoices,
            &[("F-2025-0990", -240, "15400.00", "Transport de granulats")],
            vec![
                (-235, relance(1, Email)),
                (-220, relance(2, Letter)),
                (-205, notice(Commissaire, -190, today)),
                (-180, inj(InjonctionStep::RequestFiled)),
                (-150, inj(InjonctionStep::OrderIssued)),
                (-120, inj(InjonctionStep::Served)),
                (-85, inj(InjonctionStep::Enforceable)),
                (
                    -80,
                    EventKind::HandedOver {
                        to: HandOver::Enforcement,
                        name: Some("SCP Arnaud & Vidal, commissaires de justice".into()),
                    },
                ),
                (
                    -80,
                    EventKind::CostIncurred {
                        label: "Frais de signification".into(),
                        amount: dec("48.60"),
                    },
                ),
            ],
        ),
        s(
            "M. Lucas Fournier",
            B2C,
            &["40 rue Nationale", "59000 Lille"],
            "P-2007",
            None,
            Invoices,
            &[("F-2026-0044", -170, "1320.00", "Abonnement annuel")],
            vec![
                (-167, relance(1, Email)),
                (-160, relance(2, Letter)),
                (-150, notice(Lrar, -135, today)),
                (
                    -100,
                    EventKind::HandedOver {
                        to: HandOver::Agency,
                        name: Some("Cabinet Recouvrement du Nord".into()),
                    },
                ),
            ],
        ),
        // Disputed.
        s(
            "Clinique vétérinaire Morel",
            B2B,
            &["3 route de Paris", "86000 Poitiers"],
            "C-1025",
            Some("514 227 660"),
            Invoices,
            &[("F-2026-0250", -22, "2175.00", "Autoclave, livraison du 12")],
            vec![
                (-17, relance(1, Email)),
                (
                    -8,
                    EventKind::ContestationReceived {
                        reason: "Livraison incomplète".into(),
                        text: "Le client indique qu'un plateau manquait à la livraison.".into(),
                        review: Some(today + Duration::days(4)),
                    },
                ),
            ],
        ),
        s(
            "Cabinet Rousseau",
            B2B,
            &["11 cours Mirabeau", "13100 Aix-en-Provence"],
            "C-1026",
            Some("442 908 311"),
            Invoices,
            &[("F-2026-0260", -30, "3600.00", "Audit RGPD")],
            vec![
                (-25, relance(1, Email)),
                (-15, relance(2, Letter)),
                (
                    -10,
                    EventKind::ContestationReceived {
                        reason: "Prestation non conforme".into(),
                        text: "Conteste la qualité du rapport remis.".into(),
                        review: Some(today - Duration::days(1)),
                    },
                ),
            ],
        ),
        // Payment plans.
        s(
            "Librairie Fontaine",
            B2B,
            &["6 place Plumereau", "37000 Tours"],
            "C-1027",
            Some("380 455 126"),
            Invoices,
            &[("F-2026-0180", -60, "4500.00", "Fonds de rentrée")],
            vec![
                (-55, relance(1, Email)),
                (-45, relance(2, Letter)),
                (
                    -40,
                    EventKind::PaymentPlanAgreed {
                        instalments: vec![
                            Instalment {
                                due: today - Duration::days(30),
                                amount: dec("1500.00"),
                            },
                            Instalment {
                                due: today - Duration::days(0),
                                amount: dec("1500.00"),
                            },
                            Instalment {
                                due: today + Duration::days(30),
                                amount: dec("1500.00"),
                            },
                        ],
                    },
                ),
                (-30, pay("1500.00")),
            ],
        ),
        s(
            "Mme Emma Girard",
            B2C,
            &["19 rue des Carmes", "45000 Orléans"],
            "P-2008",
            None,
            Invoices,
            &[("F-2026-0190", -50, "900.00", "Cuisine équipée, solde")],
            vec![
                (-45, relance(1, Email)),
                (
                    -38,
                    EventKind::PaymentPlanAgreed {
                        instalments: vec![
                            Instalment {
                                due: today - Duration::days(35),
                                amount: dec("300.00"),
                            },
                            Instalment {
                                due: today - Duration::days(5),
                                amount: dec("300.00"),
                            },
                            Instalment {
                                due: today + Duration::days(25),
                                amount: dec("300.00"),
                            },
                        ],
                    },
                ),
                (-34, pay("300.00")),
            ],
        ),
        // Promise to pay.
        s(
            "Domaine Bonnet SCEA",
            B2B,
            &["Château Bonnet", "33330 Saint-Émilion"],
            "C-1028",
            Some("328 771 904"),
            Invoices,
            &[("F-2026-0300", -16, "5400.00", "Bouchons et capsules")],
            vec![
                (-11, relance(1, Email)),
                (
                    -2,
                    EventKind::PromiseToPay {
                        until: today + Duration::days(5),
                        amount: dec("5400.00"),
                    },
                ),
            ],
        ),
        // Paid.
        s(
            "Atelier Dubois EURL",
            B2B,
            &["21 rue des Artisans", "25000 Besançon"],
            "C-1029",
            Some("799 310 442"),
            Invoices,
            &[("F-2026-0310", -15, "1260.00", "Ferronnerie portail")],
            vec![(-10, relance(1, Email)), (-1, pay("1260.00"))],
        ),
        s(
            "Garnier Optique SARL",
            B2B,
            &["5 rue de Siam", "29200 Brest"],
            "C-1030",
            Some("453 009 228"),
            Invoices,
            &[("F-2026-0150", -70, "2230.00", "Présentoirs")],
            vec![
                (-65, relance(1, Email)),
                (-55, relance(2, Letter)),
                (-40, pay("2230.00")),
                (
                    -40,
                    EventKind::Closed {
                        reason: CloseReason::Paid,
                    },
                ),
            ],
        ),
        // Written off.
        s(
            "SARL Les Délices de Sophie (liquidée)",
            B2B,
            &["2 rue Gambetta", "80000 Amiens"],
            "C-1031",
            Some("822 511 093"),
            Invoices,
            &[("F-2025-0801", -300, "780.00", "Vitrine réfrigérée")],
            vec![
                (-295, relance(1, Email)),
                (-280, relance(2, Letter)),
                (-200, note("Liquidation judiciaire publiée au BODACC")),
                (
                    -190,
                    EventKind::Closed {
                        reason: CloseReason::WrittenOff,
                    },
                ),
            ],
        ),
        // Rent.
        s(
            "M. Paul Lemaire",
            B2C,
            &["Appartement 3B, 12 rue Colbert", "37000 Tours"],
            "L-3001",
            None,
            Rent,
            &[
                ("Loyer 10/2026", -55, "850.00", "Loyer et charges, octobre"),
                ("Loyer 11/2026", -25, "850.00", "Loyer et charges, novembre"),
            ],
            vec![(-50, relance(1, Letter)), (-20, relance(2, Letter))],
        ),
        s(
            "Boutique Lys SARL",
            B2B,
            &["Local commercial, 4 rue du Commerce", "37000 Tours"],
            "L-3002",
            Some("850 004 119"),
            Rent,
            &[(
                "Loyer T4/2026",
                -7,
                "3150.00",
                "Loyer commercial, 4e trimestre",
            )],
            vec![(-2, relance(1, Letter))],
        ),
        // Refund.
        s(
            "Voyages Horizon SAS",
            B2B,
            &["30 rue de Rivoli", "75004 Paris"],
            "C-1032",
            Some("414 778 006"),
            Refund,
            &[(
                "Commande 2026-118",
                -21,
                "2600.00",
                "Acompte sur séminaire annulé par le prestataire",
            )],
            vec![(-16, relance(1, Email)), (-6, relance(2, Letter))],
        ),
    ];
    // NL / BE consumers: last notice instead of the French mise en demeure.
    v.push(Spec {
        jurisdiction: Nl,
        ..s(
            "Dhr. Jan de Vries",
            B2C,
            &["Prinsengracht 263", "1016 GV Amsterdam", "Pays-Bas"],
            "P-2009",
            None,
            Invoices,
            &[("F-2026-0205", -30, "1450.00", "Meubles de jardin")],
            vec![
                (-27, relance(1, Email)),
                (-17, relance(2, Letter)),
                (
                    -6,
                    EventKind::LastNoticeSent {
                        channel: Letter,
                        deadline: today + Duration::days(9),
                        costs: dec("217.50"),
                        letter: None,
                        overrides: vec![],
                    },
                ),
            ],
        )
    });
    v.push(Spec {
        jurisdiction: Be,
        ..s(
            "Mme Marie Peeters",
            B2C,
            &["Rue Haute 150", "1000 Bruxelles", "Belgique"],
            "P-2010",
            None,
            Invoices,
            &[("F-2026-0212", -18, "320.00", "Abonnement logiciel")],
            vec![(-15, relance(1, Email)), (-8, relance(2, Letter))],
        )
    });
    v.push(s(
        "Hôtel Beau Rivage SAS",
        B2B,
        &["Promenade des Anglais", "06000 Nice"],
        "C-1033",
        Some("301 554 867"),
        Invoices,
        &[("F-2026-0100", -3, "9800.00", "Literie, 40 chambres")],
        vec![(
            -1,
            EventKind::CreditNote {
                reference: "AV-2026-0012".into(),
                amount: dec("800.00"),
                invoice: None,
            },
        )],
    ));
    v
}

/// Writes the demo dossiers into an empty database.
pub fn populate(store: &Store, today: NaiveDate) -> Result<usize, StoreError> {
    let batch: Vec<(NewDossier, Vec<(NaiveDate, EventKind)>)> = specs(today)
        .into_iter()
        .map(|sp| {
            let debtor_type = if sp.b2c {
                DebtorType::B2c
            } else {
                DebtorType::B2b
            };
            let mut debtor = Debtor::new(0, sp.name, debtor_type);
            debtor.address = sp.address.iter().map(|s| s.to_string()).collect();
            debtor.customer_number = Some(sp.customer.to_string());
            debtor.siren = sp.siren.map(str::to_string);
            debtor.email = Some(format!(
                "compta@{}.example",
                sp.customer.to_ascii_lowercase()
            ));
            let first_due = sp.items.iter().map(|i| i.1).min().unwrap_or(0);
            let items: Vec<Item> = sp
                .items
                .iter()
                .map(|(reference, due, amount, description)| {
                    let due = today + Duration::days(*due);
                    Item {
                        reference: reference.to_string(),
                        issued: due - Duration::days(30),
                        due,
                        amount: dec(amount),
                        description: (!description.is_empty()).then(|| description.to_string()),
                        proof: Some(
                            match sp.kind {
                                DossierKind::Invoices => "Bon de livraison signé",
                                DossierKind::Rent => "Bail d'habitation signé",
                                DossierKind::Refund => "Bon de commande et avis de virement",
                            }
                            .into(),
                        ),
                    }
                })
                .collect();
            let created_on = today + Duration::days(first_due - 30);
            let new = NewDossier {
                debtor,
                created: EventKind::Created {
                    debtor: 0,
                    kind: sp.kind,
                    profile: None,
                    jurisdiction: sp.jurisdiction,
                    contractual_rate: None,
                    refund_reason: (sp.kind == DossierKind::Refund)
                        .then(|| "Annulation de la commande par le prestataire".to_string()),
                    // Rent and refunds fall due on their own date: no invoice payment terms.
                    terms: (sp.kind == DossierKind::Invoices)
                        .then(|| "30 jours date de facture".into()),
                },
                items,
                date: created_on,
            };
            let history = sp
                .history
                .into_iter()
                .map(|(offset, kind)| (today + Duration::days(offset), kind))
                .collect();
            (new, history)
        })
        .collect();
    let n = batch.len();
    store.import(batch)?;
    Ok(n)
}

/// Name of the file that marks a directory as a complete demo database.
pub const DEMO_MARKER: &str = "demo";

/// Whether `path` holds a complete demo database (made by [`ensure`]).
pub fn is_demo(path: &Path) -> bool {
    fs::symlink_metadata(path.join(DEMO_MARKER)).is_ok_and(|m| m.is_file())
}

/// Refuses `--demo --db PATH` when PATH is the real database (`real`: RECOUVRE_DB or the default)
/// or holds a database that is not a demo: practising must never write into the real journal.
pub fn check_demo_path(path: &Path, real: &Path) -> Result<(), String> {
    let same = |a: &Path, b: &Path| {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => std::path::absolute(a).ok() == std::path::absolute(b).ok(),
        }
    };
    let refuse = || {
        Err(crate::i18n::tf(
            "cli.demo_on_real_db",
            &[("path", &path.display())],
        ))
    };
    if same(path, real) {
        return refuse();
    }
    if Store::new(path, Default::default()).exists() && !is_demo(path) {
        return refuse();
    }
    Ok(())
}

/// Makes sure a complete demo database is at `path`; `Some(count)` when it was just built.
///
/// The demo is built in a sibling temporary directory (`.NAME.build-PID-…`) and renamed into
/// place once complete, marked by [`DEMO_MARKER`]: a creation killed at any point leaves either
/// nothing at `path` or the complete demo. A demo made by an older version without the marker is
/// kept when it has dossiers (its import was one transaction) and rebuilt when empty (killed
/// between `init` and the import). Build directories of dead processes are removed.
pub fn ensure(
    path: &Path,
    today: NaiveDate,
    opts: StoreOptions,
) -> Result<Option<usize>, StoreError> {
    let store = Store::new(path, opts.clone());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "demo".into());
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // A creation killed after its rename leaves its (empty) build directory behind.
    remove_dead_builds(&parent, &name);
    if store.exists() {
        if is_demo(path) {
            return Ok(None);
        }
        if !store.load_all()?.dossiers.is_empty() {
            mark(path)?;
            return Ok(None);
        }
    }
    fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
    let build = files::TempDir::new_in(&parent, &format!(".{name}.build-{}-", std::process::id()))
        .map_err(|e| io(&parent, e))?;
    let inner = build.path().join(&name);
    let built = Store::new(&inner, opts);
    built.init()?;
    let n = populate(&built, today)?;
    mark(&inner)?;
    if fs::symlink_metadata(path).is_ok() {
        if is_demo(path) {
            // Another process finished first: use theirs.
            return Ok(None);
        }
        if store.exists() {
            // The empty leftover of a killed creation: moved aside, then deleted.
            let aside = parent.join(format!(".{name}.broken-{}", files::random_suffix()));
            fs::rename(path, &aside).map_err(|e| io(path, e))?;
            let _ = fs::remove_dir_all(&aside);
        }
    }
    match fs::rename(&inner, path) {
        Ok(()) => {}
        Err(_) if is_demo(path) => return Ok(None),
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTEMPTY) | Some(libc::EEXIST)) => {
            return Err(StoreError::NotEmpty {
                path: path.to_path_buf(),
                entries: "?".into(),
            })
        }
        Err(e) => return Err(io(path, e)),
    }
    if let Ok(d) = fs::File::open(&parent) {
        let _ = d.sync_all();
    }
    Ok(Some(n))
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    files::io_err(path, e)
}

/// Writes the demo marker (mode 0600) and makes it durable.
fn mark(dir: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    let p = dir.join(DEMO_MARKER);
    let f = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&p)
        .map_err(|e| io(&p, e))?;
    f.sync_all().map_err(|e| io(&p, e))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Removes `.NAME.build-PID-…` directories whose process is gone (killed mid-creation).
fn remove_dead_builds(parent: &Path, name: &str) {
    let prefix = format!(".{name}.build-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<i32>().ok()) else {
            continue;
        };
        // SAFETY: kill with signal 0 only checks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}
