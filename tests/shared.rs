//! A team database on a shared server: group ownership and modes, refusal of a directory others
//! can write to, the IBAN warning, and the "mine" filter.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

use common::*;
use recouvre::storage::shared::group_name;

/// The real binary run with a typical permissive umask, as a user's shell would.
fn cli_umask_022(db: &Path, args: &[&str]) -> std::process::Output {
    let inner = cli(db);
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(inner.get_program())
        .args(inner.get_args())
        .args(args);
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.output().unwrap()
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        }
        out.push(p);
    }
}

#[test]
fn init_shared_gives_the_group_everything_and_others_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let team = dir.path().join("equipe");
    // SAFETY: getgid cannot fail.
    let gid = unsafe { libc::getgid() };
    let group = group_name(gid).unwrap_or_else(|| gid.to_string());
    std::fs::write(team.with_extension("config.toml"), "").unwrap();

    let out = cli_umask_022(
        &team,
        &[
            "init",
            "--shared",
            "--group",
            &group,
            team.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2770"));
    let m = std::fs::metadata(&team).unwrap();
    assert_eq!(m.mode() & 0o7777, 0o2770, "mode {:o}", m.mode());
    assert_eq!(m.gid(), gid);

    // Later writes by a user whose umask would make files 644 still leave them group-writable.
    let out = cli_umask_022(
        &team,
        &[
            "add",
            "--debtor",
            "ACME",
            "--b2b",
            "--invoice",
            "F-1",
            "--amount",
            "100",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-10-31",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli_umask_022(&team, &["log", "1", "note", "vu"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut paths = Vec::new();
    walk(&team, &mut paths);
    assert!(paths.iter().any(|p| p.ends_with("generation")));
    assert!(paths.iter().any(|p| p.ends_with("data/db")));
    for p in &paths {
        let m = std::fs::metadata(p).unwrap();
        let mode = m.mode();
        assert_eq!(m.gid(), gid, "{} not in the group", p.display());
        assert_eq!(mode & 0o007, 0, "{} open to others: {mode:o}", p.display());
        if m.is_dir() {
            assert_eq!(mode & 0o2070, 0o2070, "{}: {mode:o}", p.display());
        } else {
            assert_eq!(
                mode & 0o060,
                0o060,
                "{} not group rw: {mode:o}",
                p.display()
            );
        }
    }
}

#[test]
fn init_shared_refuses_an_unknown_group_and_a_used_directory() {
    let dir = tempfile::tempdir().unwrap();
    let team = dir.path().join("equipe");
    std::fs::write(team.with_extension("config.toml"), "").unwrap();
    let out = cli(&team)
        .args(["init", "--shared", "--group", "pas-un-groupe-xyz"])
        .arg(&team)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("pas-un-groupe-xyz"), "{stderr}");
    assert!(!team.exists());

    std::fs::create_dir(&team).unwrap();
    std::fs::write(team.join("notes.txt"), "x").unwrap();
    // SAFETY: getgid cannot fail.
    let gid = unsafe { libc::getgid() };
    let out = cli(&team)
        .args(["init", "--shared", "--group", &gid.to_string()])
        .arg(&team)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("pas vide"), "{stderr}");
}

#[test]
fn a_database_directory_others_can_write_to_is_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    store.create(new_dossier("ACME")).unwrap();
    for target in [db.clone(), db.join("data")] {
        let before = std::fs::metadata(&target).unwrap().permissions().mode();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o777)).unwrap();
        let out = cli(&db).arg("status").output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains(&target.display().to_string()), "{stderr}");
        assert!(stderr.contains("chmod o-w"), "{stderr}");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(before)).unwrap();
        let out = cli(&db).arg("status").output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_world_readable_config_holding_the_iban_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    new_store(&db);
    let config = db.with_extension("config.toml");
    let warned = |text: &str, mode: u32| {
        std::fs::write(&config, text).unwrap();
        std::fs::set_permissions(&config, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = cli(&db).arg("status").output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).contains("chmod 600")
    };
    let with_iban = "[creditor]\nname = \"ACME\"\niban = \"FR7630006000011234567890189\"\n";
    assert!(warned(with_iban, 0o644));
    assert!(!warned(with_iban, 0o600));
    assert!(!warned(with_iban, 0o640));
    assert!(!warned("[creditor]\nname = \"ACME\"\n", 0o644));
}

