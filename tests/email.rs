//! Sending a reminder by e-mail (`log relance --channel email --send`) to a real SMTP server on
//! 127.0.0.1 (`common/smtp.rs`: it can accept, refuse, hang or drop the connection in the middle
//! of DATA). What it received is checked against what the journal keeps; every failure records
//! nothing as sent.

mod common;
#[path = "common/smtp.rs"]
mod smtp;

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::*;
use recouvre::domain::event::EventKind;
use recouvre::storage::{Store, StoreOptions};
use smtp::*;

/// A demo database, a complete creditor, and `[email]` pointing at `port` on 127.0.0.1.
fn demo(dir: &Path, port: u16) -> PathBuf {
    let db = dir.join("db");
    let store = new_store(&db);
    recouvre::demo::populate(&store, d(TODAY)).unwrap();
    drop(store);
    configure(&db);
    point_at(&db, port);
    db
}

fn point_at(db: &Path, port: u16) {
    let path = config_path(db);
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.split("\n[email]").next().unwrap().to_string();
    std::fs::write(
        &path,
        format!(
            "{text}\n[email]\ntransport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\ntimeout_seconds = 1\n"
        ),
    )
    .unwrap();
}

/// A company dossier at the first reminder (its debtor has an e-mail address).
fn dossier(db: &Path) -> String {
    let out = stdout(&run_wide(
        db,
        &["status", "--format", "tsv", "--stage", "relance-1"],
    ));
    out.lines()
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .find(|c| c.len() > 11 && c[3] == "b2b")
        .unwrap_or_else(|| panic!("no company dossier at relance 1: {out}"))[0]
        .to_string()
}

fn events(db: &Path, id: &str) -> Vec<recouvre::domain::event::Event> {
    let store = Store::new(db, StoreOptions::default());
    store.load(id.parse().unwrap()).unwrap().events
}

fn send(db: &Path, id: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "log",
        id,
        "relance",
        "--channel",
        "email",
        "--send",
        "--force",
    ];
    args.extend_from_slice(extra);
    run(db, &args)
}

// --- just enough MIME to read the message back ---

fn unfolded_headers(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            out.last_mut().unwrap().1.push_str(line);
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.to_string(), v.trim().to_string()));
        }
    }
    out
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
}

