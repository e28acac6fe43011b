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

use super::error::StoreError;
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

/// True when `dir` is set up for a team (setgid bit on the directory).
pub fn is_group_shared(dir: &Path) -> bool {
    fs::metadata(dir)
        .map(|m| m.is_dir() && m.mode() & S_ISGID != 0)
        .unwrap_or(false)
}

/// Sets the process umask for as long as it lives: [`SHARED_UMASK`] in a group-shared directory
/// (so files stay group-writable whatever the user's own umask), and in a personal one the
/// user's umask plus whatever the directory itself withholds (a 0700 directory gets 0600 files
/// even under umask 022).
///
/// The umask is per process: while a guard lives, files created by other threads get it too,
/// which only ever narrows or groups them in a program whose files are meant for the database's
/// users. Guards are counted: the first sets the mask, the last restores it, so overlapping
/// guards of two threads never leave a stale mask behind.
pub struct UmaskGuard {
    active: bool,
}

/// Live guards, and the umask to restore when the last one goes.
static UMASK: std::sync::Mutex<(usize, libc::mode_t)> = std::sync::Mutex::new((0, 0));

impl UmaskGuard {
    pub fn for_dir(dir: &Path) -> UmaskGuard {
        let Ok(m) = fs::metadata(dir) else {
            return UmaskGuard { active: false };
        };
        let mut live = UMASK.lock().unwrap_or_else(|e| e.into_inner());
        if live.0 == 0 {
            // SAFETY: umask has no failure mode and touches only the process's file-creation
            // mask; we read the current one by setting a temporary value.
            let current = unsafe { libc::umask(0o077) };
            let wanted = if m.mode() & S_ISGID != 0 {
                SHARED_UMASK as libc::mode_t
            } else {
                current | (!m.mode() & 0o077) as libc::mode_t
            };
            // SAFETY: as above.
            unsafe { libc::umask(wanted) };
            live.1 = current;
        }
        live.0 += 1;
        UmaskGuard { active: true }
    }
}

impl Drop for UmaskGuard {
    fn drop(&mut self) {
        if !self.active {
            return;
        }
        let mut live = UMASK.lock().unwrap_or_else(|e| e.into_inner());
        live.0 -= 1;
        if live.0 == 0 {
            // SAFETY: as above; restores the mask the first guard replaced.
            unsafe {
                libc::umask(live.1);
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

/// Gives a directory to `group` (chown, then chmod: changing the group may clear setgid).
pub(crate) fn set_group(dir: &Path, gid: u32, group: &str) -> Result<(), SharedError> {
    let cpath =
        CString::new(dir.as_os_str().as_encoded_bytes()).map_err(|_| SharedError::Chmod {
            path: dir.to_path_buf(),
            reason: io::Error::from(io::ErrorKind::InvalidInput),
        })?;
    // SAFETY: chown on a NUL-terminated path we own; uid -1 leaves the owner unchanged.
    if unsafe { libc::chown(cpath.as_ptr(), u32::MAX, gid) } != 0 {
        return Err(SharedError::Chown {
            path: dir.to_path_buf(),
            group: group.to_string(),
            reason: io::Error::last_os_error(),
        });
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(SHARED_DIR_MODE)).map_err(|e| {
        SharedError::Chmod {
            path: dir.to_path_buf(),
            reason: e,
        }
    })
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
