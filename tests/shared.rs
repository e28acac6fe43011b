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
