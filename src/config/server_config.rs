//! `[server]`: where `privdesk server` listens and who may connect; and
//! `[limits]`: how much one operator may pull out of the desk, per role.

use super::document::Issue;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The Unix socket the server listens on.
    pub socket: String,
    /// The group whose members may connect (the socket's group, mode 0660);
    /// unset: the server's own group.
    #[serde(default)]
    pub socket_group: Option<String>,
    /// Where disclosure packages and audit exports are written before they
    /// are handed to the operator; unset: `files/` beside the store.
    #[serde(default)]
    pub files_dir: Option<String>,
}

/// What one operator of a role may do in a window of time; 0 is no limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleLimits {
    pub searches_per_minute: u32,
    pub searches_per_hour: u32,
    pub reveals_per_hour: u32,
    /// Records in disclosure packages and read from export jobs, per day.
    pub exported_records_per_day: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    pub agent: RoleLimits,
    pub supervisor: RoleLimits,
    pub auditor: RoleLimits,
}

impl LimitsConfig {
    pub fn for_role(&self, role: crate::domain::Role) -> &RoleLimits {
        use crate::domain::Role;
        match role {
            Role::Agent => &self.agent,
            Role::Supervisor => &self.supervisor,
            Role::Auditor => &self.auditor,
        }
    }
}

/// Longest socket path a Unix socket can have (`sun_path` less its NUL).
pub const MAX_SOCKET_PATH: usize = 107;

pub(crate) fn check_server(s: &ServerConfig, out: &mut Vec<Issue>) {
    let at = |k: &str| vec!["server".to_string(), k.to_string()];
    if !s.socket.starts_with('/') {
        out.push(Issue::new(
            at("socket"),
            format!(
                "\"{}\" is not an absolute path: the socket must be named from /",
                s.socket
            ),
        ));
    } else if s.socket.len() > MAX_SOCKET_PATH {
        out.push(Issue::new(
            at("socket"),
            format!(
                "the socket path is {} bytes long; Unix sockets allow at most {MAX_SOCKET_PATH}",
                s.socket.len()
            ),
        ));
    }
    if let Some(g) = &s.socket_group {
        let ok = !g.is_empty()
            && g.len() <= 32
            && g.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !ok {
            out.push(Issue::new(
                at("socket_group"),
                format!("\"{g}\" is not a Unix group name"),
            ));
        }
    }
    if s.files_dir.as_deref().is_some_and(|d| d.trim().is_empty()) {
        out.push(Issue::new(
            at("files_dir"),
            "files_dir is empty: remove it to use files/ beside the store",
        ));
    }
}

pub(crate) fn check_limits(l: &LimitsConfig, out: &mut Vec<Issue>) {
    for (role, r) in [
        ("agent", &l.agent),
        ("supervisor", &l.supervisor),
        ("auditor", &l.auditor),
    ] {
        if r.searches_per_minute > 0
            && r.searches_per_hour > 0
            && r.searches_per_minute > r.searches_per_hour
        {
            out.push(Issue::new(
                vec!["limits".into(), role.into(), "searches_per_minute".into()],
                format!(
                    "{} searches a minute is more than the {} allowed an hour",
                    r.searches_per_minute, r.searches_per_hour
                ),
            ));
        }
    }
}
