//! A realistic portfolio, deterministic from a seed: shared by `examples/gen.rs` (writes it) and
//! `examples/bench.rs` (writes it, then knows which debtor to query without reading it back).
//!
//! Every dossier is drawn from its own PRNG stream (seed and index), so dossier `i` is the same
//! whatever the batch size, and the bench can ask for dossier `i`'s name alone.

// Each example uses its own part of this module.
#![allow(dead_code)]

use std::path::Path;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;

// The crate's public paths, kept here so a move (e.g. to `recouvre::model`) is one edit.
use recouvre::domain::assess::Rules;
use recouvre::domain::event::{
    Channel, CloseReason, ContestationOutcome, Event, EventKind, HandOver, InjonctionStep,
    Instalment, NoteKind,
};
use recouvre::domain::fold::fold;
use recouvre::domain::model::{Debtor, DebtorType, DossierKind, Item, Jurisdiction};
use recouvre::domain::money::ClaimAmounts;
use recouvre::domain::parse::MONTHS_FR;
use recouvre::model::NewDossier;
use recouvre::storage::{Store, StoreOptions};

/// What `Store::import` takes for one dossier.
pub type Planned = (NewDossier, Vec<(NaiveDate, EventKind)>);

/// splitmix64: tiny, fast, good enough for test data, and stable across platforms and versions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The stream of dossier `index` under `seed`.
    pub fn for_dossier(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }

    /// An amount in cents, log-uniform between `lo` and `hi` euros, so small invoices are common
    /// and large ones rare, as in a real ledger.
    pub fn euros(&mut self, lo: u32, hi: u32) -> Decimal {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let v = (lo as f64) * ((hi as f64) / (lo as f64)).powf(u);
        // Only the draw uses a float; the amount is an exact number of cents from here on.
        let cents = (v * 100.0).round() as i64;
        Decimal::new(cents, 2)
    }
}

#[derive(Debug, Clone)]
pub struct GenOptions {
    pub dossiers: u64,
    pub seed: u64,
    pub today: NaiveDate,
    /// Dossiers per `Store::import` transaction (memory stays bounded by one batch).
    pub batch: u64,
    /// Keep a letter text (about 1.5 kB) in every reminder and notice, as the CLI and the TUI
    /// do when they send one; the demo keeps none.
    pub letters: bool,
}

impl GenOptions {
    pub fn new(dossiers: u64) -> GenOptions {
        GenOptions {
            dossiers,
            seed: 42,
            today: default_today(),
            batch: 1000,
            letters: false,
        }
    }
}

pub fn default_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date")
}

#[derive(Debug, Clone, Default)]
pub struct GenReport {
    pub dossiers: u64,
    /// Journal entries written (creation, items and history).
    pub events: u64,
    pub elapsed: StdDuration,
    /// Of which drawing the dossiers (the rest is `Store::import`).
    pub drawing: StdDuration,
    pub size: DirSize,
}

/// Bytes of a directory tree: what the files say (`apparent`) and what the disk holds
/// (`allocated`, from st_blocks; sled's files are sparse).
#[derive(Debug, Clone, Copy, Default)]
pub struct DirSize {
    pub apparent: u64,
    pub allocated: u64,
}

pub fn dir_size(path: &Path) -> DirSize {
    use std::os::unix::fs::MetadataExt;
    let mut total = DirSize::default();
    let Ok(entries) = std::fs::read_dir(path) else {
        return total;
    };
    for e in entries.flatten() {
        let Ok(m) = e.path().symlink_metadata() else {
            continue;
        };
        if m.is_dir() {
            let sub = dir_size(&e.path());
            total.apparent += sub.apparent;
            total.allocated += sub.allocated;
        } else {
            total.apparent += m.len();
            total.allocated += m.blocks() * 512;
        }
    }
    total
}

pub fn human_bytes(b: u64) -> String {
    let b = b as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.0} kB", b / 1e3)
    }
}

/// Creates a new database at `path` with `opts.dossiers` dossiers, in batches. `progress` is
/// called after each batch with (dossiers written, elapsed).
pub fn generate(
    path: &Path,
    opts: &GenOptions,
    mut progress: impl FnMut(u64, StdDuration),
) -> anyhow::Result<GenReport> {
    let start = Instant::now();
    let store = Store::new(path, store_options());
    if store.exists() {
        anyhow::bail!("{} already holds a database", path.display());
    }
    store.init()?;
    let mut report = GenReport::default();
    let mut next = 0u64;
    while next < opts.dossiers {
        let end = (next + opts.batch.max(1)).min(opts.dossiers);
        let drawing = Instant::now();
        let batch: Vec<Planned> = (next..end)
            .map(|i| {
                let (new, mut history) = dossier(opts.seed, i, opts.today);
                if opts.letters {
                    add_letters(&new, &mut history);
                }
                (new, history)
            })
            .collect();
        report.events += batch
            .iter()
            .map(|(n, h)| 1 + n.items.len() as u64 + h.len() as u64)
            .sum::<u64>();
        report.drawing += drawing.elapsed();
        store.import(batch)?;
        for w in store.take_warnings() {
            eprintln!("warning: {w}");
        }
        next = end;
        progress(next, start.elapsed());
    }
    report.dossiers = opts.dossiers;
    report.elapsed = start.elapsed();
    report.size = dir_size(path);
    Ok(report)
}

pub fn store_options() -> StoreOptions {
    StoreOptions {
        // The machine is shared: wait for the lock rather than fail on a slow disk.
        lock_wait: StdDuration::from_secs(30),
        ..StoreOptions::default()
    }
}

