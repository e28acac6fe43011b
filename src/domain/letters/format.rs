//! Plain-text layout helpers for letters: French lists and rates, aligned tables, line wrapping.
//!
//! Letters are plain text (they go into an e-mail, a terminal editor or a word processor), so
//! tables are aligned with spaces and counted in characters, never bytes: amounts contain
//! no-break spaces and accented labels are common.

use rust_decimal::Decimal;

/// Width at which rendered letters are wrapped: readable in an 80-column terminal and in e-mail.
pub const WRAP_WIDTH: usize = 78;

pub(crate) fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// `12,15 %` (no-break space before the sign, French typography). Rates are percent per year.
pub fn format_rate_fr(rate: Decimal) -> String {
    format!("{}\u{a0}%", rate.normalize().to_string().replace('.', ","))
}

/// `a`, `a et b`, `a, b et c`.
pub fn join_fr(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {}", init.join(", "), last),
    }
}

/// `1 jour`, `8 jours`.
pub fn days_fr(n: i64) -> String {
    if n.abs() <= 1 {
        format!("{n} jour")
    } else {
        format!("{n} jours")
    }
}

/// Column alignment in [`table`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

fn pad(cell: &str, width: usize, align: Align) -> String {
    let fill = " ".repeat(width.saturating_sub(char_len(cell)));
    match align {
        Align::Left => format!("{cell}{fill}"),
        Align::Right => format!("{fill}{cell}"),
    }
}

/// A header row, a rule, the body rows and optional footer rows (after a second rule), columns
/// separated by two spaces. Trailing spaces are trimmed so edited copies compare cleanly.
pub(crate) fn table(
    header: &[&str],
    rows: &[Vec<String>],
    footer: &[Vec<String>],
    align: &[Align],
) -> String {
    let ncol = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| char_len(h)).collect();
    for row in rows.iter().chain(footer) {
        for (i, cell) in row.iter().enumerate().take(ncol) {
            widths[i] = widths[i].max(char_len(cell));
        }
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = (0..ncol)
            .map(|i| {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                pad(
                    cell,
                    widths[i],
                    align.get(i).copied().unwrap_or(Align::Left),
                )
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    let mut out = vec![
        line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>()),
        rule.join("  "),
    ];
    out.extend(rows.iter().map(|r| line(r)));
    if !footer.is_empty() {
        out.push(rule.join("  "));
        out.extend(footer.iter().map(|r| line(r)));
    }
    out.join("\n")
}

/// Whether a line is laid out with spaces (a table row): such lines are never re-wrapped.
fn is_layout_line(line: &str) -> bool {
    // A table's rule is kept whole like its rows, even when its columns are two spaces apart.
    line.trim_start().contains("   ") || is_rule(line)
}

/// A table's rule: dashes, in columns separated by spaces (what [`table`] draws under a header).
pub(crate) fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.contains("---") && t.chars().all(|c| c == '-' || c == ' ')
}

/// Indentation kept on continuation lines: leading spaces plus a list marker (`- `, `• `, `3. `).
fn hanging_indent(line: &str) -> usize {
    let lead = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[lead..];
    // "Objet : " continuation lines align under the subject text, as in a printed letter.
    for marker in ["- ", "• ", "* ", "Objet : "] {
        if rest.starts_with(marker) {
            return lead + char_len(marker);
        }
    }
    let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && rest[digits..].starts_with(". ") {
        return lead + digits + 2;
    }
    lead
}

fn is_number(w: &str) -> bool {
    !w.is_empty() && w.chars().all(|c| c.is_ascii_digit())
}

/// Whether French typography forbids a line break between two words: `n° 12`, `« mot »`,
/// `mot :`, `20 mars 2026`, digit groups of phone numbers.
fn glued(a: &str, b: &str) -> bool {
    let month = |w: &str| {
        crate::domain::parse::MONTHS_FR.contains(&w.trim_end_matches([',', '.', ';', ')']))
    };
    a.ends_with("n°")
        || a.ends_with("N°")
        || a == "«"
        || matches!(b, ":" | ";" | "!" | "?" | "»" | "€" | "%")
        || ((is_number(a) || a == "1er") && month(b))
        || (month(a) && is_number(b.trim_end_matches([',', '.', ';', ')'])))
        || (is_number(a) && is_number(b.trim_end_matches([',', '.', ';', ')'])))
}

/// Wraps lines longer than `width` at ordinary spaces (no-break spaces keep amounts in one
/// piece, and [`glued`] keeps dates, numbers and French punctuation together), with a hanging
/// indent for list items.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if char_len(line) <= width || is_layout_line(line) {
            out.push_str(line);
            continue;
        }
        let indent = hanging_indent(line);
        let lead = &line[..line.len() - line.trim_start_matches(' ').len()];
        let groups = break_groups(line.trim_start_matches(' '));
        let mut current = lead.to_string();
        let mut current_len = char_len(&current);
        let mut has_word = false;
        for group in &groups {
            let wl = char_len(group);
            if has_word && current_len + 1 + wl > width {
                out.push_str(current.trim_end());
                out.push('\n');
                current = " ".repeat(indent);
                current_len = indent;
                has_word = false;
            }
            if has_word {
                current.push(' ');
                current_len += 1;
            }
            current.push_str(group);
            current_len += wl;
            has_word = true;
        }
        out.push_str(current.trim_end());
    }
    out
}

