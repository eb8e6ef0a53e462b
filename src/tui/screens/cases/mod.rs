//! The case list ("my cases") and its tabs.

pub mod view;