/// What a user would type to find dossier `index` (ids start at 1): its debtor's name and
/// customer number, which only this debtor has.
pub fn query_for(seed: u64, index: u64, today: NaiveDate) -> String {
    let (new, _) = dossier(seed, index, today);
    format!(
        "{} {}",
        new.debtor.name,
        new.debtor.customer_number.unwrap_or_default()
    )
}

/// "100000", "100 000", "100_000", "100k", "1M".
pub fn parse_count(s: &str) -> anyhow::Result<u64> {
    let t: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '\u{202f}' | '\u{a0}'))
        .collect();
    let (num, mult) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1_000),
        Some('m' | 'M') => (&t[..t.len() - 1], 1_000_000),
        _ => (t.as_str(), 1),
    };
    Ok(num.parse::<u64>()? * mult)
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. Accents on purpose: search folds them, widths count characters not bytes.

const SURNAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "García",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèbvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martínez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sánchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
    "Lucas",
    "Meunier",
    "Jean",
    "Pérez",
    "Marchand",
    "Dufour",
    "Blanchard",
    "Marie",
    "Barbier",
    "Brun",
    "Dumas",
    "Brunet",
    "Schmitt",
    "Leroux",
    "Colin",
    "Fernandez",
    "Pierre",
    "Renard",
    "Arnaud",
    "Rolland",
    "Caron",
    "Aubert",
    "Giraud",
    "Leclerc",
    "Vidal",
    "Bourgeois",
    "Renaud",
    "Lemoine",
    "Picard",
    "Gaillard",
    "Philippe",
    "Leclercq",
    "Lacroix",
    "Fabre",
    "Dupuis",
    "Olivier",
    "Rodríguez",
    "Da Silva",
    "Hubert",
    "Louis",
    "Charles",
    "Guillot",
    "Rivière",
    "Le Gall",
    "Guillaume",
    "Adam",
    "Rey",
    "Moulin",
    "Gonçalves",
    "Dupré",
    "Bénard",
    "Hervé",
    "Lebœuf",
    "Ménard",
    "Besnard",
    "Côté",
    "Lévêque",
    "Thébault",
    "Séguin",
    "Château",
    "Hébert",
    "Pétain",
    "Bélanger",
    "Crépin",
    "Jégou",
    "Prévost",
    "Brûlé",
];

const FIRST_NAMES_F: &[&str] = &[
    "Claire",
    "Sophie",
    "Hélène",
    "Zoé",
    "Léa",
    "Chloé",
    "Émilie",
    "Agnès",
    "Cécile",
    "Anaïs",
    "Maëlle",
    "Inès",
    "Noémie",
    "Béatrice",
    "Françoise",
    "Geneviève",
    "Solène",
    "Margaux",
    "Océane",
    "Célia",
    "Amélie",
    "Mélanie",
    "Élodie",
    "Juliette",
    "Camille",
    "Laure",
    "Nadège",
    "Gaëlle",
    "Aurélie",
    "Joëlle",
    "Marie",
    "Salomé",
    "Lucie",
    "Clémence",
    "Rosalie",
];

const FIRST_NAMES_M: &[&str] = &[
    "Sébastien",
    "Gaël",
    "Jérôme",
    "Frédéric",
    "Clément",
    "Théo",
    "Noé",
    "Raphaël",
    "Loïc",
    "Hervé",
    "Benoît",
    "Rémi",
    "Aurélien",
    "Stéphane",
    "Grégoire",
    "Joël",
    "Mathéo",
    "Éric",
    "Julien",
    "Lucas",
    "Hugo",
    "Nicolas",
    "Thomas",
    "Antoine",
    "François",
    "Régis",
    "Gérald",
    "André",
    "Cédric",
    "Yannick",
    "Kévin",
    "Maël",
    "Anaël",
    "Timothée",
    "Étienne",
];

const TRADES: &[&str] = &[
    "Boulangerie",
    "Pâtisserie",
    "Boucherie",
    "Garage",
    "Pharmacie",
    "Menuiserie",
    "Plomberie",
    "Électricité",
    "Imprimerie",
    "Librairie",
    "Fromagerie",
    "Cave",
    "Brasserie",
    "Studio",
    "Atelier",
    "Transports",
    "Maçonnerie",
    "Charpente",
    "Couverture",
    "Cabinet",
    "Agence",
    "Informatique",
    "Traiteur",
    "Fleuriste",
    "Opticien",
    "Auto-École",
    "Épicerie fine",
    "Torréfaction",
    "Ébénisterie",
    "Blanchisserie",
];

/// "Hôtel du Marché": a trade and a place, no surname.
const PLACE_TRADES: &[&str] = &[
    "Hôtel",
    "Café",
    "Restaurant",
    "Garage",
    "Pharmacie",
    "Boulangerie",
    "Brasserie",
    "Auberge",
    "Relais",
    "Crêperie",
    "Bistrot",
    "Camping",
];

const PLACES: &[&str] = &[
    "du Marché",
    "de la Gare",
    "du Port",
    "des Halles",
    "du Château",
    "de l'Église",
    "du Centre",
    "des Alpes",
    "de la Forêt",
    "du Lac",
    "de la Plage",
    "des Tilleuls",
    "du Moulin",
    "de la Poste",
    "du Théâtre",
    "des Écoles",
    "de l'Étang",
    "du Pré Saint-Gervais",
    "de la Côte",
    "des Îles",
];

const FORMS: &[&str] = &["SARL", "SAS", "EURL", "SA", "SASU", "& Fils", "et Associés"];