fn base64(s: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        } as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            if b[i + 1..].starts_with(b"\r\n") {
                i += 3;
            } else {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// RFC 2047: `=?utf-8?b?…?=` / `=?utf-8?q?…?=` words, whitespace between them dropped.
fn decode_words(v: &str) -> String {
    let mut out = Vec::new();
    let mut last_encoded = false;
    for (i, word) in v.split(' ').enumerate() {
        let lower = word.to_ascii_lowercase();
        let encoded = lower.starts_with("=?utf-8?") && lower.ends_with("?=");
        if i > 0 && !(encoded && last_encoded) {
            out.push(b' ');
        }
        if encoded {
            let text = &word[10..word.len() - 2];
            match &lower[8..9] {
                "b" => out.extend(base64(text)),
                _ => out.extend(quoted_printable(&text.replace('_', " "))),
            }
        } else {
            out.extend_from_slice(word.as_bytes());
        }
        last_encoded = encoded;
    }
    String::from_utf8(out).unwrap()
}

struct Parsed {
    headers: Vec<(String, String)>,
    text: String,
    pdf: Vec<u8>,
}

fn parse(eml: &[u8]) -> Parsed {
    let raw = std::str::from_utf8(eml).expect("a 7-bit message");
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let headers = unfolded_headers(head);
    let ctype = header(&headers, "Content-Type");
    let boundary = ctype
        .split("boundary=")
        .nth(1)
        .unwrap()
        .trim_matches('"')
        .to_string();
    let mut text = None;
    let mut pdf = None;
    for part in body.split(&format!("--{boundary}")).skip(1) {
        if part.starts_with("--") {
            break; // the closing delimiter
        }
        let Some((ph, pb)) = part.trim_start_matches("\r\n").split_once("\r\n\r\n") else {
            continue;
        };
        let ph = unfolded_headers(ph);
        let ct = header(&ph, "Content-Type").to_ascii_lowercase();
        let cte = header(&ph, "Content-Transfer-Encoding").to_ascii_lowercase();
        let bytes = match cte.as_str() {
            // The CRLF before the next delimiter belongs to the delimiter.
            "quoted-printable" => quoted_printable(pb.strip_suffix("\r\n").unwrap_or(pb)),
            "base64" => base64(pb),
            _ => pb.as_bytes().to_vec(),
        };
        if ct.starts_with("text/plain") {
            assert!(ct.contains("utf-8"), "{ct}");
            text = Some(String::from_utf8(bytes).unwrap().replace("\r\n", "\n"));
        } else if ct.starts_with("application/pdf") {
            pdf = Some(bytes);
        }
    }
    Parsed {
        headers,
        text: text.expect("a text part"),
        pdf: pdf.expect("a PDF attachment"),
    }
}

#[test]
fn a_reminder_sent_by_email_arrives_as_journaled() {
    let server = serve(Behaviour::Accept);
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), server.port);
    let id = dossier(&db);
    let before = events(&db, &id).len();

    let out = send(&db, &id, &[]);
    assert!(out.status.success(), "{}", stderr(&out));

    let evs = events(&db, &id);
    let new: Vec<_> = evs[before..].iter().map(|e| e.kind.slug()).collect();
    assert_eq!(new, ["email_sending", "relance", "email_sent"]);
    let (letter_seq, letter) = (evs[before + 1].seq, evs[before + 1].kind.letter().unwrap());
    let EventKind::EmailSent {
        sending,
        message_id,
        reply,
        eml,
    } = &evs[before + 2].kind
    else {
        panic!()
    };
    assert_eq!(*sending, evs[before].seq);
    assert!(reply.contains(QUEUE_ID), "{reply}");
    assert!(stdout(&out).contains(QUEUE_ID), "{}", stdout(&out));

    // The server received exactly the kept message.
    let got = server.received.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt.len(), 1);
    // The client ends DATA with CRLF "." CRLF after the message.
    let mut kept = eml.clone();
    kept.extend_from_slice(b"\r\n");
    assert!(
        got[0].data == kept,
        "the server got the kept .eml byte for byte ({} and {} bytes)",
        got[0].data.len(),
        kept.len()
    );

    let m = parse(&got[0].data);
    assert!(
        header(&m.headers, "From").contains("<compta@atelier-durand.fr>"),
        "{:?}",
        m.headers
    );
    assert!(header(&m.headers, "Reply-To").contains("compta@atelier-durand.fr"));
    let debtor_address = &got[0].rcpt[0];
    assert!(debtor_address.ends_with(".example"), "{debtor_address}");
    assert_eq!(header(&m.headers, "To"), debtor_address);
    assert_eq!(header(&m.headers, "Message-ID"), message_id);
    assert!(!header(&m.headers, "Date").is_empty());
    let subject = decode_words(header(&m.headers, "Subject"));
    // A long subject wraps onto indented lines in the letter.
    let mut lines = letter
        .lines()
        .skip_while(|l| !l.trim().starts_with("Objet :"));
    let mut objet = lines.next().unwrap().trim()["Objet :".len()..]
        .trim()
        .to_string();
    for more in lines.take_while(|l| l.starts_with("        ") && !l.trim().is_empty()) {
        objet = format!("{objet} {}", more.trim());
    }
    assert_eq!(subject, objet);
    assert!(!subject.is_ascii(), "a subject with accents: {subject}");
    let at = m
        .text
        .chars()
        .zip(letter.chars())
        .position(|(a, b)| a != b)
        .unwrap_or(m.text.len().min(letter.len()));
    assert!(
        m.text == letter,
        "the body is the letter as kept; they differ at char {at}: {:?} / {:?}",
        m.text
            .chars()
            .skip(at.saturating_sub(20))
            .take(60)
            .collect::<String>(),
        letter
            .chars()
            .skip(at.saturating_sub(20))
            .take(60)
            .collect::<String>()
    );
    assert!(m.pdf.starts_with(b"%PDF-"), "a PDF is attached");

    // `letter --eml` gives the kept message back, from the letter's event or the e-mail's.
    for n in [letter_seq, letter_seq + 1] {
        let out = run(&db, &["letter", &id, "--event", &n.to_string(), "--eml"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(&out.stdout, eml);
    }
}

fn assert_not_sent(db: &Path, id: &str, before: usize, out: &std::process::Output, says: &str) {
    assert_eq!(out.status.code(), Some(6), "{}", stderr(out));
    assert!(stderr(out).contains(says), "{}", stderr(out));
    let evs = events(db, id);
    let new: Vec<_> = evs[before..].iter().map(|e| e.kind.slug()).collect();
    assert_eq!(
        new,
        ["email_sending", "email_failed"],
        "nothing logged as sent"
    );
    let store = Store::new(db, StoreOptions::default());
    let draft = store.load_draft(id.parse().unwrap()).unwrap();
    assert!(
        draft.is_some_and(|d| d.text.contains("Objet")),
        "the letter is kept as a draft"
    );
}

#[test]
fn a_refused_message_is_not_logged_as_sent_and_can_be_sent_again() {
    let server = serve(Behaviour::Refuse);
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), server.port);
    let id = dossier(&db);
    let before = events(&db, &id).len();
    let out = send(&db, &id, &[]);
    assert_not_sent(&db, &id, before, &out, REFUSAL);
    assert!(stderr(&out).contains("550"), "{}", stderr(&out));

    // The failure closed the marker: the next attempt goes without --resend.
    let good = serve(Behaviour::Accept);
    point_at(&db, good.port);
    let out = send(&db, &id, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(good.received.lock().unwrap().len(), 1);
}

