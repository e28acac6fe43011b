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
    /// A searcher per word, for [`Query::matches_all`]: prepared once for every block of texts.
    finders: Vec<memchr::memmem::Finder<'static>>,
}

impl Query {
    pub fn new(query: &str) -> Query {
        let words: Vec<String> = normalize(query.trim())
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let finders = words
            .iter()
            .map(|w| memchr::memmem::Finder::new(w.as_bytes()).into_owned())
            .collect();
        Query { words, finders }
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

    /// [`Query::matches`] for many dossiers at once: their texts laid end to end in `texts`,
    /// `ends[i]` where dossier `i`'s text ends (a separator between them, as the TUI's filter
    /// index has, makes every hit fall inside one text). Each word is looked for once over the
    /// whole of them, with a vectorised searcher (`memchr::memmem`; `str::find` over long texts
    /// was slower than `contains` text by text): at 100 000 dossiers, one search per dossier cost
    /// 20 ms a keystroke.
    pub fn matches_all(&self, texts: &str, ends: &[u32], ids: &[DossierId]) -> Vec<bool> {
        let mut all = vec![true; ids.len()];
        for (w, finder) in self.words.iter().zip(&self.finders) {
            let mut hit = vec![false; ids.len()];
            if let Some(n) = w.strip_prefix('#') {
                let n = n.parse::<u64>().ok();
                for (h, id) in hit.iter_mut().zip(ids) {
                    *h = Some(*id) == n;
                }
            } else {
                if let Ok(n) = w.parse::<u64>() {
                    for (h, id) in hit.iter_mut().zip(ids) {
                        *h = *id == n;
                    }
                }
                let start = |i: usize| if i == 0 { 0 } else { ends[i - 1] as usize };
                let mut i = 0;
                for at in finder.find_iter(texts.as_bytes()) {
                    while ends.get(i).is_some_and(|&end| end as usize <= at) {
                        i += 1;
                    }
                    if ends.get(i).is_some_and(|&end| at + w.len() <= end as usize) {
                        hit[i] = true;
                        continue;
                    }
                    // A hit across texts may hide one inside a text it overlaps: each text it
                    // touches is searched on its own.
                    let mut j = i;
                    while j < ends.len() && start(j) < at + w.len() {
                        let text = texts.get(start(j)..ends[j] as usize).unwrap_or("");
                        hit[j] |= text.contains(w.as_str());
                        j += 1;
                    }
                }
            }
            for (a, h) in all.iter_mut().zip(hit) {
                *a &= h;
            }
        }
        all
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

#[cfg(test)]
mod tests {
    use super::Query;

    /// The one-pass search finds what the search of each text finds, never a word straddling
    /// two dossiers, and the dossier number (`12`, `#12`) as the per-dossier search does.
    #[test]
    fn matches_all_agrees_with_matches() {
        let texts = [
            "dupont sa\nc-12",
            "durand\nf-2024-7",
            "martin",
            "",
            "cdurand",
        ];
        let ids = [3, 12, 7, 8, 9];
        // The texts end to end, each followed by `sep`, and where each ends.
        let lay = |sep: &str| {
            let (mut joined, mut ends) = (String::new(), Vec::new());
            for t in texts {
                joined.push_str(t);
                ends.push(joined.len() as u32);
                joined.push_str(sep);
            }
            (joined, ends)
        };
        let agree = |joined: &str, ends: &[u32], queries: &[&str]| {
            for q in queries {
                let query = Query::new(q);
                let one: Vec<bool> = texts
                    .iter()
                    .zip(ids)
                    .map(|(t, id)| query.matches(t, id))
                    .collect();
                assert_eq!(
                    query.matches_all(joined, ends, &ids),
                    one,
                    "{q:?} {joined:?}"
                );
            }
        };
        let (joined, ends) = lay("\n");
        agree(
            &joined,
            &ends,
            &[
                "", "d", "nt", "c-12", "12", "#12", "7", "#7", "sa du", "ac", "7 martin", "zz",
            ],
        );
        // Laid end to end without a separator, as the store's search blocks are: a word that
        // straddles two texts ("12durand") counts for neither, and one found just after such
        // a hit ("2durand" in "c-12durand…") is still found.
        let (bare, bare_ends) = lay("");
        assert_eq!(
            Query::new("12durand").matches_all(&bare, &bare_ends, &ids),
            vec![false; 5]
        );
        agree(
            &bare,
            &bare_ends,
            &[
                "d", "nt", "c-12", "durand", "12", "sa du", "ac", "7 martin", "tin",
            ],
        );
    }
}