const STREETS: &[&str] = &[
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Gambetta",
    "rue Victor Hugo",
    "place du Général de Gaulle",
    "rue des Écoles",
    "chemin des Vignes",
    "allée des Tilleuls",
    "quai de la Fosse",
    "rue Pasteur",
    "impasse des Lilas",
    "rue du Faubourg Saint-Honoré",
    "avenue de la Libération",
    "rue de l'Hôtel de Ville",
    "route de Nîmes",
    "rue Émile Zola",
    "cours Mirabeau",
    "rue Sainte-Catherine",
];

const CITIES: &[&str] = &[
    "75011 Paris",
    "69002 Lyon",
    "13001 Marseille",
    "31000 Toulouse",
    "06000 Nice",
    "44000 Nantes",
    "67000 Strasbourg",
    "34000 Montpellier",
    "33000 Bordeaux",
    "59000 Lille",
    "35000 Rennes",
    "51100 Reims",
    "42000 Saint-Étienne",
    "83000 Toulon",
    "38000 Grenoble",
    "21000 Dijon",
    "49000 Angers",
    "30000 Nîmes",
    "88000 Épinal",
    "97400 Saint-Denis",
    "13100 Aix-en-Provence",
    "80000 Amiens",
    "37000 Tours",
    "25000 Besançon",
    "29200 Brest",
    "64200 Biarritz",
    "74000 Annecy",
    "18000 Bourges",
];

const B2B_GOODS: &[&str] = &[
    "Maintenance annuelle du parc",
    "Fournitures de bureau, trimestre",
    "Pièces détachées",
    "Location de matériel",
    "Prestation de conseil",
    "Développement du site vitrine",
    "Hébergement et infogérance",
    "Farines et levains",
    "Vins, commande de fêtes",
    "Transport de marchandises",
    "Nettoyage des locaux",
    "Étiquetage et mobilier",
    "Formation du personnel",
    "Impression de catalogues",
    "Dépannage électrique",
    "Réfection de la toiture",
];

const B2C_GOODS: &[&str] = &[
    "Dépannage chauffe-eau",
    "Cours particuliers",
    "Installation box domotique",
    "Abonnement annuel",
    "Réparation vélo électrique",
    "Séance de kinésithérapie",
    "Meubles de jardin",
    "Pose de parquet",
    "Entretien chaudière",
    "Séjour à l'hôtel",
    "Frais de scolarité",
];

const NOTES: &[&str] = &[
    "Promet de régler « la semaine prochaine »",
    "Le gérant est en congés jusqu'à lundi",
    "Demande un duplicata de la facture",
    "Conteste oralement le délai de livraison",
    "Changement d'expert-comptable, dossier transmis",
    "Trésorerie tendue, propose un échéancier",
    "Virement annoncé, pas encore reçu",
    "Adresse de facturation corrigée",
    "Client fidèle, relance courtoise",
    "Bon de commande signé retrouvé",
];

const CALLS: &[&str] = &[
    "messagerie, message laissé",
    "la comptable confirme la réception",
    "rappeler après le 10",
    "le débiteur reconnaît la dette",
    "numéro erroné",
    "promesse de virement sous huit jours",
];

const DISPUTES: &[(&str, &str)] = &[
    (
        "Livraison incomplète",
        "Il manque deux cartons selon le bon de réception.",
    ),
    (
        "Prestation non conforme",
        "Le client estime que l'intervention n'a pas résolu la panne.",
    ),
    (
        "Facture déjà payée",
        "Le débiteur affirme avoir réglé par chèque en août.",
    ),
    (
        "Prix contesté",
        "Écart avec le devis accepté (remise de 10 % non appliquée).",
    ),
];

const ASSIGNEES: &[&str] = &["claire", "mehdi", "sébastien", "anaïs", "joël"];

const BAILIFFS: &[&str] = &[
    "SCP Arnaud & Vidal, commissaires de justice",
    "Étude Lefèvre-Moreau, commissaires de justice",
    "SELARL Hébert & Associés",
];

const AGENCIES: &[&str] = &[
    "Cabinet Recouvrement du Nord",
    "Créances & Solutions",
    "Agence Sud-Ouest Recouvrement",
];

// ---------------------------------------------------------------------------------------------
// One dossier.

/// Where the dossier's story ends today. Weights (out of 1000) in [`pick_target`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    NotDue,
    Due,
    Relance(u8),
    Notice,
    LastNotice,
    Injonction,
    Enforcement,
    Agency,
    Disputed,
    Plan,
    Paid,
    WrittenOff,
}

fn pick_target(r: &mut Rng, nl_be_consumer: bool) -> Target {
    if nl_be_consumer && r.chance(40) {
        return Target::LastNotice;
    }
    let roll = r.range(0, 999);
    let table: &[(i64, Target)] = &[
        (80, Target::NotDue),
        (170, Target::Due),
        (300, Target::Relance(1)),
        (400, Target::Relance(2)),
        (480, Target::Relance(3)),
        (560, Target::Notice),
        (630, Target::Injonction),
        (650, Target::Enforcement),
        (670, Target::Agency),
        (720, Target::Disputed),
        (780, Target::Plan),
        (960, Target::Paid),
        (1000, Target::WrittenOff),
    ];
    table
        .iter()
        .find(|(upto, _)| roll < *upto)
        .map(|(_, t)| *t)
        .unwrap_or(Target::Due)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    B2b,
    B2c,
    Rent,
    Refund,
}

