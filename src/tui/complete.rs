//! Path completion for the import form's Tab: the longest name the typed prefix leads to in its
//! directory, and the candidates when several remain.

use std::path::{Path, PathBuf};

/// `~/` at the start stands for the home directory.
fn expand(dir: &str) -> PathBuf {
    match (dir.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ if dir.is_empty() => PathBuf::from("."),
        _ => PathBuf::from(dir),
    }
}

/// The completed text (unchanged when nothing is added) and, when several names fit, those
/// names (directories end with `/`). Hidden files are offered only for a prefix starting with a
/// dot.
pub fn complete_path(text: &str) -> (String, Vec<String>) {
    let (dir, prefix) = match text.rfind('/') {
        Some(i) => text.split_at(i + 1),
        None => ("", text),
    };
    let Ok(entries) = std::fs::read_dir(expand(dir)) else {
        return (text.to_string(), vec![]);
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            if !name.starts_with(prefix) || (name.starts_with('.') && !prefix.starts_with('.')) {
                return None;
            }
            let is_dir = e.path().is_dir();
            Some(if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    names.sort();
    match names.as_slice() {
        [] => (text.to_string(), vec![]),
        [one] => (format!("{dir}{one}"), vec![]),
        many => {
            let first = &many[0];
            let common = many.iter().fold(first.len(), |n, s| {
                first
                    .char_indices()
                    .zip(s.chars())
                    .take_while(|((_, a), b)| a == b)
                    .last()
                    .map(|((i, a), _)| (i + a.len_utf8()).min(n))
                    .unwrap_or(0)
            });
            (format!("{dir}{}", &first[..common]), many.to_vec())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_the_common_prefix_then_lists() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display().to_string();
        std::fs::write(dir.path().join("fec_2026-10.txt"), "").unwrap();
        std::fs::write(dir.path().join("fec_2026-11.txt"), "").unwrap();
        std::fs::create_dir(dir.path().join("mappings")).unwrap();
        let (text, list) = complete_path(&format!("{d}/f"));
        assert_eq!(text, format!("{d}/fec_2026-1"));
        assert_eq!(list, ["fec_2026-10.txt", "fec_2026-11.txt"]);
        let (text, list) = complete_path(&format!("{d}/m"));
        assert_eq!(text, format!("{d}/mappings/"));
        assert!(list.is_empty());
        let (text, list) = complete_path(&format!("{d}/zzz"));
        assert_eq!(text, format!("{d}/zzz"));
        assert!(list.is_empty());
    }
}