#[test]
fn status_mine_lists_only_the_dossiers_assigned_to_me() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    std::fs::write(db.with_extension("config.toml"), "").unwrap();
    assert!(cli(&db)
        .args(["--demo", "status"])
        .output()
        .unwrap()
        .status
        .success());
    let me = recouvre::identity::current_user();
    for (id, user) in [("3", me.as_str()), ("4", "quelqu-un-d-autre")] {
        let out = cli(&db).args(["log", id, "assign", user]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let ids = |extra: &[&str]| -> Vec<u64> {
        let out = cli(&db)
            .args(["status", "--json"])
            .args(extra)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(ids(&["--mine"]), vec![3]);
    let all = ids(&[]);
    assert!(all.contains(&3) && all.contains(&4));
}

#[test]
fn a_personal_database_is_closed_to_other_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("perso/db");
    std::fs::create_dir_all(dir.path().join("perso")).unwrap();
    std::fs::write(db.with_extension("config.toml"), "").unwrap();
    let out = cli_umask_022(&db, &["init", db.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = std::fs::metadata(&db).unwrap().mode();
    assert_eq!(mode & 0o777, 0o700, "{mode:o}");
}

// ---------------------------------------------------------------------------------------------
// Files planted in the database directory by another member of the group.

/// Runs the binary with a deadline: a command blocked on a FIFO is killed and reported as hung.
fn run_with_deadline(mut c: Command, deadline: std::time::Duration) -> (Option<i32>, String, bool) {
    use std::process::Stdio;
    let mut child = c
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), err, false);
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return (None, String::new(), true);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn with_dossier(db: &Path) {
    let store = new_store(db);
    store.create(new_dossier("ACME")).unwrap();
}

#[test]
fn a_symlinked_lock_is_refused_and_the_file_it_points_to_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    with_dossier(&db);
    let victim = dir.path().join("bashrc");
    std::fs::write(&victim, "export PATH=/usr/bin\n").unwrap();
    let lock = db.join("lock");
    std::fs::remove_file(&lock).unwrap();
    std::os::unix::fs::symlink(&victim, &lock).unwrap();
    for args in [&["status"][..], &["log", "1", "note", "vu"], &["doctor"]] {
        let out = cli(&db).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains(&lock.display().to_string()), "{stderr}");
        assert!(stderr.contains("lien symbolique"), "{stderr}");
        assert!(
            stderr.contains(&format!("rm {}", lock.display())),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "export PATH=/usr/bin\n",
            "{args:?} wrote through the link"
        );
    }
    // The fix the message gives works.
    std::fs::remove_file(&lock).unwrap();
    assert!(cli(&db).arg("status").output().unwrap().status.success());
}

#[test]
fn a_symlinked_generation_tmp_is_never_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    with_dossier(&db);
    let victim = dir.path().join("profile");
    std::fs::write(&victim, "précieux\n").unwrap();
    let planted = db.join("generation.tmp");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let out = cli(&db).args(["log", "1", "note", "vu"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(&planted.display().to_string()), "{stderr}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "précieux\n");
    // A link at `generation` itself is refused the same way, and never read through.
    std::fs::remove_file(&planted).unwrap();
    let generation = db.join("generation");
    let _ = std::fs::remove_file(&generation);
    std::os::unix::fs::symlink(&victim, &generation).unwrap();
    let out = cli(&db).args(["log", "1", "note", "vu"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&generation.display().to_string()),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "précieux\n");
}

#[test]
fn a_fifo_named_generation_makes_no_command_hang() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    with_dossier(&db);
    let generation = db.join("generation");
    let _ = std::fs::remove_file(&generation);
    let c = std::ffi::CString::new(generation.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: mkfifo on a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o660) }, 0);
    for args in [&["status"][..], &["log", "1", "note", "vu"]] {
        let mut c = cli(&db);
        c.args(args);
        let start = std::time::Instant::now();
        let (code, stderr, hung) = run_with_deadline(c, std::time::Duration::from_secs(10));
        assert!(!hung, "{args:?} hung on the FIFO");
        assert!(start.elapsed().as_secs() < 3, "{:?}", start.elapsed());
        assert_eq!(code, Some(3), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&generation.display().to_string()),
            "{stderr}"
        );
        assert!(stderr.contains("FIFO"), "{stderr}");
    }
}

