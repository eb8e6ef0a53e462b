//! An operator removed from the configuration file (or given a role with
//! fewer rights) is refused at once, by sessions that were opened before.

use super::{config_text, inquiry};
use crate::config::{load_file_with, LoadOptions};
use crate::desk::{Desk, DeskError, SearchOptions};
use crate::domain::CaseFilter;
use crate::store::{AuditFilter, Store};
use std::path::{Path, PathBuf};

struct OnDisk {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl OnDisk {
    fn new() -> OnDisk {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, config_text(&dir.path().join("store.db"), "")).unwrap();
        OnDisk { dir, path }
    }

    fn desk(&self, user: &str) -> Result<Desk, DeskError> {
        let home = self.dir.path().display().to_string();
        let opts = LoadOptions::isolated(user, &[("HOME", home.as_str())]);
        let config = load_file_with(&self.path, &opts).expect("the config loads");
        Desk::open(config, user)
    }

    /// Rewrite the file with `edit` applied to its text.
    fn edit(&self, edit: impl FnOnce(String) -> String) {
        let text = std::fs::read_to_string(&self.path).unwrap();
        let new = edit(text.clone());
        assert_ne!(new, text, "the edit changed nothing");
        // As editors do: a new file put in place of the old one.
        let tmp = self.dir.path().join("config.toml.new");
        std::fs::write(&tmp, new).unwrap();
        std::fs::rename(&tmp, &self.path).unwrap();
    }

    fn store(&self) -> Store {
        Store::open(&self.dir.path().join("store.db"), 5000).unwrap()
    }
}

fn without(text: &str, user: &str) -> String {
    let header = format!("[operators.{user}]");
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with('[') {
            skipping = line == header;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn refused<T: std::fmt::Debug>(r: Result<T, DeskError>, needle: &str) {
    match r {
        Err(DeskError::Refused(msg)) => assert!(msg.contains(needle), "{msg}"),
        other => panic!("expected a refusal containing {needle:?}, got {other:?}"),
    }
}

fn denied_of(store: &Store, user: &str) -> Vec<String> {
    store
        .audit_entries(&AuditFilter {
            operator: Some(user.into()),
            kind: Some("denied".into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.subject)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_operator_is_refused_by_a_session_already_open() {
    let cfg = OnDisk::new();
    let alice = cfg.desk("alice").unwrap();
    let sue = cfg.desk("sue").unwrap();
    let c = alice.create_case(&inquiry("x")).unwrap();
    alice.get_case(c.id).unwrap();

    cfg.edit(|t| without(&t, "alice"));
    // A new session is refused...
    refused(cfg.desk("alice").map(|_| ()), "is not an operator");
    // ...and so is everything the running one tries.
    refused(alice.get_case(c.id), "was removed from the operators");
    refused(alice.list_cases(&CaseFilter::default()), "removed");
    refused(
        alice.add_note(c.id, 1, "still here?", true, false),
        "removed",
    );
    refused(alice.create_case(&inquiry("y")), "removed");
    refused(alice.reveal(&[], "Identity check during a call"), "removed");
    refused(
        alice
            .start_search("yamada", SearchOptions::default())
            .map(|r| r.query),
        "removed",
    );
    refused(alice.check_access(), "removed");
    // Each attempt is on record; nothing was written.
    let cut: Vec<String> = cfg
        .store()
        .audit_entries(&AuditFilter {
            operator: Some("alice".into()),
            subject: Some("session".into()),
            ..Default::default()
        })
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(cut, ["session_refused"], "the cut itself is on record once");
    assert_eq!(
        denied_of(&cfg.store(), "alice"),
        [
            c.id.to_string().as_str(),
            "cases",
            &c.id.to_string(),
            "cases",
            "reveal",
            "search"
        ]
    );
    assert_eq!(sue.get_case(c.id).unwrap().notes.len(), 0);
    // Others work on.
    sue.get_case(c.id).unwrap();
}

#[test]
fn a_reduced_role_is_refused_and_a_promotion_keeps_the_session() {
    let cfg = OnDisk::new();
    let sue = cfg.desk("sue").unwrap();
    let alice = cfg.desk("alice").unwrap();
    let c = sue.create_case(&inquiry("x")).unwrap();
    cfg.edit(|t| {
        t.replace(
            "display_name = \"Sue Supervisor\"\nrole = \"supervisor\"",
            "display_name = \"Sue Supervisor\"\nrole = \"agent\"",
        )
        .replace(
            "display_name = \"Alice Agent\"\nrole = \"agent\"",
            "display_name = \"Alice Agent\"\nrole = \"supervisor\"",
        )
    });
    refused(
        sue.get_case(c.id),
        "the role of \"sue\" changed from supervisor to agent",
    );
    refused(sue.audit_log(&AuditFilter::default()), "changed");
    // Alice keeps the agent's rights she started with, no more.
    alice.get_case(c.id).unwrap();
    assert!(matches!(
        alice.audit_log(&AuditFilter::default()),
        Err(DeskError::Denied(_))
    ));
    // A new session of sue's is an agent's.
    let again = cfg.desk("sue").unwrap();
    assert_eq!(again.operator().role, crate::domain::Role::Agent);
    again.get_case(c.id).unwrap();
}

#[test]
fn an_unreadable_file_refuses_and_a_restored_operator_works_again() {
    let cfg = OnDisk::new();
    let alice = cfg.desk("alice").unwrap();
    let c = alice.create_case(&inquiry("x")).unwrap();
    let good = std::fs::read_to_string(&cfg.path).unwrap();
    cfg.edit(|t| t.replace("[operators.alice]", "[operators.alice"));
    refused(alice.get_case(c.id), "cannot be read");
    cfg.edit(|_| without(&good, "alice"));
    refused(alice.get_case(c.id), "removed");
    cfg.edit(|_| good.clone());
    alice.get_case(c.id).unwrap();
}

#[test]
fn a_configuration_without_a_file_is_not_watched() {
    // The in-memory configurations of the other tests: nothing to re-read.
    let fx = super::Fixture::new();
    let alice = fx.desk("alice");
    assert!(!Path::new(&fx.dir.path().join("config.toml")).exists());
    alice.check_access().unwrap();
    alice.list_cases(&CaseFilter::default()).unwrap();
}
