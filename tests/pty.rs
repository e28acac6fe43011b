//! The real binary under a pseudo-terminal, as over SSH: when the link drops (SIGHUP) or the
//! session is terminated (SIGTERM), the process exits cleanly and leaves the terminal usable.

use std::io::Read;
use std::os::fd::{FromRawFd, RawFd};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_recouvre");

fn termios(fd: RawFd) -> libc::termios {
    // SAFETY: tcgetattr only writes into the struct we pass.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        assert_eq!(libc::tcgetattr(fd, &mut t), 0, "tcgetattr");
        t
    }
}

fn cooked(t: &libc::termios) -> bool {
    t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
}

/// Starts the TUI on a fresh demo database under a pty, types `keys` (waiting for `expect` on
/// screen after them), sends `signal`, and checks the exit status and the terminal modes.
/// Returns the database directory for further checks.
fn run_and_signal(signal: libc::c_int, keys: &str, expect: &str) -> tempfile::TempDir {
    run_and_stop(signal, keys, expect).0
}

/// Like [`run_and_signal`]; `signal` 0 types `q` instead. Also returns how long the process
/// took to exit after the signal or the key.
fn run_and_stop(signal: libc::c_int, keys: &str, expect: &str) -> (tempfile::TempDir, Duration) {
    run_and_stop_with(signal, keys, expect, |_| {})
}

/// Like [`run_and_stop`]; `meanwhile` is called with the database path once the TUI drew.
fn run_and_stop_with(
    signal: libc::c_int,
    keys: &str,
    expect: &str,
    meanwhile: impl FnOnce(&std::path::Path),
) -> (tempfile::TempDir, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let (mut master, mut slave): (RawFd, RawFd) = (0, 0);
    let ws = libc::winsize {
        ws_row: 36,
        ws_col: 120,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: openpty writes the two descriptors; the name and termios pointers may be null.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            &ws,
        )
    };
    assert_eq!(rc, 0, "openpty");
    assert!(cooked(&termios(slave)), "a fresh pty starts cooked");
    let io = |fd: RawFd| {
        // SAFETY: dup gives a new descriptor that the Stdio takes ownership of.
        unsafe { Stdio::from(std::fs::File::from_raw_fd(libc::dup(fd))) }
    };
    let mut child = Command::new(BIN)
        .args(["--demo", "--db"])
        .arg(dir.path().join("demo"))
        .env("TERM", "xterm-256color")
        .env("RECOUVRE_TODAY", "2026-11-25")
        .env("LANG", "fr_FR.UTF-8")
        .stdin(io(slave))
        .stdout(io(slave))
        .stderr(io(slave))
        .spawn()
        .unwrap();
    // Drain the screen so the program never blocks on a full pty buffer.
    let screen = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = Arc::clone(&screen);
    // SAFETY: the reader thread owns this duplicate of the master descriptor.
    let mut reader = unsafe { std::fs::File::from_raw_fd(libc::dup(master)) };
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });
    let start = Instant::now();
    loop {
        let text = String::from_utf8_lossy(&screen.lock().unwrap()).into_owned();
        if text.contains("Encours") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "TUI never drew:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!cooked(&termios(slave)), "the TUI runs in raw mode");
    meanwhile(&dir.path().join("demo"));
    if signal == 0 {
        // Let a few refreshes happen.
        std::thread::sleep(Duration::from_millis(2500));
    }
    if !keys.is_empty() {
        // SAFETY: writing to the master end of our own pty.
        let mut writer = unsafe { std::fs::File::from_raw_fd(libc::dup(master)) };
        for c in keys.chars() {
            use std::io::Write;
            writer.write_all(c.to_string().as_bytes()).unwrap();
            std::thread::sleep(Duration::from_millis(60));
        }
        let start = Instant::now();
        loop {
            let text = String::from_utf8_lossy(&screen.lock().unwrap()).into_owned();
            if text.contains(expect) {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "never saw {expect:?}:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Let the last keys be handled before the signal cuts in.
        std::thread::sleep(Duration::from_millis(500));
    }
    let start = Instant::now();
    if signal == 0 {
        use std::io::Write;
        // SAFETY: writing to the master end of our own pty.
        let mut writer = unsafe { std::fs::File::from_raw_fd(libc::dup(master)) };
        writer.write_all(b"q").unwrap();
    } else {
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    }
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "did not exit on signal {signal}"
        );
        std::thread::sleep(Duration::from_millis(2));
    };
    let took = start.elapsed();
    assert!(
        status.success(),
        "exit status after signal {signal}: {status:?}"
    );
    assert!(
        cooked(&termios(slave)),
        "terminal left in raw mode after signal {signal}"
    );
    std::thread::sleep(Duration::from_millis(100));
    let text = String::from_utf8_lossy(&screen.lock().unwrap()).into_owned();
    assert!(text.contains("\u{1b}[?1049l"), "alternate screen left");
    // SAFETY: closing the descriptors openpty gave us.
    unsafe {
        libc::close(slave);
        libc::close(master);
    }
    (dir, took)
}

