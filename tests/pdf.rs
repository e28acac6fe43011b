//! Printable PDF letters, read back with poppler's tools (`pdftotext`, `pdffonts`, `pdfinfo`,
//! Debian `poppler-utils`; `.ci/run` installs them): the PDF carries the letter's own text, is
//! PDF/A-2b in what can be checked without a full validator, puts the address in the envelope
//! window, and numbers the pages of a long letter.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use recouvre::domain::model::Item;
use rust_decimal::Decimal;

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{name} (Debian poppler-utils) must be installed: {e}"));
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A demo database with a complete creditor configuration and an outbox.
fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("db");
    let store = new_store(&db);
    recouvre::demo::populate(&store, d(TODAY)).unwrap();
    drop(store);
    configure(&db);
    db
}

/// A demo company dossier at the first reminder, whose journal keeps that reminder's letter.
fn b2b_dossier(db: &Path) -> String {
    let out = stdout(&run_wide(
        db,
        &["status", "--format", "tsv", "--stage", "relance-1"],
    ));
    out.lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|c| c.len() > 11 && c[3] == "b2b" && c[11] == "relance")
        .unwrap_or_else(|| panic!("no company dossier at relance 1: {out}"))[0]
        .to_string()
}

/// `pdftotext`'s text without the page numbers the layout adds.
fn without_page_numbers(s: &str) -> String {
    s.lines()
        .filter(|l| !(l.starts_with("Page ") && l.contains(" / ")))
        .collect::<Vec<_>>()
        .join("\n")
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c == '-'))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_pdf_carries_the_letter_text_with_accents_and_euro() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = b2b_dossier(&db);
    let args = ["letter", &id, "--next", "--step", "mise-en-demeure"];
    let text = stdout(&run(&db, &args));
    assert!(text.contains("MISE EN DEMEURE"), "{text}");
    let pdf = dir.path().join("lettre.pdf");
    let mut with_pdf = args.to_vec();
    with_pdf.extend(["--pdf", pdf.to_str().unwrap()]);
    let out = run(&db, &with_pdf);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty(), "--pdf alone prints no text");
    assert!(stderr(&out).contains("lettre.pdf"), "{}", stderr(&out));
    let read = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    // Every word of the letter, and nothing else: the PDF is that text, laid out.
    let mut want = words(&text);
    let mut got = words(&without_page_numbers(&read));
    want.sort();
    got.sort();
    assert!(got == want, "\n--- pdf ---\n{read}\n--- text ---\n{text}");
    // Sentences read back whole, with their accents, the euro sign and the no-break spaces.
    let flat = read.split_whitespace().collect::<Vec<_>>().join(" ");
    for s in [
        "nous vous mettons en demeure de nous régler la somme de",
        "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "Objet : MISE EN DEMEURE DE PAYER",
    ] {
        assert!(flat.contains(s), "{s:?} in\n{read}");
    }
    // (pdftotext prints no-break spaces as spaces; the font's coverage of them, of « » and of
    // U+202F is a unit test of `pdf::fonts`.)
    assert!(
        read.contains("régler la somme de") && read.contains(",01 €"),
        "{read}"
    );
}

#[test]
fn the_pdf_is_pdf_a_2b_with_embedded_subsetted_fonts_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = b2b_dossier(&db);
    let pdf = dir.path().join("l.pdf");
    let out = run(
        &db,
        &["letter", &id, "--next", "--pdf", pdf.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let p = pdf.to_str().unwrap();
    let fonts = tool("pdffonts", &[p]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "regular and bold: {fonts}");
    for r in &rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "embedded, subset, unicode: {r}"
        );
        assert!(cols[0].contains("LiberationSans"), "{r}");
    }
    let info = tool("pdfinfo", &[p])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(info.contains("Encrypted: no"), "{info}");
    assert!(info.contains("PDF version: 1.7"), "{info}");
    assert!(
        info.contains(&format!("dossier n° {id}")),
        "title names the dossier: {info}"
    );
    assert!(info.contains(&format!("dossier {id}")), "{info}");
    assert!(info.contains("date 2026-11-25"), "{info}");
    assert!(
        info.contains("Page size: 595.276 x 841.89 pts (A4)"),
        "{info}"
    );
    let xmp = tool("pdfinfo", &["-meta", p]);
    assert!(xmp.contains("<pdfaid:part>2</pdfaid:part>"), "{xmp}");
    assert!(
        xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
        "{xmp}"
    );
    // The output intent PDF/A needs for device-independent colour.
    let raw = std::fs::read(&pdf).unwrap();
    let has = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/OutputIntents"), "an output intent");
    assert!(has(b"GTS_PDFA1"), "a PDF/A output intent");
    assert!(!has(b"/Encrypt"), "no encryption");
}

