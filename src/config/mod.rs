//! Configuration: TOML config and connector definitions, defaults merged under
//! the user's file, validated with file/line/column locations.
//!
//! Entry points: [`load`] (the usual lookup), [`load_file`], [`load_str`] and
//! [`check`] (every problem, for `privdesk config check`). Tests pass
//! [`LoadOptions`] to control the environment and the user name.

mod action_checks;
pub mod actions;
pub mod audit_config;
mod auth_checks;
mod calendar_checks;
pub mod calendar_config;
mod checks;
mod connector_checks;
mod document;
mod inline_secrets;
pub mod letters_config;
mod load;
mod lookup;
mod operators;
mod options;
mod order;
mod pagination_checks;
pub mod path;
mod paths;
mod problem;
mod queue_config;
pub mod retention;
mod secrets;
pub mod server_config;
pub mod systems;
pub mod types;

pub use action_checks::{ACTION_VARS, IDENTITY_VARS, VERIFY_VARS};
pub use actions::*;
pub use audit_config::AuditConfig;
pub use calendar_checks::{MAX_CLOSURE_DAYS, MAX_YEARLY_CLOSURE_DAYS};
pub use calendar_config::{
    parse_date, parse_month_day, parse_time, parse_time_zone, parse_weekday, AppiDeadlines,
    CalendarConfig, CcpaDeadlines, ClosureDef, DeadlineConfig, GdprDeadlines,
};
pub use connector_checks::{FETCH_VARS, REQUEST_VARS};
pub use letters_config::{LettersConfig, Purposes};
pub use load::{
    check, check_with, load, load_file, load_file_with, load_str, load_with, DEFAULT_CONFIG,
};
pub use lookup::{config_path, config_path_from_env, ConfigOrigin, ConfigPath, LookupEnv};
pub use operators::{current_username, CURRENT_USER_KEY};
pub use options::{ExtraCheck, LoadOptions};
pub use paths::{expand_tilde, resolve_path};
pub use problem::{line_column, Problem, Problems};
pub use queue_config::{QueueConfig, SectionDef};
pub use retention::RetentionConfig;
pub use server_config::{LimitsConfig, RoleLimits, ServerConfig};
pub use systems::*;
pub use types::*;

#[cfg(test)]
mod tests;
