//! Counts, response times and deadlines met (supervisors, auditors).

pub mod state;
pub mod update;
pub mod view;