/// Word boxes of page 1 from `pdftotext -bbox`: (word, xmin, ymin, xmax, ymax) in points.
fn boxes(pdf: &Path) -> Vec<(String, f32, f32, f32, f32)> {
    let html = tool(
        "pdftotext",
        &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"],
    );
    let attr = |l: &str, name: &str| -> f32 {
        let at = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        l[at..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let word = l.split('>').nth(1).unwrap().split('<').next().unwrap();
            let word = word.replace("&amp;", "&").replace("&apos;", "'");
            (
                word,
                attr(l, "xMin"),
                attr(l, "yMin"),
                attr(l, "xMax"),
                attr(l, "yMax"),
            )
        })
        .collect()
}

#[test]
fn the_address_block_lies_in_the_envelope_window_and_nothing_else_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = b2b_dossier(&db);
    let text = stdout(&run(&db, &["letter", &id, "--next"]));
    let recipient: Vec<String> = text
        .lines()
        .filter(|l| l.starts_with(&" ".repeat(40)))
        .flat_map(words)
        .collect();
    assert!(recipient.len() >= 4, "{text}");
    let pdf = dir.path().join("w.pdf");
    run(
        &db,
        &["letter", &id, "--next", "--pdf", pdf.to_str().unwrap()],
    );
    // The window, 110 mm from the left, 55 mm from the top, 85 × 33 mm, in points.
    let mm = 72.0 / 25.4;
    let (x0, y0, x1, y1) = (110.0 * mm, 55.0 * mm, 195.0 * mm, 88.0 * mm);
    let inside = |b: &(String, f32, f32, f32, f32)| {
        b.1 >= x0 - 0.01 && b.2 >= y0 - 0.01 && b.3 <= x1 + 0.01 && b.4 <= y1 + 0.01
    };
    let page = boxes(&pdf);
    for w in &recipient {
        assert!(
            page.iter().any(|b| &b.0 == w && inside(b)),
            "{w:?} of the address is not in the window: {page:?}"
        );
    }
    let mut in_window: Vec<String> = page
        .iter()
        .filter(|b| inside(b))
        .map(|b| b.0.clone())
        .collect();
    let mut want = recipient.clone();
    in_window.sort();
    want.sort();
    assert_eq!(in_window, want, "only the address shows through the window");
}