#[test]
fn a_server_that_never_answers_times_out() {
    let server = serve(Behaviour::Hang);
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), server.port);
    let id = dossier(&db);
    let before = events(&db, &id).len();
    let start = Instant::now();
    let out = send(&db, &id, &[]);
    assert!(
        start.elapsed() < Duration::from_secs(7),
        "timeout_seconds = 1"
    );
    assert_not_sent(&db, &id, before, &out, "127.0.0.1");
}

#[test]
fn a_connection_dropped_mid_data_is_not_logged_as_sent() {
    let server = serve(Behaviour::DropMidData);
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), server.port);
    let id = dossier(&db);
    let before = events(&db, &id).len();
    let out = send(&db, &id, &[]);
    assert_not_sent(&db, &id, before, &out, "127.0.0.1");
    assert!(server.received.lock().unwrap().is_empty());
}

#[test]
fn an_unfinished_sending_blocks_the_next_one_until_resend() {
    let server = serve(Behaviour::Accept);
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), server.port);
    let id = dossier(&db);
    // As if the program had stopped between the marker and the server's answer.
    {
        let store = Store::new(&db, StoreOptions::default());
        store
            .append(
                id.parse().unwrap(),
                None,
                d(TODAY),
                vec![EventKind::EmailSending {
                    message_id: "<crashed.1@atelier-durand.fr>".into(),
                    to: vec!["x@y.example".into()],
                }],
            )
            .unwrap();
    }
    let out = send(&db, &id, &[]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("<crashed.1@atelier-durand.fr>"));
    assert!(stderr(&out).contains("--resend"));
    assert!(server.received.lock().unwrap().is_empty());

    let before = events(&db, &id).len();
    let out = send(&db, &id, &["--resend"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let new: Vec<_> = events(&db, &id)[before..]
        .iter()
        .map(|e| e.kind.slug())
        .collect();
    assert_eq!(
        new,
        ["email_failed", "email_sending", "relance", "email_sent"]
    );
    assert_eq!(server.received.lock().unwrap().len(), 1);
}

#[test]
fn a_dry_run_prints_the_message_and_records_nothing() {
    let server = serve(Behaviour::Accept);
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), server.port);
    let id = dossier(&db);
    let before = events(&db, &id).len();
    let out = run(
        &db,
        &[
            "log",
            &id,
            "relance",
            "--channel",
            "email",
            "--dry-run",
            "--force",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let m = parse(&out.stdout);
    assert!(m.text.contains("Objet"), "{}", m.text);
    assert_eq!(events(&db, &id).len(), before);
    assert!(server.received.lock().unwrap().is_empty());
}

#[test]
fn a_sending_cannot_be_dated_another_day() {
    let server = serve(Behaviour::Accept);
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), server.port);
    let id = dossier(&db);
    let before = events(&db, &id).len();
    let out = send(&db, &id, &["--date", "2026-11-20"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--date"), "{}", stderr(&out));
    assert_eq!(events(&db, &id).len(), before);
    assert!(server.received.lock().unwrap().is_empty());
}

#[test]
fn plain_smtp_to_another_machine_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 25);
    let path = config_path(&db);
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("127.0.0.1", "smtp.example.fr");
    std::fs::write(&path, text).unwrap();
    let id = dossier_or_any(&db);
    let out = send(&db, &id, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("smtp.example.fr"), "{}", stderr(&out));
}

/// With a refused configuration `status` fails too, so any id will do.
fn dossier_or_any(_db: &Path) -> String {
    "1".to_string()
}

