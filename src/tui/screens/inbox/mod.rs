//! Actions awaiting a supervisor's approval.

pub mod view;
