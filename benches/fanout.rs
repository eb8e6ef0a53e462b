//! Fan-out benchmark: 8 systems on loopback answering after 100-300 ms each.
//! Prints, over several rounds, the whole search's time divided by the slowest
//! system's own time (target <= 1.15) and the time to the first result.
//!
//!     cargo bench --bench fanout

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

use axum::{extract::State, routing::get, Json, Router};
use privdesk::config::SystemDef;
use privdesk::connectors::{fan_out, Connector};
use privdesk::identity::prepare_query;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

async fn serve(delay_ms: u64) -> String {
    let app = Router::new()
        .route(
            "/search",
            get(|State(d): State<u64>| async move {
                tokio::time::sleep(Duration::from_millis(d)).await;
                Json(json!({"data": [{"id": "1", "name": "Yamada Taro", "email": "taro@example.jp"}]}))
            }),
        )
        .with_state(delay_ms);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn system(base_url: &str) -> SystemDef {
    toml::from_str(&format!(
        r#"
        base_url = "{base_url}"
        timeout_secs = 5
        [search]
        kinds = ["name", "email", "phone"]
        path = "/search"
        query = {{ q = "{{query}}" }}
        results = "data"
        [fields]
        id = "id"
        name = "name"
        email = "email"
        "#
    ))
    .expect("bench system definition")
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let delays = [100u64, 130, 160, 190, 220, 250, 280, 300];
        let mut connectors = Vec::new();
        for (i, d) in delays.iter().enumerate() {
            let url = serve(*d).await;
            connectors.push(Arc::new(
                Connector::new(&format!("sys{i}"), &system(&url)).unwrap(),
            ));
        }
        let query = prepare_query("yamada", 200).unwrap();
        // Warm up connections.
        let mut rx = fan_out(&connectors, &query, Duration::from_secs(5));
        while rx.recv().await.is_some() {}

        let rounds = 30;
        let (mut ratios, mut firsts, mut totals) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let start = Instant::now();
            let mut rx = fan_out(&connectors, &query, Duration::from_secs(5));
            let mut first = None;
            let mut slowest = 0u64;
            while let Some(ev) = rx.recv().await {
                first.get_or_insert_with(|| start.elapsed());
                if let privdesk::domain::SystemStatus::Ok { elapsed_ms, .. } = ev.status {
                    slowest = slowest.max(elapsed_ms);
                } else {
                    panic!("{}: {:?}", ev.system, ev.status);
                }
            }
            let total = start.elapsed().as_secs_f64() * 1000.0;
            ratios.push(total / slowest as f64);
            totals.push(total);
            firsts.push(first.unwrap().as_secs_f64() * 1000.0);
        }
        println!("fan-out over 8 systems answering after 100-300 ms, {rounds} rounds");
        println!(
            "  total / slowest system: median {:.3}  p90 {:.3}  (target <= 1.15)",
            percentile(&mut ratios, 0.5),
            percentile(&mut ratios, 0.9)
        );
        println!(
            "  whole search:           median {:.1} ms  p90 {:.1} ms",
            percentile(&mut totals, 0.5),
            percentile(&mut totals, 0.9)
        );
        println!(
            "  first result after:     median {:.1} ms  p90 {:.1} ms",
            percentile(&mut firsts, 0.5),
            percentile(&mut firsts, 0.9)
        );
    });
}