/// Dossier `index` (0-based; it gets id `index + 1` in a fresh database) of the portfolio `seed`.
pub fn dossier(seed: u64, index: u64, today: NaiveDate) -> Planned {
    let mut r = Rng::for_dossier(seed, index);
    let profile = match r.range(0, 99) {
        0..=54 => Profile::B2b,
        55..=84 => Profile::B2c,
        85..=96 => Profile::Rent,
        _ => Profile::Refund,
    };
    let number = index + 1;
    let consumer = match profile {
        Profile::B2b => false,
        Profile::B2c => true,
        Profile::Rent => r.chance(80),
        Profile::Refund => r.chance(30),
    };
    let jurisdiction = if consumer && profile == Profile::B2c {
        match r.range(0, 99) {
            0..=2 => Jurisdiction::Nl,
            3..=5 => Jurisdiction::Be,
            _ => Jurisdiction::Fr,
        }
    } else {
        Jurisdiction::Fr
    };
    let debtor = make_debtor(&mut r, profile, consumer, jurisdiction, number);
    let kind = match profile {
        Profile::Rent => DossierKind::Rent,
        Profile::Refund => DossierKind::Refund,
        _ => DossierKind::Invoices,
    };
    let target = pick_target(&mut r, consumer && jurisdiction != Jurisdiction::Fr);

    // The ladder first (its length fixes how far back the story starts), then dates.
    let mut steps = ladder(&mut r, target, consumer, jurisdiction);
    // 2–15 events of history, as many real dossiers: padding with calls, notes, assignments.
    let wanted = (2 + r.range(0, 6) + r.range(0, 7)).min(15) as usize;
    let extra = wanted.saturating_sub(steps.len());
    for _ in 0..extra {
        let at = r.range(0, steps.len() as i64) as usize;
        let filler = match r.range(0, 9) {
            0..=3 => Step::Call,
            4..=6 => Step::Note,
            7 => Step::Assign,
            8 => Step::Partial,
            _ => Step::CreditNote,
        };
        // Nothing after the end of the story but talk: a closed dossier is quiet.
        let at = match steps.last() {
            Some(Step::Close(_)) | Some(Step::FullPayment) => at.min(steps.len() - 1),
            _ => at,
        };
        steps.insert(at, filler);
    }

    // Gaps between consecutive history events, then anchor the last one before today.
    let gaps: Vec<i64> = steps
        .iter()
        .enumerate()
        .map(|(k, s)| match (k.checked_sub(1).map(|p| steps[p]), s) {
            // Paid the day the accessories were waived, before they grow again.
            (Some(Step::Waive), Step::FullPayment) => 0,
            _ => gap(&mut r, *s),
        })
        .collect();
    let span: i64 = gaps.iter().sum();
    let quiet = match target {
        Target::NotDue => 0,
        Target::Due => r.range(0, 3),
        Target::Relance(_) => r.range(0, 12),
        _ => r.range(0, 60),
    };
    let not_due = target == Target::NotDue;
    let n_items = match profile {
        _ if not_due => r.range(1, 2),
        Profile::Rent => r.range(1, 5),
        Profile::Refund => 1,
        _ => *r.pick(&[1, 1, 1, 2, 2, 3, 4, 5]),
    } as usize;
    let spread = match profile {
        _ if not_due => 0,
        Profile::Rent => 30,
        _ => r.range(0, 20),
    };
    let term_days = match profile {
        Profile::B2b => *r.pick(&[30, 30, 45, 60]),
        Profile::B2c if not_due => *r.pick(&[15, 30]),
        Profile::B2c => *r.pick(&[0, 15, 30]),
        Profile::Rent => 5,
        Profile::Refund => 14,
    };
    // Due dates: items fall due `spread` days apart, the last one just before the first
    // reminder; a dossier not yet due was invoiced already and falls due within its terms.
    let last_due = if not_due {
        today + Duration::days(r.range(1, term_days))
    } else {
        let first_event = today - Duration::days(span + quiet);
        first_event - Duration::days(r.range(1, 6))
    };
    let mut items = Vec::with_capacity(n_items);
    for j in 0..n_items {
        let due = last_due - Duration::days(spread * (n_items - 1 - j) as i64);
        let issued = due - Duration::days(term_days);
        let (reference, amount, description) = item_text(&mut r, profile, number, j, due, &items);
        items.push(Item {
            reference,
            issued,
            due,
            amount,
            description: Some(description),
            proof: Some(
                r.pick(&[
                    "Bon de livraison signé",
                    "Devis accepté",
                    "Bail signé",
                    "Bon de commande",
                ])
                .to_string(),
            ),
        });
    }
    let max_issued = items.iter().map(|i| i.issued).max().unwrap_or(today);
    let created_on = max_issued.min(today);
    let terms = match profile {
        Profile::B2b | Profile::B2c if term_days > 0 => {
            Some(format!("{term_days} jours date de facture"))
        }
        Profile::B2b | Profile::B2c => Some("Paiement à réception".to_string()),
        _ => None,
    };
    let new = NewDossier {
        debtor,
        created: EventKind::Created {
            debtor: 0,
            kind,
            profile: None,
            jurisdiction,
            contractual_rate: (profile == Profile::B2b && r.chance(20))
                .then(|| Decimal::new(r.range(8, 15) * 100, 2)),
            refund_reason: (kind == DossierKind::Refund)
                .then(|| "Annulation de la commande par le prestataire".to_string()),
            terms,
        },
        items,
        date: created_on,
    };

    // Dates: a NotDue dossier's talk happens between creation and today.
    let mut dates = Vec::with_capacity(steps.len());
    if target == Target::NotDue {
        let room = (today - created_on).num_days().max(0);
        let mut ds: Vec<i64> = steps.iter().map(|_| r.range(0, room)).collect();
        ds.sort_unstable();
        dates.extend(ds.into_iter().map(|d| created_on + Duration::days(d)));
    } else {
        let mut d = today - Duration::days(span + quiet);
        for g in &gaps {
            d += Duration::days(*g);
            dates.push(d.max(created_on));
        }
    }
    let history = realise(&mut r, &new, &steps, &dates, consumer, today);
    (new, history)
}