#[test]
fn q_quits_at_once() {
    let (_, took) = run_and_stop(0, "", "");
    eprintln!("q quit in {took:?}");
    assert!(took < Duration::from_millis(400), "{took:?}");
    // With colleagues writing meanwhile (the screen refreshes every second).
    let busy = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let (_, took) = run_and_stop_with(0, "", "", |db| {
        let busy = std::sync::Arc::clone(&busy);
        let db = db.to_path_buf();
        std::thread::spawn(move || {
            while busy.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = Command::new(BIN)
                    .arg("--db")
                    .arg(&db)
                    .args(["log", "1", "note", "x"])
                    .env("RECOUVRE_TODAY", "2026-11-25")
                    .output();
            }
        });
    });
    busy.store(false, std::sync::atomic::Ordering::Relaxed);
    eprintln!("q quit in {took:?} with a colleague writing");
    assert!(took < Duration::from_millis(400), "{took:?}");
}

#[test]
fn sighup_when_the_ssh_link_drops_restores_the_terminal_and_exits_0() {
    run_and_signal(libc::SIGHUP, "", "");
}

#[test]
fn sigterm_restores_the_terminal_and_exits_0() {
    run_and_signal(libc::SIGTERM, "", "");
}

/// The link drops while a letter is being written: the typed text is in the drafts on the next
/// start, and the terminal is restored.
#[test]
fn sighup_while_editing_a_letter_keeps_the_draft() {
    // `r` opens the reminder of the selected dossier; the typed text lands at the top.
    // The screen is redrawn cell by cell, so wait for the editor's "modified" mark.
    let dir = run_and_signal(libc::SIGHUP, "lBonjour", "modifi");
    let store = recouvre::storage::Store::new(
        dir.path().join("demo"),
        recouvre::storage::StoreOptions::default(),
    );
    let ids = store.draft_dossiers().unwrap();
    assert_eq!(ids.len(), 1, "one draft saved on SIGHUP");
    let draft = store.load_draft(ids[0]).unwrap().expect("draft");
    assert!(draft.text.starts_with("Bonjour"), "{}", draft.text);
}

/// The SSH link drops and nothing sends a signal (the session leader ignored SIGHUP, or the
/// program is not in the foreground group): the pty master just closes. crossterm then spins
/// inside `poll` (crossterm#793); the watchdog must notice the dead terminal, keep the letter
/// being written as a draft, and end the process.
#[test]
fn a_vanished_terminal_ends_the_program_and_keeps_the_draft() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let (mut master, mut slave): (RawFd, RawFd) = (0, 0);
    let ws = libc::winsize {
        ws_row: 36,
        ws_col: 120,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: as in run_and_signal.
    assert_eq!(
        unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &ws,
            )
        },
        0
    );
    // The child must not inherit the master, or closing ours would not hang the line up.
    // SAFETY: setting a descriptor flag on our own fd.
    unsafe { libc::fcntl(master, libc::F_SETFD, libc::FD_CLOEXEC) };
    let io = |fd: RawFd| unsafe { Stdio::from(std::fs::File::from_raw_fd(libc::dup(fd))) };
    let mut child = Command::new(BIN)
        .args(["--demo", "--db"])
        .arg(dir.path().join("demo"))
        .env("TERM", "xterm-256color")
        .env("RECOUVRE_TODAY", "2026-11-25")
        .env("LANG", "fr_FR.UTF-8")
        .stdin(io(slave))
        .stdout(io(slave))
        .stderr(io(slave))
        .spawn()
        .unwrap();
    // SAFETY: the child has its own copies; closing ours leaves the master as the only link.
    unsafe { libc::close(slave) };
    // Read the screen with a poll so the reader can let go of the master on request.
    let screen = Arc::new(Mutex::new(Vec::<u8>::new()));
    let done = Arc::new(AtomicBool::new(false));
    let (sink, quit) = (Arc::clone(&screen), Arc::clone(&done));
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while !quit.load(Ordering::Relaxed) {
            let mut p = libc::pollfd {
                fd: master,
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: polling and reading our own descriptor into a local buffer.
            if unsafe { libc::poll(&mut p, 1, 50) } > 0 {
                let n = unsafe { libc::read(master, buf.as_mut_ptr().cast(), buf.len()) };
                if n <= 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n as usize]);
            }
        }
    });
    let wait_for = |what: &str| {
        let start = Instant::now();
        while !String::from_utf8_lossy(&screen.lock().unwrap()).contains(what) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "never saw {what:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for("Encours");
    for c in "lAllo".chars() {
        // SAFETY: writing one byte to our master.
        unsafe { libc::write(master, [c as u8].as_ptr().cast(), 1) };
        std::thread::sleep(Duration::from_millis(60));
    }
    wait_for("modifi");
    std::thread::sleep(Duration::from_millis(300));
    // The link drops: the only master descriptor closes, no signal is sent.
    done.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    // SAFETY: closing the master we opened.
    unsafe { libc::close(master) };
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("still running 10 s after its terminal vanished");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let store = recouvre::storage::Store::new(
        dir.path().join("demo"),
        recouvre::storage::StoreOptions::default(),
    );
    let ids = store.draft_dossiers().unwrap();
    assert_eq!(ids.len(), 1, "the letter being written was kept");
    let draft = store.load_draft(ids[0]).unwrap().unwrap();
    assert!(draft.text.starts_with("Allo"), "{}", draft.text);
}
