//! The configuration file's shape (`config.toml`). Defaults live in
//! `data/default-config.toml`, embedded in the binary and merged under the
//! user's file.

use super::actions::ActionsConfig;
use super::calendar_config::{CalendarConfig, DeadlineConfig};
use super::letters_config::LettersConfig;
use super::retention::RetentionConfig;
use super::systems::SystemDef;
use crate::domain::Role;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Marks a demonstration configuration: allows the operator key `"$USER"`
    /// (the current OS user). Refused in production configs.
    #[serde(default)]
    pub demo: bool,
    pub ui: UiConfig,
    pub store: StoreConfig,
    pub search: SearchConfig,
    pub reveal: RevealConfig,
    pub cases: CasesConfig,
    /// `[calendar]`: business hours, time zone, holidays and closures.
    pub calendar: CalendarConfig,
    /// `[deadlines]`: response targets per law and request kind.
    pub deadlines: DeadlineConfig,
    /// `[letters]`: the company, the desk and the purposes of use, as letters
    /// and disclosure packages name them.
    pub letters: LettersConfig,
    /// `[actions]`: approvals and waiting for processors.
    pub actions: ActionsConfig,
    /// `[retention]`: how long closed cases keep their personal data.
    pub retention: RetentionConfig,
    /// `[audit]`: the audit log's keys and signed checkpoints.
    pub audit: super::audit_config::AuditConfig,
    /// `[queue]`: the sections of the supervisors' queue.
    #[serde(default)]
    pub queue: super::queue_config::QueueConfig,
    /// `[server]`: the socket of `privdesk server`.
    pub server: super::server_config::ServerConfig,
    /// `[limits]`: what one operator may pull out, per role.
    pub limits: super::server_config::LimitsConfig,
    /// `[operators.<unix-username>]`.
    #[serde(default)]
    pub operators: IndexMap<String, OperatorDef>,
    /// `[systems.<name>]`: the connected systems.
    #[serde(default)]
    pub systems: IndexMap<String, SystemDef>,
    /// `[keys]`: action name -> key or list of keys (TUI key bindings).
    #[serde(default)]
    pub keys: IndexMap<String, KeyBinding>,
    /// Where the configuration came from (set by the loader).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UiConfig {
    /// Theme name (a file in themes/) or a path to a theme file.
    pub theme: String,
    /// Mouse reporting (off by default: it floods slow SSH links).
    pub mouse: bool,
    /// Seconds without a key press before the screen locks.
    pub idle_lock_secs: u64,
    /// The screen privdesk opens on.
    #[serde(default)]
    pub start_screen: StartScreen,
}

/// The screen the TUI opens on (`[ui] start_screen`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartScreen {
    /// The customer search (what agents start with).
    #[default]
    Search,
    /// The queue of cases by section (what supervisors start with).
    Queue,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// SQLite file shared by every operator on the host. Relative paths are
    /// relative to the config file; `~` is the home directory. Default: the XDG
    /// data dir (`~/.local/share/privdesk/privdesk.db`).
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// Milliseconds to wait for a lock held by another session.
    pub busy_timeout_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Upper bound for a whole search in seconds (each system also has its own).
    pub timeout_secs: f64,
    /// Longest query accepted, in characters.
    pub max_query_chars: usize,
    /// After the first answers, ask every system again by the emails and phone
    /// numbers found, so records a system could not find by name are linked too.
    pub expand: bool,
    /// Most identifiers used for that second round.
    pub expand_max_ids: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevealConfig {
    /// Purposes offered when revealing masked personal data.
    pub purposes: Vec<String>,
    /// Auditors may reveal masked values too (with a purpose, audited).
    /// Off by default: auditors read the trail, not personal data.
    #[serde(default)]
    pub auditors_may_reveal: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasesConfig {
    /// Channels requests are accepted on (`phone`, `email`, `postal_mail`,
    /// `web_form` by default; add `in_person` only if the policy allows it).
    pub channels: Vec<String>,
    /// Channels on which a request is a call the agent is on (`phone`).
    #[serde(default = "default_call_channels")]
    pub call_channels: Vec<String>,
    /// A case an agent opens from a call is assigned to them.
    #[serde(default = "default_true")]
    pub assign_calls_to_opener: bool,
    /// An identity check recorded on a case opened from a call covers the
    /// other cases the same operator opened for the same requester (same
    /// e-mail, phone or linked record) from a call within this many minutes
    /// of it. 0: every case is checked on its own.
    #[serde(default = "default_call_minutes")]
    pub identity_covers_call_minutes: u32,
}

fn default_call_channels() -> Vec<String> {
    vec!["phone".into()]
}

fn default_true() -> bool {
    true
}

fn default_call_minutes() -> u32 {
    30
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorDef {
    pub display_name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyBinding {
    One(String),
    Many(Vec<String>),
}

impl KeyBinding {
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyBinding::One(k) => vec![k.as_str()],
            KeyBinding::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}