/// The break groups of a line: words that French typography keeps on one line (see [`glued`])
/// joined by a space. [`wrap`] breaks between groups only; so does the PDF layout.
pub fn break_groups(line: &str) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    let mut prev: Option<&str> = None;
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        match (prev, groups.last_mut()) {
            (Some(p), Some(g)) if glued(p, word) => {
                g.push(' ');
                g.push_str(word);
            }
            _ => groups.push(word.to_string()),
        }
        prev = Some(word);
    }
    groups
}

/// The inverse of [`wrap`]: joins the continuation lines `wrap` made back onto their line, so
/// a layout with another measure (the PDF) can break the text again. A line is taken for a
/// continuation only when `wrap` would have put it there: indented by the hanging indent of
/// the line it continues, and too long to have fitted on the line before. Any other break (a
/// signature, an address, an edit) is kept.
pub fn unwrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // The logical line being rebuilt, its hanging indent and the length of its last
    // physical line.
    let mut open: Option<(usize, usize)> = None;
    for line in text.lines() {
        let lead = line.len() - line.trim_start_matches(' ').len();
        let body = &line[lead..];
        if let (Some((indent, last_len)), Some(cur)) = (open, out.last_mut()) {
            let first = break_groups(body).into_iter().next().unwrap_or_default();
            if !body.is_empty()
                && lead == indent
                && !is_layout_line(line)
                && last_len <= width
                && last_len + 1 + char_len(&first) > width
            {
                cur.push(' ');
                cur.push_str(body);
                open = Some((indent, char_len(line)));
                continue;
            }
        }
        out.push(line.to_string());
        open = (!line.trim().is_empty() && !is_layout_line(line))
            .then(|| (hanging_indent(line), char_len(line)));
    }
    out
}

/// Collapses runs of blank lines left by template conditionals to a single blank line, trims
/// trailing spaces and ends the text with exactly one newline.
pub fn tidy(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let mut s = out.join("\n");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn rates_lists_days() {
        assert_eq!(
            format_rate_fr(Decimal::from_str("12.150").unwrap()),
            "12,15\u{a0}%"
        );
        assert_eq!(format_rate_fr(Decimal::from(10)), "10\u{a0}%");
        assert_eq!(join_fr(&["a".into(), "b".into(), "c".into()]), "a, b et c");
        assert_eq!(join_fr(&["a".into()]), "a");
        assert_eq!(days_fr(1), "1 jour");
        assert_eq!(days_fr(15), "15 jours");
    }

    #[test]
    fn tables_align_on_characters() {
        let t = table(
            &["Réf.", "Montant"],
            &[
                vec!["F-1".into(), "1\u{a0}234,56\u{a0}€".into()],
                vec!["Échéance-2".into(), "5,00\u{a0}€".into()],
            ],
            &[],
            &[Align::Left, Align::Right],
        );
        let widths: Vec<usize> = t.lines().map(char_len).collect();
        assert_eq!(widths[2], widths[3], "{t}");
    }

    #[test]
    fn wrapping_keeps_tables_and_hangs_list_items() {
        let long = format!("- {}", "mot ".repeat(30));
        let w = wrap(&long, 20);
        assert!(w.lines().all(|l| char_len(l) <= 20), "{w}");
        assert!(w.lines().skip(1).all(|l| l.starts_with("  mot")), "{w}");
        let row = format!("F-1{}1 234,56 €", " ".repeat(90));
        assert_eq!(wrap(&row, 20), row);
        // A rule whose columns are two spaces apart is kept whole too.
        let rule = ["-".repeat(18), "-".repeat(10), "-".repeat(12)].join("  ");
        assert_eq!(wrap(&rule, 20), rule);
        assert_eq!(tidy("a  \n\n\n\nb\n\n"), "a\n\nb\n");
        // Dates, "n° X", phone numbers and "mot :" never split.
        let w = wrap(
            "aaaa bbbb le 12 février 2026, facture n° F-1 : au 04 72 00 11 22",
            12,
        );
        for kept in ["12 février 2026,", "n° F-1 :", "04 72 00 11 22"] {
            assert!(w.lines().any(|l| l.contains(kept)), "{kept}: {w}");
        }
    }

    #[test]
    fn unwrap_undoes_wrap_and_keeps_other_breaks() {
        let text = format!(
            "Objet : {}\n\n{}\n- {}\nClaire Martin\nResponsable\n  IBAN : FR76\n  BIC : X",
            "MISE EN DEMEURE ".repeat(8),
            "Le 12 février 2026, nous avons écrit. ".repeat(6),
            "point ".repeat(20),
        );
        let wrapped = wrap(&text, 30);
        assert_ne!(wrapped, text);
        let back: Vec<String> = unwrap(&wrapped, 30)
            .into_iter()
            .map(|l| l.trim_end().to_string())
            .collect();
        let want: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
        assert_eq!(back, want);
    }
}
