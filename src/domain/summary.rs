//! How a query finds a dossier: the one search rule of the CLI and the TUI.

use super::fold::DossierState;
use super::model::{Debtor, DossierId};

/// Lower-cases and drops French diacritics so "lefevre" finds "Lefèvre".
pub fn normalize(s: &str) -> String {
    s.chars()
        .flat_map(|c| c.to_lowercase())
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ç' => 'c',
            'ÿ' => 'y',
            'œ' => 'o',
            other => other,
        })
        .collect()
}

/// The text a query searches, normalised: debtor name, customer number, invoice references.
/// The TUI keeps it per dossier so a keystroke does not rebuild it.
pub fn search_text(st: &DossierState, debtor: &Debtor) -> String {
    let mut text = normalize(&debtor.name);
    for part in debtor
        .customer_number
        .iter()
        .chain(st.items.iter().map(|i| &i.reference))
    {
        text.push('\n');
        text.push_str(&normalize(part));
    }
    text
}

/// A query ready to test many dossiers: normalised once, not once per dossier.
#[derive(Debug, Clone)]
pub struct Query {
    words: Vec<String>,
}

impl Query {
    pub fn new(query: &str) -> Query {
        Query {
            words: normalize(query.trim())
                .split_whitespace()
                .map(str::to_string)
                .collect(),
        }
    }

    /// Every word of the query must be found (so "acme F-12" narrows down): in the debtor name,
    /// the customer number or an invoice reference, accents and case ignored; a number is also
    /// the dossier id, and `#12` is the id alone.
    pub fn matches(&self, text: &str, id: DossierId) -> bool {
        self.words.iter().all(|w| {
            if let Some(n) = w.strip_prefix('#') {
                return n.parse::<u64>().ok() == Some(id);
            }
            w.parse::<u64>().ok() == Some(id) || text.contains(w.as_str())
        })
    }
}

/// [`Query::matches`] for a single test.
pub fn matches_text(text: &str, id: DossierId, query: &str) -> bool {
    Query::new(query).matches(text, id)
}

/// A query matches a debtor name fragment, a customer number, an invoice reference or the
/// dossier id (`12`, or `#12` for the id alone).
pub fn matches(query: &str, st: &DossierState, debtor: &Debtor) -> bool {
    matches_text(&search_text(st, debtor), st.id, query)
}
