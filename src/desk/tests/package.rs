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
    let fx = Fixture::new();
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
