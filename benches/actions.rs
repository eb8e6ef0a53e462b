//! Actions benchmark: a correction carried out in four sample systems at
//! once (crm, billing, support, mailing), first with every system quick,
//! then with crm taking 300 ms (and then 1 s) to apply each write. Prints,
//! over several rounds, the plan's time (it reads the four records) and the
//! run's end-to-end time, and the run's time minus the slow system's delay:
//! the jobs run side by side, so one slow system should cost its own delay
//! and no more.
//!
//!     cargo bench --bench actions

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

use privdesk::config::{load_str, LoadOptions};
use privdesk::desk::{ActionRequest, Desk};
use privdesk::domain::action::parse_ref;
use privdesk::domain::{
    Category, Contact, LinkedRecord, NewCase, RequestKind, VerificationInput, VerificationResult,
};
use privdesk::sample::{self, SampleOptions, SAMPLE_CONFIG};
use std::sync::atomic::Ordering;
use std::time::Instant;

const ROUNDS: usize = 8;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn max(v: &[f64]) -> f64 {
    v.iter().cloned().fold(0.0, f64::max)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let samples = sample::start(SampleOptions::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut doc: toml_edit::DocumentMut = SAMPLE_CONFIG.parse().unwrap();
        for s in &samples.systems {
            doc["systems"][s.name.as_str()]["base_url"] = toml_edit::value(s.base_url.clone());
        }
        doc["store"]["path"] = toml_edit::value(dir.path().join("bench.db").display().to_string());
        doc["demo"] = toml_edit::value(false);
        doc.remove("operators");
        let text =
            doc.to_string() + "\n[operators.agent]\ndisplay_name = \"Agent\"\nrole = \"agent\"\n";
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/bench.toml");
        let home = dir.path().display().to_string();
        let cfg = load_str(
            &text,
            &path,
            &LoadOptions::isolated("agent", &[("HOME", &home)]),
        )
        .unwrap_or_else(|p| panic!("bench config:\n{p}"));
        let desk = Desk::open(cfg, "agent").unwrap();
        let crm = samples.get("crm").unwrap().state().clone();

        println!("actions: a correction in 4 systems, {ROUNDS} rounds each");
        println!(
            "{:<26} {:>10} {:>10} {:>10} {:>16}",
            "crm write delay", "plan med", "run med", "run max", "run - delay max"
        );
        let mut n = 0u32;
        for delay_ms in [0u64, 300, 1000] {
            crm.knobs.sleep_before_ms.store(delay_ms, Ordering::Relaxed);
            let (mut plans, mut runs) = (Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                n += 1;
                let case = open_case(&desk);
                let email = format!("taro.{n}@example.jp");
                let t0 = Instant::now();
                let planned = desk
                    .plan_action(
                        case,
                        &ActionRequest {
                            changes: vec![("email".into(), email)],
                            systems: vec![
                                "crm".into(),
                                "billing".into(),
                                "support".into(),
                                "mailing".into(),
                            ],
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
                plans.push(t0.elapsed().as_secs_f64() * 1000.0);
                let id = parse_ref('A', "an action", &planned.action.id).unwrap();
                let t1 = Instant::now();
                let report = desk.run_action(id, None).await.unwrap();
                runs.push(t1.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(report.failed + report.unfinished, 0, "{:?}", report.action);
            }
            let over: Vec<f64> = runs.iter().map(|r| r - delay_ms as f64).collect();
            println!(
                "{:<26} {:>8.1}ms {:>8.1}ms {:>8.1}ms {:>14.1}ms",
                format!("{delay_ms} ms"),
                median(&mut plans),
                median(&mut runs.clone()),
                max(&runs),
                max(&over)
            );
        }
    });
}

/// A verified correction request linked to Taro's four records.
fn open_case(desk: &Desk) -> privdesk::domain::CaseId {
    let mut n = NewCase::new(Category::RightsRequest, "email");
    n.kind = Some(RequestKind::Rectification);
    n.requester.name = Some("Taro Yamada".into());
    n.requester.contact = Contact {
        email: Some("taro.yamada@example.jp".into()),
        phone: None,
        postal_address: None,
    };
    n.links = ["crm:C-1001", "billing:B-77", "support:9001", "mailing:S-5"]
        .iter()
        .map(|r| LinkedRecord::parse(r).unwrap())
        .collect();
    let c = desk.create_case(&n).unwrap();
    desk.verify_identity(
        c.id,
        c.version,
        &VerificationInput {
            method: "callback".into(),
            evidence: "registered number".into(),
            result: VerificationResult::Verified,
        },
    )
    .unwrap();
    c.id
}
