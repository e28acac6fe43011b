//! Creating a database, personal or for a team, with nothing half-made.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::handle::Store;
use crate::storage::codec;
use crate::storage::error::{corrupt, Result, StoreError};
use crate::storage::files::{self, TempDir};
use crate::storage::keys::{KEY_SCHEMA, SCHEMA_VERSION, TREE_META};
use crate::storage::options::StoreOptions;
use crate::storage::shared::{group_id, set_group, SharedError};

impl Store {
    /// Creates an empty personal database at this path: directory 0700, files 0600, built in a
    /// temporary sibling directory and renamed into place, so a failed or killed `init` leaves
    /// nothing half-made. A personal database on a shared server is nobody else's business
    /// (names, amounts owed); a team database is made with `init --shared` instead.
    pub fn init(&self) -> Result<()> {
        create_database(&self.path, None, self.opts.clone()).map_err(|e| match e {
            SharedError::Store(e) => e,
            other => self.io(std::io::Error::other(other.to_string())),
        })
    }

    /// Writes the schema of a new database into this (empty) directory.
    pub(crate) fn write_schema(&self) -> Result<()> {
        self.with_db(true, |db| {
            let meta = db.open_tree(TREE_META).map_err(|e| self.sled_err(e))?;
            let v =
                codec::encode(&SCHEMA_VERSION).map_err(|e| corrupt(TREE_META, KEY_SCHEMA, e))?;
            meta.insert(KEY_SCHEMA, v).map_err(|e| self.sled_err(e))?;
            // Empty, so its derived trees are complete from the start.
            self.build_derived(db)?;
            Ok(())
        })
    }
}

/// Creates a team database at `path`: directory owned by `group`, mode 2770, files 0660.
pub fn init_shared(
    path: &Path,
    group: &str,
    opts: StoreOptions,
) -> std::result::Result<Store, SharedError> {
    let gid = group_id(group).ok_or_else(|| SharedError::UnknownGroup(group.to_string()))?;
    create_database(path, Some((gid, group)), opts.clone())?;
    Ok(Store::new(path, opts))
}

/// Builds a new database at `path` with nothing half-made: in a sibling directory created
/// exclusively (`.NAME.init-RANDOM`, mode 0700), given its group and modes (0700/0600, or
/// 2770/0660 for a team), then renamed into place, over `path` when it is an empty directory.
/// A failed `init` removes the sibling; a killed one leaves only that hidden sibling.
pub(crate) fn create_database(
    path: &Path,
    group: Option<(u32, &str)>,
    opts: StoreOptions,
) -> std::result::Result<(), SharedError> {
    let io = |p: &Path, e: io::Error| SharedError::Store(files::io_err(p, e));
    // A path that is a link the user made (e.g. to a larger disk): build where it points.
    let path = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path).map_err(|e| io(path, e))?,
        _ => path.to_path_buf(),
    };
    let path = path.as_path();
    if Store::new(path, opts.clone()).exists() {
        return Err(StoreError::AlreadyExists(path.to_path_buf()).into());
    }
    match fs::read_dir(path) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            if !names.is_empty() {
                names.sort();
                let more = names.len().saturating_sub(5);
                names.truncate(5);
                let mut entries = names.join(", ");
                if more > 0 {
                    entries.push_str(&format!(" (+{more})"));
                }
                return Err(StoreError::NotEmpty {
                    path: path.to_path_buf(),
                    entries,
                }
                .into());
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            let blocked = files::denied_at(path).unwrap_or_else(|| path.to_path_buf());
            return Err(files::permission_denied(path, blocked).into());
        }
        Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => {
            return Err(StoreError::NotEmpty {
                path: path.to_path_buf(),
                entries: crate::i18n::t("security.a_file").to_string(),
            }
            .into());
        }
        Err(e) => return Err(io(path, e)),
    }
    let name = path
        .file_name()
        .ok_or_else(|| io(path, io::Error::from(io::ErrorKind::InvalidInput)))?
        .to_string_lossy()
        .into_owned();
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
    let tmp = TempDir::new_in(&parent, &format!(".{name}.init-")).map_err(|e| {
        if e.kind() == io::ErrorKind::PermissionDenied {
            files::permission_denied(path, parent.clone()).into()
        } else {
            io(&parent, e)
        }
    })?;
    if let Some((gid, group)) = group {
        set_group(tmp.path(), gid, group).map_err(|e| match e {
            // Name the directory the user asked for, not the temporary one.
            SharedError::Chown { group, reason, .. } => SharedError::Chown {
                path: path.to_path_buf(),
                group,
                reason,
            },
            other => other,
        })?;
    }
    files::set_modes(tmp.path(), group.is_some()).map_err(|e| SharedError::Chmod {
        path: tmp.path().to_path_buf(),
        reason: e,
    })?;
    Store::new(tmp.path(), opts).write_schema()?;
    // sled and the lock were created under the database's umask; make sure of every mode.
    files::set_modes(tmp.path(), group.is_some()).map_err(|e| SharedError::Chmod {
        path: tmp.path().to_path_buf(),
        reason: e,
    })?;
    fs::rename(tmp.path(), path).map_err(|e| match e.raw_os_error() {
        Some(libc::ENOTEMPTY) | Some(libc::EEXIST) => SharedError::Store(StoreError::NotEmpty {
            path: path.to_path_buf(),
            entries: "?".into(),
        }),
        _ => io(path, e),
    })?;
    tmp.keep();
    // The rename is durable once the parent directory is.
    if let Ok(d) = fs::File::open(&parent) {
        let _ = d.sync_all();
    }
    Ok(())
}