#[test]
fn a_long_letter_runs_over_pages_with_page_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let mut nd = new_dossier("Longue Liste SARL");
    nd.debtor.address = vec!["4 place Bellecour".into(), "69002 Lyon".into()];
    for n in 0..70 {
        nd.items.push(Item {
            reference: format!("F-2026-{n:04}"),
            issued: d("2026-01-05"),
            due: d("2026-02-04"),
            amount: Decimal::new(10_000 + n, 2),
            description: None,
            proof: None,
        });
    }
    let id = store.create(nd).unwrap();
    drop(store);
    configure(&db);
    let pdf = dir.path().join("long.pdf");
    let out = run(
        &db,
        &[
            "letter",
            &id.to_string(),
            "--next",
            "--pdf",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 2, "{info}");
    let read = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for n in 1..=pages {
        assert!(read.contains(&format!("Page {n} / {pages}")), "{read}");
    }
    assert!(
        stderr(&out).contains(&format!("{pages} page(s)")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_kept_copy_prints_as_pdf_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // The next reminder, logged: the journal keeps its text.
    let id = b2b_dossier(&db);
    let logged = run(&db, &["log", &id, "relance", "--channel", "letter"]);
    assert!(logged.status.success(), "{}", stderr(&logged));
    let text = stdout(&run(&db, &["letter", &id]));
    assert!(!text.is_empty());
    let pdf = dir.path().join("kept.pdf");
    let out = run(&db, &["letter", &id, "--pdf", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let read = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let mut want = words(&text);
    let mut got = words(&without_page_numbers(&read));
    want.sort();
    got.sort();
    assert!(got == want, "\n--- pdf ---\n{read}\n--- text ---\n{text}");
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("étape relance_2"), "{info}");
}

#[test]
fn f4_in_the_letter_editor_writes_the_edited_letter_into_the_outbox() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use recouvre::app::{fixtures, key_to_action, update, Action, Command, Effect};
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let mut s = fixtures::state(fixtures::today());
    std::sync::Arc::make_mut(&mut s.env).profiles.letters.outbox = Some(outbox.clone());
    let pos = s
        .visible
        .iter()
        .position(|i| s.entries[*i].debtor() == "ACME SARL")
        .unwrap();
    update(&mut s, Action::Command(Command::Top));
    for _ in 0..pos {
        update(&mut s, Action::Command(Command::Down));
    }
    let press = |s: &mut recouvre::app::State, code: KeyCode| {
        let a = key_to_action(s, KeyEvent::new(code, KeyModifiers::NONE)).unwrap();
        update(s, a)
    };
    press(&mut s, KeyCode::Char('r'));
    for c in "Urgent ".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    let text = s.editor.as_ref().unwrap().text();
    let eff = press(&mut s, KeyCode::F(4));
    let [Effect::WritePdf {
        letters,
        path,
        text: sent,
        meta,
    }] = &eff[..]
    else {
        panic!("{eff:?}")
    };
    assert_eq!(sent, &text, "the text on screen, edits included");
    assert!(path.starts_with(&outbox), "{path:?}");
    assert!(
        path.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("dossier-1-relance_"),
        "{path:?}"
    );
    // What the runtime does with the effect.
    letters
        .write_pdf(Path::new("."), sent, meta, path)
        .map(|_| ())
        .unwrap();
    update(&mut s, Action::PdfWritten(Ok(path.clone())));
    let shown = s.notice.as_ref().unwrap().text.clone();
    assert!(shown.contains(&path.display().to_string()), "{shown}");
    let read = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(read.contains("Urgent"), "{read}");
    let mut want = words(&text);
    let mut got = words(&without_page_numbers(&read));
    want.sort();
    got.sort();
    assert!(got == want, "\n--- pdf ---\n{read}\n--- text ---\n{text}");
}

#[test]
fn a_logo_is_embedded_and_an_unreadable_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let id = b2b_dossier(&db);
    // A PNG and a JPEG to use as logos: a page of a letter, rasterised by poppler.
    let first = dir.path().join("first.pdf");
    run(
        &db,
        &["letter", &id, "--next", "--pdf", first.to_str().unwrap()],
    );
    let stem = dir.path().join("logo");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "10",
            "-singlefile",
            first.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    );
    tool(
        "pdftoppm",
        &[
            "-jpeg",
            "-r",
            "10",
            "-singlefile",
            first.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    );
    let config = config_path(&db);
    let base = std::fs::read_to_string(&config).unwrap();
    for logo in ["logo.png", "logo.jpg"] {
        let path = dir.path().join(logo);
        std::fs::write(
            &config,
            format!("{base}\n[letters]\nlogo = {:?}\n", path.to_str().unwrap()),
        )
        .unwrap();
        let pdf = dir.path().join(format!("{logo}.pdf"));
        let out = run(
            &db,
            &["letter", &id, "--next", "--pdf", pdf.to_str().unwrap()],
        );
        assert!(out.status.success(), "{logo}: {}", stderr(&out));
        let images = tool("pdfimages", &["-list", pdf.to_str().unwrap()]);
        assert_eq!(images.lines().count(), 3, "one image: {images}");
    }
    std::fs::write(
        &config,
        format!("{base}\n[letters]\nlogo = \"absent.png\"\n"),
    )
    .unwrap();
    let pdf = dir.path().join("none.pdf");
    let out = run(
        &db,
        &["letter", &id, "--next", "--pdf", pdf.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("absent.png"), "{}", stderr(&out));
    assert!(!pdf.exists());
}
