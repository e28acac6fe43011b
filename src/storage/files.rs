//! The files of a database directory, treated as planted by someone else.
//!
//! A team database is a directory the whole group can write to, so as far as recouvre knows any
//! file in it may have been put there by another account: a symbolic link `lock -> ~alice/.bashrc`
//! would have alice's file truncated the next time she runs `status`, and a FIFO named
//! `generation` would make every command hang while holding the lock. So every file recouvre opens
//! there is opened without following links and without blocking (`O_NOFOLLOW | O_NONBLOCK`),
//! checked on the opened descriptor (`fstat`: a regular file, owned by the user, the database's
//! owner or its group, not writable by everyone), and refused otherwise with the path and the fix.
//! Temporaries are created with `O_EXCL` under a random name, then renamed.
//!
//! sled opens its own files (under `data/`) with plain `open`; those are checked with `lstat`
//! just before sled is opened, under our lock. That leaves a window between the check and sled's
//! open that only a patched sled could close; the check still stops every link or FIFO planted
//! while nobody was running recouvre.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::error::StoreError;
use crate::i18n::t;

const S_ISGID: u32 = 0o2000;

/// Who may own a file in a database directory.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    euid: u32,
    /// Owner of the database directory (an auditor's copy belongs to whoever made it).
    dir_uid: u32,
    /// The directory's group when it is a team database (setgid): files of any member are fine.
    group: Option<u32>,
}

impl Policy {
    /// The policy of the database directory `db` (the path itself may be a link the user chose).
    pub(crate) fn for_dir(db: &Path) -> Result<Policy, StoreError> {
        let m = fs::metadata(db).map_err(|e| io_err(db, e))?;
        Ok(Policy::from_meta(&m))
    }

    fn from_meta(m: &Metadata) -> Policy {
        Policy {
            // SAFETY: geteuid cannot fail.
            euid: unsafe { libc::geteuid() },
            dir_uid: m.uid(),
            group: (m.mode() & S_ISGID != 0).then_some(m.gid()),
        }
    }

    /// A team database (setgid directory).
    pub(crate) fn shared(&self) -> bool {
        self.group.is_some()
    }

    /// The team's group of a team database.
    pub(crate) fn group(&self) -> Option<u32> {
        self.group
    }

    fn owner_ok(&self, m: &Metadata) -> bool {
        m.uid() == self.euid || m.uid() == self.dir_uid || self.group == Some(m.gid())
    }

    /// The refusal for an entry (already `lstat`ed or `fstat`ed) that is not a file or directory
    /// recouvre can trust, if any.
    fn judge(&self, path: &Path, m: &Metadata, dir_allowed: bool) -> Result<(), StoreError> {
        let ft = m.file_type();
        if ft.is_symlink() {
            return Err(StoreError::Symlink(path.to_path_buf()));
        }
        if ft.is_dir() && dir_allowed {
            if m.mode() & 0o002 != 0 {
                return Err(StoreError::WorldWritable(path.to_path_buf()));
            }
        } else if !ft.is_file() {
            return Err(StoreError::NotRegular {
                path: path.to_path_buf(),
                kind: kind_name(m).to_string(),
            });
        } else if m.mode() & 0o002 != 0 {
            return Err(StoreError::WorldWritableFile(path.to_path_buf()));
        }
        if !self.owner_ok(m) {
            return Err(StoreError::ForeignOwner {
                path: path.to_path_buf(),
                owner: crate::identity::user_name(m.uid()),
            });
        }
        Ok(())
    }
}

fn kind_name(m: &Metadata) -> &'static str {
    let ft = m.file_type();
    if ft.is_fifo() {
        t("security.kind_fifo")
    } else if ft.is_socket() {
        t("security.kind_socket")
    } else if ft.is_block_device() || ft.is_char_device() {
        t("security.kind_device")
    } else if ft.is_dir() {
        t("security.kind_dir")
    } else {
        t("security.kind_other")
    }
}

pub(crate) fn io_err(path: &Path, source: io::Error) -> StoreError {
    StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How to open a file of the database directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    /// Read and write, creating the file if it is missing (the lock).
    ReadWriteCreate,
    /// Write a new file; fails if the name exists (temporaries).
    CreateNew,
    /// Append only (`O_APPEND`), creating the file (0600, 0660 in a team database) if missing.
    Append,
}

