//! privdesk: a terminal help desk for privacy inquiries and data-subject requests.
//!
//! Dependencies point inward: `tui` and `cli` call `desk`, which calls
//! `connectors`, `store`, `identity`, `calendar`; all of them share the plain types of
//! `domain`.

pub mod calendar;
pub mod cli;
pub mod client;
pub mod config;
pub mod connectors;
pub mod desk;
pub mod domain;
pub mod exit;
pub mod identity;
pub mod letters;
pub mod logging;
pub mod package;
pub mod paths;
pub mod protocol;
pub mod sample;
pub mod server;
pub mod store;
pub mod tui;

#[cfg(test)]
mod layers_tests;
