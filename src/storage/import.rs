//! The file side of an import: reading the export (a regular file of bounded size, never a FIFO
//! that would hang), decoding and parsing it, and planning it against the dossiers in the store.
//! Writing the plan is [`Store::apply_import`].

use std::collections::HashSet;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::error::StoreError;
use super::store::Store;
use crate::domain::assess::Rules;
use crate::domain::import::csv::{parse_mapping, Mapping};
use crate::domain::import::decode::{decode, Encoding};
use crate::domain::import::fields::name_key;
use crate::domain::import::plan::{plan, Existing, Plan};
use crate::domain::import::{fec, Ledger, Rejection, Settings};
use crate::i18n::tf;

/// Largest file an import reads (a FEC of a large company's year is a few hundred MiB).
pub const MAX_FILE_MIB: u64 = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Fec,
    /// A CSV read through the mapping file at this path.
    Csv {
        map: PathBuf,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub path: PathBuf,
    pub source: Source,
    pub settings: Settings,
}

impl Request {
    /// The settings for `path`, its file name as the journal will name it.
    pub fn new(path: PathBuf, source: Source, mut settings: Settings) -> Request {
        settings.file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        Request {
            path,
            source,
            settings,
        }
    }
}

/// Why an import cannot go ahead (nothing was written).
#[derive(Debug)]
pub enum ImportError {
    /// The file or the mapping cannot be read (message in the user's language).
    Read(String),
    /// Lines of the file refused, or debtors that would be merged.
    Rejected {
        file: String,
        rejections: Vec<Rejection>,
    },
    Store(StoreError),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Read(m) => f.write_str(m),
            ImportError::Rejected { file, rejections } => {
                f.write_str(&tf(
                    "import.rejected",
                    &[("file", file), ("count", &rejections.len())],
                ))?;
                for r in rejections {
                    write!(f, "\n  {r}")?;
                }
                Ok(())
            }
            ImportError::Store(e) => e.fmt(f),
        }
    }
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> Self {
        ImportError::Store(e)
    }
}

/// The bytes of a file given to an import: a regular file (a FIFO or a device is refused
/// before anything waits on it), at most [`MAX_FILE_MIB`].
pub fn read_input(path: &Path) -> Result<Vec<u8>, ImportError> {
    let fail = |e: &dyn std::fmt::Display| {
        ImportError::Read(tf(
            "import.read_failed",
            &[("path", &path.display()), ("reason", e)],
        ))
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| fail(&e))?;
    let meta = file.metadata().map_err(|e| fail(&e))?;
    if !meta.is_file() {
        return Err(ImportError::Read(tf(
            "import.not_regular",
            &[("path", &path.display())],
        )));
    }
    let max = MAX_FILE_MIB * 1024 * 1024;
    if meta.len() > max {
        return Err(ImportError::Read(tf(
            "import.too_large",
            &[("path", &path.display()), ("max", &MAX_FILE_MIB)],
        )));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(&e))?;
    Ok(bytes)
}

/// Reads and parses the request's file (and mapping); nothing of the store is read.
pub fn read_ledger(
    req: &Request,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Ledger, ImportError> {
    let mapping: Option<Mapping> = match &req.source {
        Source::Fec => None,
        Source::Csv { map } => {
            let bytes = read_input(map)?;
            let text = String::from_utf8_lossy(&bytes);
            Some(parse_mapping(&text).map_err(|reason| {
                ImportError::Read(tf(
                    "import.bad_mapping",
                    &[("path", &map.display()), ("reason", &reason.trim())],
                ))
            })?)
        }
    };
    let bytes = read_input(&req.path)?;
    let encoding = mapping
        .as_ref()
        .map(|m| m.encoding())
        .unwrap_or(Encoding::Auto);
    let (text, encoding) = decode(&bytes, encoding).map_err(|line| {
        ImportError::Read(tf(
            "import.bad_encoding",
            &[("path", &req.path.display()), ("line", &line)],
        ))
    })?;
    let parsed = match &mapping {
        None => fec::parse(&text, encoding, &req.settings, progress),
        Some(m) => crate::domain::import::csv::parse(&text, encoding, m, &req.settings, progress),
    };
    parsed.map_err(|rejections| ImportError::Rejected {
        file: req.settings.file_name.clone(),
        rejections,
    })
}

impl Store {
    /// What importing the request's file would do: read and parse it, then decide against
    /// every dossier of the store (each item's open principal after imputation, under `rules`,
    /// at `today`). Writes nothing.
    pub fn plan_import(
        &self,
        req: &Request,
        rules: &Rules,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Plan, ImportError> {
        let ledger = read_ledger(req, progress)?;
        let snap = self.load_all()?;
        let today: NaiveDate = req.settings.today;
        // What is left open of each item matters only for the debtors the file names and for
        // items an import brought (which a newer file may settle): the others are not computed.
        let numbers: HashSet<String> = ledger
            .accounts
            .iter()
            .filter_map(|a| a.number.as_deref())
            .map(|n| n.trim().to_lowercase())
            .collect();
        let names: HashSet<String> = ledger.accounts.iter().map(|a| name_key(&a.name)).collect();
        let concerned = |d: &crate::model::LoadedDossier| {
            let number = d.debtor.customer_number.as_deref();
            number.is_some_and(|n| numbers.contains(&n.trim().to_lowercase()))
                || names.contains(&name_key(&d.debtor.name))
                || !d.state.imported.is_empty()
        };
        let existing: Vec<Existing> = snap
            .dossiers
            .iter()
            .map(|d| {
                let open = if concerned(d) {
                    let (claim, _) = rules.claim_or_principal(&d.state, &d.debtor, today);
                    claim
                        .items
                        .into_iter()
                        .map(|i| (i.reference, i.open))
                        .collect()
                } else {
                    vec![]
                };
                Existing {
                    state: &d.state,
                    debtor: &d.debtor,
                    open,
                }
            })
            .collect();
        let mut p = plan(&ledger, &existing, &req.settings).map_err(|rejections| {
            ImportError::Rejected {
                file: req.settings.file_name.clone(),
                rejections,
            }
        })?;
        p.generation = snap.generation;
        Ok(p)
    }
}
