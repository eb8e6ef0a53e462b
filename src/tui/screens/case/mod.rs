//! One case: its deadline, notes, replies, and the dialogs that change it.

pub mod forms;
pub mod state;
pub mod update;
pub mod view;
