//! File permissions that bind even when the tests run as root (as CI does).
//!
//! Root writes a mode-0400 file because it holds `CAP_DAC_OVERRIDE`, not
//! because it is uid 0. Linux keeps capabilities per thread, so a test can
//! lower that capability (and `CAP_DAC_READ_SEARCH`) in the thread that runs
//! it: the file's owner bits then apply to root as to anyone, while the other
//! tests on other threads keep theirs. This needs no extra user, mount
//! namespace or file-system support, so it works in a plain container too.
#![allow(unsafe_code)] // capget/capset: no safe wrapper in libc

use std::fs::OpenOptions;
use std::io::ErrorKind;
use std::path::Path;

const CAP_DAC_OVERRIDE: u32 = 1;
const CAP_DAC_READ_SEARCH: u32 = 2;
const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;
const DROPPED: u32 = (1 << CAP_DAC_OVERRIDE) | (1 << CAP_DAC_READ_SEARCH);

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

fn capget() -> [CapData; 2] {
    let mut header = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    // SAFETY: a v3 header and two data structs, as capget(2) asks; pid 0 is
    // the calling thread.
    let rc = unsafe { libc::syscall(libc::SYS_capget, &mut header, data.as_mut_ptr()) };
    assert_eq!(rc, 0, "capget failed: {}", std::io::Error::last_os_error());
    data
}

fn capset(data: &[CapData; 2]) {
    let mut header = CapHeader {
        version: LINUX_CAPABILITY_VERSION_3,
        pid: 0,
    };
    // SAFETY: as in `capget`; capset(2) only changes the calling thread.
    let rc = unsafe { libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) };
    assert_eq!(rc, 0, "capset failed: {}", std::io::Error::last_os_error());
}

/// While alive, this thread obeys file permissions; dropping it gives the
/// capabilities back (they stay in the permitted set meanwhile).
pub(crate) struct PermissionsBind {
    saved: [CapData; 2],
}

impl Drop for PermissionsBind {
    fn drop(&mut self) {
        capset(&self.saved);
    }
}

/// Makes `file` read-only (mode 0400) and this thread unable to override
/// that, and checks it worked: the test fails here, loudly, rather than
/// passing without having seen a read-only file.
pub(crate) fn read_only_for_this_thread(file: &Path) -> PermissionsBind {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o400))
        .unwrap_or_else(|e| panic!("chmod 0400 {}: {e}", file.display()));
    let saved = capget();
    let mut lowered = saved;
    lowered[0].effective &= !DROPPED;
    capset(&lowered);
    let bind = PermissionsBind { saved };
    match OpenOptions::new().append(true).open(file) {
        Err(e) if e.kind() == ErrorKind::PermissionDenied => bind,
        Ok(_) => panic!(
            "{} is still writable after chmod 0400 and dropping CAP_DAC_OVERRIDE: \
             this test cannot make a read-only store here",
            file.display()
        ),
        Err(e) => panic!("checking that {} is read-only: {e}", file.display()),
    }
}
