//! Who may connect, by the configuration as it is now: the server reads
//! `[operators]` again whenever the configuration file changed (one `stat`
//! per look), so an operator added, removed or given another role takes
//! effect at the next connection; sessions already open are cut off by
//! their desk's own watch (see `desk::access`) and told so by a push.
//! A file that no longer loads refuses new sessions, as it would refuse a
//! new server.

use crate::config::{self, Config, LoadOptions};
use crate::desk::access::{stamp, Stamp};
use crate::domain::{Operator, Role};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub(crate) struct Operators {
    source: Option<PathBuf>,
    state: Mutex<State>,
}

struct State {
    stamp: Option<Stamp>,
    config: Result<Arc<Config>, String>,
}

impl Operators {
    pub(crate) fn new(config: &Config) -> Operators {
        let source = config.source.clone().filter(|p| p.is_file());
        Operators {
            state: Mutex::new(State {
                stamp: source.as_deref().and_then(|p| stamp(p).ok()),
                config: Ok(Arc::new(config.clone())),
            }),
            source,
        }
    }

    /// The configuration as the file says now (read again if it changed).
    fn current(&self) -> Result<Arc<Config>, String> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(path) = &self.source {
            let now = stamp(path).ok();
            if now != st.stamp {
                st.stamp = now;
                st.config = config::load_with(Some(path), &LoadOptions::default())
                    .map(Arc::new)
                    .map_err(|problems| {
                        let first = problems.to_string();
                        let first = first.lines().next().unwrap_or("").to_string();
                        format!(
                            "the configuration {} does not load ({first}); an administrator must fix it",
                            path.display()
                        )
                    });
                if st.config.is_err() {
                    tracing::warn!(
                        "the configuration changed and no longer loads; new sessions are refused"
                    );
                }
            }
        }
        st.config.clone()
    }

    /// The operator `username` is now, or why they may not connect.
    pub(crate) fn operator(&self, username: &str) -> Result<Operator, String> {
        self.current()?.operator(username)
    }

    /// Who cases can be assigned to now: (user, display name).
    pub(crate) fn assignees(&self) -> Vec<(String, String)> {
        match self.current() {
            Ok(cfg) => cfg
                .operators
                .iter()
                .filter(|(_, d)| d.role != Role::Auditor)
                .map(|(u, d)| (u.clone(), d.display_name.clone()))
                .collect(),
            Err(_) => Vec::new(),
        }
    }
}