fn make_debtor(
    r: &mut Rng,
    profile: Profile,
    consumer: bool,
    jurisdiction: Jurisdiction,
    number: u64,
) -> Debtor {
    let surname = *r.pick(SURNAMES);
    let (name, debtor_type) = if consumer {
        let female = r.chance(50);
        let first = *r.pick(if female { FIRST_NAMES_F } else { FIRST_NAMES_M });
        let civ = match (jurisdiction, female) {
            (Jurisdiction::Nl, false) => "Dhr.",
            (Jurisdiction::Nl, true) => "Mevr.",
            (_, false) => "M.",
            (_, true) => "Mme",
        };
        let name = if r.chance(25) {
            let second = *r.pick(if female { FIRST_NAMES_F } else { FIRST_NAMES_M });
            if second == first {
                format!("{civ} {first} {surname}")
            } else {
                format!("{civ} {first} {second} {surname}")
            }
        } else {
            format!("{civ} {first} {surname}")
        };
        (name, DebtorType::B2c)
    } else {
        let name = match r.range(0, 9) {
            0..=4 => format!("{} {surname}", r.pick(TRADES)),
            5 | 6 => format!("{} {}", r.pick(PLACE_TRADES), r.pick(PLACES)),
            7 => format!(
                "{surname} {}",
                r.pick(&["Électricité", "Bâtiment", "Conseil"])
            ),
            _ => format!("{surname} & {}", r.pick(SURNAMES)),
        };
        let name = if r.chance(60) {
            format!("{name} {}", r.pick(FORMS))
        } else {
            name
        };
        (name, DebtorType::B2b)
    };
    let mut d = Debtor::new(0, name, debtor_type);
    let city = *r.pick(CITIES);
    d.address = match jurisdiction {
        Jurisdiction::Nl => vec![
            format!("Prinsengracht {}", r.range(1, 900)),
            "1016 GV Amsterdam".into(),
            "Pays-Bas".into(),
        ],
        Jurisdiction::Be => vec![
            format!("Rue Haute {}", r.range(1, 300)),
            "1000 Bruxelles".into(),
            "Belgique".into(),
        ],
        Jurisdiction::Fr => {
            let street = format!("{} {}", r.range(1, 180), r.pick(STREETS));
            if profile == Profile::Rent {
                vec![
                    format!("Appartement {}{}", r.range(1, 6), r.pick(&["A", "B", "C"])),
                    street,
                    city.to_string(),
                ]
            } else {
                vec![street, city.to_string()]
            }
        }
    };
    let prefix = match (profile, consumer) {
        (Profile::Rent, _) => "L",
        (_, true) => "P",
        (_, false) => "C",
    };
    d.customer_number = Some(format!("{prefix}-{number:07}"));
    if !consumer {
        d.siren = Some(format!(
            "{:03} {:03} {:03}",
            r.range(300, 999),
            r.range(0, 999),
            r.range(0, 999)
        ));
        d.email = Some(format!("compta+{number}@entreprise.example"));
        d.contact = Some(format!("{} {}", r.pick(FIRST_NAMES_F), r.pick(SURNAMES)));
    } else if r.chance(70) {
        d.email = Some(format!("client{number}@courriel.example"));
    }
    if r.chance(60) {
        d.phone = Some(format!(
            "0{} {:02} {:02} {:02} {:02}",
            r.range(1, 7),
            r.range(0, 99),
            r.range(0, 99),
            r.range(0, 99),
            r.range(0, 99)
        ));
    }
    d
}

fn item_text(
    r: &mut Rng,
    profile: Profile,
    number: u64,
    j: usize,
    due: NaiveDate,
    earlier: &[Item],
) -> (String, Decimal, String) {
    let year = due.year();
    match profile {
        Profile::Rent => {
            // The same rent every month.
            let amount = earlier
                .first()
                .map(|i| i.amount)
                .unwrap_or_else(|| r.euros(450, 1900));
            (
                format!("Loyer {:02}/{year}", due.month()),
                amount,
                format!("Loyer et charges, {}", MONTHS_FR[due.month0() as usize]),
            )
        }
        Profile::Refund => (
            format!("Commande {year}-{number:07}"),
            r.euros(150, 6000),
            "Acompte sur prestation annulée par le prestataire".into(),
        ),
        Profile::B2b => (
            format!("F-{year}-{number:07}-{}", j + 1),
            r.euros(120, 30000),
            r.pick(B2B_GOODS).to_string(),
        ),
        Profile::B2c => (
            format!("F-{year}-{number:07}-{}", j + 1),
            r.euros(25, 2500),
            r.pick(B2C_GOODS).to_string(),
        ),
    }
}

/// One history event before dates and amounts are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Relance(u8),
    Notice,
    Ack,
    LastNotice,
    Injonction(InjonctionStep),
    Handover(HandOver),
    Cost,
    Contest,
    ContestRejected,
    Plan,
    Instalment,
    Promise,
    Partial,
    FullPayment,
    CreditNote,
    Close(CloseReason),
    /// The creditor gives up the accessories (then the principal is paid the same day).
    Waive,
    Collective,
    Call,
    Note,
    Assign,
    UndoLastNote,
}

