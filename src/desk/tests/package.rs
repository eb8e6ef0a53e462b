//! The package workflow with a record source standing in for the systems:
//! a failing system makes the package incomplete, and the audit log says so.

use super::{access_request, Fixture};
use crate::connectors::ConnectorError;
use crate::desk::{PackageOptions, RecordSource};
use crate::domain::{LinkedRecord, VerificationInput, VerificationResult};
use crate::package::{Field, FullRecord};
use futures::future::BoxFuture;

/// Answers for crm; billing times out unless `billing_up`.
struct Source {
    billing_up: bool,
}

impl RecordSource for Source {
    fn full_record<'a>(
        &'a self,
        system: &'a str,
        record_id: &'a str,
    ) -> BoxFuture<'a, Result<FullRecord, ConnectorError>> {
        Box::pin(async move {
            if system == "billing" && !self.billing_up {
                return Err(ConnectorError::Timeout { after_ms: 5000 });
            }
            Ok(FullRecord {
                system: system.into(),
                id: record_id.into(),
                fields: vec![Field {
                    key: "id".into(),
                    label: "Record number".into(),
                    value: record_id.into(),
                }],
            })
        })
    }
}

fn is_send<T: Send>(_: &T) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_source_makes_the_package_incomplete_and_the_log_says_so() {
    // Exports need no approval here: the approval rule has its own tests.
    let fx = Fixture::with_cases_table(
        "[actions]\nrequire_approval = [\"delete\", \"suspend\", \"stop_third_party\"]\n",
    );
    let alice = fx.desk("alice");
    let mut new = access_request();
    new.links = vec![
        LinkedRecord::parse("crm:C-1").unwrap(),
        LinkedRecord::parse("billing:B-1").unwrap(),
    ];
    let case = alice.create_case(&new).unwrap();
    let input = VerificationInput {
        method: "photo ID".into(),
        evidence: "passport".into(),
        result: VerificationResult::Verified,
    };
    alice
        .verify_identity(case.id, case.version, &input)
        .unwrap();
    assert_eq!(alice.latest_package(case.id).unwrap(), None);

    let opts = PackageOptions {
        out: Some(fx.dir.path().join("p1")),
        ..PackageOptions::default()
    };
    // The TUI runs builds as tokio tasks: the future must be Send.
    is_send(&alice.build_package(case.id, &opts));
    let down = Source { billing_up: false };
    let r = alice
        .build_package_with(case.id, &opts, &down)
        .await
        .unwrap();
    assert!(!r.complete);
    assert_eq!(
        r.problems,
        ["billing: record B-1 could not be fetched: timed out after 5 s"]
    );
    assert_eq!(r.manifest.status, "incomplete");
    let last = alice.latest_package(case.id).unwrap().unwrap();
    assert!(!last.complete);
    assert_eq!(last.manifest_sha256, r.manifest_sha256);
    assert_eq!(last.dir, r.dir);
    let check = alice.verify_package(&r.dir).unwrap();
    assert!(check.intact() && check.recorded && !check.complete());

    let opts = PackageOptions {
        out: Some(fx.dir.path().join("p2")),
        ..PackageOptions::default()
    };
    let up = Source { billing_up: true };
    let r2 = alice.build_package_with(case.id, &opts, &up).await.unwrap();
    assert!(r2.complete, "{:?}", r2.problems);
    let last = alice.latest_package(case.id).unwrap().unwrap();
    assert!(last.complete);
    assert_eq!(last.manifest_sha256, r2.manifest_sha256);
    assert_eq!(fx.audits("package", &case.id.to_string()), 2);
    assert_eq!(fx.audits("package_verify", &case.id.to_string()), 1);
}

/// With exports needing approval (the default), building is the disclosure:
/// refused, and nothing asked or audited, until a supervisor other than the
/// preparer approved an export; and the OpenDSR processor's part comes from
/// what that export received, incomplete until it has run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_package_waits_for_an_approved_export_and_holds_the_processors_results() {
    use super::action_env::{action_id, taro_case, ActionEnv, TARO};
    use crate::desk::ActionRequest;
    use crate::domain::{ActionKind, RequestKind};
    use crate::package::PartStatus;

    let env = ActionEnv::start().await;
    let alice = env.desk("alice");
    let sam = env.desk("sam");
    let case = taro_case(&alice, RequestKind::Access, &TARO, true);
    let opts = |name: &str| PackageOptions {
        out: Some(env.dir().join(name)),
        ..PackageOptions::default()
    };
    let audits = |kind: &str| {
        sam.audit_log(&crate::store::AuditFilter {
            kind: Some(kind.into()),
            ..Default::default()
        })
        .unwrap()
        .len()
    };
    let requests = || {
        env.samples
            .systems
            .iter()
            .map(|s| env.samples.request_count(&s.name))
            .sum::<u64>()
    };
    let before = requests();
    let err = alice.build_package(case, &opts("p0")).await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("no approved export"), "{msg}");
    assert!(
        msg.contains(&format!("action plan {case} --kind export")),
        "{msg}"
    );
    assert!(!env.dir().join("p0").exists());
    assert_eq!(requests(), before, "a refused package asked a system");

    let planned = alice
        .plan_action(
            case,
            &ActionRequest {
                kind: Some(ActionKind::Export),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let id = action_id(&planned.action);
    let planned_at = requests();
    let msg = alice
        .build_package(case, &opts("p1"))
        .await
        .unwrap_err()
        .to_string();
    assert!(msg.contains("awaits a supervisor's approval"), "{msg}");
    assert_eq!(audits("package"), 0);
    assert_eq!(requests(), planned_at, "a refused package asked a system");

    sam.decide_action(id, true, "identity checked").unwrap();
    let r = alice.build_package(case, &opts("p2")).await.unwrap();
    assert!(!r.complete);
    assert!(
        r.problems.iter().any(|p| p
            .starts_with("analytics: the processor has not been asked yet (export job J-")
            && p.contains(&format!("action run A-{id}"))),
        "{:?}",
        r.problems
    );
    let ana = r.manifest.systems.iter().find(|s| s.system == "analytics");
    assert_eq!(
        ana.map(|s| s.status.as_str()),
        Some(PartStatus::Failed.as_str())
    );

    alice.run_action(id, None).await.unwrap();
    let r = alice.build_package(case, &opts("p3")).await.unwrap();
    assert!(r.complete, "{:?}", r.problems);
    let ana = r
        .manifest
        .systems
        .iter()
        .find(|s| s.system == "analytics")
        .unwrap();
    assert_eq!(ana.status, "disclosed");
    assert_eq!(ana.records, 1);
    let data: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.dir().join("p3/data.json")).unwrap()).unwrap();
    let text = data.to_string();
    assert!(
        text.contains("U-"),
        "the analytics profile is not in data.json"
    );
    assert_eq!(audits("package"), 2);
}
