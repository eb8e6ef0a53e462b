//! The screens, one folder each (state, update, view), and the registry
//! that dispatches to them.

pub mod actions;
pub mod audit;
pub mod case;
pub mod cases;
pub mod inbox;
pub mod new_case;
pub mod person;
pub mod queue;
pub mod report;
pub mod search;
