//! The write side of the sample systems over real HTTP: Idempotency-Key
//! handling and the test knobs, every action request of
//! data/sample-config.toml against the servers it describes, and the
//! OpenDSR processor.

use super::auth::*;
use super::idempotency::Fault;
use super::*;
use crate::config::SystemDef;
use crate::connectors::{ActionInput, Check, SendOutcome, SystemActions};
use crate::domain::ActionKind;
use reqwest::{Client, StatusCode};
use serde_json::json;
use std::sync::atomic::Ordering;

/// The sample config's systems, pointed at `running`, with secrets read.
fn defs(running: &SampleSystems) -> IndexMap<String, SystemDef> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut cfg = crate::config::load_str(
        SAMPLE_CONFIG,
        &dir.join("sample-config.toml"),
        &crate::config::LoadOptions::isolated("tester", &[("HOME", "/nonexistent")]),
    )
    .unwrap_or_else(|p| panic!("sample config does not load:\n{p}"));
    running.apply_to(&mut cfg.systems);
    cfg.systems
}

fn crm_patch(
    http: &Client,
    base: &str,
    key: Option<&str>,
    body: serde_json::Value,
) -> reqwest::RequestBuilder {
    let mut rb = http
        .patch(format!("{base}/api/v1/customers/C-1001"))
        .bearer_auth(CRM_TOKEN.trim())
        .json(&body);
    if let Some(k) = key {
        rb = rb.header("Idempotency-Key", k);
    }
    rb
}