/// Opens `path` without following a link or blocking on a FIFO, then checks the descriptor.
pub(crate) fn open(path: &Path, access: Access, policy: &Policy) -> Result<File, StoreError> {
    let mut o = OpenOptions::new();
    match access {
        Access::Read => o.read(true),
        Access::ReadWriteCreate => o.read(true).write(true).create(true).truncate(false),
        // The mode is given, not left to the process umask: that mask is process-wide, and
        // another thread's guard for a laxer directory could otherwise widen a new file.
        Access::CreateNew => o
            .write(true)
            .create_new(true)
            .mode(expected_mode(policy.shared(), false)),
        Access::Append => o
            .append(true)
            .create(true)
            .mode(expected_mode(policy.shared(), false)),
    };
    o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    let file = o.open(path).map_err(|e| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            StoreError::Symlink(path.to_path_buf())
        } else {
            io_err(path, e)
        }
    })?;
    let m = file.metadata().map_err(|e| io_err(path, e))?;
    policy.judge(path, &m, false)?;
    Ok(file)
}

/// Like [`open`] for reading, but `Ok(None)` when the file does not exist.
pub(crate) fn open_existing(path: &Path, policy: &Policy) -> Result<Option<File>, StoreError> {
    match open(path, Access::Read, policy) {
        Ok(f) => Ok(Some(f)),
        Err(StoreError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Checks every entry of the database directory and of `data/` (recursively) with `lstat`:
/// no links, nothing but regular files and directories, nothing writable by everyone, nothing
/// owned by a stranger. Run before sled opens its files, which it does following links.
pub(crate) fn check_tree(db: &Path, policy: &Policy) -> Result<(), StoreError> {
    let m = fs::metadata(db).map_err(|e| io_err(db, e))?;
    if m.mode() & 0o002 != 0 {
        return Err(StoreError::WorldWritable(db.to_path_buf()));
    }
    check_entries(db, policy)
}

fn check_entries(dir: &Path, policy: &Policy) -> Result<(), StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| io_err(dir, e))?;
        let path = entry.path();
        let m = match fs::symlink_metadata(&path) {
            Ok(m) => m,
            // Removed meanwhile (a snapshot sled replaced): nothing to open.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err(&path, e)),
        };
        policy.judge(&path, &m, true)?;
        if m.is_dir() {
            check_entries(&path, policy)?;
        }
    }
    Ok(())
}

