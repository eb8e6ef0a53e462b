//! Disclosure package benchmark: the five sample systems on loopback, a
//! disclosure case for Taro Yamada linked in all five (every record fetched)
//! and one for Kenichi Takahashi linked in three (the two others searched to
//! state that they hold nothing). Prints the time to build a whole package
//! (fetch, check searches, files, fsync, audit entry, rename) and to verify
//! it, without and with a demo latency of 20-80 ms per request.
//!
//!     cargo bench --bench package

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

use privdesk::config::{load_str, LoadOptions};
use privdesk::desk::{Desk, PackageOptions};
use privdesk::domain::{
    CaseId, Category, Contact, LinkedRecord, NewCase, RequestKind, VerificationInput,
    VerificationResult,
};
use privdesk::sample::{self, SampleOptions, SAMPLE_CONFIG};
use std::path::Path;
use std::time::{Duration, Instant};

const ROUNDS: usize = 15;

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    format!(
        "min {}  median {}  max {}",
        ms(v[0]),
        ms(v[v.len() / 2]),
        ms(v[v.len() - 1])
    )
}

fn open_case(desk: &Desk, name: &str, email: Option<&str>, links: &[&str]) -> CaseId {
    let mut n = NewCase::new(Category::RightsRequest, "email");
    n.kind = Some(RequestKind::Disclosure);
    n.requester.name = Some(name.into());
    n.requester.contact = Contact {
        email: email.map(String::from),
        ..Contact::default()
    };
    n.links = links
        .iter()
        .map(|l| LinkedRecord::parse(l).expect("link"))
        .collect();
    let case = desk.create_case(&n).expect("case");
    let input = VerificationInput {
        method: "photo ID by post".into(),
        evidence: "passport".into(),
        result: VerificationResult::Verified,
    };
    desk.verify_identity(case.id, case.version, &input)
        .expect("verify");
    case.id
}

async fn run(label: &str, latency_ms: Option<(u64, u64)>, dir: &Path) {
    let systems = sample::start(SampleOptions {
        port_base: None,
        latency_ms,
    })
    .await
    .expect("sample systems");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let opts = LoadOptions::isolated("bench", &[("USER", "bench"), ("HOME", "/nonexistent")]);
    let mut config = load_str(SAMPLE_CONFIG, &repo.join("data/sample-config.toml"), &opts)
        .expect("sample config");
    let work = dir.join(label);
    config.store.path = Some(work.join("store.db"));
    systems.apply_to(&mut config.systems);
    let user = config
        .operators
        .iter()
        .find(|(_, d)| d.role == privdesk::domain::Role::Supervisor)
        .map(|(n, _)| n.clone())
        .expect("a supervisor in the sample config");
    let desk = Desk::open(config, &user).expect("desk");
    let taro = open_case(
        &desk,
        "山田 太郎",
        Some("taro.yamada@example.jp"),
        &[
            "crm:C-1001",
            "billing:B-77",
            "support:9001",
            "loyalty:L-00042",
            "mailing:S-5",
        ],
    );
    let kenichi = open_case(
        &desk,
        "高橋 健一",
        None,
        &["crm:C-1004", "billing:B-79", "support:9003"],
    );
    for (name, id) in [
        ("all five fetched", taro),
        ("3 fetched + 2 searched", kenichi),
    ] {
        let (mut builds, mut verifies) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            let out = work.join(format!("{id}-{round}"));
            let t = Instant::now();
            let r = desk
                .build_package(
                    id,
                    &PackageOptions {
                        out: Some(out.clone()),
                        ..PackageOptions::default()
                    },
                )
                .await
                .expect("build");
            builds.push(t.elapsed());
            assert!(r.complete, "{:?}", r.problems);
            let t = Instant::now();
            let check = desk.verify_package(&out).expect("verify");
            verifies.push(t.elapsed());
            assert!(check.complete());
        }
        println!("{label:<22} {name:<24} build  {}", stats(builds));
        println!("{label:<22} {name:<24} verify {}", stats(verifies));
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    rt.block_on(async {
        run("no latency", None, dir.path()).await;
        run("latency 20-80 ms", Some((20, 80)), dir.path()).await;
    });
}
