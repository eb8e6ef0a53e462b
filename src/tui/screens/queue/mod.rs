//! The queue: every case the operator may see, by section, with bulk changes.

pub mod state;
pub mod update;
pub mod view;
