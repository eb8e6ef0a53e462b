//! The sample systems served in-process, the sample configuration pointed
//! at them with its store in a temp folder, and the usual operators (alice,
//! bob: agents; sue, sam: supervisors; audrey: auditor).

use crate::config::{load_str, Config, LoadOptions};
use crate::desk::{ActionView, Desk, JobView};
use crate::domain::{
    CaseId, Category, Contact, LinkedRecord, NewCase, RequestKind, VerificationInput,
    VerificationResult,
};
use crate::sample::state::SystemState;
use crate::sample::{self, SampleOptions, SampleSystems, SAMPLE_CONFIG};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

const OPERATORS: &str = r#"
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
"#;

/// Taro Yamada's records in the five searchable systems.
pub(super) const TARO: [&str; 5] = [
    "crm:C-1001",
    "billing:B-77",
    "support:9001",
    "loyalty:L-00042",
    "mailing:S-5",
];

pub(super) struct ActionEnv {
    /// Holds the store; removed when the test ends.
    _dir: tempfile::TempDir,
    pub config: Config,
    pub samples: SampleSystems,
}

impl ActionEnv {
    pub async fn start() -> ActionEnv {
        ActionEnv::start_with(|_| {}).await
    }

    /// As `start`, editing the configuration document first.
    pub async fn start_with(edit: impl FnOnce(&mut toml_edit::DocumentMut)) -> ActionEnv {
        let samples = sample::start(SampleOptions::default())
            .await
            .expect("sample systems start");
        let dir = tempfile::tempdir().unwrap();
        let mut doc: toml_edit::DocumentMut = SAMPLE_CONFIG.parse().unwrap();
        for s in &samples.systems {
            doc["systems"][s.name.as_str()]["base_url"] = toml_edit::value(s.base_url.clone());
        }
        doc["store"]["path"] = toml_edit::value(dir.path().join("store.db").display().to_string());
        doc["demo"] = toml_edit::value(false);
        doc.remove("operators");
        edit(&mut doc);
        let text = doc.to_string() + OPERATORS;
        // Secret files are named relative to the config file's folder.
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/action-tests.toml");
        let home = dir.path().display().to_string();
        let opts = LoadOptions::isolated("alice", &[("HOME", home.as_str())]);
        let config = match load_str(&text, &path, &opts) {
            Ok(c) => c,
            Err(p) => panic!("test config does not load:\n{p}"),
        };
        ActionEnv {
            _dir: dir,
            config,
            samples,
        }
    }

    pub fn desk(&self, user: &str) -> Desk {
        Desk::open(self.config.clone(), user).unwrap()
    }

    /// The temp folder holding the store.
    pub fn dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    pub fn store_path(&self) -> PathBuf {
        self._dir.path().join("store.db")
    }

    pub fn state(&self, system: &str) -> &Arc<SystemState> {
        self.samples.get(system).expect("sample system").state()
    }

    /// A sample system's record as it holds it now.
    pub fn record(&self, system: &str, key: &str, id: &str) -> Option<Value> {
        self.state(system).find(key, id)
    }

    /// Writes applied by all sample systems together.
    pub fn writes(&self) -> u64 {
        self.samples
            .systems
            .iter()
            .map(|s| s.state().writes_applied())
            .sum()
    }

    /// Requests with `key` and how often they were applied, in `system`.
    pub fn key_counts(&self, system: &str, key: &str) -> (u64, u64) {
        let s = self.state(system);
        (s.key_requests(key), s.key_applied(key))
    }
}

/// A rights request of `kind` from Taro Yamada, linked to `records`
/// (SYSTEM:ID), opened by `desk`'s operator, identity verified or not.
pub(super) fn taro_case(
    desk: &Desk,
    kind: RequestKind,
    records: &[&str],
    verified: bool,
) -> CaseId {
    let mut n = NewCase::new(Category::RightsRequest, "email");
    n.kind = Some(kind);
    n.requester.name = Some("Taro Yamada".into());
    n.requester.contact = Contact {
        email: Some("taro.yamada@example.jp".into()),
        phone: Some("090-1234-5678".into()),
        postal_address: None,
    };
    n.description = "rights request".into();
    n.links = records
        .iter()
        .map(|r| LinkedRecord::parse(r).unwrap())
        .collect();
    let c = desk.create_case(&n).unwrap();
    if verified {
        desk.verify_identity(
            c.id,
            c.version,
            &VerificationInput {
                method: "photo ID by post".into(),
                evidence: "driving licence copy".into(),
                result: VerificationResult::Verified,
            },
        )
        .unwrap();
    }
    c.id
}

/// The job of an action for `target` (`crm:C-1001`, or `analytics`).
pub(super) fn job<'a>(a: &'a ActionView, target: &str) -> &'a JobView {
    a.jobs
        .iter()
        .find(|j| j.target == target)
        .unwrap_or_else(|| {
            panic!(
                "no job for {target} in {:?}",
                a.jobs.iter().map(|j| &j.target).collect::<Vec<_>>()
            )
        })
}

/// The action id from its reference.
pub(super) fn action_id(a: &ActionView) -> i64 {
    crate::domain::action::parse_ref('A', "an action", &a.id).unwrap()
}

pub(super) fn job_id(j: &JobView) -> i64 {
    crate::domain::action::parse_ref('J', "a job", &j.id).unwrap()
}
