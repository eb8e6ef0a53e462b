//! The declarative HTTP connector engine and the fan-out search.
//!
//! A connected system is a TOML block (`[systems.<name>]`, see
//! `config::systems` and docs/connectors.md). [`Connector::new`] checks and
//! compiles it once; [`Connector::search`] and [`Connector::fetch`] interpret
//! it with reqwest; [`fan_out`] asks every system at once.

mod connector;
mod error;
mod fanout;
mod http;
mod mapping;
mod paging;
pub mod path;
mod request;

pub use connector::{Connector, SearchOutput};
pub use error::ConnectorError;
pub use fanout::{fan_out, SystemEvent};
pub use http::MAX_BODY_BYTES;

#[cfg(test)]
mod tests;