#[test]
fn a_sled_file_others_can_write_to_is_refused_and_doctor_lists_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    with_dossier(&db);
    let file = db.join("data/db");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = cli(&db).arg("status").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("chmod o-w {}", file.display())),
        "{stderr}"
    );
    // doctor names the file and the mode to set, before refusing to open the database.
    let out = cli(&db).arg("doctor").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_ne!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains(&format!("{} : 666, attendu 600", file.display())),
        "{stdout}"
    );

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = cli(&db).arg("doctor").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("644, attendu 600"), "{stdout}");

    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = cli(&db).arg("doctor").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    // Every file and directory is listed with its mode.
    let mut paths = Vec::new();
    walk(&db, &mut paths);
    assert!(
        stdout.contains(&format!("{} : 700", db.display())),
        "{stdout}"
    );
    for p in &paths {
        assert!(
            stdout.contains(&format!("{} : ", p.display())),
            "{} missing: {stdout}",
            p.display()
        );
    }
}

#[test]
fn init_sets_the_modes_it_promises_and_refuses_a_directory_in_use() {
    let dir = tempfile::tempdir().unwrap();
    // An existing empty directory with the permissive mode a shell would give it.
    let db = dir.path().join("db");
    std::fs::create_dir(&db).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(db.with_extension("config.toml"), "").unwrap();
    let out = cli_umask_022(&db, &["init", db.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut paths = vec![db.clone()];
    walk(&db, &mut paths);
    for p in &paths {
        let m = std::fs::symlink_metadata(p).unwrap();
        let want = if m.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(m.mode() & 0o7777, want, "{}", p.display());
    }
    // Later writes under umask 022 keep files closed too.
    let out = cli_umask_022(
        &db,
        &[
            "add",
            "--debtor",
            "ACME",
            "--b2b",
            "--invoice",
            "F-1",
            "--amount",
            "100",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-10-31",
        ],
    );
    assert!(out.status.success());
    let mut paths = Vec::new();
    walk(&db, &mut paths);
    for p in &paths {
        let m = std::fs::symlink_metadata(p).unwrap();
        assert_eq!(m.mode() & 0o077, 0, "{}: {:o}", p.display(), m.mode());
    }
    // Nothing left beside it.
    let siblings: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("init"))
        .collect();
    assert!(siblings.is_empty(), "{siblings:?}");

    // A directory holding files: refused, naming them, untouched.
    let used = dir.path().join("used");
    std::fs::create_dir(&used).unwrap();
    std::fs::write(used.join("notes.txt"), "x").unwrap();
    let out = cli(&db).arg("init").arg(&used).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("notes.txt") && stderr.contains("pas vide"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&used).unwrap().count(), 1);
}

