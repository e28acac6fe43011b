//! The parts of a finished letter, read back from its text: letterhead, recipient, date, subject,
//! body (paragraphs, indented lines, tables) and signature.
//!
//! The text is the one document: what `compose` renders, what the editor changes, what the
//! journal keeps. A printed layout (the PDF) is made from these parts, so it shows exactly that
//! text and never a second rendering of the dossier. The reading follows the shape the built-in
//! templates give a letter (`_header.txt.j2`, the tables of `format::table`, `_signature.txt.j2`);
//! a text that does not have that shape (an override template, a heavy edit) still loses
//! nothing: what is not recognised is body text.

use super::format::{char_len, is_rule, unwrap, WRAP_WIDTH};

/// Leading spaces from which a header line belongs to the recipient's block (the template
/// indents it by 40).
const RECIPIENT_INDENT: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterParts {
    /// The creditor's block at the top (name first).
    pub letterhead: Vec<String>,
    /// The debtor's address block, for the envelope window.
    pub recipient: Vec<String>,
    /// `Lyon, le 1er décembre 2026`.
    pub date_line: Option<String>,
    /// The lines around the subject: sending channel, `Objet : …` (flagged), customer number.
    pub heading: Vec<HeadLine>,
    pub body: Vec<Block>,
    /// Signatory name, function, company: the last block of the letter.
    pub signature: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadLine {
    pub text: String,
    /// The `Objet : …` line (printed in bold).
    pub subject: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Lines in one paragraph group; each is one logical line (re-broken by the layout).
    Text(Vec<TextLine>),
    Table(Table),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    /// Leading spaces in the text.
    pub lead: usize,
    /// Characters of a list marker (`- `, `3. `) that continuation lines hang under.
    pub hang: usize,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// One flag per column: right-aligned (amounts).
    pub right: Vec<bool>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Header(Vec<String>),
    Cells(Vec<String>),
    /// Rows after the last rule (totals).
    Total(Vec<String>),
    /// An indented detail under the row above (rate and period of a penalty line).
    Detail(String),
    Rule,
}

fn lead(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line that belongs to a table around a rule: cells separated by two spaces or more, or a
/// detail indented under a row.
fn is_table_line(line: &str) -> bool {
    is_rule(line) || line.trim().contains("  ") || (lead(line) > 0 && !line.trim().is_empty())
}

/// Column spans (in characters) read from a rule line `-----  ----`.
fn spans(rule: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in rule.chars().chain(std::iter::once(' ')).enumerate() {
        match (c, start) {
            ('-', None) => start = Some(i),
            (' ', Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn slice(chars: &[char], from: usize, to: usize) -> String {
    chars
        .get(from.min(chars.len())..to.min(chars.len()))
        .unwrap_or_default()
        .iter()
        .collect()
}

fn table(lines: &[String]) -> Table {
    let rule = lines
        .iter()
        .find(|l| is_rule(l))
        .expect("a table has a rule");
    let cols = spans(rule);
    let rules: Vec<usize> = (0..lines.len()).filter(|&i| is_rule(&lines[i])).collect();
    let (first_rule, last_rule) = (rules[0], rules[rules.len() - 1]);
    // A header is the single row above the first rule (the items table); rows above the only
    // rule of the money table are its body.
    let header = first_rule == 1 && (rules.len() > 1 || lines.len() > 2);
    let mut right = vec![false; cols.len()];
    let mut rows = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if is_rule(line) {
            rows.push(Row::Rule);
            continue;
        }
        if lead(line) > 0 && !line.trim().contains("  ") {
            rows.push(Row::Detail(line.trim().to_string()));
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let cells: Vec<String> = (0..cols.len())
            .map(|c| {
                let to = cols.get(c + 1).map_or(usize::MAX, |n| n.0);
                slice(&chars, cols[c].0, to).trim().to_string()
            })
            .collect();
        for (c, &(s, e)) in cols.iter().enumerate() {
            let raw = slice(&chars, s, e);
            if raw.starts_with(' ') && !raw.trim().is_empty() && char_len(&raw) == e - s {
                right[c] = true;
            }
        }
        rows.push(if header && i == 0 {
            Row::Header(cells)
        } else if i > last_rule && (rules.len() > 1 || !header) {
            Row::Total(cells)
        } else {
            Row::Cells(cells)
        });
    }
    Table { right, rows }
}

fn text_block(lines: &[String]) -> Block {
    Block::Text(
        lines
            .iter()
            .map(|l| {
                let lead = lead(l);
                let body = l.trim();
                let marker = ["- ", "• ", "* "]
                    .iter()
                    .find(|m| body.starts_with(**m))
                    .map(|m| char_len(m))
                    .or_else(|| {
                        let d = body.chars().take_while(char::is_ascii_digit).count();
                        (d > 0 && body[d..].starts_with(". ")).then_some(d + 2)
                    });
                TextLine {
                    lead,
                    hang: marker.unwrap_or(0),
                    text: body.to_string(),
                }
            })
            .collect(),
    )
}

/// A body block: a table (with the text before and after it), or text.
fn body_blocks(lines: &[String], out: &mut Vec<Block>) {
    let Some(r) = lines.iter().position(|l| is_rule(l)) else {
        out.push(text_block(lines));
        return;
    };
    let mut start = r;
    while start > 0 && is_table_line(&lines[start - 1]) {
        start -= 1;
    }
    let mut end = r + 1;
    while end < lines.len() && is_table_line(&lines[end]) {
        end += 1;
    }
    if start > 0 {
        out.push(text_block(&lines[..start]));
    }
    out.push(Block::Table(table(&lines[start..end])));
    if end < lines.len() {
        body_blocks(&lines[end..], out);
    }
}

/// Reads a letter's text into its parts.
pub fn parts(text: &str) -> LetterParts {
    let mut blocks: Vec<Vec<String>> = vec![];
    let mut cur: Vec<String> = vec![];
    for line in unwrap(text, WRAP_WIDTH) {
        let line = line.trim_end().to_string();
        if line.is_empty() {
            if !cur.is_empty() {
                blocks.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        blocks.push(cur);
    }
    let mut p = LetterParts::default();
    let recipient = blocks
        .iter()
        .take(3)
        .position(|b| b.iter().all(|l| lead(l) >= RECIPIENT_INDENT));
    let mut rest = &blocks[..];
    if let Some(r) = recipient {
        p.letterhead = blocks[..r]
            .iter()
            .flatten()
            .map(|l| l.trim().into())
            .collect();
        p.recipient = blocks[r].iter().map(|l| l.trim().to_string()).collect();
        rest = &blocks[r + 1..];
        if let Some(b) = rest
            .first()
            .filter(|b| b.len() == 1 && b[0].contains(", le "))
        {
            p.date_line = Some(b[0].trim().to_string());
            rest = &rest[1..];
        }
        if let Some(b) = rest
            .first()
            .filter(|b| b.iter().any(|l| l.starts_with("Objet :")))
        {
            p.heading = b
                .iter()
                .map(|l| HeadLine {
                    text: l.trim().to_string(),
                    subject: l.starts_with("Objet :"),
                })
                .collect();
            rest = &rest[1..];
        }
    }
    // The signature: a short last block of short lines after the letter's body.
    if rest.len() > 1 {
        let last = &rest[rest.len() - 1];
        if last.len() <= 5 && last.iter().all(|l| lead(l) == 0 && char_len(l) <= 60) {
            p.signature = last.clone();
            rest = &rest[..rest.len() - 1];
        }
    }
    for b in rest {
        body_blocks(b, &mut p.body);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    const LETTER: &str = "ACME SAS
12 rue des Tanneurs
69003 Lyon

                                        Dupont SARL
                                        Siège social :
                                        3 rue X
                                        75001 Paris

Lyon, le 1er décembre 2026

Lettre recommandée avec accusé de réception
Objet : MISE EN DEMEURE DE PAYER — Factures n° F-2026-0001, F-2026-0002 et
        F-2026-0003
Votre numéro de client : C-1

Madame, Monsieur,

Nous constatons que la facture suivante reste impayée, alors que son échéance
est dépassée :

Facture n°  Date        Montant TTC
----------  ----------  -----------
F-1         26/10/2026   5 230,00 €
----------  ----------  -----------
Total                    5 230,00 €

Principal restant dû                       5 230,00 €
Pénalités de retard – F-1                     10,45 €
  taux 12,15 % l'an, du 26/11/2026 au 01/12/2026
-----------------------------------------  ----------
Total dû au 01/12/2026                     5 240,45 €
(sommes accessoires calculées à titre provisionnel, sous réserve du taux
officiel applicable)

  Titulaire du compte : ACME
  IBAN : FR76

Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations
distinguées.

Claire Martin
Responsable
ACME SAS
";

    #[test]
    fn reads_the_header_tables_and_signature() {
        let p = parts(LETTER);
        assert_eq!(p.letterhead[0], "ACME SAS");
        assert_eq!(
            p.recipient,
            ["Dupont SARL", "Siège social :", "3 rue X", "75001 Paris"]
        );
        assert_eq!(p.date_line.as_deref(), Some("Lyon, le 1er décembre 2026"));
        assert_eq!(p.heading.len(), 3);
        assert!(p.heading[1].subject);
        assert!(
            p.heading[1].text.ends_with("F-2026-0002 et F-2026-0003"),
            "{:?}",
            p.heading
        );
        assert_eq!(p.signature, ["Claire Martin", "Responsable", "ACME SAS"]);
        let tables: Vec<&Table> = p
            .body
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), 2);
        assert_eq!(tables[0].right, [false, false, true]);
        assert!(matches!(&tables[0].rows[0], Row::Header(h) if h[0] == "Facture n°"));
        assert!(matches!(&tables[0].rows[4], Row::Total(t) if t[2] == "5 230,00 €"));
        assert_eq!(tables[1].right, [false, true]);
        assert!(matches!(&tables[1].rows[0], Row::Cells(c) if c[1] == "5 230,00 €"));
        assert!(matches!(&tables[1].rows[2], Row::Detail(d) if d.starts_with("taux")));
        assert!(matches!(&tables[1].rows[4], Row::Total(_)));
        // The note after the money table is text again, re-joined.
        let texts: Vec<&TextLine> = p
            .body
            .iter()
            .filter_map(|b| match b {
                Block::Text(t) => Some(t),
                _ => None,
            })
            .flatten()
            .collect();
        assert!(texts
            .iter()
            .any(|t| t.text.starts_with("(sommes") && t.text.ends_with("applicable)")));
        assert!(texts
            .iter()
            .any(|t| t.lead == 2 && t.text.starts_with("IBAN")));
        assert!(texts
            .iter()
            .any(|t| t.text == "Nous constatons que la facture suivante reste impayée, alors que son échéance est dépassée :"));
    }

    #[test]
    fn a_text_without_the_header_is_all_body() {
        let p = parts("Bonjour,\n\nUn mot.\n");
        assert!(p.recipient.is_empty());
        assert_eq!(p.body.len(), 1);
        assert_eq!(p.signature, ["Un mot."]);
    }
}
