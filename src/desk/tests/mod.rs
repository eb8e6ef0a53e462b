//! Desk tests against a real SQLite store in a temp folder, with one desk
//! per operator on the same file (as separate sessions would have).

mod action_env;
mod actions;
mod case_deadlines;
mod case_faults;
mod case_roles;
mod cases;
mod concurrent;
mod intake;
mod letters;
mod package;
mod queue;
mod report;
mod report_fixture;
mod retention;
mod revocation;
mod role_matrix;

use crate::config::{load_str, Config, LoadOptions};
use crate::desk::Desk;
use crate::domain::{Category, Contact, NewCase, RequestKind};
use crate::store::AuditFilter;
use std::path::{Path, PathBuf};

/// alice, bob: agents; sue, sam: supervisors; audrey: auditor.
pub(super) struct Fixture {
    pub dir: tempfile::TempDir,
    pub config: Config,
}

pub(super) fn config_text(store: &Path, cases_table: &str) -> String {
    format!(
        r#"
[store]
path = "{}"
busy_timeout_ms = 5000
{cases_table}
[operators.alice]
display_name = "Alice Agent"
role = "agent"
[operators.bob]
display_name = "Bob Agent"
role = "agent"
[operators.sue]
display_name = "Sue Supervisor"
role = "supervisor"
[operators.sam]
display_name = "Sam Supervisor"
role = "supervisor"
[operators.audrey]
display_name = "Audrey Auditor"
role = "auditor"

[systems.crm]
base_url = "http://127.0.0.1:9"
search = {{ kinds = ["name", "email", "phone"], path = "/customers", query = {{ q = "{{query}}" }}, results = "data" }}
fields = {{ id = "id", name = "name", email = "email" }}

[systems.billing]
base_url = "http://127.0.0.1:9"
search = {{ kinds = ["email"], path = "/accounts", query = {{ email = "{{query}}" }}, results = "items" }}
fields = {{ id = "id", name = "name", email = "email" }}
"#,
        store.display()
    )
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::with_cases_table("")
    }

    pub fn with_cases_table(cases_table: &str) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("store.db");
        let text = config_text(&store, cases_table);
        let home = dir.path().display().to_string();
        let opts = LoadOptions::isolated("alice", &[("HOME", home.as_str())]);
        let config = match load_str(&text, &dir.path().join("config.toml"), &opts) {
            Ok(c) => c,
            Err(p) => panic!("test config does not load:\n{p}"),
        };
        Fixture { dir, config }
    }

    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }

    pub fn desk(&self, user: &str) -> Desk {
        Desk::open(self.config.clone(), user).unwrap()
    }

    /// A raw connection to the store file, as another program would have.
    pub fn raw(&self) -> rusqlite::Connection {
        let c = rusqlite::Connection::open(self.store_path()).unwrap();
        c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
        c
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.raw().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Audit entries of `kind` about `subject`.
    pub fn audits(&self, kind: &str, subject: &str) -> usize {
        let store = crate::store::Store::open(&self.store_path(), 5000).unwrap();
        store
            .audit_entries(&AuditFilter {
                kind: Some(kind.into()),
                subject: Some(subject.into()),
                ..Default::default()
            })
            .unwrap()
            .len()
    }
}

/// A GDPR access request by email from a named requester.
pub(super) fn access_request() -> NewCase {
    let mut n = NewCase::new(Category::RightsRequest, "email");
    n.kind = Some(RequestKind::Access);
    n.requester.name = Some("Taro Yamada".into());
    n.requester.contact = Contact {
        email: Some("Taro.Yamada@Example.jp".into()),
        phone: Some("090-1234-5678".into()),
        postal_address: None,
    };
    n.description = "Wants a copy of everything held".into();
    n
}

pub(super) fn inquiry(text: &str) -> NewCase {
    let mut n = NewCase::new(Category::Inquiry, "phone");
    n.description = text.into();
    n
}
