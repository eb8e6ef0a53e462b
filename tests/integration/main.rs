//! The integration tests: one binary, one module per area, so the crate
//! is linked once rather than once per file. Shared helpers are the
//! modules without tests of their own (`common`, `pty`, `*_support`).

#![allow(clippy::unwrap_used)] // a test: a failure is its report

mod action_support;
mod case_support;
mod common;
mod pty;
mod queue_support;
mod tui_support;

mod action_cli;
mod action_kill;
mod audit_cli;
mod audit_tamper_cli;
mod audit_trail_cli;
mod calendar_cli;
mod case_cli;
mod config_cli;
mod fetch_cli;
mod letter_cli;
mod limits_cli;
mod package_cli;
mod readme_commands;
mod report_cli;
mod roles_cli;
mod sample_cli;
mod search_cli;
mod search_faults;
mod server_faults;
mod sessions_cli;
mod tui_actions;
mod tui_actions_e2e;
mod tui_audit;
mod tui_case_e2e;
mod tui_case_screens;
mod tui_case_update;
mod tui_e2e;
mod tui_link;
mod tui_messages;
mod tui_queue;
mod tui_queue_e2e;
mod tui_report_screen;
mod tui_screens;
mod tui_update;
mod unix_users;