/// The escalation events that bring a dossier to `target`, in order.
fn ladder(r: &mut Rng, target: Target, consumer: bool, j: Jurisdiction) -> Vec<Step> {
    use Step::*;
    let relances = |r: &mut Rng, n: u8| -> Vec<Step> {
        let mut v: Vec<Step> = (1..=n).map(Relance).collect();
        // A rejected dispute on the way, sometimes: the ladder resumed after it.
        if n >= 2 && r.chance(8) {
            v.insert(1, Contest);
            v.insert(2, ContestRejected);
        }
        v
    };
    let notice = |r: &mut Rng| -> Vec<Step> {
        let mut v = {
            let n = r.range(1, 3) as u8;
            relances(r, n)
        };
        v.push(Notice);
        if r.chance(60) {
            v.push(Ack);
        }
        v
    };
    let mut v = match target {
        Target::NotDue => vec![],
        Target::Due => vec![],
        Target::Relance(n) => {
            let mut v = relances(r, n);
            if r.chance(15) {
                v.push(Promise);
            }
            v
        }
        Target::Notice => notice(r),
        Target::LastNotice => {
            let mut v = {
                let n = r.range(1, 2) as u8;
                relances(r, n)
            };
            v.push(LastNotice);
            v
        }
        Target::Injonction => {
            let mut v = notice(r);
            let reached = r.range(1, 4) as usize;
            v.extend(
                [
                    InjonctionStep::RequestFiled,
                    InjonctionStep::OrderIssued,
                    InjonctionStep::Served,
                    InjonctionStep::Enforceable,
                ][..reached]
                    .iter()
                    .map(|s| Injonction(*s)),
            );
            // The debtor may oppose once served; else service costs, sometimes.
            if reached == 3 && r.chance(25) {
                v.push(Injonction(InjonctionStep::Opposition));
            } else if reached >= 3 && r.chance(40) {
                v.push(Cost);
            }
            v
        }
        Target::Enforcement => {
            let mut v = notice(r);
            v.extend(
                [
                    InjonctionStep::RequestFiled,
                    InjonctionStep::OrderIssued,
                    InjonctionStep::Served,
                    InjonctionStep::Enforceable,
                ]
                .map(Injonction),
            );
            v.push(Handover(HandOver::Enforcement));
            v.push(Cost);
            v
        }
        Target::Agency => {
            let mut v = notice(r);
            v.push(Handover(HandOver::Agency));
            v
        }
        Target::Disputed => {
            let mut v = {
                let n = r.range(1, 2) as u8;
                relances(r, n)
            };
            v.retain(|s| !matches!(s, Contest | ContestRejected));
            v.push(Contest);
            v
        }
        Target::Plan => {
            let mut v = {
                let n = r.range(1, 3) as u8;
                relances(r, n)
            };
            v.push(Plan);
            for _ in 0..r.range(0, 2) {
                v.push(Instalment);
            }
            v
        }
        Target::Paid => {
            let mut v = {
                let n = r.range(0, 3) as u8;
                relances(r, n)
            };
            if r.chance(15) {
                v.push(Partial);
            }
            if r.chance(25) {
                v.push(Waive);
            }
            v.push(FullPayment);
            v.push(Close(CloseReason::Paid));
            v
        }
        Target::WrittenOff => {
            let mut v = {
                let n = r.range(1, 3) as u8;
                relances(r, n)
            };
            if !consumer && r.chance(60) {
                v.push(Collective);
            }
            v.push(Note);
            v.push(Close(CloseReason::WrittenOff));
            v
        }
    };
    // NL/BE consumers get a last notice, not a French mise en demeure.
    if j != Jurisdiction::Fr && consumer {
        for s in v.iter_mut() {
            if *s == Notice {
                *s = LastNotice;
            }
        }
        v.retain(|s| *s != Ack);
    }
    // Now and then someone undoes a note they wrote by mistake.
    if r.chance(4) {
        let at = r.range(0, v.len() as i64) as usize;
        v.insert(at, Note);
        v.insert(at + 1, UndoLastNote);
    }
    v
}

/// Days between the previous event and this one.
fn gap(r: &mut Rng, s: Step) -> i64 {
    use Step::*;
    match s {
        Relance(1) => r.range(3, 12),
        Relance(_) => r.range(7, 15),
        Notice | LastNotice => r.range(8, 20),
        Ack => r.range(2, 5),
        Injonction(InjonctionStep::RequestFiled) => r.range(15, 40),
        Injonction(_) => r.range(20, 45),
        Handover(_) => r.range(5, 30),
        Cost => r.range(0, 3),
        Contest => r.range(1, 10),
        ContestRejected => r.range(5, 20),
        Plan => r.range(3, 15),
        Instalment => 30,
        Promise | Partial | CreditNote | Call | Note | Assign => r.range(0, 6),
        FullPayment => r.range(1, 20),
        Close(_) => r.range(0, 3),
        Waive => r.range(1, 10),
        Collective => r.range(5, 60),
        UndoLastNote => 0,
    }
}