#[test]
fn a_killed_init_leaves_either_nothing_or_a_whole_database() {
    let dir = tempfile::tempdir().unwrap();
    let t = std::time::Instant::now();
    let probe = dir.path().join("probe");
    std::fs::write(probe.with_extension("config.toml"), "").unwrap();
    assert!(cli(&probe)
        .arg("init")
        .arg(&probe)
        .status()
        .unwrap()
        .success());
    let run = t.elapsed().as_micros() as u64;
    for n in 0..12u64 {
        let db = dir.path().join(format!("db{n}"));
        std::fs::write(db.with_extension("config.toml"), "").unwrap();
        let mut child = cli(&db).arg("init").arg(&db).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_micros(run * n / 12));
        // SAFETY: signalling our own child process by its pid.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        let _ = child.wait();
        if db.exists() {
            let out = cli(&db).arg("status").output().unwrap();
            assert!(
                out.status.success(),
                "kill {n}: half-made {}: {}",
                db.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(std::fs::metadata(&db).unwrap().mode() & 0o7777, 0o700);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// A second account on the server (needs root to create it; skipped otherwise).

/// Accounts and a group made for one test, deleted when it ends.
struct Accounts {
    users: Vec<String>,
    group: Option<String>,
}

impl Drop for Accounts {
    fn drop(&mut self) {
        for u in &self.users {
            let _ = Command::new("userdel").arg(u).output();
        }
        if let Some(g) = &self.group {
            let _ = Command::new("groupdel").arg(g).output();
        }
    }
}

fn id_of(user: &str) -> u32 {
    let out = Command::new("id").args(["-u", user]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

/// `cli(db)` run as `uid` with primary group `gid` and no supplementary groups.
fn cli_as(db: &Path, uid: u32, gid: u32, home: &Path) -> Command {
    use std::os::unix::process::CommandExt;
    let mut c = cli(db);
    c.uid(uid)
        .gid(gid)
        .env("HOME", home)
        .env("TMPDIR", home)
        .env_remove("XDG_STATE_HOME")
        .env_remove("XDG_DATA_HOME");
    c
}

#[track_caller]
fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{:?}: {}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_second_account_reads_and_writes_a_team_database_and_nothing_else() {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: creating a second account needs root");
        return;
    }
    if Command::new("useradd").arg("--help").output().is_err() {
        eprintln!("skipped: useradd is not available");
        return;
    }
    let tag = std::process::id() % 100_000;
    let (group, member, outsider) = (
        format!("rcvg{tag}"),
        format!("rcvm{tag}"),
        format!("rcvo{tag}"),
    );
    let mut accounts = Accounts {
        users: Vec::new(),
        group: None,
    };
    assert!(Command::new("groupadd")
        .arg(&group)
        .status()
        .unwrap()
        .success());
    accounts.group = Some(group.clone());
    for (u, extra) in [(&member, vec!["-g", group.as_str()]), (&outsider, vec![])] {
        let st = Command::new("useradd")
            .args(["-M", "-N", "-s", "/bin/sh"])
            .args(extra)
            .arg(u)
            .status()
            .unwrap();
        assert!(st.success(), "useradd {u}");
        accounts.users.push(u.clone());
    }
    let gid = recouvre::storage::shared::group_id(&group).unwrap();
    let (m_uid, o_uid) = (id_of(&member), id_of(&outsider));
    // SAFETY: getgid cannot fail.
    let o_gid = unsafe { libc::getgid() } + 100_000;

    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = |name: &str, uid: u32| {
        let h = dir.path().join(name);
        std::fs::create_dir(&h).unwrap();
        std::os::unix::fs::chown(&h, Some(uid), None).unwrap();
        h
    };
    let (m_home, o_home) = (home("home-m", m_uid), home("home-o", o_uid));
    let team = dir.path().join("equipe");
    std::fs::write(team.with_extension("config.toml"), "").unwrap();
    // Readable by the member whatever the umask of this process: another test of this binary may
    // be holding the store's 077 umask guard at the moment the file is created.
    std::fs::set_permissions(
        team.with_extension("config.toml"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    ok(cli(&team)
        .args(["init", "--shared", "--group", &group])
        .arg(&team)
        .output()
        .unwrap());
    ok(cli(&team)
        .args([
            "add",
            "--debtor",
            "ACME",
            "--b2b",
            "--invoice",
            "F-1",
            "--amount",
            "100",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-10-31",
        ])
        .output()
        .unwrap());

    // The member reads and writes; root then reads the member's files.
    let member_cli = |db: &Path| cli_as(db, m_uid, gid, &m_home);
    assert!(ok(member_cli(&team).arg("status").output().unwrap()).contains("ACME"));
    ok(member_cli(&team)
        .args(["log", "1", "note", "vu par le collègue"])
        .output()
        .unwrap());
    assert!(ok(cli(&team).args(["show", "1"]).output().unwrap()).contains("vu par le collègue"));
    ok(cli(&team)
        .args(["log", "1", "note", "vu par root"])
        .output()
        .unwrap());
    assert!(ok(member_cli(&team).args(["show", "1"]).output().unwrap()).contains("vu par root"));

    // The outsider is told permission denied and by whom, not "no database".
    let out = cli_as(&team, o_uid, o_gid, &o_home)
        .arg("status")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("Permission refusée"), "{stderr}");
    assert!(
        stderr.contains("root") && stderr.contains(&group),
        "{stderr}"
    );
    assert!(!stderr.contains("Aucune base"), "{stderr}");
    // Same for a personal database, for the member.
    let perso = dir.path().join("perso");
    new_store(&perso);
    std::fs::set_permissions(
        perso.with_extension("config.toml"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = member_cli(&perso).arg("status").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("Permission refusée") && stderr.contains("root"),
        "{stderr}"
    );

    // A world-writable sled file is refused to the member too.
    let db_file = team.join("data/db");
    let before = std::fs::metadata(&db_file).unwrap().mode() & 0o7777;
    std::fs::set_permissions(&db_file, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = member_cli(&team).arg("status").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains(&db_file.display().to_string()), "{stderr}");
    std::fs::set_permissions(&db_file, std::fs::Permissions::from_mode(before)).unwrap();
    // A file the member planted pointing at root's file is refused to root.
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "intact").unwrap();
    let planted = team.join("lock");
    std::fs::remove_file(&planted).unwrap();
    let st = Command::new("ln")
        .arg("-s")
        .arg(&victim)
        .arg(&planted)
        .status()
        .unwrap();
    assert!(st.success());
    let out = cli(&team).arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "intact");
    std::fs::remove_file(&planted).unwrap();

    // An auditor's copy: the group may read, nobody may write. Reads work, writes are refused.
    let audit = dir.path().join("audit");
    let demo = dir.path().join("demo");
    std::fs::write(demo.with_extension("config.toml"), "").unwrap();
    ok(cli(&demo).args(["--demo", "status"]).output().unwrap());
    let copy = |src: &Path, dst: &Path| {
        assert!(Command::new("cp")
            .arg("-a")
            .arg(src)
            .arg(dst)
            .status()
            .unwrap()
            .success());
    };
    copy(&team, &audit);
    let audit_demo = dir.path().join("audit-demo");
    copy(&demo, &audit_demo);
    // A database of the previous schema, which only its owner may move to the new one: the
    // reader moves its private copy and writes nothing beside the database.
    let audit_old = dir.path().join("audit-old");
    copy(&demo, &audit_old);
    downgrade_to_schema_1(&audit_old);
    // No backup of the day yet, so that a migration taking one would try to write it.
    let _ = std::fs::remove_dir_all(audit_old.join("backups"));
    std::fs::create_dir(audit_old.join("backups")).unwrap();
    for db in [&audit, &audit_demo, &audit_old] {
        std::fs::copy(
            team.with_extension("config.toml"),
            db.with_extension("config.toml"),
        )
        .unwrap();
        std::fs::set_permissions(
            db.with_extension("config.toml"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let st = Command::new("chgrp")
            .arg("-R")
            .arg(&group)
            .arg(db)
            .status()
            .unwrap();
        assert!(st.success());
        let st = Command::new("chmod")
            .args(["-R", "u-w,g=rX,o="])
            .arg(db)
            .status()
            .unwrap();
        assert!(st.success());
    }
    let listing = ok(member_cli(&audit).arg("status").output().unwrap());
    assert!(listing.contains("ACME"), "{listing}");
    let json = ok(member_cli(&audit)
        .args(["status", "--json"])
        .output()
        .unwrap());
    assert!(json.contains("ACME"), "{json}");
    assert!(ok(member_cli(&audit).args(["show", "1"]).output().unwrap()).contains("vu par root"));
    assert!(ok(member_cli(&audit).arg("doctor").output().unwrap()).contains("saine"));
    ok(member_cli(&audit_demo)
        .args(["letter", "1", "--next"])
        .output()
        .unwrap());
    let out = member_cli(&audit)
        .args(["log", "1", "note", "écrit par l'auditeur"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("lecture seule") && stderr.contains("root"),
        "{stderr}"
    );
    assert!(!ok(member_cli(&audit).args(["show", "1"]).output().unwrap()).contains("auditeur"));
    let out = member_cli(&audit_old)
        .args(["status", "--json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("sauvegarde"), "{stderr}");
    assert!(ok(out).contains("ACME"));
    assert_eq!(
        std::fs::read_dir(audit_old.join("backups"))
            .unwrap()
            .count(),
        0
    );
    // The private copies are gone.
    assert_eq!(std::fs::read_dir(&m_home).unwrap().count(), 0);

    // Cost of the read-only path: the same listing of the demo database, direct (root) and
    // through the private copy (the member).
    let time = |make: &dyn Fn() -> Command| {
        let t = std::time::Instant::now();
        for _ in 0..5 {
            ok(make().arg("status").output().unwrap());
        }
        t.elapsed() / 5
    };
    // The member first: root's reads may leave new sled snapshots in root's own group.
    let copied = time(&|| member_cli(&audit_demo));
    let direct = time(&|| cli(&audit_demo));
    let size: u64 = {
        let mut paths = Vec::new();
        walk(&audit_demo.join("data"), &mut paths);
        paths
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum()
    };
    eprintln!(
        "demo status: {direct:?} with write access, {copied:?} read-only through a copy of {} KiB",
        size / 1024
    );
    drop(accounts);
}
