//! The declarative HTTP connector engine and the fan-out search.
//!
//! A connected system is a TOML block (`[systems.<name>]`, see
//! `config::systems` and docs/connectors.md). [`Connector::new`] checks and
//! compiles it once; [`Connector::search`] and [`Connector::fetch`] interpret
//! it with reqwest; [`fan_out`] asks every system at once.
//!
//! Actions: [`SystemActions`] renders a system's action requests (with a
//! masked preview), sends each once with its idempotency key and says what
//! came of it ([`SendOutcome`]), checks afterwards that a change took effect
//! ([`Check`]), and talks to OpenDSR processors (`opendsr.rs`).

mod action;
mod connector;
mod error;
mod fanout;
mod http;
pub mod limits;
mod mapping;
mod opendsr;
mod page;
mod paging;
/// The path and template grammar is the configuration's (it checks them
/// at load); the engine evaluates them.
pub use crate::config::path;
mod precondition;
mod request;

pub use action::{record_value, ActionInput, Check, RenderedAction, SendOutcome, SystemActions};
pub use connector::{Connector, SearchOutput};
pub use error::ConnectorError;
pub use fanout::{fan_out, SystemEvent};
pub use http::MAX_BODY_BYTES;
pub use opendsr::{request_type as opendsr_request_type, Discovery, RemoteStatus};

#[cfg(test)]
mod tests;
