//! The audit trail: entries, filters, chain verification and a person's export.

pub mod state;
pub mod update;
pub mod view;