#[tokio::test]
async fn a_repeated_key_gets_the_first_answer_and_changes_nothing_again() {
    let running = start(SampleOptions::default()).await.unwrap();
    let crm = running.get("crm").unwrap();
    let http = Client::new();
    let first = crm_patch(
        &http,
        &crm.base_url,
        Some("k-1"),
        json!({"phone": "03-1111-2222"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first: serde_json::Value = first.json().await.unwrap();
    // Same key, another body: the first answer comes back, nothing applied.
    let again = crm_patch(
        &http,
        &crm.base_url,
        Some("k-1"),
        json!({"phone": "03-9999-9999"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<serde_json::Value>().await.unwrap(), first);
    let st = crm.state();
    assert_eq!((st.key_requests("k-1"), st.key_applied("k-1")), (2, 1));
    assert_eq!(st.find("id", "C-1001").unwrap()["phone"], "03-1111-2222");
    // A refused write is not remembered: the same key may try again.
    let bad = crm_patch(
        &http,
        &crm.base_url,
        Some("k-2"),
        json!({"address": {"postal_code": "1000001"}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let msg: serde_json::Value = bad.json().await.unwrap();
    assert!(
        msg["error"]["message"]
            .as_str()
            .unwrap()
            .contains("NNN-NNNN"),
        "{msg}"
    );
    let good = crm_patch(
        &http,
        &crm.base_url,
        Some("k-2"),
        json!({"address": {"postal_code": "100-0002"}}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(good.status(), StatusCode::OK);
    assert_eq!(st.key_applied("k-2"), 1);
    assert_eq!(st.writes_applied(), 2);
}

#[tokio::test]
async fn knobs_make_writes_fail_slow_or_break_off() {
    let running = start(SampleOptions::default()).await.unwrap();
    let crm = running.get("crm").unwrap();
    let st = crm.state();
    let http = Client::new();
    st.knobs.push_fault(Fault::Status(500));
    let r = crm_patch(&http, &crm.base_url, Some("f-1"), json!({"phone": "03-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(st.key_applied("f-1"), 0);

    st.knobs.push_fault(Fault::ResetAfterApply);
    let r = crm_patch(
        &http,
        &crm.base_url,
        Some("f-2"),
        json!({"phone": "03-2222-3333"}),
    )
    .send()
    .await;
    let broke = match r {
        Err(_) => true,
        Ok(resp) => resp.bytes().await.is_err(),
    };
    assert!(broke, "the answer should have broken off");
    assert_eq!(st.key_applied("f-2"), 1, "applied before breaking off");

    // While a write with a key is being processed, the key is busy.
    st.knobs.sleep_before_ms.store(400, Ordering::Relaxed);
    let slow = tokio::spawn(
        crm_patch(
            &http,
            &crm.base_url,
            Some("f-3"),
            json!({"phone": "03-4444-5555"}),
        )
        .send(),
    );
    while st.writes_in_flight() == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let busy = crm_patch(
        &http,
        &crm.base_url,
        Some("f-3"),
        json!({"phone": "03-4444-5555"}),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(busy.status(), StatusCode::CONFLICT);
    assert_eq!(slow.await.unwrap().unwrap().status(), StatusCode::OK);
    assert_eq!((st.key_requests("f-3"), st.key_applied("f-3")), (2, 1));
}

/// Every action request of the sample config, rendered for Taro's record
/// and sent to a fresh set of servers: each one succeeds, and each check
/// then confirms it.
#[tokio::test]
async fn every_configured_action_request_works_against_its_server() {
    let records = [
        ("crm", "C-1001"),
        ("billing", "B-77"),
        ("support", "9001"),
        ("loyalty", "L-00042"),
        ("mailing", "S-5"),
    ];
    let changes_for = |system: &str| -> Vec<(String, String)> {
        let c: &[(&str, &str)] = match system {
            "loyalty" => &[("phone", "03-5555-0101"), ("postal_code", "150-0001")],
            _ => &[
                ("email", "hanako.yamada@example.jp"),
                ("phone", "03-5555-0101"),
            ],
        };
        c.iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect()
    };
    let mut tried = 0;
    for kind in ActionKind::ALL {
        let running = start(SampleOptions::default()).await.unwrap();
        let defs = defs(&running);
        for (system, id) in records {
            let sys = SystemActions::new(system, &defs[system], None).unwrap();
            if !sys.supports(kind) {
                continue;
            }
            let changes = changes_for(system);
            let key = uuid::Uuid::new_v4().to_string();
            let input = ActionInput {
                id,
                case: "PD-2026-000001",
                idempotency_key: &key,
                reason: "test",
                changes: &changes,
            };
            let r = sys.render(kind, &input).unwrap();
            let out = sys.send(kind, &r.request, &key).await;
            let SendOutcome::Applied { body, .. } = out else {
                panic!("{system} {kind}: {out:?}");
            };
            if kind == ActionKind::Export {
                let data = sys.export_data(body.as_ref()).unwrap();
                assert!(data.is_object(), "{system}: {data}");
            } else if sys.can_check(kind) {
                let check = sys.check(kind, id, "PD-2026-000001", &changes).await;
                // Without a reader, a correction cannot be read back here.
                assert!(
                    check == Check::Applied || kind == ActionKind::Update,
                    "{system} {kind}: {check:?}"
                );
            }
            // Reads (exports) are not writes: no key is kept for them.
            let applied = running.get(system).unwrap().state().key_applied(&key);
            assert_eq!(applied, u64::from(kind.changes_data()), "{system} {kind}");
            tried += 1;
        }
    }
    // export 5, update 5, delete 4 (not billing), suspend 3, stop 2.
    assert_eq!(tried, 19);
}

#[tokio::test]
async fn the_opendsr_processor_completes_at_the_second_poll() {
    let running = start(SampleOptions::default()).await.unwrap();
    let ana = running.get("analytics").unwrap();
    let http = Client::new();
    let auth = |rb: reqwest::RequestBuilder| rb.bearer_auth(ANALYTICS_TOKEN.trim());
    let d: serde_json::Value = auth(http.get(format!("{}/opengdpr/discovery", ana.base_url)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        d["supported_subject_request_types"],
        json!(["access", "portability", "erasure"])
    );
    let before = ana.state().read().len();
    let id = uuid::Uuid::new_v4().to_string();
    let body = json!({
        "subject_request_id": id, "subject_request_type": "erasure",
        "submitted_time": "2026-04-01T01:30:00Z", "api_version": "0.1",
        "subject_identities": [{"identity_type": "email", "identity_value": "Taro.Yamada@example.jp", "identity_format": "raw"}]
    });
    let r = auth(http.post(format!("{}/opengdpr/opengdpr_requests", ana.base_url)))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let poll = || async {
        auth(http.get(format!("{}/opengdpr/opengdpr_requests/{id}", ana.base_url)))
            .send()
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    assert_eq!(poll().await["request_status"], "in_progress");
    assert_eq!(ana.state().read().len(), before);
    assert_eq!(poll().await["request_status"], "completed");
    assert_eq!(ana.state().read().len(), before - 1);
    // A bad id or an unknown request is refused.
    let bad = auth(http.post(format!("{}/opengdpr/opengdpr_requests", ana.base_url)))
        .json(&json!({"subject_request_id": "not-a-uuid"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let unknown = auth(http.get(format!(
        "{}/opengdpr/opengdpr_requests/{}",
        ana.base_url,
        uuid::Uuid::new_v4()
    )))
    .send()
    .await
    .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    // Without the token: 401.
    let anon = http
        .get(format!("{}/opengdpr/discovery", ana.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);
}
