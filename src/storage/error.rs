//! What a store operation can fail with, every message in the user's language.

use std::path::PathBuf;

use super::codec::CodecError;
use super::keys::describe_key;
use crate::domain::event::Event;
use crate::domain::model::DossierId;
use crate::i18n::tf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", tf("store.not_found", &[("path", &.0.display())]))]
    NotFound(PathBuf),
    #[error("{}", tf("store.exists", &[("path", &.0.display())]))]
    AlreadyExists(PathBuf),
    #[error("{}", tf("store.busy", &[("path", &.path.display()), ("holder", &.holder.clone().unwrap_or_else(|| "?".into()))]))]
    Busy {
        path: PathBuf,
        holder: Option<String>,
    },
    #[error("{}", tf("store.corrupt", &[("key", key), ("reason", reason)]))]
    Corrupt { key: String, reason: String },
    #[error("{}", tf("store.newer_schema", &[("path", &path.display()), ("version", version)]))]
    NewerSchema { path: PathBuf, version: u32 },
    #[error("{}", tf("store.unknown_dossier", &[("id", .0)]))]
    UnknownDossier(DossierId),
    /// Someone appended to the dossier since the user looked at it; nothing was written.
    #[error("{}", tf("store.stale", &[("id", id), ("expected", expected), ("actual", &newer.len())]))]
    Stale {
        id: DossierId,
        expected: u32,
        newer: Vec<Event>,
    },
    #[error("{}", tf("store.io", &[("path", &path.display()), ("reason", source)]))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tf("store.sled", &[("path", &path.display()), ("reason", reason)]))]
    Sled { path: PathBuf, reason: String },
    /// The database directory can be written by any account on the server.
    #[error("{}", tf("shared.world_writable", &[("path", &.0.display())]))]
    WorldWritable(PathBuf),
    /// A dossier's summary record is behind its journal: appending would overwrite history.
    #[error("{}", tf("shared.record_behind", &[("id", .0)]))]
    RecordBehind(DossierId),
    /// A file of the database directory is a symbolic link (never followed).
    #[error("{}", tf("security.symlink", &[("path", &.0.display())]))]
    Symlink(PathBuf),
    /// A FIFO, socket or device where recouvre expects a regular file (never opened).
    #[error("{}", tf("security.not_regular", &[("path", &path.display()), ("kind", kind)]))]
    NotRegular { path: PathBuf, kind: String },
    /// A file of the database that any account on the server can write to.
    #[error("{}", tf("security.world_writable_file", &[("path", &.0.display())]))]
    WorldWritableFile(PathBuf),
    /// A file owned by neither the user, the database's owner nor (team database) its group.
    #[error("{}", tf("security.foreign_owner", &[("path", &path.display()), ("owner", owner)]))]
    ForeignOwner { path: PathBuf, owner: String },
    /// The user may not enter or read the database; `blocked` is what stops them.
    #[error("{}", tf("security.permission_denied", &[("path", &path.display()), ("blocked", &blocked.display()), ("owner", owner), ("group", group), ("mode", mode), ("user", &crate::identity::current_user())]))]
    PermissionDenied {
        path: PathBuf,
        blocked: PathBuf,
        owner: String,
        group: String,
        mode: String,
    },
    /// A write to a database the user may only read (an auditor's copy).
    #[error("{}", tf("security.read_only", &[("path", &path.display()), ("owner", owner), ("user", user)]))]
    ReadOnly {
        path: PathBuf,
        owner: String,
        user: String,
    },
    /// The database changed between an import's preview and its run: nothing was written.
    #[error("{}", tf("import.moved", &[]))]
    Moved,
    /// `init` into a directory that already holds files (listed).
    #[error("{}", tf("shared.not_empty", &[("path", &path.display()), ("entries", entries)]))]
    NotEmpty { path: PathBuf, entries: String },
    /// `restore` into a database that holds records, without `--force`: nothing was written.
    #[error("{}", tf("backup.occupied", &[("path", &path.display()), ("dossiers", dossiers)]))]
    Occupied { path: PathBuf, dossiers: usize },
    /// A backup file that cannot be restored (damaged, cut, newer, not a backup): nothing was
    /// written.
    #[error("{}", tf("backup.bad_file", &[("path", &path.display()), ("reason", reason)]))]
    BadBackup {
        path: PathBuf,
        reason: super::backup_file::BackupFileError,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub(crate) fn corrupt(tree: &str, key: &[u8], e: CodecError) -> StoreError {
    StoreError::Corrupt {
        key: describe_key(tree, key),
        reason: e.to_string(),
    }
}
