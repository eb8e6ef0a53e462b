//! privdesk: a terminal help desk for privacy inquiries and data-subject requests.
//!
//! Dependencies point inward (DESIGN §3 "Layers"): `tui` and `cli` talk to
//! the server through `client` and `protocol`; `server` hosts `desk`, which
//! calls `connectors`, `store`, `identity`, `calendar`, `letters`,
//! `package`; all of them share the plain types of `domain`. The table in
//! `layers_tests.rs` enforces it.

// Tests unwrap: a failure there is the test's report.
#![cfg_attr(test, allow(clippy::unwrap_used))]

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
