//! The process exit codes, shared by the command line and the desk (the
//! TUI ends the process too). Documented in the README's "Command line".

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_PARTIAL: u8 = 3;
/// A case changed since the version a change was based on; nothing was written.
pub const EXIT_CONFLICT: u8 = 4;
/// Not allowed: the role forbids it, or the operator is not (or no longer)
/// configured. The attempt is in the audit log.
pub const EXIT_DENIED: u8 = 5;