/// Turns steps and their dates into journal events; amounts follow what is still owed so that
/// no payment exceeds the principal.
fn realise(
    r: &mut Rng,
    new: &NewDossier,
    steps: &[Step],
    dates: &[NaiveDate],
    consumer: bool,
    today: NaiveDate,
) -> Vec<(NaiveDate, EventKind)> {
    let total: Decimal = new.items.iter().map(|i| i.amount).sum();
    let mut open = total;
    // Credit notes granted per item, so that no credit note exceeds its invoice.
    let mut credited = vec![Decimal::ZERO; new.items.len()];
    let number = new
        .debtor
        .customer_number
        .as_deref()
        .and_then(|c| c.get(2..))
        .unwrap_or("0")
        .to_string();
    let base_seq = 1 + new.items.len() as u32;
    let mut last_note: Option<u32> = None;
    let mut plan: Vec<Instalment> = Vec::new();
    let mut paid_instalments = 0usize;
    let mut out: Vec<(NaiveDate, EventKind)> = Vec::with_capacity(steps.len());
    for (k, (step, date)) in steps.iter().zip(dates).enumerate() {
        let date = (*date).min(today);
        let seq = base_seq + k as u32;
        let kind = match *step {
            Step::Relance(level) => EventKind::RelanceSent {
                level,
                channel: match level {
                    1 if consumer && r.chance(30) => Channel::Letter,
                    1 => Channel::Email,
                    2 => *r.pick(&[Channel::Letter, Channel::Letter, Channel::Phone]),
                    _ => *r.pick(&[Channel::Letter, Channel::Lrar]),
                },
                letter: None,
                overrides: vec![],
            },
            Step::Notice => {
                let channel = *r.pick(&[Channel::Lrar, Channel::Lrar, Channel::Commissaire]);
                EventKind::NoticeSent {
                    channel,
                    deadline: date + Duration::days(*r.pick(&[8, 8, 15])),
                    tracking: (channel == Channel::Lrar).then(|| {
                        format!(
                            "1A {:03} {:03} {:04} {}",
                            r.range(0, 999),
                            r.range(0, 999),
                            r.range(0, 9999),
                            r.range(0, 9)
                        )
                    }),
                    letter: None,
                    overrides: vec![],
                }
            }
            Step::Ack => EventKind::AcknowledgementReceived { tracking: None },
            Step::LastNotice => EventKind::LastNoticeSent {
                channel: Channel::Letter,
                deadline: date + Duration::days(14),
                // The Dutch scale (15 % of the first 2 500 €, at least 40 €), rounded.
                costs: (open * Decimal::new(15, 2))
                    .round_dp(2)
                    .clamp(Decimal::new(40, 0), Decimal::new(375, 0)),
                letter: None,
                overrides: vec![],
            },
            Step::Injonction(step) => EventKind::Injonction {
                step,
                note: (step == InjonctionStep::RequestFiled)
                    .then(|| "Requête déposée au greffe du tribunal judiciaire".to_string()),
            },
            Step::Handover(to) => EventKind::HandedOver {
                to,
                name: Some(
                    match to {
                        HandOver::Enforcement => *r.pick(BAILIFFS),
                        HandOver::Agency => *r.pick(AGENCIES),
                    }
                    .to_string(),
                ),
            },
            Step::Cost => EventKind::CostIncurred {
                label: r
                    .pick(&[
                        "Frais de signification",
                        "Frais de greffe",
                        "Frais d'huissier",
                    ])
                    .to_string(),
                amount: r.euros(30, 180),
            },
            Step::Contest => {
                let (reason, text) = *r.pick(DISPUTES);
                EventKind::ContestationReceived {
                    reason: reason.into(),
                    text: text.into(),
                    review: Some(date + Duration::days(15)),
                }
            }
            Step::ContestRejected => EventKind::ContestationResolved {
                outcome: ContestationOutcome::Rejected,
                note: "Bon de livraison signé sans réserve".into(),
            },
            Step::Plan => {
                let n = r.range(3, 6);
                let each = (open / Decimal::from(n)).round_dp(2);
                plan = (1..=n)
                    .map(|m| Instalment {
                        due: date + Duration::days(30 * m),
                        amount: if m == n {
                            open - each * Decimal::from(n - 1)
                        } else {
                            each
                        },
                    })
                    .collect();
                EventKind::PaymentPlanAgreed {
                    instalments: plan.clone(),
                }
            }
            Step::Instalment => {
                // Paid once its due date has come (the last one stays ahead: the plan runs on);
                // else a call to check.
                match plan.get(paid_instalments) {
                    Some(i) if i.due <= date && paid_instalments + 1 < plan.len() => {
                        paid_instalments += 1;
                        open -= i.amount;
                        EventKind::PaymentReceived {
                            amount: i.amount,
                            reference: Some(format!("Échéance {paid_instalments}")),
                            invoice: None,
                        }
                    }
                    _ => note_kind(r, NoteKind::PhoneCall),
                }
            }
            Step::Promise => EventKind::PromiseToPay {
                until: date + Duration::days(r.range(5, 20)),
                amount: (open * Decimal::new(r.range(30, 100), 2)).round_dp(2),
            },
            Step::Partial => {
                let part = (open * Decimal::new(r.range(10, 50), 2)).round_dp(2);
                if part <= Decimal::ZERO {
                    note_kind(r, NoteKind::PhoneCall)
                } else {
                    open -= part;
                    EventKind::PaymentReceived {
                        amount: part,
                        reference: Some(
                            r.pick(&["Virement", "Chèque", "Carte bancaire"])
                                .to_string(),
                        ),
                        invoice: None,
                    }
                }
            }
            Step::FullPayment => {
                // Everything owed that day, accessories included, as the claim computes it:
                // only then may the dossier be closed as paid (the CLI refuses otherwise).
                let amount = owed_on(new, &out, date);
                open = Decimal::ZERO;
                if amount <= Decimal::ZERO {
                    note_kind(r, NoteKind::Note)
                } else {
                    EventKind::PaymentReceived {
                        amount,
                        reference: Some("Virement SEPA".into()),
                        invoice: None,
                    }
                }
            }
            Step::CreditNote => {
                let j = r.range(0, new.items.len() as i64 - 1) as usize;
                let item = &new.items[j];
                let part = (item.amount * Decimal::new(r.range(5, 20), 2)).round_dp(2);
                // At most a third of an invoice credited, and never what is already paid.
                if part <= Decimal::ZERO
                    || credited[j] + part > item.amount / Decimal::from(3)
                    || part * Decimal::from(2) > open
                {
                    note_kind(r, NoteKind::Note)
                } else {
                    credited[j] += part;
                    open -= part;
                    EventKind::CreditNote {
                        reference: format!("AV-{}-{number}-{seq}", date.year()),
                        amount: part,
                        invoice: Some(item.reference.clone()),
                    }
                }
            }
            Step::Close(reason) => EventKind::Closed { reason },
            Step::Waive => match claim_on(new, &out, date) {
                // The CLI refuses a waiver with nothing to waive.
                Some(c) if !(c.penalties + c.interest + c.indemnities + c.costs).is_zero() => {
                    EventKind::Waived {
                        reason: "Geste commercial : pénalités et indemnités abandonnées".into(),
                    }
                }
                _ => note_kind(r, NoteKind::Note),
            },
            Step::Collective => EventKind::CollectiveProceedings { open: true },
            Step::Call => note_kind(r, NoteKind::PhoneCall),
            Step::Note => note_kind(r, NoteKind::Note),
            Step::Assign => EventKind::Assigned {
                to: Some(r.pick(ASSIGNEES).to_string()),
            },
            Step::UndoLastNote => match last_note {
                Some(target) => EventKind::Cancel { target },
                None => note_kind(r, NoteKind::Note),
            },
        };
        if matches!(kind, EventKind::Note { .. }) {
            last_note = Some(seq);
        }
        out.push((date, kind));
    }
    out
}

