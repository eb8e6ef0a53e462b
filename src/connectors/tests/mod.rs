//! Tests of the connector engine against real HTTP servers on loopback.

mod auth;
mod failures;
mod fanout;
mod pagination;
mod redirects;
mod search;

use crate::config::{Secret, SystemDef};
use crate::domain::{QueryKind, SearchQuery};
use axum::Router;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Serve `router` on 127.0.0.1 with a free port; returns `http://127.0.0.1:PORT`.
pub(super) async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

/// A system definition from TOML, with `base_url` set to `base`.
pub(super) fn system(base: &str, toml_src: &str) -> SystemDef {
    let src = format!("base_url = \"{base}\"\n{toml_src}");
    toml::from_str(&src).unwrap_or_else(|e| panic!("test TOML does not parse: {e}\n{src}"))
}

pub(super) fn with_secret(mut def: SystemDef, secret: &str) -> SystemDef {
    def.auth.secret = Some(Secret(secret.to_string()));
    def
}

/// A query as the identity module would hand it over.
pub(super) fn query(kind: QueryKind, raw: &str) -> SearchQuery {
    let phone = (kind == QueryKind::Phone).then(|| raw.to_string());
    SearchQuery {
        kind,
        raw: raw.to_string(),
        normalized: raw.trim().to_lowercase(),
        phone_e164: phone
            .clone()
            .map(|p| format!("+81{}", p.trim_start_matches('0'))),
        phone_national: phone,
    }
}

/// A shared log of what a test server received.
#[derive(Clone, Default)]
pub(super) struct Seen(pub Arc<Mutex<Vec<String>>>);

impl Seen {
    pub fn push(&self, s: impl Into<String>) {
        self.0.lock().expect("test lock").push(s.into());
    }
    pub fn all(&self) -> Vec<String> {
        self.0.lock().expect("test lock").clone()
    }
}

/// A counter shared with a test server.
#[derive(Clone, Default)]
pub(super) struct Count(pub Arc<AtomicUsize>);

impl Count {
    pub fn bump(&self) -> usize {
        self.0.fetch_add(1, Ordering::SeqCst) + 1
    }
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
