//! Every shipped keymap loads; every invalid fixture fails with the file, the line and the cause
//! named in its `# expect:` comments.

use recouvre::keymap::{load, Keymap};
use std::path::Path;

#[test]
fn every_file_in_keymaps_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            Keymap::named(p.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"));
            n += 1;
        }
    }
    assert!(n >= 3);
}

#[test]
fn invalid_keymaps_are_startup_errors_naming_file_line_and_conflict() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keymaps_invalid");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let src = std::fs::read_to_string(&p).unwrap();
        // As a complete keymap and as an override file over the default one.
        let errors = [
            Keymap::named(p.to_str().unwrap()).err(),
            load("default", Some(&p)).err(),
        ];
        for err in errors {
            let err = err.unwrap_or_else(|| panic!("{} should fail", p.display()));
            let msg = err.to_string();
            assert!(
                msg.contains(p.file_name().unwrap().to_str().unwrap()),
                "{msg}"
            );
            for want in src.lines().filter_map(|l| l.strip_prefix("# expect: ")) {
                let want_fr = want.replace("line", "ligne");
                assert!(
                    msg.contains(want) || msg.contains(&want_fr),
                    "{}: {msg:?} lacks {want:?}",
                    p.display()
                );
            }
        }
        n += 1;
    }
    assert!(n >= 6);
}

#[test]
fn override_file_replaces_single_bindings() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("keymap.toml");
    std::fs::write(&p, "[global]\nP = \"payment\"\n[list]\nj = \"bottom\"\n").unwrap();
    let km = load("vim", Some(&p)).unwrap();
    use recouvre::app::Command;
    use recouvre::keymap::{Context, KeyChord};
    let k = |s| KeyChord::parse(s).unwrap();
    assert_eq!(km.lookup(Context::List, &k("P")), Some(Command::Payment));
    assert_eq!(km.lookup(Context::List, &k("p")), Some(Command::Payment));
    assert_eq!(km.lookup(Context::List, &k("j")), Some(Command::Bottom));
    assert_eq!(km.lookup(Context::List, &k("k")), Some(Command::Up));
    assert!(km.name.contains("vim") && km.name.contains("keymap.toml"));
}
