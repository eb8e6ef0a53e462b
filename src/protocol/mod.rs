//! The wire between privdesk's clients (the TUI, the command line) and the
//! server: HTTP/2 over a Unix domain socket, JSON bodies.
//!
//! HTTP/2 because one connection carries a whole session: the server reads
//! the peer's uid from the socket once (`SO_PEERCRED`), every request of
//! the session travels on that connection side by side with the long-lived
//! streams (search results as each system answers, a run's job states, the
//! pushes of changes), and when the connection ends the server knows the
//! session is over and stops its work. JSON because every type the desk
//! hands out is already serde data and `--json` output: no second schema to
//! keep in step, and a session can be read with `curl --unix-socket`.
//!
//! Routes (all `POST` but `events`):
//! - [`HELLO`]: the version check and who the operator is ([`hello`]);
//!   nothing else is answered before it.
//! - [`CALL`]: one desk operation ([`calls::Call`]) → its result as JSON, or
//!   a [`error::WireError`] with a status code.
//! - [`SEARCH`], [`RUN`]: streams of JSON lines ([`stream`]).
//! - [`EVENTS`] (`GET`): the session's pushes ([`events::Event`]), one JSON
//!   line each.
//! - [`FILES`]`/{token}/{name}`: a file the server wrote for the operator
//!   (a disclosure package, an audit export), streamed.

pub mod calls;
pub mod error;
pub mod events;
pub mod files;
pub mod hello;
pub mod stream;

pub use calls::Call;
pub use error::{ErrorKind, WireError};
pub use events::Event;
pub use hello::{ClientSettings, Hello, Welcome};

/// Raised whenever a request or an answer changes shape; a client and a
/// server of different protocols refuse each other with a clear message.
pub const PROTOCOL: u32 = 1;

/// The version of this privdesk, as clients and servers tell each other.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Sent with every request: the client's [`PROTOCOL`].
pub const HEADER_PROTOCOL: &str = "privdesk-protocol";

pub const HELLO: &str = "/v1/hello";
pub const CALL: &str = "/v1/call";
pub const SEARCH: &str = "/v1/search";
pub const RUN: &str = "/v1/run";
pub const EVENTS: &str = "/v1/events";
pub const FILES: &str = "/v1/files";

/// Largest request body the server reads (a letter, a note, a case form).
pub const MAX_REQUEST_BYTES: usize = 4 << 20;
/// Largest answer a client reads in one piece (an audit log page, a report).
pub const MAX_ANSWER_BYTES: usize = 64 << 20;
/// Largest line of a stream (one search snapshot, one event).
pub const MAX_LINE_BYTES: usize = 16 << 20;
/// Largest file handed to a client (one file of a disclosure package).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// The socket a server listens on when the configuration names none.
pub const DEFAULT_SOCKET: &str = "/run/privdesk/privdesk.sock";