/// What the dossier owes on `date` after `history` (principal, penalties, interest,
/// indemnities, costs, and principal not yet due), under the default rules as the CLI applies
/// them without a configuration file.
fn owed_on(new: &NewDossier, history: &[(NaiveDate, EventKind)], date: NaiveDate) -> Decimal {
    claim_on(new, history, date)
        .map(|c| c.total_due + c.not_yet_due)
        .unwrap_or_default()
}

fn claim_on(
    new: &NewDossier,
    history: &[(NaiveDate, EventKind)],
    date: NaiveDate,
) -> Option<ClaimAmounts> {
    let mut kinds = vec![(new.date, new.created.clone())];
    kinds.extend(
        new.items
            .iter()
            .map(|i| (new.date, EventKind::ItemAdded(i.clone()))),
    );
    kinds.extend(history.iter().cloned());
    let events: Vec<Event> = kinds
        .into_iter()
        .enumerate()
        .map(|(seq, (date, kind))| Event {
            seq: seq as u32,
            at: date.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc(),
            date,
            user: String::new(),
            kind,
        })
        .collect();
    let st = fold(1, &events).ok()?;
    Some(
        Rules::default()
            .claim_or_principal(&st, &new.debtor, date)
            .0,
    )
}

/// A letter of realistic length in each reminder and notice (`--letters`).
fn add_letters(new: &NewDossier, history: &mut [(NaiveDate, EventKind)]) {
    let total: Decimal = new.items.iter().map(|i| i.amount).sum();
    let refs: Vec<&str> = new.items.iter().map(|i| i.reference.as_str()).collect();
    for (date, kind) in history.iter_mut() {
        let (title, slot) = match kind {
            EventKind::RelanceSent { level, letter, .. } => (format!("Relance n° {level}"), letter),
            EventKind::NoticeSent { letter, .. } => ("Mise en demeure de payer".into(), letter),
            EventKind::LastNoticeSent { letter, .. } => ("Dernière relance".into(), letter),
            _ => continue,
        };
        *slot = Some(format!(
            "{name}\n{address}\n\nLe {date}\n\nObjet : {title} — factures {refs}\n\n\
             Madame, Monsieur,\n\nSauf erreur ou omission de notre part, nous constatons que \
             les factures référencées ci-dessus, d'un montant total de {total} € TTC, \
             demeurent impayées à ce jour malgré leur échéance dépassée. Nous vous remercions \
             de bien vouloir procéder à leur règlement dans les meilleurs délais, par virement \
             sur le compte dont les coordonnées figurent ci-dessous, en rappelant la référence \
             de la facture.\n\nConformément à l'article L441-10 du Code de commerce, tout \
             retard de paiement entraîne de plein droit des pénalités de retard ainsi qu'une \
             indemnité forfaitaire pour frais de recouvrement de 40 € par facture. Si votre \
             règlement a été effectué entre-temps, nous vous prions de ne pas tenir compte du \
             présent courrier.\n\nÀ défaut de règlement, nous nous verrons contraints \
             d'engager les démarches nécessaires au recouvrement de notre créance, sans autre \
             avis.\n\nNous vous prions d'agréer, Madame, Monsieur, l'expression de nos \
             salutations distinguées.\n\nLe service comptabilité\nIBAN FR76 3000 4000 \
             0500 0012 3456 789 — BIC BNPAFRPP",
            name = new.debtor.name,
            address = new.debtor.address.join("\n"),
            refs = refs.join(", "),
        ));
    }
}

fn note_kind(r: &mut Rng, kind: NoteKind) -> EventKind {
    let text = match kind {
        NoteKind::PhoneCall => r.pick(CALLS),
        NoteKind::Note => r.pick(NOTES),
    };
    EventKind::Note {
        kind,
        text: text.to_string(),
    }
}
