//! Team databases on a shared server: the directory belongs to a group, is setgid and closed to
//! everyone else, and every file created in it stays readable and writable by the group.
//!
//! Permissions are the only protection a debt-collection file has against the other accounts of
//! the server (it holds names, addresses and amounts owed), so a directory any account can write
//! to is refused outright rather than used with a warning.

use std::ffi::{CStr, CString};
use std::fs;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::store::{Store, StoreError, StoreOptions};
use crate::i18n::tf;

/// rwxrws---: the group shares everything, setgid keeps new files in the group, others get nothing.
pub const SHARED_DIR_MODE: u32 = 0o2770;
/// umask while writing in a shared directory: group read/write kept, nothing for others.
pub const SHARED_UMASK: u32 = 0o007;

const S_ISGID: u32 = 0o2000;

#[derive(Debug, thiserror::Error)]
pub enum SharedError {
    #[error("{}", tf("shared.unknown_group", &[("group", .0)]))]
    UnknownGroup(String),
    #[error("{}", tf("shared.not_empty", &[("path", &.0.display())]))]
    NotEmpty(PathBuf),
    #[error("{}", tf("shared.chown", &[("path", &path.display()), ("group", group), ("reason", reason)]))]
    Chown {
        path: PathBuf,
        group: String,
        reason: io::Error,
    },
    #[error("{}", tf("shared.chmod", &[("path", &path.display()), ("reason", reason)]))]
    Chmod { path: PathBuf, reason: io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Refuses a database directory (or its `data` subdirectory) that others can write to.
pub fn refuse_world_writable(db: &Path) -> Result<(), StoreError> {
    for dir in [db.to_path_buf(), db.join("data")] {
        if let Ok(m) = fs::metadata(&dir) {
            if m.mode() & 0o002 != 0 {
                return Err(StoreError::WorldWritable(dir));
            }
        }
    }
    Ok(())
}

/// rwx------ on a directory we just created for one user.
pub fn make_private(dir: &Path) -> io::Result<()> {
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
}

/// True when `dir` is set up for a team (setgid bit on the directory).
pub fn is_group_shared(dir: &Path) -> bool {
    fs::metadata(dir)
        .map(|m| m.is_dir() && m.mode() & S_ISGID != 0)
        .unwrap_or(false)
}

/// Sets the process umask to [`SHARED_UMASK`] for as long as it lives, when the database
/// directory is group-shared; does nothing otherwise.
///
/// The umask is per process, so while a guard lives, files created by other threads get it too;
/// that only ever makes them group-writable in a program whose files are meant for the team.
pub struct UmaskGuard {
    previous: Option<libc::mode_t>,
}

impl UmaskGuard {
    pub fn for_dir(dir: &Path) -> UmaskGuard {
        if !is_group_shared(dir) {
            return UmaskGuard { previous: None };
        }
        // SAFETY: umask has no failure mode and touches only the process's file-creation mask.
        let previous = unsafe { libc::umask(SHARED_UMASK as libc::mode_t) };
        UmaskGuard {
            previous: Some(previous),
        }
    }
}

impl Drop for UmaskGuard {
    fn drop(&mut self) {
        if let Some(previous) = self.previous {
            // SAFETY: as above; restores the mask we replaced.
            unsafe {
                libc::umask(previous);
            }
        }
    }
}

/// The gid of a group name (or of a numeric gid given as text).
pub fn group_id(name: &str) -> Option<u32> {
    let cname = CString::new(name).ok()?;
    // SAFETY: getgrnam_r writes only into the buffers we pass; we read the result only when it
    // reports success with a non-null pointer.
    let found = unsafe {
        let mut grp: libc::group = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 16384];
        let mut result: *mut libc::group = std::ptr::null_mut();
        let rc = libc::getgrnam_r(
            cname.as_ptr(),
            &mut grp,
            buf.as_mut_ptr(),
            buf.len(),
            &mut result,
        );
        (rc == 0 && !result.is_null()).then_some(grp.gr_gid)
    };
    found.or_else(|| name.parse().ok())
}

/// The name of a gid, for messages and tests.
pub fn group_name(gid: u32) -> Option<String> {
    // SAFETY: as in `group_id`.
    unsafe {
        let mut grp: libc::group = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 16384];
        let mut result: *mut libc::group = std::ptr::null_mut();
        let rc = libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc == 0 && !result.is_null() && !grp.gr_name.is_null() {
            return CStr::from_ptr(grp.gr_name).to_str().ok().map(String::from);
        }
    }
    None
}

/// Creates a team database at `path`: directory owned by `group`, mode 2770, then an empty
/// database whose files are all group-readable and -writable.
pub fn init_shared(path: &Path, group: &str, opts: StoreOptions) -> Result<Store, SharedError> {
    let gid = group_id(group).ok_or_else(|| SharedError::UnknownGroup(group.to_string()))?;
    let store = Store::new(path, opts);
    if store.exists() {
        return Err(StoreError::AlreadyExists(path.to_path_buf()).into());
    }
    if path.exists() {
        let has_entries = fs::read_dir(path)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true);
        if has_entries {
            return Err(SharedError::NotEmpty(path.to_path_buf()));
        }
    }
    fs::create_dir_all(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let cpath =
        CString::new(path.as_os_str().as_encoded_bytes()).map_err(|_| SharedError::Chmod {
            path: path.to_path_buf(),
            reason: io::Error::from(io::ErrorKind::InvalidInput),
        })?;
    // SAFETY: chown on a NUL-terminated path we own; uid -1 leaves the owner unchanged.
    if unsafe { libc::chown(cpath.as_ptr(), u32::MAX, gid) } != 0 {
        return Err(SharedError::Chown {
            path: path.to_path_buf(),
            group: group.to_string(),
            reason: io::Error::last_os_error(),
        });
    }
    // chmod after chown: changing the group may clear the setgid bit.
    fs::set_permissions(path, fs::Permissions::from_mode(SHARED_DIR_MODE)).map_err(|e| {
        SharedError::Chmod {
            path: path.to_path_buf(),
            reason: e,
        }
    })?;
    store.init()?;
    Ok(store)
}

/// A warning when a file holding the creditor's IBAN can be read by every account on the server.
pub fn world_readable_warning(config: &Path) -> Option<String> {
    let m = fs::metadata(config).ok()?;
    (m.mode() & 0o004 != 0).then(|| {
        tf(
            "shared.config_world_readable",
            &[("path", &config.display())],
        )
    })
}
