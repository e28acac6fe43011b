//! Why the store could not do what an effect asked, as a value: `update` can tell a busy database
//! from a stale write or a damaged record without reading the message.

use std::fmt;
use std::path::PathBuf;

use crate::domain::model::DossierId;
use crate::i18n::tf;
use crate::storage::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Another process held the database past the lock timeout.
    Busy {
        path: PathBuf,
        holder: Option<String>,
    },
    /// Someone appended to the dossier since the user looked at it; nothing was written.
    Stale {
        id: DossierId,
        expected: u32,
        newer: usize,
    },
    /// A record that cannot be decoded.
    Corrupt { key: String, reason: String },
    /// The file system refused (disk full, permissions lost mid-way…).
    Io { path: PathBuf, reason: String },
    /// Anything else (a newer schema, a refused file, a read-only copy…), as the store words it.
    Other(String),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        match e {
            StoreError::Busy { path, holder } => Failure::Busy { path, holder },
            StoreError::Stale {
                id,
                expected,
                newer,
            } => Failure::Stale {
                id,
                expected,
                newer: newer.len(),
            },
            StoreError::Corrupt { key, reason } => Failure::Corrupt { key, reason },
            StoreError::Io { path, source } => Failure::Io {
                path,
                reason: source.to_string(),
            },
            other => Failure::Other(other.to_string()),
        }
    }
}

/// A reason already worded (tests, or a cause outside the store).
impl From<String> for Failure {
    fn from(text: String) -> Failure {
        Failure::Other(text)
    }
}

impl From<&str> for Failure {
    fn from(text: &str) -> Failure {
        Failure::Other(text.to_string())
    }
}

/// The same catalogue texts as the store's own errors, so the screen reads as before.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Failure::Busy { path, holder } => tf(
                "store.busy",
                &[
                    ("path", &path.display()),
                    ("holder", &holder.as_deref().unwrap_or("?")),
                ],
            ),
            Failure::Stale {
                id,
                expected,
                newer,
            } => tf(
                "store.stale",
                &[("id", id), ("expected", expected), ("actual", newer)],
            ),
            Failure::Corrupt { key, reason } => {
                tf("store.corrupt", &[("key", key), ("reason", reason)])
            }
            Failure::Io { path, reason } => {
                tf("store.io", &[("path", &path.display()), ("reason", reason)])
            }
            Failure::Other(text) => text.clone(),
        };
        f.write_str(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The screen must read exactly what the store's error says.
    #[test]
    fn worded_as_the_store_words_it() {
        let cases = [
            StoreError::Busy {
                path: "/srv/db".into(),
                holder: Some("bob".into()),
            },
            StoreError::Busy {
                path: "/srv/db".into(),
                holder: None,
            },
            StoreError::Stale {
                id: 3,
                expected: 4,
                newer: vec![],
            },
            StoreError::Corrupt {
                key: "journal/3#2".into(),
                reason: "bad".into(),
            },
            StoreError::Io {
                path: "/srv/db".into(),
                source: std::io::Error::other("disk full"),
            },
            StoreError::UnknownDossier(9),
        ];
        for e in cases {
            let text = e.to_string();
            assert_eq!(Failure::from(e).to_string(), text);
        }
    }
}
