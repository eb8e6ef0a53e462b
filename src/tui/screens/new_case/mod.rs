//! The new-case form, with the duplicate check before creating.

pub mod update;
pub mod view;
