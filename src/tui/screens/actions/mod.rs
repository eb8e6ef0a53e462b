//! The actions panel of a case: prepare, approve, run, and the jobs and tasks of each.

pub mod effects;
pub mod forms;
pub mod state;
pub mod update;
pub mod view;
