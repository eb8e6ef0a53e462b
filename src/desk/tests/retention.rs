//! Retention through the desk on a real store: what goes, what stays, the
//! dry run, idempotence, and who may run it.

use super::report::check_report;
use super::report_fixture::build_all;
use super::Fixture;
use crate::desk::DeskError;
use crate::domain::CaseStatus;
use chrono::{Duration, Utc};

/// Every text column of the tables that hold case data, as one string.
fn case_data_text(fx: &Fixture) -> String {
    let c = fx.raw();
    let mut out = String::new();
    for sql in [
        "SELECT group_concat(coalesce(requester_name,'') || coalesce(requester_email,'') || coalesce(requester_phone,'') || coalesce(requester_address,'') || description || coalesce(resolution,'') || coalesce(deadline_steps,''), '|') FROM cases WHERE status = 'closed'",
        "SELECT group_concat(n.text, '|') FROM case_notes n JOIN cases c ON c.id = n.case_id WHERE c.status = 'closed'",
        "SELECT group_concat(e.before || e.after, '|') FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.status = 'closed'",
    ] {
        let s: Option<String> = c.query_row(sql, [], |r| r.get(0)).unwrap();
        out.push_str(&s.unwrap_or_default());
    }
    out
}

#[test]
fn old_closed_cases_lose_personal_data_and_the_numbers_stay() {
    let fx = Fixture::new();
    let built = build_all(&fx);
    let sue = fx.desk("sue");
    let today = sue.today();
    check_report(&fx, &sue.report(None, None).unwrap(), &built, today);
    let closed: Vec<_> = built
        .iter()
        .filter(|(s, _)| s.status() == CaseStatus::Closed)
        .map(|(_, c)| c.id)
        .collect();
    assert!(closed.len() >= 4);
    // Half of the closed cases were closed four years ago (older than the
    // default 1095 days), the others today.
    let (old, young) = closed.split_at(closed.len() / 2);
    let long_ago =
        (Utc::now() - Duration::days(4 * 365)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    for id in old {
        fx.raw()
            .execute(
                "UPDATE cases SET closed_at = ?2 WHERE id = ?1",
                [id.to_string(), long_ago.clone()],
            )
            .unwrap();
    }
    let before = sue.report(None, None).unwrap();
    let text = case_data_text(&fx);
    assert!(
        text.contains("requester") && text.contains("Personal story"),
        "fixture holds personal data"
    );

    // The dry run lists exactly the old ones and writes nothing.
    let file = std::fs::read(fx.store_path()).unwrap();
    let audit_rows = fx.count("SELECT COUNT(*) FROM audit");
    let dry = sue.retention_run(true).unwrap();
    let listed: Vec<_> = dry.cases.iter().map(|c| c.case_id).collect();
    assert_eq!(listed, old.to_vec());
    assert!(dry
        .cases
        .iter()
        .all(|c| c.counts["cases"] == 1 && c.counts["case_events"] >= 2));
    assert_eq!(dry.totals["cases"], old.len());
    assert_eq!(
        std::fs::read(fx.store_path()).unwrap(),
        file,
        "the dry run changed the store file"
    );
    assert_eq!(fx.count("SELECT COUNT(*) FROM audit"), audit_rows);
    assert_eq!(fx.count("SELECT COUNT(*) FROM case_purges"), 0);

    let run = sue.retention_run(false).unwrap();
    assert_eq!(
        run.cases.iter().map(|c| c.case_id).collect::<Vec<_>>(),
        old.to_vec()
    );
    assert_eq!(run.totals, dry.totals);
    for id in old {
        assert_eq!(fx.audits("retention_purge", &id.to_string()), 1);
        let n: String = fx
            .raw()
            .query_row(
                "SELECT requester_name FROM cases WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap();
        assert!(n.starts_with("sha256:") && n.len() == 7 + 64, "{n}");
        let texts = fx.count(&format!(
            "SELECT COUNT(*) FROM case_notes WHERE case_id = '{id}' AND text != ''"
        ));
        assert_eq!(texts, 0);
        let view = sue.get_case(*id).unwrap();
        assert!(view.case.description.is_empty() && view.case.resolution.is_none());
        assert!(view.events.iter().any(|e| e.kind == "retention_purge"));
        for e in &view.events {
            let s = format!("{}{}", e.before, e.after);
            assert!(
                !s.contains("requester") && !s.contains("Personal story"),
                "{s}"
            );
        }
    }
    for id in young {
        assert!(!fx.desk("sue").store().is_purged(*id).unwrap());
        let view = sue.get_case(*id).unwrap();
        assert!(view
            .case
            .requester
            .name
            .as_deref()
            .is_some_and(|n| n.starts_with("Requester")));
    }
    // The same person's hashes match across columns only by design of the
    // salt: two purged cases with different names differ.
    let names: Vec<String> = old
        .iter()
        .map(|id| sue.get_case(*id).unwrap().case.requester.name.unwrap())
        .collect();
    assert_ne!(names[0], names[names.len() - 1]);

    // Same numbers, intact chain, nothing left to do.
    let after = sue.report(None, None).unwrap();
    assert_eq!(after, before);
    assert!(after.received > 0 && after.closed > 0);
    let v = sue.audit_verify().unwrap();
    assert!(v.first_broken.is_none(), "{:?}", v.first_broken);
    let again = sue.retention_run(false).unwrap();
    assert!(again.cases.is_empty());
    assert_eq!(fx.audits("retention_purge", &old[0].to_string()), 1);

    // A year and more later the young ones are due too.
    let later = sue
        .retention_run_at(Utc::now() + Duration::days(1100), true)
        .unwrap();
    assert_eq!(
        later.cases.iter().map(|c| c.case_id).collect::<Vec<_>>(),
        young.to_vec()
    );
}

#[test]
fn notes_and_the_timeline_of_a_case_not_purged_stay_append_only() {
    let fx = Fixture::new();
    let built = build_all(&fx);
    let id = built[0].1.id;
    let c = fx.raw();
    let err = c
        .execute(
            "UPDATE case_notes SET text = '' WHERE case_id = ?1",
            [id.to_string()],
        )
        .unwrap_err();
    assert!(err.to_string().contains("never edited"), "{err}");
    let err = c
        .execute(
            "UPDATE case_events SET after = '{}' WHERE case_id = ?1",
            [id.to_string()],
        )
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn only_supervisors_run_retention_and_refusals_are_audited() {
    let fx = Fixture::with_cases_table("[retention]\nclosed_case_days = 1\n");
    build_all(&fx);
    for user in ["alice", "audrey"] {
        let err = fx.desk(user).retention_run(true).unwrap_err();
        assert!(matches!(err, DeskError::Denied(_)), "{err}");
        assert!(err.to_string().contains("only supervisors run retention"));
    }
    assert_eq!(fx.audits("denied", "retention"), 2);
    assert_eq!(fx.count("SELECT COUNT(*) FROM case_purges"), 0);
    // With a one-day period nothing closed today is due yet; tomorrow it is.
    let sue = fx.desk("sue");
    assert!(sue.retention_run(false).unwrap().cases.is_empty());
    let due = sue
        .retention_run_at(Utc::now() + Duration::days(2), true)
        .unwrap();
    let closed = fx.count("SELECT COUNT(*) FROM cases WHERE status = 'closed'");
    assert_eq!(due.cases.len() as i64, closed);
}

#[test]
fn package_folders_named_by_the_audit_log_are_listed_then_removed() {
    let fx = Fixture::with_cases_table("[retention]\nclosed_case_days = 1\n");
    let built = build_all(&fx);
    let sue = fx.desk("sue");
    let id = built
        .iter()
        .find(|(s, _)| s.status() == CaseStatus::Closed)
        .map(|(_, c)| c.id)
        .unwrap();
    let package = fx.dir.path().join("packages").join(format!("{id}-1"));
    std::fs::create_dir_all(&package).unwrap();
    std::fs::write(package.join(crate::package::MANIFEST_FILE), "{}").unwrap();
    std::fs::write(package.join("data.json"), "{\"name\": \"Requester\"}").unwrap();
    // A folder without a manifest is not a package: left alone.
    let other = fx.dir.path().join("not-a-package");
    std::fs::create_dir_all(&other).unwrap();
    for dir in [&package, &other] {
        sue.audit(
            crate::domain::AuditKind::Package,
            &id.to_string(),
            serde_json::json!({ "dir": dir.display().to_string() }),
        )
        .unwrap();
    }
    let later = Utc::now() + Duration::days(2);
    let dry = sue.retention_run_at(later, true).unwrap();
    let c = dry.cases.iter().find(|c| c.case_id == id).unwrap();
    assert_eq!(c.packages, vec![package.clone()]);
    assert!(package.is_dir());
    let run = sue.retention_run_at(later, false).unwrap();
    assert_eq!(run.packages_removed, vec![package.clone()]);
    assert!(run.problems.is_empty(), "{:?}", run.problems);
    assert!(!package.exists() && other.is_dir());
    let e = fx
        .desk("sue")
        .store()
        .audit_entries(&crate::store::AuditFilter {
            kind: Some("retention_purge".into()),
            subject: Some(id.to_string()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(e[0].details["packages"][0], package.display().to_string());
}