/// A random hex suffix for temporary names (from the kernel; pid and clock if that fails).
pub(crate) fn random_suffix() -> String {
    let mut buf = [0u8; 8];
    // SAFETY: getrandom writes at most buf.len() bytes into buf.
    let n = unsafe { libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0) };
    if n != buf.len() as isize {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        buf = (nanos ^ ((std::process::id() as u64) << 32)).to_be_bytes();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to `path` by way of a new temporary file in the same directory (`O_EXCL`,
/// random name, no link followed), then renames it over `path`. `rename` replaces a link or FIFO
/// planted at `path` itself; it never writes through it.
pub(crate) fn replace(path: &Path, bytes: &[u8], policy: &Policy) -> Result<(), StoreError> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!("{name}.tmp.{}", random_suffix()));
    let written = open(&tmp, Access::CreateNew, policy)
        .and_then(|mut f| f.write_all(bytes).map_err(|e| io_err(&tmp, e)))
        .and_then(|()| fs::rename(&tmp, path).map_err(|e| io_err(path, e)));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Whether the effective user may do `mode` (`libc::R_OK`, `W_OK`, `X_OK`) on `path`.
pub(crate) fn can(path: &Path, mode: libc::c_int) -> bool {
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    // SAFETY: faccessat reads the NUL-terminated path we pass and nothing else.
    unsafe { libc::faccessat(libc::AT_FDCWD, c.as_ptr(), mode, libc::AT_EACCESS) == 0 }
}

/// The directory that stops the user on the way to `target`: the first one on the path that they
/// cannot enter, else `target` itself when they cannot read it. `None` when nothing does.
pub(crate) fn denied_at(target: &Path) -> Option<PathBuf> {
    let mut parts: Vec<&Path> = target.ancestors().collect();
    parts.reverse();
    for p in parts {
        if p.as_os_str().is_empty() {
            continue;
        }
        match fs::metadata(p) {
            Ok(m) if m.is_dir() && !can(p, libc::X_OK) => return Some(p.to_path_buf()),
            Ok(m) if !m.is_dir() && !can(p, libc::R_OK) => return Some(p.to_path_buf()),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

/// The refusal for a database the user cannot reach: the path that stops them and who owns it.
pub(crate) fn permission_denied(db: &Path, blocked: PathBuf) -> StoreError {
    let (owner, group, mode) = match fs::metadata(&blocked) {
        Ok(m) => (
            crate::identity::user_name(m.uid()),
            super::shared::group_name(m.gid()).unwrap_or_else(|| m.gid().to_string()),
            format!("{:04o}", m.mode() & 0o7777),
        ),
        Err(_) => ("?".into(), "?".into(), "?".into()),
    };
    StoreError::PermissionDenied {
        path: db.to_path_buf(),
        blocked,
        owner,
        group,
        mode,
    }
}

/// One entry of the database directory with its mode and the mode recouvre expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMode {
    pub path: PathBuf,
    /// Permission bits (with setgid), or `None` for something that is neither file nor directory.
    pub mode: u32,
    pub expected: u32,
    pub is_dir: bool,
    /// A link, FIFO, socket or device: refused whatever its mode.
    pub not_regular: bool,
}

impl FileMode {
    /// More open than expected (or not a plain file or directory): a problem for `doctor`.
    pub fn too_open(&self) -> bool {
        self.not_regular
            || self.mode & 0o777 & !self.expected != 0
            || (self.expected & S_ISGID != 0 && self.mode & S_ISGID == 0)
    }
}

/// Expected modes: 0700 / 0600 for a personal database, 2770 / 0660 for a team one.
pub fn expected_mode(shared: bool, is_dir: bool) -> u32 {
    match (shared, is_dir) {
        (false, true) => 0o700,
        (false, false) => 0o600,
        (true, true) => 0o2770,
        (true, false) => 0o660,
    }
}

/// The database directory and everything below it, with their modes (links not followed).
pub fn modes(db: &Path) -> Result<Vec<FileMode>, StoreError> {
    let m = fs::metadata(db).map_err(|e| io_err(db, e))?;
    let shared = m.mode() & S_ISGID != 0;
    let mut out = vec![FileMode {
        path: db.to_path_buf(),
        mode: m.mode() & 0o7777,
        expected: expected_mode(shared, true),
        is_dir: true,
        not_regular: false,
    }];
    fn walk(dir: &Path, shared: bool, out: &mut Vec<FileMode>) -> Result<(), StoreError> {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .map_err(|e| io_err(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            let Ok(m) = fs::symlink_metadata(&path) else {
                continue;
            };
            let ft = m.file_type();
            out.push(FileMode {
                path: path.clone(),
                mode: m.mode() & 0o7777,
                expected: expected_mode(shared, ft.is_dir()),
                is_dir: ft.is_dir(),
                not_regular: !ft.is_dir() && !ft.is_file(),
            });
            if ft.is_dir() {
                walk(&path, shared, out)?;
            }
        }
        Ok(())
    }
    walk(db, shared, &mut out)?;
    Ok(out)
}

/// Sets the expected modes on everything below `dir` (included), links left alone.
pub(crate) fn set_modes(dir: &Path, shared: bool) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let m = fs::symlink_metadata(dir)?;
    if m.is_dir() {
        fs::set_permissions(dir, fs::Permissions::from_mode(expected_mode(shared, true)))?;
        for entry in fs::read_dir(dir)? {
            set_modes(&entry?.path(), shared)?;
        }
    } else if m.is_file() {
        fs::set_permissions(
            dir,
            fs::Permissions::from_mode(expected_mode(shared, false)),
        )?;
    }
    Ok(())
}

/// Copies the regular files of `from` (recursively) into `to`, each opened as in [`open`].
/// Files named `*.generating` (a snapshot a killed sled left unfinished) are skipped.
pub(crate) fn copy_tree(from: &Path, to: &Path, policy: &Policy) -> Result<u64, StoreError> {
    use std::os::unix::fs::DirBuilderExt;
    let mut bytes = 0;
    for entry in fs::read_dir(from).map_err(|e| io_err(from, e))? {
        let entry = entry.map_err(|e| io_err(from, e))?;
        let src = entry.path();
        let dst = to.join(entry.file_name());
        let m = fs::symlink_metadata(&src).map_err(|e| io_err(&src, e))?;
        policy.judge(&src, &m, true)?;
        if m.is_dir() {
            fs::DirBuilder::new()
                .mode(0o700)
                .create(&dst)
                .map_err(|e| io_err(&dst, e))?;
            bytes += copy_tree(&src, &dst, policy)?;
        } else if !entry.file_name().to_string_lossy().ends_with(".generating") {
            let mut input = open(&src, Access::Read, policy)?;
            let mut output = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&dst)
                .map_err(|e| io_err(&dst, e))?;
            bytes += io::copy(&mut input, &mut output).map_err(|e| io_err(&src, e))?;
        }
    }
    Ok(bytes)
}

/// A private temporary directory, removed with everything in it when dropped.
pub(crate) struct TempDir(PathBuf, bool);

impl TempDir {
    /// A new directory (mode 0700, exclusive `mkdir`) named `{prefix}{random}` in `parent`.
    pub(crate) fn new_in(parent: &Path, prefix: &str) -> io::Result<TempDir> {
        use std::os::unix::fs::DirBuilderExt;
        let path = parent.join(format!("{prefix}{}", random_suffix()));
        fs::DirBuilder::new().mode(0o700).create(&path)?;
        Ok(TempDir(path, true))
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// Leaves the directory in place (it was renamed into its final place).
    pub(crate) fn keep(mut self) {
        self.1 = false;
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if !self.1 {
            return;
        }
        let _ = fs::remove_dir_all(&self.0);
    }
}
