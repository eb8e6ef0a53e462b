//! The first exchange of a session: the client says which protocol it
//! speaks (and, against a demo server only, whom it acts as); the server
//! answers with the operator the kernel's uid made of it and what the
//! screens need of the desk's configuration. No secret and no store path
//! is in it.

use crate::config::{CalendarConfig, DeadlineConfig, KeyBinding, UiConfig};
use crate::domain::{Operator, QueueSection};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    pub version: String,
    /// Act as this configured operator: refused unless the server runs a
    /// demo configuration.
    #[serde(default)]
    pub act_as: Option<String>,
    /// What is connecting (`tui`, `cli case list`), for the server's log.
    #[serde(default)]
    pub client: String,
}

impl Hello {
    pub fn new(client: impl Into<String>, act_as: Option<String>) -> Hello {
        Hello {
            protocol: super::PROTOCOL,
            version: super::VERSION.to_string(),
            act_as,
            client: client.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Welcome {
    pub protocol: u32,
    pub version: String,
    /// Who the operator is, by the server's configuration.
    pub operator: Operator,
    pub settings: ClientSettings,
}

/// What the screens and the command line need of the desk's configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClientSettings {
    /// A demonstration desk (`--as` is accepted).
    pub demo: bool,
    /// The reveal purposes to pick from.
    pub purposes: Vec<String>,
    /// Configured systems: (name, badge), in order.
    pub systems: Vec<(String, String)>,
    /// `[cases] channels`.
    pub channels: Vec<String>,
    /// Who cases can be assigned to: (user, display name).
    pub assignees: Vec<(String, String)>,
    pub calendar: CalendarConfig,
    pub deadlines: DeadlineConfig,
    pub letter_templates: Vec<String>,
    pub queue_sections: Vec<QueueSection>,
    /// The desk's `[ui]`: defaults the operator's own preferences override
    /// (but for the idle lock, which they may only shorten).
    pub ui: UiConfig,
    /// The desk's `[keys]`, under the operator's own.
    pub keys: IndexMap<String, KeyBinding>,
}