#[test]
fn a_morning_batch_sends_each_due_reminder_and_a_rerun_only_the_failed_one() {
    let server = serve(Behaviour::Accept);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let mut ids = Vec::new();
    for i in 0..50 {
        let mut new = new_dossier(&format!("Client {i:02}"));
        new.debtor.email = Some(if i == 17 {
            "refuse@client17.example".to_string()
        } else {
            format!("compta@client{i:02}.example")
        });
        ids.push(store.create(new).unwrap());
    }
    let mut without = new_dossier("Sans Adresse");
    without.debtor.email = None;
    let no_address = store.create(without).unwrap();
    drop(store);
    configure(&db);
    point_at(&db, server.port);

    let preview = run(
        &db,
        &[
            "batch",
            "relance",
            "--channel",
            "email",
            "--dry-run",
            "--force",
        ],
    );
    assert!(preview.status.success(), "{}", stderr(&preview));
    let text = stdout(&preview);
    assert!(
        text.contains(&format!("n° {no_address} (Sans Adresse)")),
        "{text}"
    );
    assert!(text.contains("50 à envoyer, 1 écartées"), "{text}");
    assert!(server.received.lock().unwrap().is_empty());

    let out = run(&db, &["batch", "relance", "--channel", "email", "--force"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Envoyées : 49, écartées : 1, en échec : 1"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("refuse@client17.example"),
        "{}",
        stderr(&out)
    );
    assert_eq!(server.received.lock().unwrap().len(), 49);
    for (i, id) in ids.iter().enumerate() {
        let slugs: Vec<_> = events(&db, &id.to_string())
            .iter()
            .map(|e| e.kind.slug())
            .filter(|s| s.starts_with("email") || *s == "relance")
            .collect();
        if i == 17 {
            assert_eq!(slugs, ["email_sending", "email_failed"]);
        } else {
            assert_eq!(
                slugs,
                ["email_sending", "relance", "email_sent"],
                "dossier {id}"
            );
        }
    }

    // The mailbox exists again; second round: only the failed one goes.
    server.refuse_some.store(false, Ordering::SeqCst);
    let out = run(&db, &["batch", "relance", "--channel", "email", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Envoyées : 1, écartées : 1, en échec : 0"),
        "{}",
        stdout(&out)
    );
    let got = server.received.lock().unwrap();
    assert_eq!(got.len(), 50);
    assert_eq!(got[49].rcpt, ["refuse@client17.example"]);
}

/// A stand-in `sendmail` that keeps its arguments and the message, or fails like a full queue.
fn fake_sendmail(dir: &Path, fail: bool) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join(if fail { "sendmail-fail" } else { "sendmail" });
    let body = if fail {
        "#!/bin/sh\ncat > /dev/null\necho 'sendmail: queue full (test)' >&2\nexit 75\n".to_string()
    } else {
        format!(
            "#!/bin/sh\necho \"$@\" > '{0}/args'\ncat > '{0}/message.eml'\n",
            dir.display()
        )
    };
    std::fs::write(&script, body).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn use_sendmail(db: &Path, program: &Path) {
    let path = config_path(db);
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.split("\n[email]").next().unwrap().to_string();
    std::fs::write(
        &path,
        format!(
            "{text}\n[email]\ntransport = \"sendmail\"\nsendmail_path = \"{}\"\n",
            program.display()
        ),
    )
    .unwrap();
}

#[test]
fn sendmail_gets_the_kept_message_and_its_failure_records_nothing_as_sent() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), 25);
    let id = dossier(&db);

    use_sendmail(&db, &fake_sendmail(dir.path(), true));
    let before = events(&db, &id).len();
    let out = send(&db, &id, &[]);
    assert_not_sent(&db, &id, before, &out, "queue full (test)");

    use_sendmail(&db, &fake_sendmail(dir.path(), false));
    let out = send(&db, &id, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let evs = events(&db, &id);
    let Some(EventKind::EmailSent { eml, .. }) = evs.last().map(|e| &e.kind) else {
        panic!("{:?}", evs.last())
    };
    // sendmail reads the message with LF line ends (lettre converts for the pipe) or CRLF:
    // either way it is the kept one.
    let got = std::fs::read(dir.path().join("message.eml")).unwrap();
    let crlf = |b: &[u8]| String::from_utf8_lossy(b).replace("\r\n", "\n");
    assert_eq!(crlf(&got), crlf(eml));
    let args = std::fs::read_to_string(dir.path().join("args")).unwrap();
    assert!(args.contains("-f compta@atelier-durand.fr"), "{args}");
    assert!(args.contains("-- compta@"), "{args}");
}

#[test]
fn a_backup_keeps_the_sent_message_and_doctor_finds_the_journal_healthy() {
    let server = serve(Behaviour::Accept);
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path(), server.port);
    let id = dossier(&db);
    let out = send(&db, &id, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let kept = run(&db, &["letter", &id, "--eml"]).stdout;
    assert!(!kept.is_empty());

    let doctor = run(&db, &["doctor"]);
    assert!(doctor.status.success(), "{}", stdout(&doctor));

    let file = dir.path().join("backup.rcv");
    let out = run(&db, &["backup", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let copy = dir.path().join("copy");
    let out = run(
        &db,
        &[
            "restore",
            file.to_str().unwrap(),
            "--db",
            copy.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let back = binary(&copy)
        .args(["letter", &id, "--eml"])
        .output()
        .unwrap();
    assert!(back.status.success(), "{}", stderr(&back));
    assert!(
        back.stdout == kept,
        "the restored copy gives the same message back"
    );
}
