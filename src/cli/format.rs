//! Fitting plain-text output to the terminal, and the TSV form of `status` for scripts.
//!
//! Widths count characters (every string we print is made of single-width characters: French
//! and English text, digits, `€`, `…`). Dates and amounts are never cut: only free text such as
//! a debtor's name or an action label gives way, and a cut is shown by `…`.

// Shared with the TUI's reports, which lay out the same tables.
pub use crate::present::{fit, lpad, rpad, shorten, width};

/// Columns to fit: `COLUMNS` when set (the shell's word, and what tests use), else the terminal's
/// width when stdout is a terminal, else 80.
pub fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return n;
    }
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        if let Ok((w, _)) = crossterm::terminal::size() {
            if w > 0 {
                return w as usize;
            }
        }
    }
    80
}

/// Word-wraps `text` to `w` columns: the first line after `indent`, the next ones after `indent`
/// and two more spaces. Words are never split, so an amount ("1 234,56 €", no-break spaces) or a
/// date stays whole; a word longer than the line stands alone.
pub fn wrap(text: &str, w: usize, indent: &str) -> Vec<String> {
    let first = format!("{indent}{text}");
    if width(&first) <= w {
        // Fits: printed as written, its own spacing kept.
        return vec![first];
    }
    let more = format!("{indent}  ");
    let mut out = vec![];
    let mut cur = indent.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        if word.is_empty() {
            // A run of spaces inside the line (a column gap) stays, unless the line breaks there.
            if !empty {
                cur.push(' ');
            }
            continue;
        }
        if !empty && width(cur.trim_end()) + 1 + width(word) > w {
            let done = std::mem::replace(&mut cur, more.clone());
            out.push(done.trim_end().to_string());
            empty = true;
        }
        if !empty && !cur.ends_with(' ') {
            cur.push(' ');
        }
        cur.push_str(word);
        empty = false;
    }
    out.push(cur.trim_end().to_string());
    out
}

/// Prints `text` wrapped to the terminal (see [`wrap`]).
pub fn say(indent: &str, text: &str) {
    for line in wrap(text, terminal_width(), indent) {
        println!("{line}");
    }
}

/// Shares `room` columns between flexible columns that would like `wants` each, never going
/// under `mins`: each gets what it wants when everything fits, else the room is split in
/// proportion to what they want (with the minimum kept).
pub fn share(room: usize, wants: &[usize], mins: &[usize]) -> Vec<usize> {
    let total: usize = wants.iter().sum();
    if total <= room {
        return wants.to_vec();
    }
    let min_total: usize = mins.iter().sum();
    let spare = room.saturating_sub(min_total);
    let extra_wanted: usize = wants
        .iter()
        .zip(mins)
        .map(|(w, m)| w.saturating_sub(*m))
        .sum();
    let mut out: Vec<usize> = wants
        .iter()
        .zip(mins)
        .map(|(w, m)| {
            let extra = w.saturating_sub(*m);
            let given = (extra * spare).checked_div(extra_wanted).unwrap_or(0);
            (*m).min(*w) + given
        })
        .collect();
    // Rounding leftovers go to the first columns that still want more.
    let mut left = room.saturating_sub(out.iter().sum());
    for (o, w) in out.iter_mut().zip(wants) {
        while left > 0 && *o < *w {
            *o += 1;
            left -= 1;
        }
    }
    out
}

/// One TSV field: tabs, newlines and other control characters become spaces, so a field can
/// never break a row or a column.
pub fn tsv_field(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// One TSV row.
pub fn tsv_row(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| tsv_field(f))
        .collect::<Vec<_>>()
        .join("\t")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_amounts_and_dates_whole_and_indents_what_follows() {
        let text = "Dû au 01/12/2026 : principal 5\u{a0}434,56\u{a0}€ + pénalités 20,07\u{a0}€ \
                    = 5\u{a0}534,63\u{a0}€ (+1,81\u{a0}€ par jour)";
        let lines = wrap(text, 40, "    ");
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(width(l) <= 40, "{l:?}");
        }
        assert!(lines[1].starts_with("      "));
        assert!(lines.iter().any(|l| l.contains("5\u{a0}434,56\u{a0}€")));
        assert_eq!(wrap("court", 40, "  "), vec!["  court"]);
    }

    #[test]
    fn shorten_marks_the_cut_and_keeps_short_text() {
        assert_eq!(shorten("ACME SARL", 20), "ACME SARL");
        assert_eq!(shorten("Établissements Durand et fils", 10), "Établisse…");
        assert_eq!(width(&shorten("Établissements Durand et fils", 10)), 10);
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(rpad("1 234,56 €", 3), "1 234,56 €");
    }

    #[test]
    fn share_gives_what_is_wanted_when_it_fits_and_splits_otherwise() {
        assert_eq!(share(50, &[10, 20], &[5, 5]), vec![10, 20]);
        let s = share(20, &[30, 30], &[6, 6]);
        assert_eq!(s.iter().sum::<usize>(), 20);
        assert!(s.iter().all(|w| *w >= 6));
        assert_eq!(share(5, &[30, 30], &[6, 6]), vec![6, 6]);
    }

    #[test]
    fn tsv_fields_have_no_control_characters() {
        assert_eq!(tsv_field("a\tb\nc\rd"), "a b c d");
        assert_eq!(tsv_row(&["1".into(), "x\ty".into()]), "1\tx y".to_string());
    }
}
