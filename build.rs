//! Compiles the interface's catalogue (`src/i18n/{fr,en}.toml`) into sorted static tables.
//!
//! Parsing the TOML at every start took 4–8 ms of each command (a `show` is 20–40 ms at 10 000
//! dossiers); a lookup in the compiled table costs nothing to set up. A catalogue that does not
//! parse now fails the build, naming the file, instead of leaving the interface without words.

use std::collections::BTreeMap;
use std::fmt::Write as _;

fn flatten(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

fn main() {
    let mut code = String::new();
    for (name, file) in [("FR", "src/i18n/fr.toml"), ("EN", "src/i18n/en.toml")] {
        println!("cargo:rerun-if-changed={file}");
        let src = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        let value: toml::Value = toml::from_str(&src).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut flat = BTreeMap::new();
        flatten("", &value, &mut flat);
        // Sorted by key (a BTreeMap's order), for a binary search; `{:?}` of a str is a valid
        // Rust literal.
        let _ = writeln!(code, "static {name}: &[(&str, &str)] = &[");
        for (k, v) in &flat {
            let _ = writeln!(code, "    ({k:?}, {v:?}),");
        }
        let _ = writeln!(code, "];");
    }
    let out =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalogue.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
