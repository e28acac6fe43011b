//! Who is at the keyboard: the OS user from the real uid, never from `$USER`, which anyone can set.

use std::ffi::CStr;

/// Login name of the real uid, or `uid:N` when the password database has no entry for it.
pub fn current_user() -> String {
    // SAFETY: getuid cannot fail.
    user_name(unsafe { libc::getuid() })
}

/// Login name of `uid` (for "who owns this file" in messages), or `uid:N` when unknown.
pub fn user_name(uid: u32) -> String {
    // SAFETY: getpwuid_r writes only into the buffers we pass and we read the name only when it
    // reports success with a non-null result.
    unsafe {
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc == 0 && !result.is_null() && !pwd.pw_name.is_null() {
            if let Ok(name) = CStr::from_ptr(pwd.pw_name).to_str() {
                return name.to_string();
            }
        }
        format!("uid:{uid}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_comes_from_uid_not_environment() {
        let before = super::current_user();
        // Changing $USER must not change who we are.
        std::env::set_var("USER", "mallory-from-env");
        assert_eq!(super::current_user(), before);
        assert_ne!(before, "mallory-from-env");
    }
}
