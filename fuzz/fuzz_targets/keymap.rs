//! Keymap files and overrides: no panic; an accepted keymap always lets the user quit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recouvre::app::Command;
use recouvre::keymap::{Context, Keymap};

fuzz_target!(|s: &str| {
    if let Ok(km) = Keymap::from_source("k.toml", s) {
        assert!(!km.keys_for(Context::List, Command::Quit).is_empty());
    }
    let mut km = Keymap::named("default").unwrap();
    if km.apply_overrides("k.toml", s).is_ok() {
        assert!(!km.keys_for(Context::List, Command::Quit).is_empty());
    }
});
