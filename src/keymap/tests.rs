//! Loading, lookup and refusal of keymap files.

use super::*;

fn chord(s: &str) -> KeyChord {
    KeyChord::parse(s).unwrap()
}

#[test]
fn every_shipped_keymap_loads_and_is_complete() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        seen += 1;
        let km =
            Keymap::named(p.to_str().unwrap()).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        // A complete alternative reaches every command, and forms can always be left.
        assert_eq!(
            km.all_commands(),
            Command::ALL
                .to_vec()
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>(),
            "{}",
            p.display()
        );
        for ctx in [Context::Form, Context::Editor] {
            for cmd in [Command::Submit, Command::Cancel, Command::NextField] {
                assert!(
                    km.hint_key(ctx, cmd).is_some(),
                    "{} {ctx:?} {cmd:?}",
                    p.display()
                );
            }
        }
        for ctx in [Context::List, Context::Detail, Context::Help] {
            assert!(km.hint_key(ctx, Command::Quit).is_some() || ctx == Context::Help);
            assert!(
                km.hint_key(ctx, Command::Back).is_some(),
                "{} {ctx:?}",
                p.display()
            );
        }
    }
    assert!(seen >= 3);
}

#[test]
fn builtin_names_resolve() {
    for n in ["default", "vim", "emacs", ""] {
        Keymap::named(n).unwrap();
    }
    let km = Keymap::named("vim").unwrap();
    assert_eq!(km.lookup(Context::List, &chord("j")), Some(Command::Down));
}

#[test]
fn global_fallback_and_text_protection() {
    let km = Keymap::named("default").unwrap();
    assert_eq!(
        km.lookup(Context::List, &chord("ctrl-c")),
        Some(Command::Quit)
    );
    assert_eq!(
        km.lookup(Context::Form, &chord("ctrl-c")),
        Some(Command::Quit)
    );
    // "q" types a q in a form rather than quitting.
    assert_eq!(km.lookup(Context::Form, &chord("q")), None);
}

#[test]
fn unknown_command_names_file_and_line() {
    let e = Keymap::from_source("mine.toml", "[list]\nj = \"down\"\nk = \"fly\"\n").unwrap_err();
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("mine.toml"), "{}", e.message);
    assert!(e.message.contains("fly"), "{}", e.message);
}

#[test]
fn unparseable_key_names_file_and_line() {
    let e = Keymap::from_source("mine.toml", "[list]\n\n\"hyper-j\" = \"down\"\n").unwrap_err();
    assert_eq!(e.line, Some(3));
    assert!(e.message.contains("hyper-j"), "{}", e.message);
}

#[test]
fn two_spellings_of_one_key_conflict() {
    let e = Keymap::from_source(
        "mine.toml",
        "[list]\n\"ctrl-s\" = \"filter\"\n\"C-s\" = \"sort\"\n",
    )
    .unwrap_err();
    assert_eq!(e.line, Some(3));
    assert!(
        e.message.contains("filter") && e.message.contains("sort"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("line 2") || e.message.contains("ligne 2"),
        "{}",
        e.message
    );
}

#[test]
fn toml_duplicate_key_is_reported_with_line() {
    let e = Keymap::from_source("mine.toml", "[list]\nj = \"down\"\nj = \"up\"\n").unwrap_err();
    assert_eq!(e.line, Some(3), "{}", e.message);
}

#[test]
fn override_replaces_single_binding() {
    let mut km = Keymap::named("default").unwrap();
    let before_down = km.lookup(Context::List, &chord("down"));
    km.apply_overrides("keymap.toml", "[list]\nj = \"sort\"\n")
        .unwrap();
    assert_eq!(km.lookup(Context::List, &chord("j")), Some(Command::Sort));
    assert_eq!(km.lookup(Context::List, &chord("down")), before_down);
}

#[test]
fn a_keymap_without_a_way_to_quit_is_refused_naming_the_file() {
    let e = Keymap::from_source("mine.toml", "[global]\n\"ctrl-h\" = \"help\"\n").unwrap_err();
    assert!(e.message.contains("mine.toml"), "{}", e.message);
    assert!(e.message.contains("quit"), "{}", e.message);
    let mut km = Keymap::named("default").unwrap();
    let e = km
        .apply_overrides(
            "keymap.toml",
            "[global]\n\"ctrl-c\" = \"help\"\nq = \"help\"\n",
        )
        .unwrap_err();
    assert!(e.message.contains("keymap.toml"), "{}", e.message);
    // The refused override left the keymap as it was.
    assert!(!km.keys_for(Context::List, Command::Quit).is_empty());
    // Rebinding quit elsewhere is fine.
    km.apply_overrides("keymap.toml", "[global]\nq = \"help\"\n")
        .unwrap();
}

#[test]
fn override_cannot_hide_global_quit() {
    let mut km = Keymap::named("default").unwrap();
    let e = km
        .apply_overrides("keymap.toml", "[list]\n\"ctrl-c\" = \"sort\"\n")
        .unwrap_err();
    assert!(e.message.contains("ctrl-c"), "{}", e.message);
}
