//! The words of an import: what a dry run would do, what a real run did, shared by the command
//! line and the full-screen interface.

use std::collections::BTreeMap;

use super::plan::{Plan, Tally, Target, Why, Write};
use crate::domain::model::DebtorType;
use crate::i18n::{money, t, tf};

fn type_label(t: DebtorType) -> &'static str {
    match t {
        DebtorType::B2b => "B2B",
        DebtorType::B2c => "B2C",
    }
}

fn what(t: &Tally) -> String {
    let mut parts = vec![];
    if t.invoices > 0 {
        parts.push(tf(
            "import.report.invoices",
            &[("count", &t.invoices), ("amount", &money(t.invoiced))],
        ));
    }
    if t.payments > 0 {
        parts.push(tf(
            "import.report.payments",
            &[("count", &t.payments), ("amount", &money(t.paid))],
        ));
    }
    if t.credit_notes > 0 {
        parts.push(tf(
            "import.report.credit_notes",
            &[("count", &t.credit_notes), ("amount", &money(t.credited))],
        ));
    }
    if t.settled > 0 {
        parts.push(tf(
            "import.report.settlements",
            &[("count", &t.settled), ("amount", &money(t.settled_amount))],
        ));
    }
    parts.join(", ")
}

fn write_line(w: &Write) -> String {
    match &w.target {
        Target::New { .. } => tf(
            "import.report.create",
            &[
                ("debtor", &w.debtor),
                ("type", &type_label(w.debtor_type)),
                ("what", &what(&w.tally)),
            ],
        ),
        Target::Existing { id, .. } => tf(
            "import.report.update",
            &[("id", id), ("debtor", &w.debtor), ("what", &what(&w.tally))],
        ),
    }
}

/// Every line of the report, in order: the file, each dossier written, what is reported only,
/// and the closing summary with totals per debtor type.
pub fn lines(plan: &Plan, dry_run: bool) -> Vec<String> {
    let mut out = head(plan);
    out.extend(details(plan, dry_run));
    out.extend(tail(plan, dry_run));
    out
}

/// The report with at most `max` detail lines (a popup must keep its buttons on screen): the
/// rest is counted in one line.
pub fn brief(plan: &Plan, dry_run: bool, max: usize) -> Vec<String> {
    let mut out = head(plan);
    let details = details(plan, dry_run);
    let more = details.len().saturating_sub(max);
    out.extend(details.into_iter().take(max));
    if more > 0 {
        out.push(tf("import.report.more", &[("count", &more)]));
    }
    out.extend(tail(plan, dry_run));
    out
}

/// The file and the assumption on due dates.
fn head(plan: &Plan) -> Vec<String> {
    let mut out = vec![tf(
        "import.report.header",
        &[
            ("format", &plan.format.slug()),
            ("file", &plan.file_name),
            ("encoding", &plan.encoding),
            ("lines", &plan.lines),
            ("ignored", &plan.ignored),
        ],
    )];
    if plan.due_assumed {
        out.push(tf(
            "import.report.terms",
            &[("days", &plan.payment_terms_days)],
        ));
    }
    out
}

/// One line per dossier written and per thing reported.
fn details(plan: &Plan, dry_run: bool) -> Vec<String> {
    let mut out: Vec<String> = plan.writes.iter().map(write_line).collect();
    for c in &plan.changed {
        out.push(tf(
            "import.report.changed",
            &[
                ("id", &c.dossier),
                ("debtor", &c.debtor),
                ("reference", &c.reference),
                ("recorded", &money(c.recorded)),
                ("file", &money(c.in_file)),
                ("line", &c.line),
            ],
        ));
    }
    for m in &plan.missing {
        let why = match &m.why {
            Why::Lettered { code, line, .. } if !code.is_empty() => tf(
                "import.report.why_lettered",
                &[("code", code), ("line", line)],
            ),
            Why::Lettered { line, .. } => tf("import.report.why_paid", &[("line", line)]),
            Why::Absent => t("import.report.why_absent").to_string(),
        };
        let key = if m.settled {
            if dry_run {
                "import.report.missing_will_settle"
            } else {
                "import.report.missing_settled"
            }
        } else {
            "import.report.missing_kept"
        };
        out.push(tf(
            key,
            &[
                ("id", &m.dossier),
                ("debtor", &m.debtor),
                ("reference", &m.reference),
                ("open", &money(m.open)),
                ("why", &why),
            ],
        ));
    }
    for o in &plan.orphans {
        out.push(tf(
            "import.report.orphan",
            &[
                ("debtor", &o.debtor),
                ("reference", &o.reference),
                ("amount", &money(o.amount)),
                ("line", &o.line),
            ],
        ));
    }
    for u in &plan.unlinked {
        out.push(tf(
            "import.report.unlinked",
            &[
                ("debtor", &u.debtor),
                ("reference", &u.reference),
                ("line", &u.line),
            ],
        ));
    }
    for name in &plan.by_name {
        out.push(tf("import.report.by_name", &[("debtor", name)]));
    }
    out
}

/// The closing summary, the totals per debtor type, and whether anything was written.
fn tail(plan: &Plan, dry_run: bool) -> Vec<String> {
    let mut out = vec![summary(plan, dry_run)];
    let mut per_type: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for w in &plan.writes {
        let t = per_type.entry(type_label(w.debtor_type)).or_default();
        t.invoices += w.tally.invoices;
        t.invoiced += w.tally.invoiced;
        t.payments += w.tally.payments;
        t.paid += w.tally.paid;
        t.credit_notes += w.tally.credit_notes;
        t.credited += w.tally.credited;
        t.settled += w.tally.settled;
        t.settled_amount += w.tally.settled_amount;
    }
    for (label, tally) in per_type {
        if tally != Tally::default() {
            out.push(tf(
                "import.report.per_type",
                &[("type", &label), ("what", &what(&tally))],
            ));
        }
    }
    if plan.is_empty() {
        out.push(t("import.report.nothing").to_string());
    } else if dry_run {
        out.push(t("import.report.dry_run").to_string());
    }
    out
}

/// The closing line: dossiers created, updated, items settled, lines already known.
pub fn summary(plan: &Plan, dry_run: bool) -> String {
    tf(
        if dry_run {
            "import.report.summary_dry"
        } else {
            "import.report.summary"
        },
        &[
            ("created", &plan.created()),
            ("updated", &plan.updated()),
            ("settled", &plan.settled()),
            ("skipped", &plan.skipped),
        ],
    )
}
